"""The events the Tasks service emits when a task changes: one pure function per event type.

Each function builds the message, body and metadata, and touches nothing: the service
hands what it returns to the outbox (:mod:`tasks_api.outbox`) in the transaction that
changed the task, and ``contracts verify --messages tasks_api.messages:messages`` checks
what they build against the consumers' message pacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CONTENT_TYPE", "Event", "task_created", "task_status_changed"]

CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Event:
    """One message for the queue: its JSON body and its metadata (topic, content type)."""

    body: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    content_type: str = CONTENT_TYPE

    @property
    def topic(self) -> str:
        """Where the event is published (its ``topic`` metadata)."""
        return str(self.metadata["topic"])


def _task(task: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": int(task["id"]),
        "title": task["title"],
        "status": task["status"],
        "assignee": task["assignee"],
    }


def task_created(task: Mapping[str, Any]) -> Event:
    """``task.created``: a task was stored; the body carries the whole task."""
    return Event({"task": _task(task)}, {"topic": "task.created"})


def task_status_changed(task: Mapping[str, Any], old_status: str) -> Event:
    """``task.status_changed``: the task as it is now, with its previous and new status."""
    return Event(
        {"task": _task(task), "old_status": old_status, "new_status": task["status"]},
        {"topic": "task.status_changed"},
    )
