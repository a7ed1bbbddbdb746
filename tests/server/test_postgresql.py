"""PostgreSQL storage: migrations under several instances, the SQL dialect, errors and the CLI."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.errors import DatabaseUnreachable, InputError
from seam.server import Storage
from seam.server._storage import PostgresStorage
from seam.server._storage._migrations_postgresql import MIGRATIONS
from seam.server._storage._postgresql import display_url
from seam.verify._provider import free_port

from ..conftest import new_postgres_database


@pytest.fixture
def blank(postgres_server: str) -> Iterator[str]:
    """A new, empty (unmigrated) database URL of this test's own."""
    with new_postgres_database(postgres_server, "seam_blank", migrated=False) as url:
        yield url


def test_url_opens_postgresql(broker_postgres: str) -> None:
    """Storage(url) picks the PostgreSQL engine and hides nothing but the password."""
    storage = Storage(broker_postgres.replace("postgres@", "postgres:hunter2@"))
    try:
        assert isinstance(storage, PostgresStorage)
        assert "hunter2" not in storage.path and ":***@" in storage.path
    finally:
        storage.close()


def test_instances_starting_together_migrate_once(blank: str) -> None:
    """Five storages opened at once on an empty database: one migrates, none fails."""
    with ThreadPoolExecutor(5) as pool:
        storages = list(pool.map(Storage, [blank] * 5))
    for storage in storages:
        storage.close()
    with psycopg.connect(blank) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert sorted(versions) == [n for n, _ in MIGRATIONS]


def test_newer_schema_is_refused(blank: str) -> None:
    """A database migrated by a newer Seam is refused with a clear InputError."""
    Storage(blank).close()
    with psycopg.connect(blank, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'later')")
    with pytest.raises(InputError, match="newer than this Seam knows"):
        Storage(blank)


def test_placeholders_literals_and_flags(broker_postgres: str) -> None:
    """? binds outside quotes only, % is literal, and booleans are stored as 0/1."""
    storage = Storage(broker_postgres)
    name = f"what?{uuid.uuid4().hex}"
    try:
        with storage.write() as conn:
            conn.execute(
                "INSERT INTO environments (uuid, name, production, created_at, updated_at) "
                "VALUES (?, ?, ?, '50% ?', ?)",
                (name, name, True, "t"),
            )
        with storage.read() as conn:
            row = conn.execute(
                "SELECT name, production, created_at FROM environments "
                "WHERE name LIKE 'what?%' AND uuid = ?",
                (name,),
            ).fetchone()
        assert (row["name"], row[1], dict(row)["created_at"]) == (name, 1, "50% ?")
    finally:
        storage.close()


def test_failed_write_rolls_back(broker_postgres: str) -> None:
    """An exception inside a write transaction leaves nothing behind."""
    storage = Storage(broker_postgres)
    name = uuid.uuid4().hex
    try:
        with pytest.raises(RuntimeError), storage.write() as conn:
            conn.execute(
                "INSERT INTO pacticipants (name, created_at, updated_at) VALUES (?, '', '')",
                (name,),
            )
            raise RuntimeError("boom")
        with storage.read() as conn:
            found = conn.execute("SELECT COUNT(*) FROM pacticipants WHERE name = ?", (name,))
            assert found.fetchone()[0] == 0
    finally:
        storage.close()


def test_writers_of_two_instances_take_turns(broker_postgres: str) -> None:
    """Read-modify-write from two storages (two instances) at once loses no update."""
    first, second = Storage(broker_postgres), Storage(broker_postgres)
    name = uuid.uuid4().hex
    with first.write() as conn:
        conn.execute(
            "INSERT INTO pacticipants (name, created_at, updated_at) VALUES (?, '0', '')", (name,)
        )

    def bump(storage: Storage) -> None:
        with storage.write() as conn:
            row = conn.execute("SELECT created_at FROM pacticipants WHERE name = ?", (name,))
            value = int(row.fetchone()[0])
            conn.execute(
                "UPDATE pacticipants SET created_at = ? WHERE name = ?", (str(value + 1), name)
            )

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(bump, [first, second] * 20))
        with first.read() as conn:
            count = conn.execute("SELECT created_at FROM pacticipants WHERE name = ?", (name,))
            assert count.fetchone()[0] == "40"
    finally:
        first.close()
        second.close()


def test_reads_see_one_snapshot(broker_postgres: str) -> None:
    """A read transaction does not see a write committed while it runs."""
    storage = Storage(broker_postgres)
    committed = threading.Event()
    name = uuid.uuid4().hex
    count = "SELECT COUNT(*) FROM pacticipants WHERE name = ?"

    def write() -> None:
        with storage.write() as conn:
            conn.execute(
                "INSERT INTO pacticipants (name, created_at, updated_at) VALUES (?, '', '')",
                (name,),
            )
        committed.set()

    try:
        with storage.read() as conn:
            before = conn.execute(count, (name,)).fetchone()[0]
            writer = threading.Thread(target=write)
            writer.start()
            assert committed.wait(30)
            during = conn.execute(count, (name,)).fetchone()[0]
        writer.join()
        with storage.read() as conn:
            after = conn.execute(count, (name,)).fetchone()[0]
        assert (before, during, after) == (0, 0, 1)
    finally:
        storage.close()


def test_ping_and_pool_stats(broker_database: str) -> None:
    """ping() answers and pool_stats() counts the open connections, on either engine."""
    storage = Storage(broker_database)
    try:
        storage.ping()
        stats = storage.pool_stats()
        assert set(stats) >= {"size", "available", "waiting"} and stats["size"] >= 1
    finally:
        storage.close()


def test_unreachable_server_is_exit_3_without_password() -> None:
    """No server at the URL: DatabaseUnreachable, one line, no password."""
    url = f"postgresql://seam:hunter2@127.0.0.1:{free_port()}/broker"
    with pytest.raises(DatabaseUnreachable) as caught:
        Storage(url)
    assert caught.value.exit_code == 3
    assert "hunter2" not in str(caught.value) and "\n" not in str(caught.value)


def test_refused_database_is_input_error(postgres_server: str) -> None:
    """A server that answers but has no such database: InputError naming what to check."""
    with pytest.raises(InputError, match="check the user, password and database name"):
        Storage(f"{postgres_server}/no_such_database_here")


@pytest.mark.parametrize(
    ("db", "code", "message"),
    [
        ("mysql://seam:hunter2@127.0.0.1/broker", 2, "is not a database Seam can use"),
        ("postgresql://seam:hunter2@127.0.0.1:port/broker", 2, "Port could not be cast"),
        ("postgresql://seam:hunter2@127.0.0.1:{port}/broker", 3, "cannot reach PostgreSQL"),
    ],
    ids=["other-scheme", "bad-port", "unreachable"],
)
def test_serve_refuses_bad_urls_in_one_line(db: str, code: int, message: str) -> None:
    """broker serve --db URL: a bad URL exits 2, no server exits 3; one line, no password."""
    env = {"SEAM_BROKER_DATABASE_URL": db.format(port=free_port())}
    result = CliRunner().invoke(main, ["broker", "serve", "--port", "0"], env=env)
    assert result.exit_code == code
    assert message in result.output and "hunter2" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_password_in_query_is_hidden_too() -> None:
    """A libpq URL may carry the password as ?password=: logs show it as *** as well."""
    shown = display_url("postgresql://seam:hunter2@db:5432/broker?password=hunter3&sslmode=require")
    assert "hunter2" not in shown and "hunter3" not in shown
    assert shown == "postgresql://seam:***@db:5432/broker?password=***&sslmode=require"
