"""``Usage -> str`` in text, JSON, Markdown and HTML: pure functions, same usage, same bytes."""

from __future__ import annotations

import html
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


# One page, no external assets (no fonts, scripts or stylesheets fetched), so it can be
# attached to a CI run or mailed and still read the same.
_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1f2328; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.use { text-align: center; }
tr.op td { font-weight: 600; background: #f6f8fa; }
tr.unused td.element { color: #9a6700; }
td.level1 { padding-left: 1.5em; } td.level2 { padding-left: 3em; }
code { font-family: ui-monospace, monospace; }
"""


def _h(value: str) -> str:
    return html.escape(value, quote=True)


def html_page(usage: Usage) -> str:
    """One self-contained HTML page: a consumer-by-element table and what no consumer uses.

    Every name that comes from the pacts or the document (consumers, paths, fields) is
    escaped, so a hostile name shows as text and never as markup.
    """
    title = f"Seam usage{f' of {usage.provider}' if usage.provider else ''}"
    consumers = usage.consumers
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="summary">{_h(_summary(usage))}</p>',
        "<h2>Who uses what</h2>",
        '<table class="usage">',
        "<thead><tr><th>element</th>"
        + "".join(f'<th scope="col">{_h(c)}</th>' for c in consumers)
        + "</tr></thead>",
        "<tbody>",
    ]
    unused: list[tuple[str, str]] = []
    for endpoint, element, who, indent in _rows(usage):
        # Under its response, a field shows its own name; the tree says which response.
        label = endpoint if indent == 0 else element.split(" ", 2)[-1] if indent == 2 else element
        classes = ["op"] if indent == 0 else []
        if not who:
            classes.append("unused")
            unused.append((endpoint, element))
        row_class = ' class="' + " ".join(classes) + '"' if classes else ""
        cells = "".join(f'<td class="use">{"✓" if c in who else ""}</td>' for c in consumers)
        out.append(
            f"<tr{row_class}>"
            f'<td class="element level{indent}">'
            f"<code>{_h(label)}</code></td>{cells}</tr>"
        )
    out += ["</tbody>", "</table>", "<h2>What no consumer uses</h2>"]
    if unused:
        out.append('<ul class="unused">')
        out += [
            f"<li><code>{_h(endpoint)}</code>"
            + (f" <code>{_h(element)}</code>" if element else " (the whole operation)")
            + "</li>"
            for endpoint, element in unused
        ]
        out.append("</ul>")
    else:
        out.append("<p>Every operation, parameter and field is used by some consumer.</p>")
    if usage.unrouted:
        out += ["<h2>Interactions that reach no operation</h2>", '<ul class="unrouted">']
        out += [f"<li>{_h(entry)}</li>" for entry in usage.unrouted]
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


USAGE_FORMATS: dict[str, Callable[[Usage], str]] = {
    "text": text,
    "json": json_usage,
    "markdown": markdown,
    "html": html_page,
}


def render_usage(usage: Usage, fmt: str) -> str:
    """Render ``usage`` as ``text``, ``json``, ``markdown`` or ``html``.

    Raises:
        KeyError: for an unknown format name.
    """
    return USAGE_FORMATS[fmt](usage)
