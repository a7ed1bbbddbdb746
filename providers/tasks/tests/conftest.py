"""Fixtures for the Tasks service's own tests: a fresh database per test, the app, a server.

Tests that take ``database_url`` run twice: on a SQLite file, and on a PostgreSQL
database of their own, on the session's server (``postgres_server`` in the repository's
root conftest.py, shared with the broker's tests).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from fastapi import FastAPI
from tasks_api import db
from tasks_api.app import create_app

TOKEN = "test-token"
PROVIDER_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tasks.db'}"
        return
    yield from _postgres_database(request.getfixturevalue("postgres_database"))


def _postgres_database(database: str) -> Iterator[str]:
    import psycopg

    # An empty public schema is as good as a new database and ten times faster to make.
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield database


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL database for this test session (each test empties it first)."""
    import psycopg

    name = f"tasks_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_server}/{name}"
    finally:
        with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _PortalTransport(httpx.BaseTransport):
    """Drive the async-only ``httpx.ASGITransport`` from a sync client through a portal.

    (Starlette's TestClient would do this, but it now warns that its httpx support is
    deprecated, and warnings are errors in this suite.)
    """

    def __init__(self, app: Any, portal: anyio.from_thread.BlockingPortal) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> httpx.Response:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._inner.handle_async_request(inner)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(call)


@contextmanager
def serve_in_process(app: FastAPI) -> Iterator[httpx.Client]:
    """Run ``app``'s lifespan (startup migrates) and yield a client that calls it in process."""
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
        httpx.Client(transport=_PortalTransport(app, portal), base_url="http://tasks.test") as http,
    ):
        yield http


@pytest.fixture
def migrated(database_url: str) -> str:
    """This test's database URL, migrated to the latest schema."""
    db.migrate(database_url)
    return database_url


@pytest.fixture
def app_client() -> Iterator[Any]:
    """A factory: ``with app_client(app) as client`` runs an app in process for one block."""
    return serve_in_process  # type: ignore[return-value]


@pytest.fixture
def client(database_url: str) -> Iterator[httpx.Client]:
    """The app over this test's database, started (so migrated) and stopped around the test."""
    with serve_in_process(create_app(database_url=database_url, tokens=TOKEN)) as http:
        yield http


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def provider_env(database_url: str) -> dict[str, str]:
    """The environment a provider process needs: tasks_api importable, this test's database."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROVIDER_ROOT), env.get("PYTHONPATH")]))
    env["DATABASE_URL"] = database_url
    env["TASKS_API_TOKEN"] = TOKEN
    return env


@pytest.fixture
def provider_environ(database_url: str) -> dict[str, str]:
    """The environment for a ``python -m tasks_api`` process on this test's database."""
    return provider_env(database_url)


@dataclass
class Server:
    """A running ``python -m tasks_api serve`` process."""

    base_url: str
    process: subprocess.Popen[bytes]


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    """The service as a real uvicorn process on 127.0.0.1, stopped after the test."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tasks_api", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=provider_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, process)
        yield Server(base_url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"the provider exited with {process.returncode}: {stderr}")
        try:
            httpx.get(f"{base_url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"the provider did not answer at {base_url} within {timeout} s")
