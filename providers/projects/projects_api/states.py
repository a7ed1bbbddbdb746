"""Provider states for the Projects service: handlers that seed its database directly.

``contracts verify --states projects_api.states:states`` serves these. They run in the
verifying process and write to the database the service reads: ``DATABASE_URL`` when the
handler runs (``contracts verify --env DATABASE_URL=...`` sets it for both). Every state
starts from an empty table.
"""

from __future__ import annotations

from typing import Any

from projects_api import db
from seam.verify import ProviderStates

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


@states.given("no projects")
def no_projects() -> None:
    """An empty database."""
    _fresh_database()


@states.given("project {id} exists")
def project_exists(
    id: int, name: str = "Seam", status: str = "active", owner: str | None = None, **_: Any
) -> dict[str, Any]:
    """Project ``id`` exists, with the name, status and owner the pact gives (or defaults)."""
    project = db.insert_project(
        _fresh_database(), id=int(id), name=name, status=status, owner=owner
    )
    return {"id": project["id"], "name": project["name"]}
