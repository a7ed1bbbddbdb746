"""The page a browser gets at ``/``: the network, integrations, latest pacts, their status."""

from __future__ import annotations

from html import escape

from seam.server._documents import Urls
from seam.server._pages import STYLE, render_network
from seam.server._service._results import IntegrationDetails

__all__ = ["render_index"]


def _status(row: IntegrationDetails) -> tuple[str, str]:
    if row["verified_latest"] is True:
        return "success", "verified"
    if row["verified_latest"] is False:
        return "failed", "failed"
    return "unverified", "not verified yet"


def render_index(rows: list[IntegrationDetails], urls: Urls) -> str:
    """Return a self-contained HTML page listing every integration and its latest pact."""
    lines = []
    for row in rows:
        css, label = _status(row)
        pact_url = urls.pact(row["provider"], row["consumer"], row["consumer_version"])
        last = row.get("latest_verification")
        verified = (
            f"{escape(last['provider_version'])} at {escape(last['created_at'][:19])}"
            if last
            else "—"
        )
        lines.append(
            "<tr>"
            f"<td>{escape(row['consumer'])}</td>"
            f"<td>{escape(row['provider'])}</td>"
            f'<td><a href="{escape(pact_url)}">{escape(row["consumer_version"])}</a></td>'
            f"<td>{escape(row['created_at'][:19])}</td>"
            f'<td class="{css}">{label}</td>'
            f"<td>{verified}</td>"
            "</tr>"
        )
    body = "\n".join(lines) or '<tr><td colspan="6">No pacts published yet.</td></tr>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Seam broker</title>"
        f"<style>{STYLE}</style></head><body>\n"
        "<h1>Seam broker</h1>\n"
        f"<p>{len(rows)} integration(s). The HAL API is at this same address "
        "(<code>Accept: application/hal+json</code>).</p>\n"
        f"{render_network(rows, urls)}\n"
        "<table><thead><tr><th>Consumer</th><th>Provider</th><th>Latest pact (consumer version)"
        "</th><th>Published</th><th>Status of latest pact</th><th>Last verified by</th></tr>"
        f"</thead><tbody>\n{body}\n</tbody></table>\n</body></html>\n"
    )
