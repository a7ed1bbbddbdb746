"""Hostile edges of the embedded broker: a full disk, names that are not what they look like.

A full disk is made for real: SQLite's ``max_page_count`` caps the database at its current
size, and SQLite itself then answers ``database or disk is full`` (SQLITE_FULL).
"""

from __future__ import annotations

import base64
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.from_thread
import pytest
from starlette.applications import Starlette

from seam.server import create_app

from ..server.conftest import Client, publish_body


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[Starlette, Client, Any]]:
    """An embedded broker without tokens, a client for it and the portal its handlers run on."""
    app = create_app(tmp_path / "broker.db")
    with anyio.from_thread.start_blocking_portal() as portal:
        client = Client(app, portal, {"Accept": "application/hal+json"})
        yield app, client, portal
        client.close()
    app.state.service.storage.close()


def _fill_the_disk(app: Starlette, portal: Any) -> None:
    """Cap the database at its current size on the connection the handlers use."""
    # Handlers run on the event loop's thread, and each thread has its own connection.
    conn: sqlite3.Connection = portal.call(app.state.service.storage.connection)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute(f"PRAGMA max_page_count = {pages}").fetchone()[0] == pages


def test_full_disk_is_507_with_one_log_line(
    broker: tuple[Starlette, Client, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite reporting a full disk answers 507 with a JSON error and one log line, no traceback."""
    app, client, portal = broker
    assert (
        client.post("/contracts/publish", json=publish_body("web", "1", ["api"])).status_code == 200
    )
    _fill_the_disk(app, portal)
    caplog.set_level(logging.INFO, logger="seam.server")
    big = publish_body("web", "2", ["api"], description="x" * 200_000)
    for _ in range(2):
        response = client.post("/contracts/publish", json=big)
        assert response.status_code == 507, response.text
        assert response.headers["content-type"].startswith("application/hal+json")
        assert "disk is full" in response.json()["errors"][0]
        assert "Traceback" not in response.text
    records = [r for r in caplog.records if r.name == "seam.server"]
    assert len(records) == 2, [r.getMessage() for r in records]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in records)
    assert "full" in records[0].getMessage()
    # Reads still work, and the refused publication left nothing half-written.
    versions = client.get("/pacticipants/web/versions").json()["_embedded"]["versions"]
    assert [v["number"] for v in versions] == ["1"]


def _pacticipants(client: Client) -> list[str]:
    return [p["name"] for p in client.get("/pacticipants").json()["pacticipants"]]


def test_invalid_utf8_names_are_refused_not_merged(broker: tuple[Starlette, Client, Any]) -> None:
    """``%FE`` and ``%FF`` are two different byte strings: both are refused, neither stored."""
    _, client, _ = broker
    for raw, byte in (("a%FF", "0xFF"), ("a%FE", "0xFE"), ("ab%C3", "0xC3")):
        response = client.put(f"/pacticipants/{raw}", json={})
        assert response.status_code == 400, response.text
        message = response.json()["errors"]["pacticipant name"][0]
        assert "not valid UTF-8" in message and byte in message
    assert client.get("/matrix?q[][pacticipant]=a%FF&latestby=cvp").status_code == 400
    assert _pacticipants(client) == []


_UNSEEN = [
    *[chr(c) for c in range(0x202A, 0x202F)],  # bidi embeddings and overrides
    *[chr(c) for c in range(0x2066, 0x206A)],  # bidi isolates
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\ufeff",  # zero width no-break space (BOM)
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",  # C1 next line
    "\u2028",  # line separator
    "\ufffd",  # what invalid UTF-8 becomes elsewhere
]


@pytest.mark.parametrize("char", _UNSEEN, ids=[f"U+{ord(c):04X}" for c in _UNSEEN])
def test_unseen_characters_in_names_are_refused(
    broker: tuple[Starlette, Client, Any], char: str
) -> None:
    """A name with a control, bidi or zero-width character is 400 naming the character and where."""
    _, client, _ = broker
    name = f"pay{char}ments"
    code = f"U+{ord(char):04X}"
    in_path = client.put(f"/pacticipants/{quote(name, safe='')}", json={})
    assert in_path.status_code == 400, in_path.text
    assert code in in_path.text and "position 4" in in_path.text
    in_body = client.post("/contracts/publish", json=publish_body(name, "1", ["api"]))
    assert in_body.status_code == 400, in_body.text
    assert code in in_body.text and "position 4" in in_body.text
    environment = client.post("/environments", json={"name": name})
    assert environment.status_code == 400 and code in environment.text
    assert _pacticipants(client) == []


@pytest.mark.parametrize("name", ["café", "платежи", "支払い", "😀", "a b"])
def test_visible_unicode_names_are_kept(broker: tuple[Starlette, Client, Any], name: str) -> None:
    """Names in any script (and emoji) are accepted and read back unchanged."""
    _, client, _ = broker
    assert client.put(f"/pacticipants/{quote(name, safe='')}", json={}).status_code == 201
    assert _pacticipants(client) == [name]


@pytest.mark.parametrize(
    "body",
    [
        b'{"displayName": "\\ud800"}',
        b'{"displayName": "x\\udfff"}',
        '{"displayName": "\\ud800"}'.encode("utf-16"),
    ],
    ids=["high", "low", "utf-16"],
)
def test_unpaired_surrogates_in_a_body_are_400(
    broker: tuple[Starlette, Client, Any], body: bytes
) -> None:
    """JSON text with an unpaired surrogate escape is refused (400), not a 500 from SQLite."""
    _, client, _ = broker
    headers = {"Content-Type": "application/json"}
    response = client.put("/pacticipants/web", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert "surrogate" in response.text
    assert _pacticipants(client) == []


@pytest.mark.parametrize(
    "content",
    ['{"consumer": {"name": "\\ud800"}}', "[" * 100_000 + "]" * 100_000],
    ids=["surrogate", "nested-100000"],
)
def test_bad_pact_content_in_a_publication_is_400(
    broker: tuple[Starlette, Client, Any], content: str
) -> None:
    """Pact content (base64 in the publish body) that cannot be stored is 400, not a 500."""
    _, client, _ = broker
    body = publish_body("web", "1", ["api"])
    body["contracts"][0]["content"] = base64.b64encode(content.encode()).decode()
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400, response.text
    assert "contracts[0].content" in response.json()["errors"]
    assert _pacticipants(client) == []


def test_selectors_nested_too_deep_in_a_query_are_400(
    broker: tuple[Starlette, Client, Any],
) -> None:
    """consumer_version_selectors nested beyond the parser's depth is 400, not a 500."""
    _, client, _ = broker
    selectors = "[" * 5_000 + "]" * 5_000
    response = client.get(
        "/pacts/provider/api/for-verification", params={"consumer_version_selectors": selectors}
    )
    assert response.status_code == 400, response.text


async def _asgi_put(app: Starlette, raw_path: bytes) -> int:
    """PUT ``{}`` to ``raw_path`` as an ASGI server that passes raw bytes through would."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": raw_path.decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"broker.test"), (b"content-type", b"application/json")],
        "server": ("broker.test", 80),
    }
    messages = iter([{"type": "http.request", "body": b"{}", "more_body": False}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return int(sent[0]["status"])


def test_unencoded_bytes_in_the_raw_path_are_read_as_utf8(
    broker: tuple[Starlette, Client, Any],
) -> None:
    """Raw UTF-8 bytes in the path name the same pacticipant as their percent-encoding."""
    app, client, portal = broker
    assert portal.call(_asgi_put, app, b"/pacticipants/caf\xc3\xa9") == 201
    assert portal.call(_asgi_put, app, b"/pacticipants/caf%C3%A9") == 200
    assert portal.call(_asgi_put, app, b"/pacticipants/caf\xff") == 400
    assert _pacticipants(client) == ["café"]
