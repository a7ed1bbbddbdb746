"""Queries on webhook definitions."""

from __future__ import annotations

import json
from typing import cast

from seam.server._queries.rows import Connection, WebhookRow

__all__ = [
    "WebhookValues",
    "delete_webhook",
    "insert_webhook",
    "update_webhook",
    "webhook",
    "webhook_exists",
    "webhook_uuids",
]

# The values a save sets, in this order: description, consumer, provider, events (JSON),
# request (JSON), enabled (0/1), updated_at, consumer_label, provider_label.
WebhookValues = tuple[
    str | None, str | None, str | None, str, str, int, str, str | None, str | None
]


def webhook(conn: Connection, uuid: str) -> WebhookRow | None:
    """Return a webhook definition, ``events`` and ``request`` parsed, or None."""
    row = conn.execute("SELECT * FROM webhooks WHERE uuid = ?", (uuid,)).fetchone()
    if row is None:
        return None
    found = dict(row)
    found["events"] = json.loads(found["events"])
    found["request"] = json.loads(found["request"])
    return cast(WebhookRow, found)


def webhook_exists(conn: Connection, uuid: str) -> bool:
    """Whether a webhook with this UUID exists."""
    return conn.execute("SELECT id FROM webhooks WHERE uuid = ?", (uuid,)).fetchone() is not None


def webhook_uuids(conn: Connection) -> list[str]:
    """Return every webhook's UUID, oldest first."""
    return [str(r["uuid"]) for r in conn.execute("SELECT uuid FROM webhooks ORDER BY id")]


def insert_webhook(conn: Connection, uuid: str, values: WebhookValues, now: str) -> None:
    """Create a webhook definition."""
    conn.execute(
        "INSERT INTO webhooks (description, consumer, provider, events, request, "
        "enabled, updated_at, consumer_label, provider_label, uuid, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*values, uuid, now),
    )


def update_webhook(conn: Connection, uuid: str, values: WebhookValues) -> None:
    """Replace a webhook definition."""
    conn.execute(
        "UPDATE webhooks SET description = ?, consumer = ?, provider = ?, events = ?, "
        "request = ?, enabled = ?, updated_at = ?, consumer_label = ?, provider_label = ? "
        "WHERE uuid = ?",
        (*values, uuid),
    )


def delete_webhook(conn: Connection, uuid: str) -> None:
    """Delete a webhook definition."""
    conn.execute("DELETE FROM webhooks WHERE uuid = ?", (uuid,))
