"""The notifier's handler for the Tasks events ``task.created`` and ``task.status_changed``.

The queue delivers a message as its body (JSON bytes) and its metadata (``topic``); the
handler turns it into the notification to send, or refuses a message it cannot read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Notification", "UnknownEvent", "handle_event"]


class UnknownEvent(ValueError):
    """A message on a topic the notifier does not handle."""


@dataclass(frozen=True)
class Notification:
    """Who to tell, and what."""

    recipient: str | None
    text: str


def _readable(status: str) -> str:
    return status.replace("_", " ")


def handle_event(body: str | bytes | None, metadata: Mapping[str, Any]) -> Notification:
    """The notification for one event.

    Raises:
        UnknownEvent: the topic is not one the notifier handles.
    """
    topic = metadata.get("topic")
    data = json.loads(body or b"null")
    task = data["task"]
    if topic == "task.created":
        return Notification(task["assignee"], f"new task {task['title']!r}")
    if topic == "task.status_changed":
        text = (
            f"{task['title']!r} went from {_readable(data['old_status'])} "
            f"to {_readable(data['new_status'])}"
        )
        return Notification(task["assignee"], text)
    raise UnknownEvent(f"no handler for topic {topic!r}")
