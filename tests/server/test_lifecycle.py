"""The app owns its database: opened lazily or in the lifespan, closed deterministically."""

from __future__ import annotations

import gc
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import httpx

from seam.server import create_app


def _open(app: Any) -> int:
    count: int = app.state.service.storage.pool_stats()["size"]
    return count


async def _get(app: Any, path: str) -> int:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return (await client.get(path)).status_code


def _connections(url: str, tag: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s", (tag,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_create_app_opens_nothing(broker_database: Path | str) -> None:
    """Building an app creates no SQLite file and opens no connection, on either engine."""
    app = create_app(broker_database)
    assert _open(app) == 0
    if isinstance(broker_database, Path):
        assert not broker_database.exists()


def test_postgresql_app_connects_only_when_opened(broker_postgres: str) -> None:
    """On PostgreSQL no connection exists before open(), one does after, none after close()."""
    tag = f"seam-lazy-{uuid.uuid4().hex[:8]}"
    app = create_app(f"{broker_postgres}?application_name={tag}")
    assert _connections(broker_postgres, tag) == 0
    app.open()
    try:
        assert _connections(broker_postgres, tag) >= 1
    finally:
        app.close()
    # A backend leaves pg_stat_activity a moment after its client hung up.
    deadline = time.monotonic() + 10
    while _connections(broker_postgres, tag) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _connections(broker_postgres, tag) == 0


def test_with_block_closes_what_requests_opened(broker_database: Path | str) -> None:
    """Over ASGITransport (no lifespan) the first request opens; leaving `with` closes all."""
    with create_app(broker_database) as app:
        assert anyio.run(_get, app, "/pacticipants") == 200
        assert _open(app) >= 1
    assert _open(app) == 0


def test_lifespan_opens_at_start_and_closes_at_end(broker_database: Path | str) -> None:
    """Served with a lifespan, the database is open before any request and closed after."""
    app = create_app(broker_database)

    async def serve() -> None:
        async with app.router.lifespan_context(app):
            assert _open(app) >= 1
            assert await _get(app, "/pacticipants") == 200

    anyio.run(serve)
    assert _open(app) == 0


def test_an_app_dropped_unclosed_leaves_no_unclosed_connection(
    broker_database: Path | str,
) -> None:
    """An app used and dropped without close() closes its connections when collected.

    Python 3.13 reports an unclosed sqlite3 connection as a ResourceWarning from its
    finaliser, an error under filterwarnings=error; the storage's finaliser closes them first.
    """
    seen: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        app = create_app(broker_database)
        assert anyio.run(_get, app, "/pacticipants") == 200
        del app
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert [str(u.exc_value) for u in seen] == []
