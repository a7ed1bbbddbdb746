"""Fixtures: a fresh embedded broker per test, in process, and pact documents."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from starlette.applications import Starlette

from seam.server import BrokerService, create_app

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
def app(broker_database: str | Path) -> Starlette:
    """A fresh embedded broker without tokens, on SQLite and on PostgreSQL."""
    return create_app(broker_database)


@pytest.fixture
def service(app: Starlette) -> BrokerService:
    """The broker's service, for seeding its database directly."""
    found: BrokerService = app.state.service
    return found


@pytest.fixture
def client(app: Starlette, make_client: Callable[..., Client]) -> Client:
    """An HTTP client for the in-process broker, asking for HAL like the official clients."""
    return make_client(app)
