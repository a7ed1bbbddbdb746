"""Task events: the pure producers, and the outbox rows the API writes with each change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tasks_api import changes, db, events

TASK = {"id": 3, "title": "Write the docs", "status": "done", "assignee": "ada"}


def test_task_created_carries_the_whole_task() -> None:
    """task.created's body is the task; its topic says which event it is."""
    event = events.task_created(TASK)
    assert event.body == {"task": TASK}
    assert (event.topic, event.content_type) == ("task.created", "application/json")


def test_task_status_changed_carries_old_and_new_status() -> None:
    """task.status_changed carries the task as it is now and the status it left."""
    event = events.task_status_changed(TASK, "in_progress")
    assert event.body == {"task": TASK, "old_status": "in_progress", "new_status": "done"}
    assert event.metadata == {"topic": "task.status_changed"}


def test_creating_a_task_over_http_stores_its_event(
    client: httpx.Client, database_url: str
) -> None:
    """POST /tasks leaves one task.created event in the outbox, with the stored task."""
    task = client.post("/tasks", json={"title": "Plan", "assignee": "bo"}).json()
    (row,) = db.outbox(database_url)
    assert (row["topic"], row["body"]) == ("task.created", {"task": task})
    assert row["metadata"] == {"topic": "task.created"}


def test_changing_the_status_over_http_stores_a_status_changed_event(
    client: httpx.Client, database_url: str
) -> None:
    """PATCH with a new status emits task.status_changed naming the old and new status."""
    task = client.post("/tasks", json={"title": "Plan"}).json()
    client.patch(f"/tasks/{task['id']}", json={"status": "in_progress"})
    topics = [(row["topic"], row["body"].get("old_status")) for row in db.outbox(database_url)]
    assert topics == [("task.created", None), ("task.status_changed", "open")]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"assignee": "cy"}, id="assignee-only"),
        pytest.param({"status": "open"}, id="same-status"),
    ],
)
def test_a_change_that_keeps_the_status_emits_nothing(
    client: httpx.Client, database_url: str, body: dict[str, Any]
) -> None:
    """Only a status that really changes is an event."""
    task = client.post("/tasks", json={"title": "Plan"}).json()
    client.patch(f"/tasks/{task['id']}", json=body)
    assert [row["topic"] for row in db.outbox(database_url)] == ["task.created"]


def test_a_failed_change_stores_no_event(migrated: str) -> None:
    """The event is written in the change's transaction: a refused change leaves none."""
    task = changes.create_task(migrated, title="Plan")
    with pytest.raises(ValueError, match="status must be one of"):
        changes.update_task(migrated, task["id"], {"status": "gone"})
    assert [row["topic"] for row in db.outbox(migrated)] == ["task.created"]


def test_reset_empties_the_outbox(migrated: str) -> None:
    """reset() clears events too, so each provider state starts from an empty outbox."""
    changes.create_task(migrated, title="Plan")
    db.reset(migrated)
    assert db.outbox(migrated) == []
