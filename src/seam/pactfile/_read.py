"""One view of every Pact specification version (V1–V4)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from seam._files import load_json, read_bounded
from seam.errors import PactError

__all__ = [
    "Body",
    "Interaction",
    "Pact",
    "ProviderState",
    "Request",
    "Response",
    "load_pacts",
    "parse_pact",
    "read_pact",
]

# Matching-rule categories of V3+; V2 names them by the second segment of the path.
_V2_CATEGORY = {
    "body": "body",
    "headers": "header",
    "header": "header",
    "query": "query",
    "path": "path",
    "status": "status",
    "metadata": "metadata",
}


_KNOWN_TYPES = frozenset({"Synchronous/HTTP", "Asynchronous/Messages", "Synchronous/Messages"})
# "1.0.0", "2.0.0", "3.0.0", "4.0", "V4": a major of 1 to 4, however it is written.
_KNOWN_MAJOR = re.compile(r"\s*[vV]?0*[1-4](?![0-9])")


@dataclass(frozen=True, slots=True)
class ProviderState:
    """A provider state: a name and its parameters (V3+; empty for V1/V2)."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Body:
    """A request, response or message body.

    ``value`` is the decoded JSON value when the body is JSON, else the text as
    written (base64 for binary V4 bodies, with ``encoded`` saying so).
    """

    value: Any
    content_type: str | None = None
    encoded: str | None = None


class _Headed:
    """Header look-ups shared by requests and responses."""

    __slots__ = ()
    headers: Mapping[str, list[str]]
    body: Body | None

    def header(self, name: str) -> list[str] | None:
        """Values of header ``name`` (case-insensitive), or ``None``."""
        return _header(self.headers, name)

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, else the body's own content type (V4)."""
        return _content_type(self.headers, self.body)


