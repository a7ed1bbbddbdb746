"""SQLite storage: migrations, WAL, transactions, reopening."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from seam.errors import InputError
from seam.server import Storage
from seam.server._storage._migrations_sqlite import MIGRATIONS


def test_new_database_gets_every_migration(tmp_path: Path) -> None:
    """A fresh file is migrated to the newest schema version."""
    storage = Storage(tmp_path / "b.db")
    assert storage.schema_version() == max(n for n, _ in MIGRATIONS)
    storage.close()


def test_database_runs_in_wal_mode(tmp_path: Path) -> None:
    """The database uses write-ahead logging, so readers never wait for the writer."""
    storage = Storage(tmp_path / "b.db")
    assert storage.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    storage.close()


def test_reopening_keeps_data_and_does_not_remigrate(tmp_path: Path) -> None:
    """Opening an existing database keeps its rows and applies no migration twice."""
    path = tmp_path / "b.db"
    first = Storage(path)
    with first.write() as conn:
        conn.execute("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('a', '', '')")
    first.close()
    second = Storage(path)
    count = second.connection().execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    names = [r[0] for r in second.connection().execute("SELECT name FROM pacticipants")]
    assert (count, names) == (len(MIGRATIONS), ["a"])
    second.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database migrated by a newer Seam is refused with a clear InputError."""
    path = tmp_path / "b.db"
    Storage(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'later')")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="newer than this Seam knows"):
        Storage(path)


def test_unopenable_path_is_input_error(tmp_path: Path) -> None:
    """A path that cannot hold a database raises InputError naming --db."""
    with pytest.raises(InputError, match="--db"):
        Storage(tmp_path / "missing-dir" / "b.db")


def test_failed_write_rolls_back(tmp_path: Path) -> None:
    """An exception inside a write transaction leaves nothing behind."""
    storage = Storage(tmp_path / "b.db")
    with pytest.raises(RuntimeError), storage.write() as conn:
        conn.execute("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('a', '', '')")
        raise RuntimeError("boom")
    assert storage.connection().execute("SELECT COUNT(*) FROM pacticipants").fetchone()[0] == 0
    storage.close()


def test_each_thread_has_its_own_connection(tmp_path: Path) -> None:
    """Threads get separate connections (sqlite3 connections are not shared)."""
    storage = Storage(tmp_path / "b.db")
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(id(storage.connection())))
    thread.start()
    thread.join()
    assert seen and seen[0] != id(storage.connection())
    storage.close()


def test_integrations_backfilled_by_migration_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schema-1 database with pacts gets its integrations table filled when migrated."""
    path = tmp_path / "b.db"
    monkeypatch.setattr("seam.server._storage._migrations_sqlite.MIGRATIONS", MIGRATIONS[:1])
    old = Storage(path)
    with old.write() as conn:
        for pid, name in ((1, "web"), (2, "api")):
            conn.execute(
                "INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (?, ?, '', '')",
                (pid, name),
            )
        conn.execute(
            "INSERT INTO pact_versions (sha, consumer_id, provider_id, content, "
            "created_at) VALUES ('s', 1, 2, '{}', 't')"
        )
    old.close()
    monkeypatch.undo()
    new = Storage(path)
    rows = new.connection().execute("SELECT consumer_id, provider_id FROM integrations").fetchall()
    assert [tuple(r) for r in rows] == [(1, 2)]
    new.close()
