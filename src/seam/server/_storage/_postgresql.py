"""PostgreSQL storage for the embedded broker: several instances on one database.

psycopg 3 with a ``psycopg_pool`` connection pool. The queries are the SQLite ones: the
connection this engine yields turns ``?`` placeholders into psycopg's ``%s`` (and a literal
``%`` into ``%%``), Python booleans into the 0/1 integers the schema stores, and returns rows
readable by index and by column name, as ``sqlite3.Row`` does.

Isolation, chosen so that writers on *different instances* never lose or duplicate a row:

- every write transaction first takes transaction-scoped advisory locks
  (``pg_advisory_xact_lock``): the write key in shared mode, then, exclusively and in one
  sorted order (so two writers never wait on each other in a cycle), one lock per key the
  caller names (``write(keys=...)``: what it reads, then writes on what it read, such as
  ``pacticipant:NAME``; :mod:`seam.server._locks` says which write names which key
  and why that is enough). Writers naming a common key take turns, as SQLite's ``BEGIN
  IMMEDIATE`` serialises every writer of one file, and each statement (READ COMMITTED) sees
  every earlier commit, so read-modify-write sequences (pact revisions, verification
  numbers, the current deployment) need no retry loop; writers with no key in common run at
  once on every instance. A write naming no key takes the write key exclusively: it runs
  alone (clean, environments, webhook definitions, deleting a pacticipant). Rows several
  writers may create at once (a provider named by two consumers' publications) are inserted
  with ``ON CONFLICT DO NOTHING`` against their unique constraints, then read back. Only
  the database part of a request holds the locks; parsing, hashing and rendering run in
  parallel on every instance;
- reads run in ``REPEATABLE READ READ ONLY`` transactions: one consistent snapshot per
  request, never blocked by a writer, never a serialization failure;
- migrations run under a session advisory lock, so when several instances start together
  one migrates and the others wait, then find nothing left to do.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from seam.errors import DatabaseUnreachable, InputError, redact
from seam.server._errors import Invalid
from seam.server._storage import (
    DEFAULT_POOL_SIZE,
    DEFAULT_POOL_TIMEOUT,
    Connection,
    Cursor,
    Outage,
    Storage,
    newer_schema,
    utcnow,
)
from seam.server._storage import _migrations_postgresql as migrations

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

__all__ = ["PostgresStorage", "display_url", "lock_id"]

# pg_advisory_lock keys (two int4): one namespace for Seam, one key per purpose; the keys
# writers name (write(keys=...)) are hashed into a namespace of their own.
_URL_FORM = "write it as postgresql://host:port/database with the user and password before the host"
_LOCK_SPACE = 0x5EA3
_MIGRATION_LOCK = 1
_WRITE_LOCK = 2
_KEY_SPACE = 0x5EA4


def display_url(url: str) -> str:
    """``url`` as logs and messages may show it: no password in userinfo or query."""
    parts = urlsplit(url)
    query = [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query)]
    shown = urlunsplit(parts._replace(query=urlencode(query, safe="*")))
    return redact(shown)


class Row:
    """One result row: ``row[0]``, ``row["name"]``, ``row.keys()`` and ``dict(row)``."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._names)

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key if isinstance(key, int) else self._names[key]]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=True))!r})"


def _row_factory(cursor: Any) -> Any:
    names: dict[str, int] = {}
    for index, column in enumerate(cursor.description or ()):
        # Like sqlite3.Row, a repeated column name answers with its first occurrence.
        names.setdefault(column.name, index)
    return lambda values: Row(names, values)


