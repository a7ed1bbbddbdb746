"""``Usage -> str`` in text, JSON and Markdown: pure functions, same usage, same bytes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from seam.usage._usage import Usage

__all__ = ["USAGE_FORMATS", "render_usage"]

_UNUSED = "— no consumer"


def _rows(usage: Usage) -> Iterator[tuple[str, str, tuple[str, ...], int]]:
    """(endpoint, element, consumers, indent) for every operation and what is under it."""
    for op in usage.operations:
        yield op.endpoint, "", op.consumers, 0
        for p in op.parameters:
            yield op.endpoint, p.name, p.consumers, 1
        for f in op.request_fields:
            yield op.endpoint, f"request {f.name}", f.consumers, 1
        for r in op.responses:
            yield op.endpoint, f"response {r.status}", r.consumers, 1
            for f in r.fields:
                yield op.endpoint, f"response {r.status} {f.name}", f.consumers, 2


def _summary(usage: Usage) -> str:
    counts = usage.counts()
    labels = {
        "operations": "operations",
        "parameters": "parameters",
        "request_fields": "request fields",
        "response_fields": "response fields",
    }
    parts = [f"{c['used']} of {c['total']} {labels[k]}" for k, c in counts.items() if c["total"]]
    who = ", ".join(usage.consumers) or "no consumer"
    line = f"usage: {who} use " + (", ".join(parts) or "nothing")
    if usage.unrouted:
        line += f"; {len(usage.unrouted)} interaction(s) reach no operation"
    return line


def text(usage: Usage) -> str:
    """An indented tree, one line per element with its consumers, then a summary line."""
    rows = [
        ("  " * indent + (element.split(" ", 2)[-1] if indent == 2 else element or endpoint), who)
        for endpoint, element, who, indent in _rows(usage)
    ]
    width = min(max((len(label) for label, _ in rows), default=0), 60)
    lines = [f"{label:<{width}}  {', '.join(who) or _UNUSED}".rstrip() for label, who in rows]
    if usage.unrouted:
        lines += ["", "interactions that reach no operation (see `contracts check`):"]
        lines += [f"  {entry}" for entry in usage.unrouted]
    lines += ["", _summary(usage)]
    return "\n".join(lines) + "\n"


def json_usage(usage: Usage) -> str:
    """``Usage.to_dict()`` as JSON, keys sorted."""
    return json.dumps(usage.to_dict(), indent=2, sort_keys=True) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("<", "&lt;")


def markdown(usage: Usage) -> str:
    """A table: endpoint, element (parameter, request or response field) and consumers."""
    lines = [
        f"### Seam usage{f' of {usage.provider}' if usage.provider else ''}",
        "",
        _summary(usage),
        "",
        "| endpoint | element | used by |",
        "|---|---|---|",
    ]
    for endpoint, element, who, indent in _rows(usage):
        shown = f"`{_cell(endpoint)}`" if indent == 0 else ""
        what = f"`{_cell(element)}`" if element else "operation"
        lines.append(f"| {shown} | {what} | {_cell(', '.join(who)) or '**unused**'} |")
    if usage.unrouted:
        lines += ["", "Interactions that reach no operation:", ""]
        lines += [f"- {_cell(entry)}" for entry in usage.unrouted]
    return "\n".join(lines) + "\n"


USAGE_FORMATS: dict[str, Callable[[Usage], str]] = {
    "text": text,
    "json": json_usage,
    "markdown": markdown,
}


def render_usage(usage: Usage, fmt: str) -> str:
    """Render ``usage`` as ``text``, ``json`` or ``markdown``.

    Raises:
        KeyError: for an unknown format name.
    """
    return USAGE_FORMATS[fmt](usage)
