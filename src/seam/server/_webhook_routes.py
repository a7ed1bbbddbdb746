"""HTTP resources of webhook deliveries: the Pact Broker's triggered webhooks and executions.

``GET /webhooks/{uuid}/triggered-webhooks`` and ``GET /triggered-webhooks`` list deliveries
(a browser gets the HTML log page), ``GET /triggered-webhooks/{uuid}`` is one delivery with
its executions (attempts), ``…/logs`` its log as text in a document, and
``POST /webhooks/{uuid}/execute`` sends a webhook once now (the Pact Broker's test button)
without storing anything.
"""

from __future__ import annotations

from html import escape
from typing import Any

from seam.errors import redact
from seam.server._documents import Urls
from seam.server._routes import Call, Reply, Route
from seam.server._webhook_delivery import (
    DeliverySettings,
    get_delivery,
    list_deliveries,
    send_request,
)
from seam.server._webhook_events import BASE_URL, render_request, sample_params

__all__ = ["WEBHOOK_ROUTES", "render_deliveries"]

Doc = dict[str, Any]

_SECRET_WORDS = ("authorization", "token", "secret", "password", "key")
_HIDDEN = "**********"


def _redacted(request: Doc) -> Doc:
    """The request as shown in the log: credentials in headers or the URL are hidden."""
    headers = {
        name: _HIDDEN if any(w in name.lower() for w in _SECRET_WORDS) else value
        for name, value in (request.get("headers") or {}).items()
    }
    return {**request, "url": redact(str(request.get("url", ""))), "headers": headers}


