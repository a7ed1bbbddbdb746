"""The Projects database: migrations, reset, and the project queries."""

from __future__ import annotations

import pytest
from projects_api import db


def test_reset_empties_and_restarts_ids(database_url: str) -> None:
    """After reset, the table is empty and the next project gets id 1 again."""
    db.migrate(database_url)
    db.insert_project(database_url, name="a")
    db.insert_project(database_url, name="b")
    db.reset(database_url)
    assert db.list_projects(database_url) == []
    assert db.insert_project(database_url, name="c")["id"] == 1


def test_fixed_id_twice_is_refused(database_url: str) -> None:
    """A provider state seeding an id that exists gets a DatabaseError, not a silent overwrite."""
    db.migrate(database_url)
    db.insert_project(database_url, id=3, name="a")
    with pytest.raises(db.DatabaseError, match="project 3 already exists"):
        db.insert_project(database_url, id=3, name="b")


def test_unknown_status_is_refused(database_url: str) -> None:
    """Only active and archived are statuses."""
    db.migrate(database_url)
    with pytest.raises(ValueError, match="status must be one of active, archived"):
        db.insert_project(database_url, name="a", status="paused")


def test_in_memory_database_is_refused() -> None:
    """An in-memory database would vanish between requests: refused with a reason."""
    with pytest.raises(db.DatabaseError, match="cannot be shared"), db.connect("sqlite://"):
        pass
