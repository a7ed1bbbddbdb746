"""The database API that the service and provider-state handlers share, on real SQLite files."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tasks_api import db


def test_migrate_applies_every_migration_once(database_url: str) -> None:
    """The first migrate applies all versions in order; the second applies none."""
    versions = [m.version for m in db.migrations()]
    assert db.migrate(database_url) == versions
    assert db.migrate(database_url) == []
    assert db.schema_version(database_url) == versions[-1]


def test_schema_version_of_an_empty_database_is_zero(database_url: str) -> None:
    """A database nobody migrated reports schema version 0."""
    assert db.schema_version(database_url) == 0


def test_migrate_records_each_version_with_its_name(database_url: str) -> None:
    """The schema_version table lists every applied migration by number and name."""
    db.migrate(database_url)
    with db.connect(database_url) as conn:
        rows = conn.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert [tuple(row) for row in rows] == [(m.version, m.name) for m in db.migrations()]


def test_concurrent_migrations_apply_each_version_exactly_once(database_url: str) -> None:
    """Four threads migrating one new database together apply each version once in total."""
    results: list[list[int]] = []
    threads = [
        threading.Thread(target=lambda: results.append(db.migrate(database_url))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    applied = sorted(v for result in results for v in result)
    assert applied == [m.version for m in db.migrations()]


def test_both_dialects_ship_the_same_migrations() -> None:
    """SQLite and PostgreSQL have the same numbered migrations, so their schemas match."""
    sqlite = [(m.version, m.name) for m in db.migrations("sqlite")]
    postgresql = [(m.version, m.name) for m in db.migrations("postgresql")]
    assert sqlite == postgresql
    assert [v for v, _ in sqlite] == list(range(1, len(sqlite) + 1))


def test_insert_task_assigns_increasing_ids(migrated: str) -> None:
    """Tasks inserted without an id get 1, 2, ... and come back as plain dicts."""
    first = db.insert_task(migrated, title="one")
    second = db.insert_task(migrated, title="two", status="done", assignee="ada")
    assert first == {"id": 1, "title": "one", "status": "open", "assignee": None}
    assert second == {"id": 2, "title": "two", "status": "done", "assignee": "ada"}


def test_insert_task_with_a_fixed_id_moves_the_sequence_past_it(migrated: str) -> None:
    """A state handler's fixed id is honoured and later ids continue after it."""
    assert db.insert_task(migrated, id=41, title="seeded")["id"] == 41
    assert db.insert_task(migrated, title="next")["id"] == 42


def test_insert_task_with_a_taken_id_raises_task_exists(migrated: str) -> None:
    """Inserting an id that is already stored raises TaskExists naming the id."""
    db.insert_task(migrated, id=5, title="first")
    with pytest.raises(db.TaskExists, match="task 5 already exists"):
        db.insert_task(migrated, id=5, title="second")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"title": "x", "status": "blocked"}, "status must be one of", id="status"),
        pytest.param({"title": ""}, "title must be a non-empty string", id="title"),
    ],
)
def test_insert_task_refuses_invalid_fields(
    migrated: str, fields: dict[str, str], message: str
) -> None:
    """An unknown status or an empty title is a ValueError, and nothing is stored."""
    with pytest.raises(ValueError, match=message):
        db.insert_task(migrated, **fields)  # type: ignore[arg-type]
    assert db.list_tasks(migrated) == []


def test_reset_empties_tasks_and_restarts_ids(migrated: str) -> None:
    """After reset there are no tasks and the next task gets id 1 again."""
    db.insert_task(migrated, id=9, title="old")
    db.reset(migrated)
    assert db.list_tasks(migrated) == []
    assert db.insert_task(migrated, title="new")["id"] == 1


def test_reset_keeps_the_schema(migrated: str) -> None:
    """Reset empties data but leaves the recorded schema version alone."""
    db.reset(migrated)
    assert db.schema_version(migrated) == db.migrations()[-1].version


