"""Webhook definitions."""

from __future__ import annotations

import json
import uuid as uuidlib
from typing import Any

from seam.server._errors import Invalid, NotFound
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries import webhooks as webhooks_q
from seam.server._queries.rows import Connection, WebhookRow
from seam.server._requests import check_name, json_object
from seam.server._service._core import ServiceCore
from seam.server._storage import utcnow
from seam.server._webhook_delivery import require_http_url

__all__ = ["WebhooksService"]


class WebhooksService(ServiceCore):
    """Webhook definitions (stored; firing is elsewhere)."""

    # ------------------------------------------------------------------ webhooks
    def save_webhook(
        self,
        body: Any,
        *,
        uuid: str | None = None,
        consumer: str | None = None,
        provider: str | None = None,
    ) -> tuple[WebhookRow, bool]:
        """Create or replace a webhook definition; returns (it, created).

        The delivery worker of ``broker serve`` executes them (seam.server._webhook_delivery).
        """
        body = json_object(body)
        errors: dict[str, list[str]] = {}
        request = body.get("request")
        if not isinstance(request, dict):
            errors["request"] = ["is missing"]
            request = {}
        if not isinstance(request.get("url"), str) or not request.get("url"):
            errors["request.url"] = ["is missing"]
        if not isinstance(request.get("method"), str) or not request.get("method"):
            errors["request.method"] = ["is missing"]
        require_http_url(request)
        events = body.get("events") or [{"name": "contract_content_changed"}]
        if not isinstance(events, list):
            errors["events"] = ["must be a list"]
        with self.storage.write() as conn:
            if consumer is not None or provider is not None:
                for name in (provider, consumer):
                    if name is not None:
                        self._require_pacticipant(conn, name)
            scope = {"consumer": consumer, "provider": provider}
            labels: dict[str, str | None] = {"consumer": None, "provider": None}
            for role in ("consumer", "provider"):
                given = body.get(role)
                if not isinstance(given, dict):
                    continue
                name, label = given.get("name"), given.get("label")
                if isinstance(name, str) and isinstance(label, str):
                    errors[role] = ["give a name or a label, not both"]
                elif isinstance(name, str):
                    if pacticipants_q.pacticipant(conn, name) is None:
                        errors[f"{role}.name"] = [f"no pacticipant named {name!r}"]
                    scope[role] = name
                elif isinstance(label, str):
                    # Any pacticipant carrying the label when an event happens, including
                    # ones labelled later (the Pact Broker's rule): it need not exist now.
                    check_name(f"{role}.label", label)
                    scope[role], labels[role] = None, label
            if errors:
                raise Invalid("invalid webhook", errors=errors)
            now = utcnow()
            existing = uuid is not None and uuid != "" and webhooks_q.webhook_exists(conn, uuid)
            # The password is kept to send the webhook (the Pact Broker keeps it too); the
            # HAL document shows it masked.
            safe_request = dict(request)
            values: webhooks_q.WebhookValues = (
                body.get("description"),
                scope["consumer"],
                scope["provider"],
                json.dumps(events),
                json.dumps(safe_request),
                int(body.get("enabled", True) is not False),
                now,
                labels["consumer"],
                labels["provider"],
            )
            if not existing:
                new_uuid = uuid or str(uuidlib.uuid4())
                check_name("uuid", new_uuid)
                webhooks_q.insert_webhook(conn, new_uuid, values, now)
                return self._webhook(conn, new_uuid), True
            assert uuid is not None
            webhooks_q.update_webhook(conn, uuid, values)
            return self._webhook(conn, uuid), False

    @staticmethod
    def _webhook(conn: Connection, uuid: str) -> WebhookRow:
        found = webhooks_q.webhook(conn, uuid)
        if found is None:
            raise NotFound(f"webhook {uuid!r} not found")
        return found

    def get_webhook(self, uuid: str) -> WebhookRow:
        """Return a webhook definition."""
        with self.storage.read() as conn:
            return self._webhook(conn, uuid)

    def list_webhooks(self) -> list[WebhookRow]:
        """Return every webhook definition."""
        with self.storage.read() as conn:
            return [self._webhook(conn, u) for u in webhooks_q.webhook_uuids(conn)]

    def delete_webhook(self, uuid: str) -> None:
        """Delete a webhook definition."""
        with self.storage.write() as conn:
            self._webhook(conn, uuid)
            webhooks_q.delete_webhook(conn, uuid)
