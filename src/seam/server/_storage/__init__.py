"""The broker's storage engines: SQLite (one file, the default) and PostgreSQL (several instances).

``Storage(target)`` opens either: a ``postgresql://`` (or ``postgres://``) URL gives
:class:`PostgresStorage`, anything else is a SQLite file (:class:`SqliteStorage`). Both offer
the same surface, so the service and its queries are written once:

- ``read()`` / ``write(keys)``: context managers around one transaction (a consistent
  snapshot; a writer alone with whatever else names one of its ``keys``), yielding a
  connection whose ``execute(sql, params)`` takes ``?`` placeholders and returns rows readable
  by index and by column name (``dict(row)`` works);
- ``migrate()`` / ``schema_version()``: the engine's own numbered migrations
  (``_migrations_sqlite`` / ``_migrations_postgresql``, the same numbers in both), applied
  once even when several instances start together;
- ``ping()`` (``SELECT 1``; raises :class:`DatabaseUnreachable`), ``pool_stats()``,
  ``outage(exc)`` (whether an error means the database is down or saturated: the app answers
  503) and ``open()``/``close()``.

Queries stay portable by habit: ``?`` placeholders, columns by name, ``ON CONFLICT DO
NOTHING``, ``RETURNING id``, flags as 0/1 integers, timestamps as ISO 8601 text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from seam.errors import DatabaseUnreachable, InputError

__all__ = [
    "DEFAULT_POOL_SIZE",
    "DEFAULT_POOL_TIMEOUT",
    "Connection",
    "Cursor",
    "DatabaseUnreachable",
    "Outage",
    "PostgresStorage",
    "SqliteStorage",
    "Storage",
    "is_database_url",
    "utcnow",
]

#: Connections one PostgreSQL broker instance opens at most.
DEFAULT_POOL_SIZE = 10
#: Seconds a request waits for a pooled connection before the broker answers 503. Short, so a
#: load balancer's retry reaches another instance instead of the client timing out here.
DEFAULT_POOL_TIMEOUT = 5.0

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Cursor(Protocol):
    """What ``execute`` returns on either engine."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection inside ``read()``/``write()``: ``?`` placeholders, rows by column name."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...


def utcnow() -> str:
    """Return the current UTC time as an ISO 8601 string with a ``+00:00`` offset."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def is_database_url(target: str | Path) -> bool:
    """Whether ``--db`` names a server URL (``scheme://...``) rather than a SQLite file.

    Raises:
        InputError: It is a URL, but not a PostgreSQL one.
    """
    text = str(target)
    if not _URL.match(text):
        return False
    if not text.lower().startswith(_POSTGRES_SCHEMES):
        scheme = text.split("://", 1)[0]
        raise InputError(
            f"--db {scheme}://... is not a database Seam can use; give a SQLite file path "
            "or a postgresql://host:port/database URL"
        )
    return True


class Outage(NamedTuple):
    """Why the database cannot answer now, for a 503: the message and a ``Retry-After``."""

    message: str
    retry_after: int


class Storage:
    """The broker's database: ``Storage(path)`` for SQLite, ``Storage(url)`` for PostgreSQL.

    Args:
        target: A SQLite file (created and migrated when missing) or a ``postgresql://`` URL.
    """

    #: What logs and messages call this database (a PostgreSQL URL without its password).
    path: str

    def __new__(cls, target: str | Path, **options: Any) -> Storage:
        if cls is Storage:
            cls = PostgresStorage if is_database_url(target) else SqliteStorage
        return super().__new__(cls)

    def open(self) -> None:
        """Open (and migrate) the database now rather than on first use."""
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Connection]:
        """Run the block in one read transaction that sees a single consistent snapshot."""
        raise NotImplementedError

    def write(self, keys: Iterable[str] = ()) -> AbstractContextManager[Connection]:
        """Run the block in one write transaction, rolled back on error.

        Args:
            keys: What the transaction reads, then writes on what it read (the lock names of
                :mod:`seam.server._locks`): writers naming a common key take turns,
                others may run at once. No keys: the write runs alone, as every write did
                before keys. SQLite runs one writer at a time whatever the keys.
        """
        raise NotImplementedError

    def schema_version(self) -> int:
        """Return the number of the last applied migration (0 for an empty database)."""
        raise NotImplementedError

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        raise NotImplementedError

    def ping(self) -> None:
        """Run ``SELECT 1``.

        Raises:
            DatabaseUnreachable: The database did not answer.
        """
        raise NotImplementedError

    def pool_stats(self) -> dict[str, int | float]:
        """Return ``size`` (open connections), ``available`` (idle) and ``waiting`` (requests).

        An engine may add more (PostgreSQL: ``max``, ``timeout_seconds``, ``timeouts_total``).
        """
        raise NotImplementedError

    def outage(self, exc: BaseException) -> Outage | None:
        """Say why the database cannot answer when ``exc`` means it is down or saturated.

        Returns:
            The message and ``Retry-After`` of a 503, or None for any other error.
        """
        return None

    def close(self) -> None:
        """Close every connection this storage opened."""
        raise NotImplementedError


def newer_schema(where: str, current: int, known: int, other: str) -> InputError:
    """The error for a database migrated by a newer Seam than this one."""
    return InputError(
        f"broker database {where} has schema version {current}, newer than this "
        f"Seam knows ({known}); upgrade Seam or use another --db {other}"
    )


# The engines subclass Storage, so they are imported after it is defined.
from seam.server._storage._postgresql import PostgresStorage  # noqa: E402
from seam.server._storage._sqlite import SqliteStorage  # noqa: E402
