"""The small JSON-path dialect Pact uses for matching rules and generators."""

from __future__ import annotations

import re

__all__ = ["parse_json_path"]

_TOKEN = re.compile(
    r"""
    \.(?P<name>[^.\[\]]+)              # .field
  | \[\s*'(?P<quoted>(?:[^'\\]|\\.)*)'\s*\]   # ['field']
  | \[\s*"(?P<dquoted>(?:[^"\\]|\\.)*)"\s*\] # ["field"]
  | \[\s*(?P<index>\d+)\s*\]          # [0]
  | \[\s*(?P<star>\*)\s*\]            # [*]
    """,
    re.VERBOSE,
)


def parse_json_path(path: str) -> list[str | int]:
    """Split a Pact JSON path into segments.

    ``$.items[*].id`` → ``["items", "*", "id"]``; ``$['a.b'][0]`` → ``["a.b", 0]``.
    ``.*`` and ``[*]`` both give ``"*"``. A path without the leading ``$`` is read
    as if it had one (V2 header and query rules are bare names).

    Raises:
        ValueError: the path cannot be parsed.
    """
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    elif text and not text.startswith((".", "[")):
        text = "." + text
    segments: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot parse JSON path {path!r} at {text[pos:]!r}")
        if m.group("name") is not None:
            segments.append(m.group("name"))
        elif m.group("quoted") is not None:
            segments.append(m.group("quoted").replace("\\'", "'"))
        elif m.group("dquoted") is not None:
            segments.append(m.group("dquoted").replace('\\"', '"'))
        elif m.group("index") is not None:
            segments.append(int(m.group("index")))
        else:
            segments.append("*")
        pos = m.end()
    return segments
