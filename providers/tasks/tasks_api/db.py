"""The Tasks service's database: connections, migrations and the task queries.

Plain functions over a DB-API connection. The service uses them, and so can any
other process that shares the database — provider-state handlers seed it this way::

    from tasks_api import db

    db.migrate(url)                       # apply pending migrations (idempotent, safe to race)
    db.reset(url)                         # empty every data table; ids start at 1 again
    db.insert_task(url, id=1, title="Write the docs", assignee="ada")

Every function takes either a database URL or an open :class:`Connection`
(``with db.connect(url) as conn: ...`` to reuse one connection for several calls).

Database URLs:

* ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or a plain file path;
* ``postgresql://user:password@host:5432/dbname`` — optional, needs
  ``pip install 'psycopg[binary]>=3.1,<4'``.

Without a URL, ``DATABASE_URL`` from the environment is used, then ``sqlite:///tasks.db``.
Migrations are numbered SQL files in ``migrations/<dialect>/NNNN_name.sql``; the
``schema_version`` table records which ones ran.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

__all__ = [
    "DEFAULT_URL",
    "STATUSES",
    "Connection",
    "DatabaseError",
    "Migration",
    "TaskExists",
    "connect",
    "delete_task",
    "enqueue_event",
    "get_task",
    "insert_task",
    "list_tasks",
    "migrate",
    "migrations",
    "outbox",
    "reset",
    "resolve_url",
    "schema_version",
    "update_task",
    "using",
]

DEFAULT_URL = "sqlite:///tasks.db"
STATUSES = ("open", "in_progress", "done")
# Tables holding data (not bookkeeping): what reset() empties.
DATA_TABLES = ("tasks", "outbox")
# Any fixed number: serialises concurrent migrations on PostgreSQL.
_PG_MIGRATION_LOCK = 7_302_311
_COLUMNS = "id, title, status, assignee"
_UPDATABLE = frozenset({"title", "status", "assignee"})

Dialect = Literal["sqlite", "postgresql"]


class DatabaseError(Exception):
    """The database URL is unusable or the database refused an operation."""


class TaskExists(DatabaseError):
    """A task with the requested id is already stored."""


class Connection:
    """One open database connection, with the SQL dialect hidden behind ``?`` placeholders.

    Use it as a context manager; it closes on exit.
    """

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self.dialect: Dialect = dialect
        self._in_transaction = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement written with ``?`` placeholders and return the cursor."""
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        return self.raw.execute(sql, tuple(params))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Run the block in one transaction (joining an enclosing one if there is one)."""
        if self._in_transaction:
            yield self
            return
        # IMMEDIATE takes SQLite's write lock up front, so a read-then-write block
        # cannot be overtaken by another process between its read and its write.
        self.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self.execute("ROLLBACK")
            raise
        else:
            self.execute("COMMIT")
        finally:
            self._in_transaction = False

    def close(self) -> None:
        """Close the underlying connection."""
        self.raw.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """Return ``url``, else ``DATABASE_URL`` from the environment, else :data:`DEFAULT_URL`."""
    if url is not None:
        return os.fspath(url)
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def connect(url: str | os.PathLike[str] | None = None) -> Connection:
    """Open a connection to the database at ``url`` (see the module docstring for URLs).

    Raises:
        DatabaseError: the URL is not understood, psycopg is missing for PostgreSQL,
            or the database cannot be opened.
    """
    text = resolve_url(url)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return _connect_postgresql("postgresql://" + text.split("://", 1)[1])
    if scheme in ("sqlite", ""):
        return _connect_sqlite(_sqlite_path(text))
    raise DatabaseError(
        f"unsupported DATABASE_URL scheme {scheme!r}: use sqlite:///path.db or postgresql://..."
    )


def _sqlite_path(url: str) -> str:
    if "://" not in url:
        path = url
    else:
        # sqlite:///rel.db -> "rel.db"; sqlite:////abs.db -> "/abs.db" (as SQLAlchemy reads them).
        path = url.split("://", 1)[1].split("?", 1)[0]
        path = path[1:] if path.startswith("/") else path
    if path in ("", ":memory:"):
        # The service opens a connection per request; an in-memory database would vanish.
        raise DatabaseError("an in-memory SQLite database cannot be shared: give a file path")
    return path


def _connect_sqlite(path: str) -> Connection:
    try:
        # isolation_level=None: autocommit, transactions only where transaction() opens them.
        # check_same_thread=False: a request's connection may be used from a worker thread.
        raw = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
        raw.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open SQLite database {path!r}: {exc}") from exc
    return Connection(raw, "sqlite")


def _connect_postgresql(url: str) -> Connection:
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            "DATABASE_URL points at PostgreSQL but psycopg is not installed: "
            "pip install 'psycopg[binary]>=3.1,<4'"
        ) from None
    try:
        raw = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
    return Connection(raw, "postgresql")


@contextmanager
def using(target: str | os.PathLike[str] | Connection | None) -> Iterator[Connection]:
    """Yield ``target`` if it is a connection, else a fresh one closed afterwards."""
    if isinstance(target, Connection):
        yield target
        return
    with connect(target) as conn:
        yield conn


# --- migrations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The file's statements (our migrations end each statement with ``;`` at a line end)."""
        body = "\n".join(
            line for line in self.sql.splitlines() if not line.lstrip().startswith("--")
        )
        return [part.strip() for part in re.split(r";\s*(?:\n|$)", body) if part.strip()]


