"""Message producers for the Tasks service, keyed by the consumers' message descriptions.

``contracts verify --messages tasks_api.messages:messages --states tasks_api.states:states``
replays the consumers' message pacts against these. Each one changes a task through
:mod:`tasks_api.changes`, the code the HTTP routes run, and returns the event that change
put in the outbox: what is verified is what the service emits. The provider state of the
interaction (``task 1 exists``) seeds the database first, as for HTTP interactions.
"""

from __future__ import annotations

from typing import Any

from seam.verify import ProviderMessages
from tasks_api import changes, db

__all__ = ["messages"]

messages = ProviderMessages()


def _emitted(url: str, topic: str) -> dict[str, Any]:
    """The newest event on ``topic`` in the outbox, as a message."""
    found = [e for e in db.outbox(url) if e["topic"] == topic]
    if not found:
        raise LookupError(f"no {topic} event in the outbox")
    event = found[-1]
    return {
        "body": event["body"],
        "metadata": event["metadata"],
        "content_type": event["content_type"],
    }


@messages.produces("a task.created event")
def task_created(title: str = "Write the docs", assignee: str | None = None) -> dict[str, Any]:
    """Create a task as ``POST /tasks`` does; the event it emitted."""
    url = db.resolve_url()
    changes.create_task(url, title=title, assignee=assignee)
    return _emitted(url, "task.created")


@messages.produces("a task.status_changed event")
def task_status_changed(id: int, status: str = "open") -> dict[str, Any]:
    """Move task ``id`` (seeded by its provider state) on to its next status; the event."""
    url = db.resolve_url()
    following = {"open": "in_progress", "in_progress": "done", "done": "open"}
    changes.update_task(url, int(id), {"status": following[status]})
    return _emitted(url, "task.status_changed")
