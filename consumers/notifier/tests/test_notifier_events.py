"""The notifier's message contract with tasks-api: the events it consumes from the queue."""

from __future__ import annotations

import pytest
from notifier_client.events import Notification, handle_event
from pact import match

pytestmark = pytest.mark.seam(consumer="notifier", provider="tasks-api")

_STATUS = r"^(open|in_progress|done)$"


def test_handles_a_status_change(pact) -> None:
    """A task.status_changed event becomes a notification to the assignee."""
    (
        pact.upon_receiving("a task.status_changed event", "Async")
        .given("task 1 exists", id=1, title="Write the docs", assignee="ann", status="open")
        .with_body(
            {
                "task": {
                    "id": match.int(1),
                    "title": match.str("Write the docs"),
                    "assignee": match.str("ann"),
                    "status": match.regex("in_progress", regex=_STATUS),
                },
                "old_status": match.regex("open", regex=_STATUS),
                "new_status": match.regex("in_progress", regex=_STATUS),
            },
            content_type="application/json",
        )
        .with_metadata({"topic": "task.status_changed"})
    )
    seen: list[Notification] = []
    pact.verify(lambda body, metadata: seen.append(handle_event(body, metadata)), "Async")
    assert seen == [Notification("ann", "'Write the docs' went from open to in progress")]


def test_handles_a_new_task(pact) -> None:
    """A task.created event of an unassigned task is a notification to nobody."""
    (
        pact.upon_receiving("a task.created event", "Async")
        .given("no tasks exist")
        .with_body(
            {
                "task": {
                    "id": match.int(1),
                    "title": match.str("Plan the sprint"),
                    "assignee": None,
                    "status": "open",
                }
            },
            content_type="application/json",
        )
        .with_metadata({"topic": "task.created"})
    )
    seen: list[Notification] = []
    pact.verify(lambda body, metadata: seen.append(handle_event(body, metadata)), "Async")
    assert seen == [Notification(None, "new task 'Plan the sprint'")]