_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def migrations(dialect: Dialect = "sqlite") -> list[Migration]:
    """The migrations shipped for ``dialect``, in version order."""
    found = []
    for entry in (resources.files("tasks_api") / "migrations" / dialect).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def migrate(target: str | os.PathLike[str] | Connection | None = None) -> list[int]:
    """Apply every pending migration, each in its own transaction.

    Safe to call from several processes at once: the check-and-apply of each
    migration runs under the database's write lock.

    Returns:
        The versions applied by this call (empty when the schema was current).
    """
    applied: list[int] = []
    with using(target) as conn:
        if conn.dialect == "sqlite":
            # WAL lets the service read while a state handler in another process writes.
            conn.execute("PRAGMA journal_mode = WAL")
        with conn.transaction():
            _lock_migrations(conn)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        for migration in migrations(conn.dialect):
            with conn.transaction():
                _lock_migrations(conn)
                done = conn.execute(
                    "SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)
                ).fetchone()
                if done:
                    continue
                for statement in migration.statements():
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                    (migration.version, migration.name),
                )
            applied.append(migration.version)
    return applied


def _lock_migrations(conn: Connection) -> None:
    # SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL needs an explicit one.
    if conn.dialect == "postgresql":
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_PG_MIGRATION_LOCK,))


def schema_version(target: str | os.PathLike[str] | Connection | None = None) -> int:
    """The highest applied migration version, 0 for an empty database."""
    with using(target) as conn:
        try:
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except (sqlite3.OperationalError, _pg_undefined_table()):
            return 0
        return int(row[0] or 0)


def _pg_undefined_table() -> type[Exception]:
    try:
        import psycopg
    except ImportError:
        return sqlite3.OperationalError
    undefined_table: type[Exception] = psycopg.errors.UndefinedTable
    return undefined_table


# --- tasks ---------------------------------------------------------------------------------


def reset(target: str | os.PathLike[str] | Connection | None = None) -> None:
    """Delete every row of every data table and restart task ids at 1 (schema kept)."""
    with using(target) as conn, conn.transaction():
        for table in DATA_TABLES:
            if conn.dialect == "postgresql":
                conn.execute(f"TRUNCATE {table} RESTART IDENTITY CASCADE")
            else:
                conn.execute(f"DELETE FROM {table}")
                conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))


def insert_task(
    target: str | os.PathLike[str] | Connection | None,
    *,
    id: int | None = None,
    title: str,
    status: str = "open",
    assignee: str | None = None,
) -> dict[str, Any]:
    """Store a task and return it as ``{id, title, status, assignee}``.

    Args:
        target: a database URL or an open :class:`Connection`.
        id: a fixed id (provider states use this), or ``None`` for the next one.
        title: the task's title, at least one character.
        status: ``open``, ``in_progress`` or ``done``.
        assignee: who the task is assigned to, if anyone.

    Raises:
        ValueError: ``status`` or ``title`` is not valid.
        TaskExists: a task with ``id`` is already stored.
    """
    _check_fields({"title": title, "status": status})
    with using(target) as conn, conn.transaction():
        try:
            if id is None:
                row = conn.execute(
                    f"INSERT INTO tasks (title, status, assignee) VALUES (?, ?, ?) "
                    f"RETURNING {_COLUMNS}",
                    (title, status, assignee),
                ).fetchone()
            else:
                row = conn.execute(
                    f"INSERT INTO tasks (id, title, status, assignee) VALUES (?, ?, ?, ?) "
                    f"RETURNING {_COLUMNS}",
                    (id, title, status, assignee),
                ).fetchone()
                _advance_sequence(conn)
        except _integrity_errors(conn) as exc:
            raise TaskExists(f"task {id} already exists") from exc
        return _task(row)


