"""HTML for a browser: the integrations as a network, and a pact as readable documentation.

Everything is drawn here, server-side: the network is inline SVG, the styles are inline,
nothing is fetched from anywhere else (no CDN, no script). Every name and every piece of
pact content is escaped, since any of it may come from anyone who can publish.
"""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

from seam.server._documents import Urls
from seam.server._queries.rows import PublicationRow
from seam.server._service._results import IntegrationDetails

__all__ = ["STYLE", "render_network", "render_pact"]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .8rem; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; }
.success { color: #137333; font-weight: 600; }
.failed { color: #c5221f; font-weight: 600; }
.unverified { color: #8a6d00; }
svg.network .edge.success { stroke: #137333; }
svg.network .edge.failed { stroke: #c5221f; }
svg.network .edge.unverified { stroke: #b08800; stroke-dasharray: 6 4; }
svg.network .node circle { fill: #e8f0fe; stroke: #1a73e8; }
svg.network text { font-size: 12px; fill: #222; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; }
section.interaction { border: 1px solid #ddd; border-radius: 6px; padding: .2rem 1rem;
  margin: 1rem 0; }
"""


def _state(row: IntegrationDetails) -> str:
    if row["verified_latest"] is True:
        return "success"
    if row["verified_latest"] is False:
        return "failed"
    return "unverified"


def render_network(rows: list[IntegrationDetails], urls: Urls) -> str:
    """Return the integrations as an inline SVG: a node per pacticipant, an arrow per pact.

    Nodes sit on a circle (a layout that needs no iteration and never overlaps); each arrow
    runs from consumer to provider, coloured by the status of the latest pact.
    """
    names = sorted({r["consumer"] for r in rows} | {r["provider"] for r in rows}, key=str.lower)
    if not names:
        return ""
    radius = max(120, 28 * len(names))
    size = 2 * radius + 240
    centre = size / 2
    where = {
        name: (
            centre + radius * math.cos(2 * math.pi * i / len(names) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * i / len(names) - math.pi / 2),
        )
        for i, name in enumerate(names)
    }
    parts = [
        f'<svg class="network" xmlns="http://www.w3.org/2000/svg" width="{size:.0f}" '
        f'height="{size:.0f}" viewBox="0 0 {size:.0f} {size:.0f}" role="img" '
        f'aria-label="{len(names)} pacticipants, {len(rows)} integrations">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#555"/></marker></defs>',
    ]
    node_radius = 18
    for row in rows:
        (x1, y1), (x2, y2) = where[row["consumer"]], where[row["provider"]]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # Stop the line at the circles' edges so the arrowhead shows.
        dx, dy = (x2 - x1) / length * node_radius, (y2 - y1) / length * node_radius
        state = _state(row)
        title = f"{row['consumer']} → {row['provider']}: {state}"
        parts.append(
            f'<line class="edge {state}" x1="{x1 + dx:.1f}" y1="{y1 + dy:.1f}" '
            f'x2="{x2 - dx:.1f}" y2="{y2 - dy:.1f}" stroke-width="2" marker-end="url(#arrow)" '
            f'data-consumer="{escape(row["consumer"])}" data-provider="{escape(row["provider"])}">'
            f"<title>{escape(title)}</title></line>"
        )
    for name in names:
        x, y = where[name]
        anchor = "start" if x > centre + 1 else "end" if x < centre - 1 else "middle"
        offset = (
            node_radius + 6 if anchor == "start" else -node_radius - 6 if anchor == "end" else 0
        )
        label_y = y + (node_radius + 16 if anchor == "middle" and y > centre else 4)
        if anchor == "middle" and y <= centre:
            label_y = y - node_radius - 8
        parts.append(
            f'<a href="{escape(urls.pacticipant(name))}"><g class="node" '
            f'data-name="{escape(name)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{node_radius}"/>'
            f'<text x="{x + offset:.1f}" y="{label_y:.1f}" text-anchor="{anchor}">'
            f"{escape(name)}</text></g></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _json_block(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    return f"<pre>{escape(text)}</pre>"


def _rows(pairs: list[tuple[str, Any]]) -> str:
    cells = []
    for key, value in pairs:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        cells.append(f"<tr><th>{escape(key)}</th><td><code>{escape(shown)}</code></td></tr>")
    return "<table>" + "".join(cells) + "</table>" if cells else ""


def _states(interaction: dict[str, Any]) -> list[tuple[str, Any]]:
    if isinstance(interaction.get("providerStates"), list):
        return [
            (str(s.get("name", "")), s.get("params") or "")
            for s in interaction["providerStates"]
            if isinstance(s, dict)
        ]
    for key in ("providerState", "provider_state"):
        if isinstance(interaction.get(key), str):
            return [(interaction[key], "")]
    return []


def _matchers(rules: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten Pact V2 (``$.body.id``) and V3/V4 (``body: {$.id: {matchers}}``) rules."""
    if not isinstance(rules, dict):
        return []
    found: list[tuple[str, Any]] = []
    for key, value in rules.items():
        if isinstance(value, dict) and "matchers" in value:
            found.append((f"{prefix}{key}", value["matchers"]))
        elif isinstance(value, dict) and ("match" in value or "regex" in value):
            found.append((f"{prefix}{key}", value))
        elif isinstance(value, dict):
            found += _matchers(value, f"{prefix}{key} ")
    return found


def _part(title: str, part: dict[str, Any], first: list[tuple[str, Any]]) -> str:
    fields = list(first)
    if part.get("query"):
        fields.append(("query", part["query"]))
    if part.get("headers"):
        fields.append(("headers", part["headers"]))
    if part.get("metadata"):
        fields.append(("metadata", part["metadata"]))
    html = f"<h4>{escape(title)}</h4>{_rows(fields)}"
    body = part.get("body", part.get("contents"))
    if isinstance(body, dict) and "content" in body and "contentType" in body:
        body = body["content"]  # V4 bodies carry their content type beside the content
    if body is not None:
        html += _json_block(body)
    rules = _matchers(part.get("matchingRules"))
    if rules:
        html += '<h5>Matchers</h5><table class="matchers">' + "".join(
            f"<tr><th><code>{escape(path)}</code></th><td><code>"
            f"{escape(json.dumps(rule, ensure_ascii=False))}</code></td></tr>"
            for path, rule in rules
        )
        html += "</table>"
    return html


def _interaction(index: int, interaction: dict[str, Any]) -> str:
    description = str(interaction.get("description", f"interaction {index}"))
    html = [f'<section class="interaction" id="i{index}"><h3>{escape(description)}</h3>']
    states = _states(interaction)
    if states:
        html.append('<h4>Given</h4><ul class="states">')
        for name, params in states:
            shown = f" {json.dumps(params, ensure_ascii=False)}" if params else ""
            html.append(f"<li>{escape(name)}<code>{escape(shown)}</code></li>")
        html.append("</ul>")
    request, response = interaction.get("request"), interaction.get("response")
    if isinstance(request, dict):
        line = f"{request.get('method', '')} {request.get('path', '')}"
        html.append(_part("Request", request, [("request", line)]))
    if isinstance(response, dict):
        html.append(_part("Response", response, [("status", str(response.get("status", "")))]))
    elif isinstance(response, list):  # V4 synchronous messages answer a list
        for each in response:
            if isinstance(each, dict):
                html.append(_part("Response", each, []))
    if request is None and response is None:
        html.append(_part("Message", interaction, []))
    html.append("</section>")
    return "".join(html)


def render_pact(row: PublicationRow, urls: Urls) -> str:
    """Return a pact as a documentation page: each interaction's state, request, response."""
    doc = json.loads(row["content"])
    consumer, provider, number = row["consumer"], row["provider"], row["consumer_version"]
    interactions = doc.get("interactions") or doc.get("messages") or []
    title = f"Pact between {consumer} and {provider}"
    spec = (doc.get("metadata") or {}).get("pactSpecification", {}).get("version", "")
    badge = urls("pacts", "provider", provider, "consumer", consumer, "latest", "badge")
    toc = "".join(
        f'<li><a href="#i{i}">{escape(str(x.get("description", i)))}</a></li>'
        for i, x in enumerate(interactions)
        if isinstance(x, dict)
    )
    body = "".join(_interaction(i, x) for i, x in enumerate(interactions) if isinstance(x, dict))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        f'<p><a href="{escape(urls.base + "/")}">Seam broker</a></p>\n'
        f"<h1>{escape(title)}</h1>\n"
        f'<p>Consumer version <strong class="consumer-version">{escape(number)}</strong>, '
        f"published {escape(str(row['created_at'])[:19])}"
        f"{', Pact specification ' + escape(str(spec)) if spec else ''}. "
        f'<img alt="pact status" src="{escape(badge)}"></p>\n'
        f"<p>{len(interactions)} interaction(s). The JSON is at this same address "
        "(<code>Accept: application/hal+json</code>).</p>\n"
        f'<ol class="toc">{toc}</ol>\n{body}\n</body></html>\n'
    )
