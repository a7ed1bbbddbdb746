"""Fixtures: the embedded broker in process (httpx.ASGITransport) and over a real socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
import uvicorn

from seam.broker import BrokerClient
from seam.server import create_app
from seam.verify._provider import free_port


class SyncASGITransport(httpx.BaseTransport):
    """Drive ``httpx.ASGITransport`` (async only) from the sync client, on a blocking portal."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> httpx.Response:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._inner.handle_async_request(inner)
            content = await response.aread()
            return httpx.Response(
                response.status_code, headers=response.headers, content=content, request=request
            )

        return self._portal.call(call)

    def close(self) -> None:
        """Clients come and go; the portal lives as long as the fixture (see shutdown)."""

    def shutdown(self) -> None:
        self._portal_cm.__exit__(None, None, None)


BASE = "http://broker.test"
CONTRACTS = str(Path(sys.executable).parent / "contracts")


@pytest.fixture
def broker_db(broker_database: Path | str) -> Path | str:
    """A fresh database for one test's broker: a SQLite file, then PostgreSQL."""
    return broker_database


@pytest.fixture
def asgi_transport(broker_db: Path | str) -> Iterator[SyncASGITransport]:
    """An in-process embedded broker (no tokens) behind a sync transport."""
    with create_app(broker_db) as app:
        transport = SyncASGITransport(app)
        yield transport
        transport.shutdown()


@pytest.fixture
def client(asgi_transport: SyncASGITransport) -> Iterator[BrokerClient]:
    """A Seam broker client talking to the in-process broker."""
    with BrokerClient(BASE, transport=asgi_transport) as c:
        yield c


class ServedBroker:
    """The embedded broker served by uvicorn on a real socket, in a thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the embedded broker did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def served_broker(broker_db: Path | str) -> Iterator[str]:
    """The embedded broker on a free loopback port (no tokens); yields its base URL."""
    with create_app(broker_db) as app:
        served = ServedBroker(app)
        served.start()
        yield served.url
        served.stop()


@pytest.fixture
def secured_broker(broker_db: Path | str) -> Iterator[tuple[str, str, str]]:
    """The embedded broker with a read and a write token; yields (url, read, write)."""
    read, write = f"read-{uuid.uuid4().hex}", f"write-{uuid.uuid4().hex}"
    with create_app(broker_db, read_token=read, write_token=write) as app:
        served = ServedBroker(app)
        served.start()
        yield served.url, read, write
        served.stop()


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Make names no other test uses: ``unique("web")`` → ``web-1a2b3c4d``."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


def pact_document(consumer: str, provider: str, description: str = "get a task") -> dict[str, Any]:
    """A small, valid Pact V3 document between ``consumer`` and ``provider``."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "providerStates": [{"name": "task 1 exists"}],
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "title": "write tests"},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture
def write_pact(tmp_path: Path) -> Callable[..., Path]:
    """Write a pact file for (consumer, provider) under tmp_path/pacts and return its path."""

    def write(consumer: str, provider: str, description: str = "get a task") -> Path:
        folder = tmp_path / "pacts"
        folder.mkdir(exist_ok=True)
        path = folder / f"{consumer}-{provider}.json"
        path.write_text(json.dumps(pact_document(consumer, provider, description)))
        return path

    return write


class BrokerProcess:
    """``contracts broker serve`` as a real process on a free port, restartable on its database.

    ``db`` is a SQLite file or a PostgreSQL URL; ``extra`` are more ``serve`` options.
    """

    def __init__(self, db: Path | str, log: Path, extra: tuple[str, ...] = ()) -> None:
        self.db = db
        self.log = log
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> str:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    CONTRACTS,
                    "broker",
                    "serve",
                    "--db",
                    str(self.db),
                    "--port",
                    str(port),
                    *self.extra,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return self.url
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("broker did not start: " + self.log.read_text()[-2000:])
            time.sleep(0.05)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@pytest.fixture
def broker_process(tmp_path: Path) -> Iterator[BrokerProcess]:
    """A started ``contracts broker serve`` process; stopped (or killed) afterwards."""
    proc = BrokerProcess(tmp_path / "process.sqlite", tmp_path / "broker.log")
    proc.start()
    yield proc
    proc.kill()


class OlderBrokerTransport(httpx.BaseTransport):
    """The embedded broker as a pre-2.86 Pact Broker: its index lacks pb:publish-contracts."""

    def __init__(self, inner: SyncASGITransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method != "GET" or request.url.path != "/":
            return response
        index = json.loads(response.content)
        index["_links"].pop("pb:publish-contracts", None)
        return httpx.Response(response.status_code, json=index, request=request)


@pytest.fixture
def older_broker_client(asgi_transport: SyncASGITransport) -> Iterator[BrokerClient]:
    """A client whose broker index offers no pb:publish-contracts (legacy publishing)."""
    with BrokerClient(BASE, transport=OlderBrokerTransport(asgi_transport)) as c:
        yield c