def _advance_sequence(conn: Connection) -> None:
    # SQLite's AUTOINCREMENT follows explicit ids by itself; a PostgreSQL identity does not,
    # and would later hand out an id a state handler already used.
    if conn.dialect == "postgresql":
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('tasks', 'id'),"
            " GREATEST((SELECT MAX(id) FROM tasks), 1))"
        )


def _integrity_errors(conn: Connection) -> type[Exception]:
    if conn.dialect == "postgresql":
        import psycopg

        integrity_error: type[Exception] = psycopg.IntegrityError
        return integrity_error
    return sqlite3.IntegrityError


def get_task(
    target: str | os.PathLike[str] | Connection | None, task_id: int
) -> dict[str, Any] | None:
    """The task with ``task_id``, or ``None``."""
    with using(target) as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return _task(row) if row else None


def list_tasks(target: str | os.PathLike[str] | Connection | None = None) -> list[dict[str, Any]]:
    """Every task, by id."""
    with using(target) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM tasks ORDER BY id").fetchall()
        return [_task(row) for row in rows]


def update_task(
    target: str | os.PathLike[str] | Connection | None,
    task_id: int,
    changes: Mapping[str, Any],
) -> dict[str, Any] | None:
    """Apply ``changes`` (any of title, status, assignee) and return the task, or ``None``.

    Raises:
        ValueError: an unknown field, or an invalid title or status.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}: not task fields")
    _check_fields(changes)
    if not changes:
        return get_task(target, task_id)
    names = sorted(changes)
    assignments = ", ".join(f"{name} = ?" for name in names)
    with using(target) as conn, conn.transaction():
        row = conn.execute(
            f"UPDATE tasks SET {assignments} WHERE id = ? RETURNING {_COLUMNS}",
            [changes[name] for name in names] + [task_id],
        ).fetchone()
        return _task(row) if row else None


def delete_task(target: str | os.PathLike[str] | Connection | None, task_id: int) -> bool:
    """Delete the task; ``True`` if there was one."""
    with using(target) as conn, conn.transaction():
        row = conn.execute("DELETE FROM tasks WHERE id = ? RETURNING id", (task_id,)).fetchone()
        return row is not None


def _check_fields(fields: Mapping[str, Any]) -> None:
    if "status" in fields and fields["status"] not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {fields['status']!r}")
    if "title" in fields and not (isinstance(fields["title"], str) and fields["title"]):
        raise ValueError("title must be a non-empty string")


def _task(row: Sequence[Any]) -> dict[str, Any]:
    return {"id": int(row[0]), "title": row[1], "status": row[2], "assignee": row[3]}


# --- outbox --------------------------------------------------------------------------------


def enqueue_event(
    target: str | os.PathLike[str] | Connection | None,
    *,
    topic: str,
    body: Mapping[str, Any],
    metadata: Mapping[str, Any],
    content_type: str,
) -> int:
    """Store an event in the outbox (in the caller's transaction, if any) and return its id."""
    with using(target) as conn, conn.transaction():
        row = conn.execute(
            "INSERT INTO outbox (topic, body, metadata, content_type) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (topic, json.dumps(body), json.dumps(metadata), content_type),
        ).fetchone()
        return int(row[0])


def outbox(target: str | os.PathLike[str] | Connection | None = None) -> list[dict[str, Any]]:
    """Every stored event, oldest first: ``{id, topic, body, metadata, content_type}``."""
    with using(target) as conn:
        rows = conn.execute(
            "SELECT id, topic, body, metadata, content_type FROM outbox ORDER BY id"
        ).fetchall()
    return [
        {
            "id": int(row[0]),
            "topic": row[1],
            "body": json.loads(row[2]),
            "metadata": json.loads(row[3]),
            "content_type": row[4],
        }
        for row in rows
    ]
