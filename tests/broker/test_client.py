"""BrokerClient: URLs, auth and the error map, against the embedded broker."""

from __future__ import annotations

import base64
import http.server
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from seam.broker import BrokerClient, collect_pact_files, publish
from seam.errors import BrokerError, BrokerUnreachable, UsageError

from ..conftest import ServeHTTP


def test_missing_url_is_a_usage_error() -> None:
    """No URL at all says which option and environment variable to set."""
    with pytest.raises(UsageError, match="PACT_BROKER_BASE_URL"):
        BrokerClient(None)


@pytest.mark.parametrize("url", ["ftp://host", "localhost:9292", "http://"], ids=str)
def test_url_without_http_scheme_is_a_usage_error(url: str) -> None:
    """A URL that is not http(s) with a host is refused before any request."""
    with pytest.raises(UsageError, match="http"):
        BrokerClient(url)


def test_token_and_basic_auth_together_are_refused() -> None:
    """Giving a token and a username is ambiguous and refused."""
    with pytest.raises(UsageError, match="not both"):
        BrokerClient("http://127.0.0.1:1", token="t", username="u", password="p")


def test_connection_refused_is_unreachable() -> None:
    """A port nothing listens on raises BrokerUnreachable saying the connection was refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        BrokerClient(f"http://127.0.0.1:{port}") as client,
        pytest.raises(BrokerUnreachable, match="connection refused"),
    ):
        client.index()


def test_unknown_host_is_unreachable() -> None:
    """A host that does not resolve raises BrokerUnreachable."""
    with (
        BrokerClient("http://no-such-host.invalid") as client,
        pytest.raises(BrokerUnreachable, match="cannot reach"),
    ):
        client.index()


def test_index_over_a_socket(served_broker: str) -> None:
    """The index of the served broker offers the publish relation."""
    with BrokerClient(served_broker) as client:
        assert client.has_relation("pb:publish-contracts")


def test_wrong_token_is_a_broker_error(secured_broker: tuple[str, str, str]) -> None:
    """A wrong token gets a BrokerError that says to set PACT_BROKER_TOKEN."""
    url, _, _ = secured_broker
    with (
        BrokerClient(url, token="not-the-token") as client,
        pytest.raises(BrokerError, match=r"401.*PACT_BROKER_TOKEN"),
    ):
        client.index()


def test_read_token_reads(secured_broker: tuple[str, str, str]) -> None:
    """The read token can read the index."""
    url, read, _ = secured_broker
    with BrokerClient(url, token=read) as client:
        assert client.has_relation("pb:pacticipants")


def test_read_token_cannot_publish(
    secured_broker: tuple[str, str, str],
    write_pact: Callable[..., Path],
    unique: Callable[[str], str],
) -> None:
    """Publishing with the read token is refused with a hint to use the write token."""
    url, read, _ = secured_broker
    pacts = collect_pact_files([write_pact(unique("web"), unique("api"))])
    with (
        BrokerClient(url, token=read) as client,
        pytest.raises(BrokerError, match="write token"),
    ):
        publish(client, pacts, "1.0.0")


def test_write_token_publishes(
    secured_broker: tuple[str, str, str],
    write_pact: Callable[..., Path],
    unique: Callable[[str], str],
) -> None:
    """Publishing with the write token is accepted."""
    url, _, write = secured_broker
    pacts = collect_pact_files([write_pact(unique("web"), unique("api"))])
    with BrokerClient(url, token=write) as client:
        result = publish(client, pacts, "1.0.0")
    assert len(result.pacts) == 1


class _HTMLHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>not a broker</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def html_server(serve_http: ServeHTTP) -> str:
    """A real HTTP server that is not a Pact Broker (it answers HTML)."""
    return serve_http(_HTMLHandler)


def test_non_json_answer_is_a_broker_error(html_server: str) -> None:
    """A server answering HTML is reported as probably not the broker's base URL."""
    with BrokerClient(html_server) as client, pytest.raises(BrokerError, match="not JSON"):
        client.index()


class _BasicAuthHandler(http.server.BaseHTTPRequestHandler):
    """A reverse proxy's basic-auth gate in front of a broker index (user ``ci``, ``s3cret``)."""

    def do_GET(self) -> None:
        expected = "Basic " + base64.b64encode(b"ci:s3cret").decode()
        ok = self.headers.get("Authorization") == expected
        body = b'{"_links": {"pb:pacticipants": {"href": "/pacticipants"}}}' if ok else b"{}"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def basic_auth_server(serve_http: ServeHTTP) -> str:
    """A real HTTP server that demands basic auth before answering an index."""
    return serve_http(_BasicAuthHandler)


def test_basic_auth_is_sent(basic_auth_server: str) -> None:
    """-u/-p credentials reach the server as HTTP basic auth."""
    with BrokerClient(basic_auth_server, username="ci", password="s3cret") as client:
        assert client.has_relation("pb:pacticipants")


def test_wrong_basic_auth_is_a_broker_error(basic_auth_server: str) -> None:
    """Wrong basic-auth credentials are a BrokerError naming the 401."""
    with (
        BrokerClient(basic_auth_server, username="ci", password="nope") as client,
        pytest.raises(BrokerError, match="401"),
    ):
        client.index()


def test_password_without_username_is_refused() -> None:
    """A password alone is a usage error."""
    with pytest.raises(UsageError, match="username"):
        BrokerClient("http://127.0.0.1:1", password="p")


class _BusyThenReady(http.server.BaseHTTPRequestHandler):
    """A broker behind a gate that answers 503 Retry-After: 0 to the first N requests."""

    busy_left = 0

    def do_GET(self) -> None:
        cls = type(self)
        if cls.busy_left > 0:
            cls.busy_left -= 1
            status, body = 503, b'{"errors": ["the broker database is busy"]}'
        else:
            status, body = 200, b'{"_links": {"pb:pacticipants": {"href": "/pacticipants"}}}'
        self.send_response(status)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def busy_server(serve_http: ServeHTTP) -> tuple[str, type[_BusyThenReady]]:
    """A real HTTP server whose first answers are 503 with Retry-After (set busy_left)."""
    handler = type("Busy", (_BusyThenReady,), {"busy_left": 0})
    return serve_http(handler), handler


def test_busy_broker_is_asked_again(busy_server: tuple[str, type[_BusyThenReady]]) -> None:
    """503 with a short Retry-After is retried, waiting as told, until the broker answers."""
    url, handler = busy_server
    handler.busy_left = 2
    waits: list[float] = []
    with BrokerClient(url, retries=3, sleep=waits.append) as client:
        assert client.has_relation("pb:pacticipants")
    assert waits == [0.0, 0.0]


def test_broker_busy_past_the_retries_is_unreachable(
    busy_server: tuple[str, type[_BusyThenReady]],
) -> None:
    """A broker still busy after the retries is reported unreachable (exit 3)."""
    url, handler = busy_server
    handler.busy_left = 10
    with (
        BrokerClient(url, retries=1, sleep=lambda _: None) as client,
        pytest.raises(BrokerUnreachable, match="503"),
    ):
        client.index()
