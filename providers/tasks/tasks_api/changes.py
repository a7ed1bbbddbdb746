"""Changing tasks: the database write and the event it emits, in one transaction.

The HTTP routes and the message registry for ``contracts verify --messages`` both change
tasks through these functions, so what verification checks is what the service emits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from tasks_api import db, events

__all__ = ["create_task", "update_task"]

Target = str | os.PathLike[str] | db.Connection | None


def _emit(conn: db.Connection, event: events.Event) -> None:
    db.enqueue_event(
        conn,
        topic=event.topic,
        body=event.body,
        metadata=event.metadata,
        content_type=event.content_type,
    )


def create_task(
    target: Target, *, title: str, assignee: str | None = None, id: int | None = None
) -> dict[str, Any]:
    """Store a new open task and emit ``task.created``."""
    with db.using(target) as conn, conn.transaction():
        task = db.insert_task(conn, id=id, title=title, assignee=assignee)
        _emit(conn, events.task_created(task))
        return task


def update_task(target: Target, task_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
    """Apply ``changes``; a new status emits ``task.status_changed``. ``None``: no such task."""
    with db.using(target) as conn, conn.transaction():
        before = db.get_task(conn, task_id)
        task = db.update_task(conn, task_id, changes)
        if before is not None and task is not None and task["status"] != before["status"]:
            _emit(conn, events.task_status_changed(task, before["status"]))
        return task