@dataclass(frozen=True, slots=True)
class Request(_Headed):
    """What the consumer sends."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    body: Body | None = None
    matching_rules: Mapping[str, Any] = field(default_factory=dict)
    generators: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Response(_Headed):
    """What the consumer expects back."""

    status: int
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    body: Body | None = None
    matching_rules: Mapping[str, Any] = field(default_factory=dict)
    generators: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Interaction:
    """One interaction of a pact.

    ``kind`` is ``http``, ``message`` (asynchronous), ``sync-message``, or ``other``
    for a V4 interaction type Seam does not know (kept, never judged). HTTP
    interactions have ``request`` and ``response``; messages have ``message``
    (their contents, with the same matching-rule shape) and ``metadata``.
    """

    description: str
    provider_states: tuple[ProviderState, ...]
    kind: str
    index: int
    request: Request | None = None
    response: Response | None = None
    message: Body | None = None
    message_matching_rules: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    pending: bool = False
    key: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.provider_states)

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        """Description and provider state names: how Pact tells interactions apart."""
        return (self.description, self.state_names)


@dataclass(frozen=True, slots=True)
class Pact:
    """A whole pact file."""

    consumer: str
    provider: str
    specification: str  # "1.0.0", "2.0.0", "3.0.0", "4.0", ... as written; "2.0.0" if absent
    interactions: tuple[Interaction, ...]
    metadata: Mapping[str, Any]
    raw: Mapping[str, Any]
    source: str | None = None


def read_pact(path: str | Path) -> Pact:
    """Read and normalise one pact file.

    Raises:
        PactError: the file is not JSON, or not a Pact V1–V4 document.
        InputError: the file is missing, unreadable or too large.
    """
    p = Path(path)
    data = read_bounded(p, what="pact file")
    try:
        doc = load_json(data, what="pact file", location=str(p), error=PactError)
    except json.JSONDecodeError as exc:
        raise PactError(f"not valid JSON ({exc}); expected a Pact file", location=str(p)) from None
    return parse_pact(doc, source=str(p))


def load_pacts(paths: Iterable[str | Path], provider: str | None = None) -> list[Pact]:
    """Read pact files and every ``*.json`` in the given folders, optionally one provider's.

    Files come back sorted by path so that every run sees them in the same order.
    """
    files: list[Path] = []
    for entry in paths:
        p = Path(entry)
        if p.is_dir():
            files.extend(sorted(p.glob("*.json")))
        else:
            files.append(p)
    pacts = [read_pact(f) for f in sorted(set(files))]
    if provider is not None:
        pacts = [pact for pact in pacts if pact.provider == provider]
    return pacts


def parse_pact(doc: Any, *, source: str | None = None) -> Pact:
    """Normalise an already-parsed pact document.

    Raises:
        PactError: ``doc`` is not a Pact V1–V4 document.
    """
    where = source or "pact"
    if not isinstance(doc, dict):
        raise PactError(f"expected a JSON object, found {type(doc).__name__}", location=where)
    consumer = _name(doc, "consumer", where)
    provider = _name(doc, "provider", where)
    metadata = _obj(doc, "metadata")
    spec = _specification(metadata, where)
    # A pact with neither list is an empty pact, not a broken one (PactFlow reads it so too).
    items: list[tuple[Any, bool]] = []
    for key, is_message in (("interactions", False), ("messages", True)):
        value = doc.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise PactError(f"'{key}' must be a list, found {type(value).__name__}", location=where)
        items.extend((item, is_message) for item in value)
    interactions = tuple(
        _interaction(item, i, is_message, spec, where) for i, (item, is_message) in enumerate(items)
    )
    return Pact(consumer, provider, spec, interactions, metadata, doc, source)


def _obj(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    return value if isinstance(value, dict) else {}


def _name(doc: dict[str, Any], role: str, where: str) -> str:
    party = doc.get(role)
    name = party.get("name") if isinstance(party, dict) else None
    if not isinstance(name, str) or not name:
        raise PactError(f"missing {role} name ({role}.name); expected a Pact file", location=where)
    return name


def _specification(metadata: Mapping[str, Any], where: str) -> str:
    """The specification version as written ("2.0.0" if absent); a major beyond V1–V4 is refused.

    A pact from a later specification may mean anything by its matchers and interaction
    shapes, so reading it as V4 would judge it wrongly without a word.
    """
    version = "2.0.0"
    for key in ("pactSpecification", "pact-specification"):
        value = metadata.get(key)
        if isinstance(value, dict) and value.get("version"):
            version = str(value["version"])
            break
    else:
        if metadata.get("pactSpecificationVersion"):
            version = str(metadata["pactSpecificationVersion"])
    if not _KNOWN_MAJOR.match(version):
        shown = version if len(version) <= 40 else version[:40] + "…"
        raise PactError(
            f"pactSpecification {shown} is not a Pact version Seam reads (1–4); "
            "write the pact with a Pact V1–V4 library",
            location=where,
        )
    return version


def _interaction(item: Any, index: int, is_message: bool, spec: str, where: str) -> Interaction:
    at = f"{where}: interaction {index}"
    if not isinstance(item, dict):
        raise PactError(f"expected an object, found {type(item).__name__}", location=at)
    kind_text = str(item.get("type", ""))
    description = item.get("description")
    if kind_text and kind_text not in _KNOWN_TYPES:
        # Interaction types from a later specification (or plugins) are kept but not judged.
        return Interaction(str(description or ""), (), "other", index, raw=item)
    if not isinstance(description, str):
        raise PactError("missing 'description'", location=at)
    at = f"{where}: interaction {index} ({description!r})"
    states = _states(item, at)
    common: dict[str, Any] = {
        "description": description,
        "provider_states": states,
        "index": index,
        "pending": bool(item.get("pending", False)),
        "key": item.get("key") if isinstance(item.get("key"), str) else None,
        "raw": item,
    }
    if is_message or kind_text == "Asynchronous/Messages":
        contents = item.get("contents")
        metadata = _obj(item, "metadata")
        return Interaction(
            kind="message",
            message=_body(
                contents, metadata.get("contentType") or metadata.get("content-type"), at
            ),
            message_matching_rules=_rules(item.get("matchingRules"), at),
            metadata=metadata,
            **common,
        )
    if kind_text == "Synchronous/Messages":
        request = _obj(item, "request")
        return Interaction(
            kind="sync-message",
            message=_body(request.get("contents"), None, at),
            message_matching_rules=_rules(request.get("matchingRules"), at),
            metadata=_obj(request, "metadata"),
            **common,
        )
    return Interaction(
        kind="http",
        request=_request(item.get("request"), at),
        response=_response(item, at),
        **common,
    )


def _states(item: dict[str, Any], at: str) -> tuple[ProviderState, ...]:
    states = item.get("providerStates")
    if states is None:
        legacy = item.get("providerState") or item.get("provider_state")
        return (ProviderState(str(legacy)),) if legacy else ()
    if not isinstance(states, list):
        raise PactError("'providerStates' must be a list", location=at)
    out = []
    for state in states:
        if not isinstance(state, dict) or not isinstance(state.get("name"), str):
            raise PactError("each provider state needs a 'name'", location=at)
        params = state.get("params")
        out.append(ProviderState(state["name"], params if isinstance(params, dict) else {}))
    return tuple(out)


def _request(request: Any, at: str) -> Request:
    if not isinstance(request, dict):
        raise PactError("missing 'request'", location=at)
    method = request.get("method")
    path = request.get("path", "/")
    if not isinstance(method, str) or not method:
        raise PactError("the request has no 'method'", location=at)
    if not isinstance(path, str):
        raise PactError("the request 'path' must be a string", location=at)
    headers = _headers(request.get("headers"), at)
    rules = _rules(request.get("matchingRules"), at)
    return Request(
        method=method.upper(),
        path=path,
        query=_query(request.get("query"), at),
        headers=headers,
        body=_body_of(request, headers, at),
        matching_rules=rules,
        generators=_obj(request, "generators"),
    )


def _response(item: dict[str, Any], at: str) -> Response:
    response = item.get("response")
    if not isinstance(response, dict):
        raise PactError("missing 'response'", location=at)
    status = response.get("status", 200)
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool):
        raise PactError(f"response status must be an integer, found {status!r}", location=at)
    headers = _headers(response.get("headers"), at)
    return Response(
        status=status,
        headers=headers,
        body=_body_of(response, headers, at),
        matching_rules=_rules(response.get("matchingRules"), at),
        generators=_obj(response, "generators"),
    )


def _headers(value: Any, at: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PactError("'headers' must be an object", location=at)
    out: dict[str, list[str]] = {}
    for name, v in value.items():
        out[str(name)] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
    return out


def _query(value: Any, at: str) -> dict[str, list[str]]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):  # V1/V2: a query string
        return {k: v for k, v in parse_qs(value.lstrip("?"), keep_blank_values=True).items()}
    if not isinstance(value, dict):
        raise PactError("'query' must be a string or an object", location=at)
    return {
        str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in value.items()
    }


def _header(headers: Mapping[str, list[str]], name: str) -> list[str] | None:
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted:
            return values
    return None


def _content_type(headers: Mapping[str, list[str]], body: Body | None) -> str | None:
    values = _header(headers, "content-type")
    if values:
        return values[0]
    return body.content_type if body is not None else None


def _body_of(part: dict[str, Any], headers: Mapping[str, list[str]], at: str) -> Body | None:
    if "body" not in part:
        return None
    declared = _header(headers, "content-type")
    return _body(part["body"], declared[0] if declared else None, at)


def _body(value: Any, content_type: str | None, at: str) -> Body | None:
    if value is None:
        return None
    # V4 wraps bodies: {"content": ..., "contentType": ..., "encoded": false | "base64" | "json"}.
    if (
        isinstance(value, dict)
        and "content" in value
        and ("contentType" in value or "encoded" in value)
    ):
        ctype = value.get("contentType") or content_type
        encoded = value.get("encoded")
        content = value.get("content")
        if encoded == "json" and isinstance(content, str):
            with contextlib.suppress(json.JSONDecodeError):
                content = load_json(content, what="the body", location=at, error=PactError)
            encoded = None
        if isinstance(content, str) and not encoded and ctype and _is_json(ctype):
            with contextlib.suppress(json.JSONDecodeError):
                content = load_json(content, what="the body", location=at, error=PactError)
        return Body(content, ctype, str(encoded) if encoded else None)
    return Body(value, content_type)


def media_essence(content_type: str) -> str:
    """``application/json; charset=utf-8`` → ``application/json`` (RFC 9110 8.3.1)."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    """True for ``application/json``, ``*/*+json`` and ``*/*`` (a JSON body is assumed).

    For a media type an OpenAPI document names; a pact's own Content-Type is JSON only
    when it says so (:func:`_is_json`).
    """
    kind = media_essence(media_type)
    return kind in ("application/json", "*/*", "") or kind.endswith("+json")


def _is_json(content_type: str) -> bool:
    media = media_essence(content_type)
    return media == "application/json" or media.endswith("+json")


def _rules(value: Any, at: str) -> dict[str, Any]:
    """Matching rules in V3+ form: ``{category: {path: {"matchers": [...], "combine": ...}}}``.

    V2 rules (``{"$.body.id": {"match": "type"}}``) are converted; the ``path``
    category keeps its V3 shape (``{"matchers": [...]}`` with no sub-paths).
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PactError("'matchingRules' must be an object", location=at)
    if not any(isinstance(k, str) and k.startswith("$") for k in value):
        return value
    out: dict[str, Any] = {}
    for key, rule in value.items():
        if not isinstance(key, str) or not key.startswith("$.") or not isinstance(rule, dict):
            continue
        head, _, rest = key[2:].partition(".")
        bracket = head.find("[")
        if bracket > 0:  # "$.body[0].x" → head "body", rest "[0].x"
            head, rest = head[:bracket], head[bracket:] + ("." + rest if rest else "")
        category = _V2_CATEGORY.get(head)
        if category is None:
            continue
        entry = {"matchers": [rule], "combine": "AND"}
        if category == "path":
            out["path"] = entry
        elif category == "body":
            sub = "$" + ("" if not rest else rest if rest.startswith("[") else "." + rest)
            out.setdefault("body", {})[sub] = entry
        else:
            out.setdefault(category, {})[rest] = entry
    return out
