"""The app owns its database: opened lazily or in the lifespan, closed deterministically."""

from __future__ import annotations

import gc
import sys
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


def test_create_app_opens_nothing(tmp_path: Path) -> None:
    """Building an app neither creates its database file nor opens a connection."""
    app = create_app(tmp_path / "b.db")
    assert _open(app) == 0
    assert not (tmp_path / "b.db").exists()


def test_with_block_closes_what_requests_opened(tmp_path: Path) -> None:
    """Over ASGITransport (no lifespan) the first request opens; leaving `with` closes all."""
    with create_app(tmp_path / "b.db") as app:
        assert anyio.run(_get, app, "/pacticipants") == 200
        assert _open(app) >= 1
    assert _open(app) == 0


def test_lifespan_opens_at_start_and_closes_at_end(tmp_path: Path) -> None:
    """Served with a lifespan, the database is open before any request and closed after."""
    app = create_app(tmp_path / "b.db")

    async def serve() -> None:
        async with app.router.lifespan_context(app):
            assert _open(app) >= 1
            assert await _get(app, "/pacticipants") == 200

    anyio.run(serve)
    assert _open(app) == 0


def test_an_app_dropped_unclosed_leaves_no_unclosed_connection(tmp_path: Path) -> None:
    """An app used and dropped without close() closes its connections when collected.

    Python 3.13 reports an unclosed sqlite3 connection as a ResourceWarning from its
    finaliser, an error under filterwarnings=error; the storage's finaliser closes them first.
    """
    seen: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        app = create_app(tmp_path / "b.db")
        assert anyio.run(_get, app, "/pacticipants") == 200
        del app
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert [str(u.exc_value) for u in seen] == []
