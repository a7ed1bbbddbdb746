"""HAL documents of webhooks."""

from __future__ import annotations

from seam.server._documents._urls import Doc, UrlBase, as_bool
from seam.server._queries.rows import WebhookRow

__all__ = ["WebhookDocs"]


def _masked(request: Doc) -> Doc:
    """A webhook's request as shown: its password (stored to send it) never is."""
    if request.get("password") is None:
        return request
    return {**request, "password": "**********"}


class WebhookDocs(UrlBase):
    """HAL documents of webhooks."""

    def webhook_doc(self, row: WebhookRow) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "description": row.get("description"),
            "enabled": as_bool(row["enabled"]),
            "events": row["events"],
            "request": _masked(row["request"]),
            "createdAt": row["created_at"],
            "updatedAt": row["updated_at"],
            "_links": {
                "self": {
                    "href": self("webhooks", row["uuid"]),
                    "title": row.get("description") or "Webhook",
                },
                "pb:webhooks": {"href": self("webhooks"), "title": "All webhooks"},
                "pb:execute": {
                    "href": self("webhooks", row["uuid"], "execute"),
                    "title": "Test the execution of the webhook with the latest matching pact",
                },
                "pb:triggered-webhooks": {
                    "href": self("webhooks", row["uuid"], "triggered-webhooks"),
                    "title": "Deliveries of this webhook (the delivery log)",
                },
            },
        }
        scopes = (
            ("consumer", row.get("consumer"), row.get("consumer_label")),
            ("provider", row.get("provider"), row.get("provider_label")),
        )
        for role, name, label in scopes:
            if name:
                doc[role] = {"name": name}
            elif label:
                doc[role] = {"label": label}
        return doc

    def webhooks_doc(self, rows: list[WebhookRow]) -> Doc:
        return {
            "_links": {
                "self": {"href": self("webhooks"), "title": "Webhooks"},
                "pb:create": {"href": self("webhooks"), "title": "POST to create a webhook"},
                "pb:webhooks": [
                    {
                        "href": self("webhooks", r["uuid"]),
                        "title": r.get("description") or "Webhook",
                    }
                    for r in rows
                ],
            },
        }
