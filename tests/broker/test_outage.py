"""PostgreSQL outages while the broker serves: 503 with Retry-After, then recovery by itself.

The stop/start test runs a PostgreSQL cluster of its own (``own_postgres_cluster``, root
conftest), never the session's shared one: stopping that would fail every other test.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from seam.server import BrokerApp, create_app

from .conftest import BrokerProcess, ServedBroker


def _get(url: str) -> httpx.Response:
    return httpx.get(url, headers={"Accept": "application/hal+json"}, timeout=30)


def _wait_for(check: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_stopped_database_answers_503_and_recovers(
    own_postgres_cluster: Any, tmp_path: Path
) -> None:
    """The database stops under a serving broker: 503 + Retry-After, then answers again."""
    broker = BrokerProcess(
        own_postgres_cluster.url, tmp_path / "broker.log", ("--db-pool-timeout", "1")
    )
    broker.start()
    try:
        name = f"outage-{uuid.uuid4().hex[:8]}"
        assert httpx.put(f"{broker.url}/pacticipants/{name}", json={}).status_code in (200, 201)
        own_postgres_cluster.stop()
        down = _get(f"{broker.url}/pacticipants/{name}")
        assert down.status_code == 503, down.text
        assert down.headers["retry-after"].isdigit()
        assert down.headers["content-type"].startswith("application/hal+json")
        assert "database is unavailable" in down.json()["errors"][0] or (
            "no database connection came free" in down.json()["errors"][0]
        )
        # A second request, the pool now empty: still 503, after at most the pool timeout.
        started = time.monotonic()
        assert _get(f"{broker.url}/pacticipants/{name}").status_code == 503
        assert time.monotonic() - started < 5
        assert _get(f"{broker.url}/diagnostic/status/heartbeat").status_code == 200
        assert _get(f"{broker.url}/diagnostic/status/dependencies").status_code == 503
        own_postgres_cluster.start()
        _wait_for(
            lambda: _get(f"{broker.url}/pacticipants/{name}").status_code == 200,
            "the broker to answer from the restarted database",
        )
        assert _get(f"{broker.url}/diagnostic/status/dependencies").status_code == 200
        assert broker.proc is not None and broker.proc.poll() is None  # never restarted
        assert "Traceback" not in broker.log.read_text()
    finally:
        broker.kill()


@pytest.fixture
def served() -> Iterator[Callable[..., tuple[str, BrokerApp]]]:
    """Serve create_app(...) apps on loopback sockets; stopped and closed after the test."""
    running: list[tuple[ServedBroker, BrokerApp]] = []

    def serve(db: str, **options: Any) -> tuple[str, BrokerApp]:
        app = create_app(db, **options)
        broker = ServedBroker(app)
        broker.start()
        running.append((broker, app))
        return broker.url, app

    yield serve
    for broker, app in running:
        broker.stop()
        app.close()


def test_terminated_backends_answer_503_not_500(
    broker_postgres: str, served: Callable[..., tuple[str, BrokerApp]]
) -> None:
    """pg_terminate_backend on the broker's connections: the next request is 503, then 200."""
    tag = f"seam-outage-{uuid.uuid4().hex[:8]}"
    url, _ = served(f"{broker_postgres}?application_name={tag}")
    name = f"terminated-{uuid.uuid4().hex[:8]}"
    assert httpx.put(f"{url}/pacticipants/{name}", json={}).status_code in (200, 201)
    with psycopg.connect(broker_postgres, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (tag,),
        ).fetchall()
    assert killed
    down = _get(f"{url}/pacticipants/{name}")
    assert down.status_code == 503
    assert down.json() == {"errors": ["the broker database is unavailable; retry shortly"]}
    assert down.headers["retry-after"] == "5"
    _wait_for(lambda: _get(f"{url}/pacticipants/{name}").status_code == 200, "recovery")


def test_pool_wait_is_bounded_and_answered_503(
    broker_postgres: str, served: Callable[..., tuple[str, BrokerApp]]
) -> None:
    """Every pooled connection busy past --db-pool-timeout: 503 with Retry-After, counted."""
    url, app = served(broker_postgres, db_pool_size=1, db_pool_timeout=0.3)
    assert _get(f"{url}/pacticipants").status_code == 200  # opens the pool
    with app.service.storage.read():  # holds the pool's only connection
        started = time.monotonic()
        busy = _get(f"{url}/pacticipants")
        waited = time.monotonic() - started
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert "no database connection came free within 0.3 s" in busy.json()["errors"][0]
    assert 0.3 <= waited < 3
    assert _get(f"{url}/pacticipants").status_code == 200
    metrics = _get(f"{url}/metrics").text
    assert "seam_broker_db_pool_timeouts_total 1" in metrics
    assert "# TYPE seam_broker_db_pool_timeouts_total counter" in metrics
    assert "seam_broker_db_pool_max 1" in metrics
    assert "seam_broker_db_pool_timeout_seconds 0.3" in metrics


def test_serve_pool_defaults_are_the_librarys() -> None:
    """broker serve's --db-pool-size/--db-pool-timeout defaults are the storage's own."""
    from seam.cli._server import serve
    from seam.server._storage import DEFAULT_POOL_SIZE, DEFAULT_POOL_TIMEOUT

    defaults = {p.name: p.default for p in serve.params}
    assert (defaults["db_pool_size"], defaults["db_pool_timeout"]) == (
        DEFAULT_POOL_SIZE,
        DEFAULT_POOL_TIMEOUT,
    )
