"""SQLite storage for the embedded broker: connections, numbered migrations, transactions.

One database file, opened in WAL mode so readers never block the single writer. Every
thread gets its own connection (sqlite3 connections must not be shared across threads);
writes run in ``BEGIN IMMEDIATE`` transactions so two publishers never interleave, and a
process killed mid-write leaves the last committed state (SQLite's journal guarantees it).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from seam.errors import InputError

__all__ = ["MIGRATIONS", "Storage", "utcnow"]

# Numbered migrations, applied in order inside one transaction each. Never edit a shipped
# entry: append a new one (the number is stored in schema_migrations).
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE pacticipants (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            repository_url TEXT,
            main_branch TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            number TEXT NOT NULL,
            build_url TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (pacticipant_id, number)
        );
        CREATE TABLE branches (
            id INTEGER PRIMARY KEY,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (pacticipant_id, name)
        );
        CREATE TABLE branch_versions (
            branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (branch_id, version_id)
        );
        CREATE INDEX branch_versions_version ON branch_versions(version_id);
        CREATE TABLE tags (
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (version_id, name)
        );
        CREATE INDEX tags_name_version ON tags(name, version_id);
        CREATE TABLE pact_versions (
            id INTEGER PRIMARY KEY,
            sha TEXT NOT NULL,
            consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (consumer_id, provider_id, sha)
        );
        CREATE INDEX pact_versions_sha ON pact_versions(sha);
        CREATE INDEX pact_versions_provider ON pact_versions(provider_id, consumer_id);
        CREATE TABLE pact_publications (
            id INTEGER PRIMARY KEY,
            consumer_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            UNIQUE (consumer_version_id, provider_id)
        );
        CREATE INDEX pact_publications_provider
            ON pact_publications(provider_id, consumer_version_id);
        CREATE INDEX pact_publications_pact_version ON pact_publications(pact_version_id);
        CREATE TABLE verifications (
            id INTEGER PRIMARY KEY,
            pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
            provider_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            success INTEGER NOT NULL,
            build_url TEXT,
            test_results TEXT,
            verified_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX verifications_pact_provider
            ON verifications(pact_version_id, provider_version_id, id);
        CREATE INDEX verifications_provider_version ON verifications(provider_version_id);
        CREATE TABLE environments (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            production INTEGER NOT NULL DEFAULT 0,
            contacts TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE deployed_versions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            application_instance TEXT,
            currently_deployed INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            undeployed_at TEXT
        );
        CREATE INDEX deployed_versions_current
            ON deployed_versions(environment_id, pacticipant_id, currently_deployed);
        CREATE INDEX deployed_versions_version ON deployed_versions(version_id);
        CREATE TABLE released_versions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            currently_supported INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            support_ended_at TEXT,
            UNIQUE (version_id, environment_id)
        );
        CREATE INDEX released_versions_current
            ON released_versions(environment_id, pacticipant_id, currently_supported);
        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            description TEXT,
            consumer TEXT,
            provider TEXT,
            events TEXT NOT NULL,
            request TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        # One row per consumer/provider pair, so can-i-deploy finds a pacticipant's
        # integrations with an index lookup instead of scanning every pact version.
        """
        CREATE TABLE integrations (
            consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (consumer_id, provider_id)
        ) WITHOUT ROWID;
        CREATE INDEX integrations_provider ON integrations(provider_id, consumer_id);
        INSERT OR IGNORE INTO integrations (consumer_id, provider_id, created_at)
            SELECT consumer_id, provider_id, MIN(created_at) FROM pact_versions
            GROUP BY consumer_id, provider_id;
        """,
    ),
    (
        3,
        # The webhook outbox: one row per (webhook, event), written in the transaction of
        # the change that triggers it, claimed by one instance at a time with a lease
        # (claimed_by/claimed_until), retried on a schedule (seam.server._webhook_delivery).
        # Each attempt is kept in webhook_attempts: the delivery log served over HAL.
        """
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            webhook_uuid TEXT NOT NULL,
            event_name TEXT NOT NULL,
            consumer TEXT,
            provider TEXT,
            request TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_by TEXT,
            claimed_until TEXT,
            response_status INTEGER,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_uuid, id);
        CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            instance TEXT NOT NULL,
            started_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            response_status INTEGER,
            response_body TEXT,
            error TEXT
        );
        CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, number);
        """,
    ),
]


def utcnow() -> str:
    """Return the current UTC time as an ISO 8601 string with a ``+00:00`` offset."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Storage:
    """A SQLite database with one connection per thread.

    Args:
        path: The database file; created (with its schema) when missing.
        busy_timeout_ms: How long a writer waits for the lock before giving up.
        lazy: Open (and migrate) on first use instead of now; ``create_app`` opens in its
            lifespan, so an app that is built and never used holds no connection.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30_000, lazy: bool = False):
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
            conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        finally:
            conn.close()

    def pool_stats(self) -> dict[str, int]:
        """Return connection counts for the metrics (SQLite: one connection per thread)."""
        with self._all_lock:
            return {"connections_open": len(self._all)}

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
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction (``BEGIN IMMEDIATE``), rolled back on error."""
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
        known = max(number for number, _ in MIGRATIONS)
        if current > known:
            raise InputError(
                f"broker database {self.path} has schema version {current}, newer than this "
                f"Seam knows ({known}); upgrade Seam or use another --db file"
            )
        for number, script in MIGRATIONS:
            if number <= current:
                continue
            with self.write() as conn:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (number, utcnow()),
                )

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