@functools.lru_cache(maxsize=2048)
def _translate(sql: str) -> str:
    """``?`` → ``%s`` and ``%`` → ``%%``, outside quoted literals and identifiers."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        if char == "%":
            out.append("%%")
            continue
        out.append(char)
    return "".join(out)


class _PgConnection:
    """A pooled psycopg connection speaking the SQLite dialect of our queries."""

    __slots__ = ("_conn",)

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        values = [int(p) if isinstance(p, bool) else p for p in parameters]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            # PostgreSQL text cannot hold NUL; SQLite can. No stored name or value holds one
            # (names are checked on the way in), so a request carrying one is bad input, 400,
            # not a database error.
            raise Invalid("text may not contain NUL (0x00) characters")
        return self._conn.execute(_translate(sql), values)


class PostgresStorage(Storage):
    """A PostgreSQL database shared by any number of broker instances.

    Args:
        url: ``postgresql://user:password@host:port/database`` (libpq's URL; its query
            parameters such as ``sslmode`` pass through).
        pool_size: The most connections this instance opens.
        pool_timeout: Seconds a request waits for a free pooled connection before it is
            refused (the app answers 503 with ``Retry-After``).
        connect_timeout: Seconds to wait for the server before giving up.
        lazy: Migrate and open the pool on first use (or :meth:`open`) instead of now; only
            the URL's form is checked here. ``create_app`` passes it, so an app that is built
            and never served holds no connection; ``broker serve`` opens before it listens.

    Raises:
        InputError: psycopg is missing, the URL is malformed, or the server refused it
            (user, password, database).
        DatabaseUnreachable: No server answered at the URL's host and port.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        pool_timeout: float = DEFAULT_POOL_TIMEOUT,
        connect_timeout: float = 10,
        lazy: bool = False,
    ) -> None:
        self.url = str(url)
        self.path = display_url(self.url)
        self.pool_size = max(1, pool_size)
        self.pool_timeout = pool_timeout
        self._connect_timeout = connect_timeout
        self._opened: ConnectionPool[Any] | None = None
        self._open_lock = threading.Lock()
        try:
            urlsplit(self.url).port  # noqa: B018 - urlsplit checks the port only when asked
        except ValueError as exc:
            raise InputError(f"--db {self.path}: {exc}; {_URL_FORM}") from None
        try:
            import psycopg_pool  # noqa: F401 - only checks that the extra is installed
        except ImportError:
            raise InputError(
                "a postgresql:// --db needs psycopg and psycopg_pool; "
                "pip install 'seam[postgresql]'"
            ) from None
        if not lazy:
            self.open()

    def open(self) -> None:
        """Migrate the database and open the pool, waiting for its first connection.

        Called again after :meth:`close`, it opens a new pool.

        Raises:
            InputError: The server refused the URL (user, password, database), or its
                schema is newer than this Seam.
            DatabaseUnreachable: No server answered within the connect timeout.
        """
        with self._open_lock:
            if self._opened is not None:
                return
            from psycopg_pool import ConnectionPool, PoolTimeout

            self.migrate()
            pool: ConnectionPool[Any] = ConnectionPool(
                self.url,
                min_size=1,
                max_size=self.pool_size,
                kwargs={"autocommit": True, "row_factory": _row_factory},
                open=False,
                name="seam-broker",
                timeout=self.pool_timeout,
            )
            # Wait for the first connection here, so the pool's workers are idle once the
            # broker serves (and an unreachable server fails now, not on the first request).
            try:
                pool.open(wait=True, timeout=self._connect_timeout)
            except PoolTimeout as exc:
                pool.close()
                raise DatabaseUnreachable(
                    f"cannot reach PostgreSQL at {self.path}: {_one_line(exc)}; "
                    "check that the server runs and the --db host and port"
                ) from None
            self._opened = pool

    @property
    def _pool(self) -> ConnectionPool[Any]:
        """The open pool; the first use of a lazy storage opens it (and migrates)."""
        pool = self._opened
        if pool is None:
            self.open()
            pool = self._opened
            assert pool is not None
        return pool

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        try:
            return psycopg.connect(
                self.url,
                autocommit=True,
                row_factory=_row_factory,
                connect_timeout=max(1, round(self._connect_timeout)),
            )
        except psycopg.ProgrammingError as exc:
            raise InputError(
                f"--db {self.path} is not a usable PostgreSQL URL ({_one_line(exc)}); {_URL_FORM}"
            ) from None
        except psycopg.OperationalError as exc:
            raise _connect_error(self.path, exc) from None

    @contextmanager
    def write(self, keys: Iterable[str] = ()) -> Iterator[Connection]:
        """Run the block in one write transaction; writers naming a common key take turns.

        Args:
            keys: The lock names this write needs alone (see the module docstring); none:
                the write runs alone on every instance.
        """
        script = _lock_script(keys)
        with self._pool.connection() as conn:
            conn.execute(script)
            try:
                yield _PgConnection(conn)
                conn.execute("COMMIT")
            except BaseException:
                if not conn.broken:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Run the block in one read-only transaction: one snapshot, never waiting on writers."""
        with self._pool.connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield _PgConnection(conn)
            finally:
                if not conn.broken:
                    conn.execute("COMMIT")

    def schema_version(self) -> int:
        """Return the number of the last applied migration (0 for an empty database)."""
        with self._connect() as conn:
            return _schema_version(conn)

    def migrate(self) -> None:
        """Apply every migration newer than the database, one instance at a time."""
        with self._connect() as conn:
            # Session-scoped: held across the transactions below, released on unlock (or
            # when this connection dies, so a killed instance never blocks the others).
            conn.execute(f"SELECT pg_advisory_lock({_LOCK_SPACE}, {_MIGRATION_LOCK})")
            try:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    '(version INTEGER PRIMARY KEY, applied_at TEXT COLLATE "C" NOT NULL)'
                )
                current = _schema_version(conn)
                known = max(number for number, _ in migrations.MIGRATIONS)
                if current > known:
                    raise newer_schema(self.path, current, known, "database")
                for number, script in migrations.MIGRATIONS:
                    if number <= current:
                        continue
                    with conn.transaction():
                        # No parameters: the script goes as one simple query, all statements.
                        conn.execute(script)
                        conn.execute(
                            "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                            (number, utcnow()),
                        )
            finally:
                if not conn.broken:
                    conn.execute(f"SELECT pg_advisory_unlock({_LOCK_SPACE}, {_MIGRATION_LOCK})")

    def ping(self) -> None:
        """Run ``SELECT 1`` on a pooled connection.

        Raises:
            DatabaseUnreachable: The server did not answer within the connect timeout.
        """
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection() as conn:
                conn.execute("SELECT 1").fetchone()
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DatabaseUnreachable(
                f"the broker database {self.path} does not answer: {_one_line(exc)}"
            ) from None

    def pool_stats(self) -> dict[str, int | float]:
        """Return the pool's connections (open, idle, most), waiting requests, timeouts.

        ``timeouts_total`` counts requests refused because no connection came free within
        ``timeout_seconds``. A storage not yet opened reports an empty pool.
        """
        stats = self._opened.get_stats() if self._opened is not None else {}
        return {
            "size": stats.get("pool_size", 0),
            "available": stats.get("pool_available", 0),
            "waiting": stats.get("requests_waiting", 0),
            "max": self.pool_size,
            "timeout_seconds": self.pool_timeout,
            "timeouts_total": stats.get("requests_errors", 0),
        }

    def outage(self, exc: BaseException) -> Outage | None:
        """Whether ``exc`` means the server is down or every pooled connection is busy.

        A connection lost mid-request (server stopped or restarted, backend terminated,
        network gone) and a wait for a pooled connection that ran out are not the request's
        fault: the app answers 503 and the pool reconnects in the background.
        """
        import psycopg
        from psycopg_pool import PoolTimeout

        if isinstance(exc, PoolTimeout):
            return Outage(
                f"no database connection came free within {self.pool_timeout:g} s "
                f"(all {self.pool_size} in use, or the database is down); retry shortly",
                retry_after=1,
            )
        if isinstance(exc, psycopg.OperationalError):
            return Outage("the broker database is unavailable; retry shortly", retry_after=5)
        return None

    def close(self) -> None:
        """Close the pool and its connections (the next use opens a new one)."""
        with self._open_lock:
            pool, self._opened = self._opened, None
        if pool is not None:
            pool.close()


def lock_id(key: str) -> int:
    """The int4 a write key is locked by: a stable hash (a collision only costs a wait)."""
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_script(keys: Iterable[str]) -> str:
    """BEGIN and the advisory locks of a write, sent as one round trip."""
    ids = sorted({lock_id(key) for key in keys})
    if not ids:
        return f"BEGIN; SELECT pg_advisory_xact_lock({_LOCK_SPACE}, {_WRITE_LOCK})"
    # One statement per lock: statements run in order, a SELECT list need not.
    locks = "; ".join(f"SELECT pg_advisory_xact_lock({_KEY_SPACE}, {i})" for i in ids)
    return f"BEGIN; SELECT pg_advisory_xact_lock_shared({_LOCK_SPACE}, {_WRITE_LOCK}); {locks}"


def _schema_version(conn: psycopg.Connection[Any]) -> int:
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0) if row is not None else 0


def _one_line(exc: BaseException) -> str:
    return redact(" ".join(str(exc).split()))


def _connect_error(shown: str, exc: BaseException) -> InputError | DatabaseUnreachable:
    message = _one_line(exc)
    # libpq reports what the server said as "FATAL: ...": the server answered, so the URL
    # (user, password, database) is wrong. Anything else never reached a server.
    if "FATAL" in message:
        return InputError(
            f"PostgreSQL at {shown} refused the connection: {message}; "
            "check the user, password and database name in --db"
        )
    return DatabaseUnreachable(
        f"cannot reach PostgreSQL at {shown}: {message}; "
        "check that the server runs and the --db host and port"
    )
