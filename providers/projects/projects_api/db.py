"""The Projects service's database: SQLite, numbered migrations, the project queries.

Plain functions over a database URL, as in the Tasks provider, so that provider-state
handlers in another process seed the very database the service reads::

    from projects_api import db

    db.migrate(url)                        # apply pending migrations (idempotent, safe to race)
    db.reset(url)                          # empty the data tables; ids start at 1 again
    db.insert_project(url, id=1, name="Seam", owner="ada")

Database URLs: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or a plain
file path. Without one, ``DATABASE_URL`` from the environment, then
``sqlite:///projects.db``. Migrations are ``migrations/sqlite/NNNN_name.sql``; the
``schema_version`` table records which ran.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

__all__ = [
    "DEFAULT_URL",
    "STATUSES",
    "DatabaseError",
    "archive_project",
    "connect",
    "get_project",
    "insert_project",
    "list_projects",
    "migrate",
    "reset",
    "resolve_url",
    "schema_version",
]

DEFAULT_URL = "sqlite:///projects.db"
STATUSES = ("active", "archived")
_COLUMNS = "id, name, status, owner"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class DatabaseError(Exception):
    """The database URL is unusable or the database refused an operation."""


def resolve_url(url: str | None = None) -> str:
    """Return ``url``, else ``DATABASE_URL`` from the environment, else :data:`DEFAULT_URL`."""
    return url if url is not None else os.environ.get("DATABASE_URL") or DEFAULT_URL


def _path(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if scheme.lower() != "sqlite":
        raise DatabaseError(
            f"unsupported DATABASE_URL scheme {scheme!r}: the Projects service uses sqlite:///path.db"
        )
    # sqlite:///rel.db -> "rel.db"; sqlite:////abs.db -> "/abs.db" (as SQLAlchemy reads them).
    path = rest.split("?", 1)[0]
    path = path[1:] if path.startswith("/") else path
    if path in ("", ":memory:"):
        # The service opens a connection per request; an in-memory database would vanish.
        raise DatabaseError("an in-memory SQLite database cannot be shared: give a file path")
    return path


@contextmanager
def connect(url: str | None = None) -> Iterator[sqlite3.Connection]:
    """An open connection in autocommit mode (transactions where ``BEGIN`` opens them).

    Raises:
        DatabaseError: the URL is not a SQLite one, or the database cannot be opened.
    """
    path = _path(resolve_url(url))
    try:
        conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open SQLite database {path!r}: {exc}") from exc
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE takes the write lock up front: a read-then-write block cannot be overtaken.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in (resources.files("projects_api") / "migrations" / "sqlite").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(url: str | None = None) -> list[int]:
    """Apply every pending migration, each in its own transaction; return the versions applied.

    Safe to call from several processes at once: each check-and-apply holds the write lock.
    """
    applied = []
    with connect(url) as conn:
        # WAL lets the service read while a state handler in another process writes.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        for version, name, sql in _migrations():
            with _transaction(conn):
                done = conn.execute(
                    "SELECT 1 FROM schema_version WHERE version = ?", (version,)
                ).fetchone()
                if done:
                    continue
                body = "\n".join(ln for ln in sql.splitlines() if not ln.lstrip().startswith("--"))
                for statement in filter(None, (s.strip() for s in body.split(";"))):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)", (version, name)
                )
            applied.append(version)
    return applied


def schema_version(url: str | None = None) -> int:
    """The highest applied migration version, 0 for an empty database."""
    with connect(url) as conn:
        try:
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0] or 0)


def reset(url: str | None = None) -> None:
    """Delete every project and restart ids at 1 (schema kept)."""
    with connect(url) as conn, _transaction(conn):
        conn.execute("DELETE FROM projects")
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'projects'")


def insert_project(
    url: str | None,
    *,
    name: str,
    id: int | None = None,
    status: str = "active",
    owner: str | None = None,
) -> dict[str, Any]:
    """Store a project and return it as ``{id, name, status, owner}``.

    Raises:
        ValueError: an empty name or an unknown status.
        DatabaseError: a project with ``id`` exists.
    """
    if not name:
        raise ValueError("a project needs a name")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with connect(url) as conn, _transaction(conn):
        try:
            row = conn.execute(
                f"INSERT INTO projects (id, name, status, owner) VALUES (?, ?, ?, ?) "
                f"RETURNING {_COLUMNS}",
                (id, name, status, owner),
            ).fetchone()
        except sqlite3.IntegrityError as exc:
            raise DatabaseError(f"project {id} already exists") from exc
    return _project(row)


def get_project(url: str | None, project_id: int) -> dict[str, Any] | None:
    """The project with ``project_id``, or None."""
    with connect(url) as conn:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM projects WHERE id = ?", (project_id,)
        ).fetchone()
    return _project(row) if row else None


def list_projects(url: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """Every project (of ``status``, when given), by id."""
    with connect(url) as conn:
        if status is None:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM projects ORDER BY id").fetchall()
        else:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM projects WHERE status = ? ORDER BY id", (status,)
            ).fetchall()
    return [_project(row) for row in rows]


def archive_project(url: str | None, project_id: int) -> dict[str, Any] | None:
    """Mark the project archived and return it, or None when there is none."""
    with connect(url) as conn, _transaction(conn):
        row = conn.execute(
            f"UPDATE projects SET status = 'archived' WHERE id = ? RETURNING {_COLUMNS}",
            (project_id,),
        ).fetchone()
    return _project(row) if row else None


def _project(row: Any) -> dict[str, Any]:
    return {"id": int(row[0]), "name": row[1], "status": row[2], "owner": row[3]}
