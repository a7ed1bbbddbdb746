"""SQLite storage for the embedded broker (the default): connections, migrations, transactions.

One database file, opened in WAL mode so readers never block the single writer. Every
thread gets its own connection (sqlite3 connections must not be shared across threads);
writes run in ``BEGIN IMMEDIATE`` transactions so two publishers never interleave, and a
process killed mid-write leaves the last committed state (SQLite's journal guarantees it).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from seam.errors import InputError
from seam.server._storage import Storage, newer_schema, utcnow
from seam.server._storage import _migrations_sqlite as migrations

__all__ = ["SqliteStorage"]


class SqliteStorage(Storage):
    """A SQLite database with one connection per thread.

    Args:
        path: The database file; created (with its schema) when missing.
        busy_timeout_ms: How long a writer waits for the lock before giving up.
        lazy: Open (and migrate) on first use instead of now; ``create_app`` opens in its
            lifespan, so an app that is built and never used holds no connection.
    """

    def __init__(
        self, path: str | Path, *, busy_timeout_ms: int = 30_000, lazy: bool = False
    ) -> None:
        self.path = str(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._migrated = False
        # A storage dropped without close() (a test that never ran the app's lifespan) closes
        # its connections when collected: an unclosed sqlite3 connection is a ResourceWarning
        # on Python 3.13, an error under filterwarnings=error.
        weakref.finalize(self, _close_all, self._all, self._all_lock)
        if not lazy:
            self.connection()

    def open(self) -> None:
        """Open this thread's connection, creating and migrating the file when needed."""
        self.connection()

    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it (and migrating once) on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
            if not self._migrated:
                self._migrated = True
                try:
                    self.migrate()
                except BaseException:
                    self._migrated = False
                    raise
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (explicit transactions).
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable against process crashes in WAL mode (only an OS crash can
            # lose the last commits), and several times faster than FULL.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise InputError(
                f"cannot open broker database {self.path}: {exc}; "
                "pass --db with a writable SQLite file"
            ) from exc
        return conn

    @contextmanager
    def write(self, keys: Iterable[str] = ()) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction (``BEGIN IMMEDIATE``), rolled back on error.

        ``keys`` are not needed here: ``BEGIN IMMEDIATE`` already runs one writer at a time.
        """
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR);
            # a second ROLLBACK would fail and hide the error that explains why. A failed
            # COMMIT is rolled back here, so the connection is never left inside a transaction.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one read transaction so it sees a single consistent snapshot."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def schema_version(self) -> int:
        """Return the number of the last applied migration (0 for an empty database)."""
        conn = self.connection()
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        current = self.schema_version()
        known = max(number for number, _ in migrations.MIGRATIONS)
        if current > known:
            raise newer_schema(self.path, current, known, "file")
        # Two processes opening a new file at once: BEGIN IMMEDIATE lets one migrate while
        # the other waits, and the loser's migrations are skipped below by number.
        for number, script in migrations.MIGRATIONS:
            if number <= current:
                continue
            with self.write() as conn:
                applied = conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (number,)
                ).fetchone()
                if applied:
                    continue
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (number, utcnow()),
                )

    def ping(self) -> None:
        """Ask the database a question on a fresh connection; raise when it cannot answer.

        A fresh connection, opened without creating the file, so a database removed or made
        unreadable under a running broker shows here while the open connections still work.

        Raises:
            sqlite3.Error: The database cannot be opened or read.
        """
        self.connection()  # a broker not yet used opens (and creates) its database first
        uri = Path(self.path).absolute().as_uri() + "?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            conn.execute("SELECT MAX(version) AS n FROM schema_migrations").fetchone()
        finally:
            conn.close()

    def pool_stats(self) -> dict[str, int | float]:
        """Return the open connections (one per thread that used the database, never waiting)."""
        with self._all_lock:
            size = len(self._all)
        return {"size": size, "available": size, "waiting": 0}

    def close(self) -> None:
        """Close every connection this storage opened (it reopens on next use)."""
        _close_all(self._all, self._all_lock)
        self._local = threading.local()
        self._migrated = False


def _close_all(connections: list[sqlite3.Connection], lock: threading.Lock) -> None:
    with lock:
        for conn in connections:
            conn.close()
        connections.clear()


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; split on ';' (no ';' inside our DDL).
    return [part.strip() for part in script.split(";") if part.strip()]