def test_update_task_changes_only_given_fields(migrated: str) -> None:
    """update_task applies the given fields and returns the whole task."""
    task = db.insert_task(migrated, title="t", assignee="ada")
    updated = db.update_task(migrated, task["id"], {"status": "in_progress"})
    assert updated == {**task, "status": "in_progress"}


def test_update_task_of_an_unknown_id_returns_none(migrated: str) -> None:
    """Updating an id nobody stored returns None."""
    assert db.update_task(migrated, 77, {"status": "done"}) is None


def test_update_task_refuses_unknown_fields(migrated: str) -> None:
    """Only title, status and assignee can be updated."""
    task = db.insert_task(migrated, title="t")
    with pytest.raises(ValueError, match="cannot update id"):
        db.update_task(migrated, task["id"], {"id": 3})


def test_delete_task_reports_whether_a_task_was_deleted(migrated: str) -> None:
    """delete_task is True for a stored task and False the second time."""
    task = db.insert_task(migrated, title="t")
    assert db.delete_task(migrated, task["id"]) is True
    assert db.delete_task(migrated, task["id"]) is False


def test_one_connection_serves_several_calls(migrated: str) -> None:
    """An open Connection can be passed to every function instead of a URL."""
    with db.connect(migrated) as conn:
        db.reset(conn)
        task = db.insert_task(conn, title="shared")
        assert db.get_task(conn, task["id"]) == task


def test_a_failed_transaction_leaves_nothing_behind(migrated: str) -> None:
    """An error inside a transaction rolls back every statement of it."""
    with db.connect(migrated) as conn:
        with pytest.raises(RuntimeError), conn.transaction():
            db.insert_task(conn, title="doomed")
            raise RuntimeError("boom")
        assert db.list_tasks(conn) == []


def test_another_process_sees_seeded_tasks(migrated: str, provider_environ: dict[str, str]) -> None:
    """A task seeded from another process is read back here from the same file."""
    script = "from tasks_api import db; db.insert_task(None, id=3, title='from afar')"
    subprocess.run([sys.executable, "-c", script], env=provider_environ, check=True, timeout=30)
    assert db.get_task(migrated, 3) == {
        "id": 3,
        "title": "from afar",
        "status": "open",
        "assignee": None,
    }


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("sqlite:///{path}", id="absolute-url"),
        pytest.param("{path}", id="plain-path"),
    ],
)
def test_connect_accepts_urls_and_paths(tmp_path: Path, form: str) -> None:
    """``sqlite:////abs/path`` and a plain file path open the same file."""
    path = tmp_path / "other.db"
    db.migrate(form.format(path=path))
    assert path.is_file()


def test_relative_sqlite_url_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqlite:///name.db`` (three slashes) names a file in the current directory."""
    monkeypatch.chdir(tmp_path)
    db.migrate("sqlite:///relative.db")
    assert (tmp_path / "relative.db").is_file()


def test_database_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an explicit URL, ``DATABASE_URL`` chooses the database."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    db.migrate()
    assert (tmp_path / "env.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("sqlite://", "in-memory", id="memory"),
        pytest.param("sqlite:///:memory:", "in-memory", id="memory-explicit"),
        pytest.param("mysql://localhost/tasks", "unsupported DATABASE_URL scheme", id="mysql"),
        pytest.param("sqlite:////no/such/dir/x.db", "cannot open SQLite database", id="no-dir"),
    ],
)
def test_unusable_urls_raise_one_clear_error(url: str, message: str) -> None:
    """A URL that cannot work raises DatabaseError saying why."""
    with pytest.raises(db.DatabaseError, match=message):
        db.migrate(url)


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL URL without psycopg installed names the package to install."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail
    with pytest.raises(db.DatabaseError, match=r"pip install 'psycopg\[binary\]"):
        db.connect("postgresql://localhost/tasks")
