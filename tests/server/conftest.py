"""Fixtures: a fresh embedded broker per test, in process, and pact documents."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from starlette.applications import Starlette

from seam.server import BrokerApp, BrokerService, create_app

BASE = "http://broker.test"


def pact_doc(consumer: str, provider: str, description: str = "get a thing") -> dict[str, Any]:
    """A small Pact V2 document; the description makes its content (and sha) distinct."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "providerState": "a thing exists",
                "request": {"method": "GET", "path": "/things/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def publish_body(
    consumer: str,
    version: str,
    providers: list[str],
    *,
    branch: str | None = None,
    tags: list[str] | None = None,
    description: str = "get a thing",
) -> dict[str, Any]:
    """A ``POST /contracts/publish`` body as the official clients send it."""
    body: dict[str, Any] = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(
                    json.dumps(pact_doc(consumer, provider, description)).encode()
                ).decode(),
            }
            for provider in providers
        ],
    }
    if branch:
        body["branch"] = branch
    if tags:
        body["tags"] = tags
    return body


class Client:
    """A synchronous HTTP client for an ASGI app, over ``httpx.ASGITransport`` (no socket)."""

    def __init__(self, app: Starlette, portal: Any, headers: dict[str, str]) -> None:
        self.app = app
        self._portal = portal
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE, headers=headers
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request and return the fully read response."""
        return self._portal.call(lambda: self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def close(self) -> None:
        self._portal.call(self._client.aclose)


@pytest.fixture
def portal() -> Iterator[Any]:
    """An event loop in a thread, for driving async httpx from sync tests."""
    with anyio.from_thread.start_blocking_portal() as running:
        yield running


@pytest.fixture
def make_client(portal: Any) -> Iterator[Callable[..., Client]]:
    """Build clients for any app (e.g. one with tokens); all are closed afterwards."""
    made: list[tuple[Client, Starlette]] = []

    def make(app: Starlette, headers: dict[str, str] | None = None) -> Client:
        client = Client(app, portal, {"Accept": "application/hal+json", **(headers or {})})
        made.append((client, app))
        return client

    yield make
    for client, app in made:
        client.close()
        app.state.service.storage.close()


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Make a name no other test uses: ``unique("web")`` → ``web-1a2b3c4d``."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite database file of this test's own (for tests of SQLite-only behaviour)."""
    return tmp_path / "own-broker.sqlite"


@pytest.fixture
def app(broker_database: str | Path) -> Iterator[BrokerApp]:
    """A fresh embedded broker without tokens, on SQLite and on PostgreSQL, closed at the end."""
    with create_app(broker_database) as broker:
        yield broker


@pytest.fixture
def service(app: Starlette) -> BrokerService:
    """The broker's service, for seeding its database directly."""
    found: BrokerService = app.state.service
    return found


@pytest.fixture
def client(app: Starlette, make_client: Callable[..., Client]) -> Client:
    """An HTTP client for the in-process broker, asking for HAL like the official clients."""
    return make_client(app)


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every webhook request it gets.

    ``statuses`` maps a path to the statuses to answer in turn (the last one repeats; 200
    when the path is not listed); a path in ``hold`` makes its first request wait until
    ``release`` is set, answering nothing meanwhile.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: dict[str, list[int]] = {}
        self.hold: set[str] = set()
        self.release = threading.Event()
        self.arrived = threading.Condition()
        received = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path = self.path.split("?", 1)[0]
                with received.arrived:
                    first = not any(r["path"] == path for r in received.requests)
                    received.requests.append(
                        {
                            "method": self.command,
                            "path": path,
                            "target": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                    answered = [r for r in received.requests if r["path"] == path]
                    received.arrived.notify_all()
                if path in received.hold and first:
                    received.release.wait(30)
                    return
                queue = received.statuses.get(path) or [200]
                status = queue[min(len(answered) - 1, len(queue) - 1)]
                reply = f"answer {status} to {path}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_POST = do_PUT = do_GET = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, count: int, path: str | None = None, timeout: float = 20) -> list[Any]:
        """Wait until ``count`` requests (to ``path``, if given) arrived; return them."""

        def matching() -> list[Any]:
            return [r for r in self.requests if path is None or r["path"] == path]

        with self.arrived:
            self.arrived.wait_for(lambda: len(matching()) >= count, timeout)
            return matching()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def run_app(portal: Any, make_client: Callable[..., Client]) -> Iterator[Callable[..., Client]]:
    """Run apps with their lifespan (so a delivery worker runs); stopped after the test."""
    with contextlib.ExitStack() as stack:

        def run(app: Starlette) -> Client:
            stack.enter_context(portal.wrap_async_context_manager(app.router.lifespan_context(app)))
            return make_client(app)

        yield run


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1, shut down after the test."""
    found = Receiver()
    yield found
    found.close()
