"""Request-shape checks shared by the broker's routes and service: names, JSON, bodies.

Each refusal raises :class:`seam.server._errors.Invalid` with a message saying what was wrong;
the route layer turns it into the Pact Broker's 400 answer.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from seam._files import check_bounds
from seam.errors import InputError
from seam.server._errors import Invalid

__all__ = ["check_name", "json_object", "parse_json"]

_MAX_NAME = 255


# Kinds of name that may hold '/': git branches (feat/login) and tags named after them.
_MAY_HOLD_SLASH = frozenset({"branch", "tag", "environment tag"})


def check_name(kind: str, value: object) -> str:
    """Return ``value`` when it is a usable name, else raise :class:`Invalid`.

    Names become URL path segments and file-like keys: ``/`` and ``..`` are refused so no
    name can escape its segment. Branches and tags (``_MAY_HOLD_SLASH``) may hold ``/``, as git
    branches do (``feat/login``, which CI passes as ``--branch``): their links quote it as
    ``%2F`` and the router matches before decoding, so it stays inside its segment; ``..``
    is refused there too (git refuses it in a branch name as well). Characters a reader
    cannot see are refused too (issue 16): control characters would confuse a log line,
    bidi overrides make one name display as another, zero-width characters make two names
    that look the same, and U+FFFD is what text that was not UTF-8 became somewhere
    upstream. The message says which and where.
    """
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{kind} must be a non-empty string", errors={kind: ["cannot be blank"]})
    if len(value) > _MAX_NAME:
        raise Invalid(f"{kind} is longer than {_MAX_NAME} characters", errors={kind: ["too long"]})
    if ".." in value or ("/" in value and kind not in _MAY_HOLD_SLASH):
        message = f"{kind} {value!r} contains '/' or '..'; choose another"
        raise Invalid(message, errors={kind: [message]})
    for position, char in enumerate(value, start=1):
        what = _invisible(char)
        if what:
            code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
            message = (
                f"{kind} {value!r} has {code} ({what}) at position {position}; "
                "names must be visible text, choose another"
            )
            raise Invalid(message, errors={kind: [message]})
    return value


# Bidi embeddings, overrides and isolates (Unicode TR9), and the implicit marks.
_BIDI = (
    frozenset("\u061c\u200e\u200f")
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2066, 0x206A)}
)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _invisible(char: str) -> str | None:
    """Say what kind of unseen character ``char`` is, or None for ordinary text."""
    if char in _BIDI:
        return "a bidirectional-text control"
    if char in _ZERO_WIDTH:
        return "a zero-width character"
    if char == "\ufffd":
        return "left where text was not valid UTF-8"
    category = unicodedata.category(char)
    if category == "Cc":
        return "a control character"
    if category == "Cs":
        return "a lone surrogate (not a character)"
    if category == "Cf":
        return "an invisible formatting character"
    if category in ("Zl", "Zp"):
        return "a line or paragraph separator"
    return None


# A \uD800-\uDFFF escape in JSON text; only then can a parsed document hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89abcdefABCDEF]")


#: Deeper JSON is refused, as Python 3.11's parser refuses it (RecursionError).
_MAX_JSON_DEPTH = 900


def parse_json(text: bytes | str, field: str, what: str) -> Any:
    """Parse JSON from a request, or raise :class:`Invalid` naming ``field``.

    Refused: text that is not JSON or not UTF-8, nesting too deep for the parser, and
    unpaired surrogate escapes (``"\\ud800"``): JSON's grammar allows them, but they are
    no character, so SQLite and the pact hash could not encode them (a 500 before).
    """
    try:
        doc = json.loads(text)
        # Python 3.13's parser nests far deeper than 3.11's (which stops near depth 1000
        # with a RecursionError): one bound on every version. Counting brackets first
        # spares the walk for every ordinary document.
        if isinstance(text, str):
            opened = text.count("[") + text.count("{")
        else:
            opened = text.count(b"[") + text.count(b"{")
        if opened > _MAX_JSON_DEPTH:
            check_bounds(doc, max_depth=_MAX_JSON_DEPTH)
    except (ValueError, UnicodeDecodeError, RecursionError, InputError):
        message = f"{what} is not valid JSON"
        raise Invalid(message, errors={field: ["is not valid JSON"]}) from None
    if isinstance(text, bytes):
        # json.loads also reads UTF-16/32 bodies; search those as text, UTF-8 as bytes.
        encoding = json.detect_encoding(text)
        text = text if encoding == "utf-8" else text.decode(encoding)
    found = (
        _SURROGATE_ESCAPE.search(text)
        if isinstance(text, str)
        else _SURROGATE_ESCAPE_BYTES.search(text)
    )
    if found:
        try:
            json.dumps(doc, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            message = f"{what} has an unpaired surrogate escape (\\ud800-\\udfff)"
            raise Invalid(message, errors={field: [message]}) from None
    return doc


def json_object(body: Any) -> dict[str, Any]:
    """Return a request body when it is a JSON object, else raise :class:`Invalid`."""
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object", errors={"body": ["not a JSON object"]})
    return body