def delivery_doc(urls: Urls, row: Doc) -> Doc:
    """One delivery as a HAL document (with ``executions`` when the row has them)."""
    doc: Doc = {
        "uuid": row["uuid"],
        "status": row["status"],
        "eventName": row["event_name"],
        "consumerName": row["consumer"],
        "providerName": row["provider"],
        "attemptsMade": row["attempts"],
        "responseStatus": row["response_status"],
        "error": row["error"],
        "request": _redacted(row["request"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "nextAttemptAt": row["next_attempt_at"]
        if row["status"] in ("pending", "retrying")
        else None,
        "_links": {
            "self": {"href": urls("triggered-webhooks", row["uuid"]), "title": "Triggered webhook"},
            "pb:logs": {
                "href": urls("triggered-webhooks", row["uuid"], "logs"),
                "title": "Webhook execution logs",
            },
            "pb:webhook": {"href": urls("webhooks", row["webhook_uuid"]), "title": "Webhook"},
        },
    }
    if "executions" in row:
        doc["executions"] = [
            {
                "number": e["number"],
                "instance": e["instance"],
                "startedAt": e["started_at"],
                "durationMs": e["duration_ms"],
                "responseStatus": e["response_status"],
                "responseBody": e["response_body"],
                "error": e["error"],
                "success": e["response_status"] is not None and 200 <= e["response_status"] < 300,
            }
            for e in row["executions"]
        ]
    return doc


def _list_doc(urls: Urls, self_href: str, rows: list[Doc]) -> Doc:
    return {
        "_embedded": {"triggeredWebhooks": [delivery_doc(urls, row) for row in rows]},
        "_links": {
            "self": {"href": self_href, "title": "Triggered webhooks"},
            "pb:triggered-webhooks": [
                {"href": urls("triggered-webhooks", r["uuid"]), "title": r["event_name"]}
                for r in rows
            ],
        },
    }


def render_deliveries(rows: list[Doc], urls: Urls) -> str:
    """Return an HTML section (a ``<section>`` element) listing webhook deliveries.

    The broker's pages can include it as is; ``GET /triggered-webhooks`` in a browser wraps
    it in a page.
    """
    lines = []
    for row in rows:
        href = urls("triggered-webhooks", row["uuid"])
        answer = row["response_status"] if row["response_status"] is not None else "—"
        lines.append(
            "<tr>"
            f'<td><a href="{escape(href)}">{escape(row["created_at"][:19])}</a></td>'
            f"<td>{escape(row['event_name'])}</td>"
            f"<td>{escape(row['consumer'] or '')} → {escape(row['provider'] or '')}</td>"
            f'<td class="webhook-{escape(row["status"])}">{escape(row["status"])}</td>'
            f"<td>{row['attempts']}</td><td>{answer}</td>"
            f"<td>{escape(row['error'] or '')}</td>"
            "</tr>"
        )
    body = "\n".join(lines) or '<tr><td colspan="7">No webhook has been triggered yet.</td></tr>'
    return (
        '<section id="webhook-deliveries"><h2>Webhook deliveries</h2>\n'
        "<table><thead><tr><th>Triggered</th><th>Event</th><th>Integration</th>"
        "<th>Status</th><th>Attempts</th><th>Response</th><th>Error</th></tr></thead>"
        f"<tbody>\n{body}\n</tbody></table></section>\n"
    )


def _page(section: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Webhook deliveries · Seam broker</title></head><body>\n"
        f"{section}</body></html>\n"
    )


def all_deliveries(call: Call) -> Reply:
    rows = list_deliveries(call.service.storage)
    if "text/html" in call.accept:
        return Reply(html=_page(render_deliveries(rows, call.urls)))
    return Reply(doc=_list_doc(call.urls, call.urls("triggered-webhooks"), rows))


def webhook_deliveries(call: Call) -> Reply:
    uuid = call.params["uuid"]
    call.service.get_webhook(uuid)  # 404 for an unknown webhook
    rows = list_deliveries(call.service.storage, webhook_uuid=uuid)
    return Reply(doc=_list_doc(call.urls, call.urls("webhooks", uuid, "triggered-webhooks"), rows))


def one_delivery(call: Call) -> Reply:
    return Reply(
        doc=delivery_doc(call.urls, get_delivery(call.service.storage, call.params["uuid"]))
    )


def delivery_logs(call: Call) -> Reply:
    row = get_delivery(call.service.storage, call.params["uuid"])
    lines = [f"{row['event_name']} → {_redacted(row['request'])['url']} ({row['status']})"]
    for e in row["executions"]:
        outcome = f"HTTP {e['response_status']}" if e["response_status"] else e["error"]
        lines.append(
            f"attempt {e['number']} at {e['started_at']} by {e['instance']}: {outcome} "
            f"in {e['duration_ms']} ms"
        )
        if e["response_body"]:
            lines.append(f"  body: {e['response_body'][:500]}")
    doc = {
        "logs": "\n".join(lines) + "\n",
        "_links": {"self": {"href": call.urls("triggered-webhooks", row["uuid"], "logs")}},
    }
    return Reply(doc=doc)


def execute_webhook(call: Call) -> Reply:
    # Waits for the receiver (never longer than the timeout) to answer with what happened,
    # as the Pact Broker's execute resource does; in a worker thread (the route's offload),
    # so the event loop answers other requests meanwhile.
    webhook = call.service.get_webhook(call.params["uuid"])
    BASE_URL.set(call.urls.base)
    params = sample_params(
        call.service.storage,
        webhook.get("consumer"),
        webhook.get("provider"),
        webhook.get("consumer_label"),
        webhook.get("provider_label"),
    )
    request = render_request(webhook["request"], params)
    result = send_request(request, timeout=DeliverySettings().timeout_seconds)
    doc = {
        "request": _redacted(request),
        "response": {"status": result["status"], "body": result["body"]},
        "error": result["error"],
        "success": result["success"],
        "_links": {"pb:webhook": {"href": call.urls("webhooks", webhook["uuid"])}},
    }
    return Reply(200, doc)


WEBHOOK_ROUTES = [
    Route("/triggered-webhooks", {"GET": all_deliveries}),
    Route("/triggered-webhooks/{uuid}", {"GET": one_delivery}),
    Route("/triggered-webhooks/{uuid}/logs", {"GET": delivery_logs}),
    Route("/webhooks/{uuid}/triggered-webhooks", {"GET": webhook_deliveries}),
    Route("/webhooks/{uuid}/execute", {"POST": execute_webhook}, offload=frozenset({"POST"})),
]
