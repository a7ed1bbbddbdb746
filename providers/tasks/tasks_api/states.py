"""Provider states for the Tasks service: handlers that seed its database directly.

``contracts verify --states tasks_api.states:states`` serves these. They run in the
verifying process, not in the service, and write to the same database the service
reads: ``DATABASE_URL`` from the environment when the handler runs (``contracts
verify --env DATABASE_URL=...`` sets it for the provider and the handlers alike).

Every state starts from an empty table, so interactions never see each other's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seam.verify import ProviderStates
from tasks_api import db

__all__ = ["states"]

states = ProviderStates()

_migrated: set[str] = set()


def _fresh_database() -> str:
    """The current database, migrated once per process and emptied."""
    url = db.resolve_url()
    if url not in _migrated:
        db.migrate(url)
        _migrated.add(url)
    db.reset(url)
    return url


@states.given("no tasks")
@states.given("no tasks exist")
def no_tasks() -> None:
    """An empty database."""
    _fresh_database()


@states.given("task {id} exists")
def task_exists(
    id: int,
    title: str = "Write the docs",
    status: str = "open",
    assignee: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    """Task ``id`` exists, with the title, status and assignee the pact gives (or defaults)."""
    task = db.insert_task(
        _fresh_database(), id=int(id), title=title, status=status, assignee=assignee
    )
    return {"id": task["id"], "title": task["title"]}


@states.given("task {id} does not exist")
def task_missing(id: int, **_: Any) -> dict[str, Any]:
    """No task has id ``id`` (the table is empty)."""
    _fresh_database()
    return {"id": int(id)}


@states.given("tasks exist")
def tasks_exist(count: int = 2, **_: Any) -> Iterator[dict[str, Any]]:
    """``count`` open tasks with ids 1..count; emptied again afterwards."""
    url = _fresh_database()
    for n in range(1, int(count) + 1):
        db.insert_task(url, id=n, title=f"Task {n}")
    yield {"count": int(count)}
    db.reset(url)
