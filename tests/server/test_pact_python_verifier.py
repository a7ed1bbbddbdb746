"""pact-python's Verifier (the Rust verifier underneath) against the served broker.

It fetches pacts through ``/pacts/provider/P/for-verification`` with consumer version
selectors, replays them against a real provider on 127.0.0.1 and publishes the results,
which must then show up in ``/matrix``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pact import Verifier

from seam.server import BrokerService, create_app

from ..conftest import ServeHTTP
from .conftest import pact_doc

Unique = Callable[[str], str]


class _Served:
    def __init__(self, app: Any) -> None:
        # IPPROTO_TCP so asyncio turns on TCP_NODELAY for accepted connections.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[str, BrokerService]]:
    """The broker on a free loopback port; yields (url, service)."""
    app = create_app(tmp_path / "broker.db")
    served = _Served(app)
    yield served.url, app.state.service
    served.stop()
    app.state.service.storage.close()


def _provider(status: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"id": 1}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    return Handler


@pytest.fixture
def good_provider(serve_http: ServeHTTP) -> str:
    """A real provider on 127.0.0.1 that honours the pact."""
    return serve_http(_provider(200))


@pytest.fixture
def broken_provider(serve_http: ServeHTTP) -> str:
    """A real provider on 127.0.0.1 that answers 500."""
    return serve_http(_provider(500))


def _verifier(provider: str, provider_url: str, broker_url: str, *, pending: bool) -> Verifier:
    builder = (
        Verifier(provider, host="127.0.0.1")
        .add_transport(url=provider_url)
        .broker_source(broker_url, selector=True, use_env=False)
        .consumer_version(main_branch=True)
        .provider_branch("main")
    )
    builder = builder.include_pending() if pending else builder.exclude_pending()
    return builder.build().set_publish_options(version="2.0.0", branch="main")


def _row(broker_url: str, consumer: str, provider: str) -> dict[str, Any]:
    params = [
        ("q[][pacticipant]", consumer),
        ("q[][version]", "1.0.0"),
        ("q[][pacticipant]", provider),
        ("q[][version]", "2.0.0"),
        ("latestby", "cvpv"),
    ]
    [row] = httpx.get(broker_url + "/matrix", params=params, timeout=10).json()["matrix"]
    return row  # type: ignore[no-any-return]


def test_verifier_publishes_success_into_matrix(
    broker: tuple[str, BrokerService], good_provider: str, unique: Unique
) -> None:
    """A passing verification fetched by selectors is published and makes the matrix green."""
    url, service = broker
    consumer, provider = unique("web"), unique("api")
    service.save_version(consumer, "1.0.0", {"branch": "main"})
    service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider))
    _verifier(provider, good_provider, url, pending=True).verify()
    row = _row(url, consumer, provider)
    assert row["verificationResult"]["success"] is True
    assert [b["name"] for b in service.get_version(provider, "2.0.0")["branches"]] == ["main"]


def test_verifier_publishes_failure_into_matrix(
    broker: tuple[str, BrokerService], broken_provider: str, unique: Unique
) -> None:
    """A failing verification fails the verifier and is recorded as failed in the matrix."""
    url, service = broker
    consumer, provider = unique("web"), unique("api")
    service.save_version(consumer, "1.0.0", {"branch": "main"})
    service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider))
    with pytest.raises(RuntimeError):
        _verifier(provider, broken_provider, url, pending=False).verify()
    assert _row(url, consumer, provider)["verificationResult"]["success"] is False
