"""Hostile callers of the embedded broker: every write route, every kind of token.

The routes table is read at collection time, so a route added later is covered without
touching this file. Every path parameter takes names that collide with route words
(``for-verification``, ``latest``, ``pacts`` ...): whether a request writes is decided by
the route it reaches, never by the text of its URL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import anyio.from_thread
import pytest
from starlette.applications import Starlette

from seam.server import create_app
from seam.server._routes import ROUTES

from ..server.conftest import Client, publish_body

READ, WRITE = "read-secret", "write-secret"
# Names that are also words of the broker's own URLs.
ROUTE_WORDS = [
    "for-verification",
    "latest",
    "pacts",
    "environments",
    "versions",
    "branch",
    "latest-version",
    "verification-results",
]
_KINDS = ["deployed-versions", "released-versions"]
_PARAM = re.compile(r"\{(\w+)\}")
# A body every write route accepts when the names exist, so a write that gets past auth
# really changes the database (webhook, deployment, environment, verification ...).
_BODY: dict[str, Any] = {
    "name": "env",
    "success": True,
    "providerApplicationVersion": "9.9.9",
    "request": {"method": "POST", "url": "http://127.0.0.1:9/hook"},
    "events": [{"name": "contract_content_changed"}],
    "applicationInstance": "blue",
    "currentlyDeployed": False,
    "currentlySupported": False,
}


def _write_cases() -> Iterator[Any]:
    for route in ROUTES:
        for method in sorted(route.methods):
            if not route.writes(method):
                continue
            kinds = _KINDS if "{kind}" in route.path else [None]
            for kind in kinds:
                template = route.path.replace("{kind}", kind) if kind else route.path
                yield pytest.param(method, template, id=f"{method} {template}")


WRITE_CASES = list(_write_cases())


def _fill(template: str, word: str) -> str:
    return _PARAM.sub(word, template)


def _dump(db: Path) -> list[str]:
    """Every row of the broker's database, to compare before and after a refused request."""
    # sqlite3's context manager commits but never closes: closing() does (a ResourceWarning
    # on Python 3.13 otherwise).
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[Starlette, Path, Callable[[str | None], Client]]]:
    """A broker with a read and a write token; clients with any token, closed afterwards."""
    db = tmp_path / "secured.db"
    app = create_app(db, read_token=READ, write_token=WRITE)
    made: list[Client] = []
    with anyio.from_thread.start_blocking_portal() as portal:

        def client(token: str | None) -> Client:
            headers = {"Accept": "application/hal+json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            made.append(Client(app, portal, headers))
            return made[-1]

        yield app, db, client
        for each in made:
            each.close()
    app.state.service.storage.close()


def _seed(writer: Client, word: str) -> None:
    """Make every name ``word`` exist: pacticipant, version, branch, tag, environment, webhook."""
    published = writer.post(
        "/contracts/publish", json=publish_body(word, word, [word], branch=word, tags=[word])
    )
    assert published.status_code == 200, published.text
    assert writer.put(f"/environments/{word}", json={"name": word}).status_code == 201
    assert writer.put(f"/webhooks/{word}", json=_BODY).status_code == 201


def test_every_write_route_is_in_the_table() -> None:
    """The table has write routes, and the only non-GET query is POST for-verification."""
    assert len(WRITE_CASES) > 25
    queries = [
        (route.path, method)
        for route in ROUTES
        for method in route.methods
        if method != "GET" and not route.writes(method)
    ]
    assert queries == [("/pacts/provider/{prov}/for-verification", "POST")]


@pytest.mark.parametrize(("method", "template"), WRITE_CASES)
def test_write_route_needs_the_write_token(
    secured: tuple[Starlette, Path, Callable[[str | None], Client]], method: str, template: str
) -> None:
    """No token gets 401 and the read token 403, changing nothing, whatever the names are."""
    _, db, client = secured
    writer, reader, stranger = client(WRITE), client(READ), client(None)
    for word in ROUTE_WORDS:
        _seed(writer, word)
        path = _fill(template, word)
        before = _dump(db)
        refused = stranger.request(method, path, json=_BODY)
        assert refused.status_code == 401, (path, refused.text)
        assert refused.headers["www-authenticate"].startswith("Bearer")
        forbidden = reader.request(method, path, json=_BODY)
        assert forbidden.status_code == 403, (path, forbidden.text)
        assert _dump(db) == before, path


@pytest.mark.parametrize(("method", "template"), WRITE_CASES)
def test_write_token_passes_every_write_route(
    secured: tuple[Starlette, Path, Callable[[str | None], Client]], method: str, template: str
) -> None:
    """The write token is never refused as unauthorised or forbidden on a write route."""
    _, _, client = secured
    writer = client(WRITE)
    for word in ROUTE_WORDS:
        _seed(writer, word)
        response = writer.request(method, _fill(template, word), json=_BODY)
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text


@pytest.mark.parametrize("word", ROUTE_WORDS)
def test_read_token_asks_for_pacts_to_verify_under_any_name(
    secured: tuple[Starlette, Path, Callable[[str | None], Client]], word: str
) -> None:
    """POST for-verification stays a query the read token may make, for a provider of any name."""
    _, db, client = secured
    _seed(client(WRITE), word)
    before = _dump(db)
    response = client(READ).post(f"/pacts/provider/{word}/for-verification", json={})
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["pacts"]
    assert _dump(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/pacts/provider/latest/consumer/branch/branch/latest",
        "/pacts/provider/latest/branch/latest",
        "/pacts/provider/latest/branch/main/latest",
    ],
    ids=["consumer-main-branch", "provider-branches", "provider-branch"],
)
def test_latest_routes_do_not_depend_on_a_trailing_slash(
    secured: tuple[Starlette, Path, Callable[[str | None], Client]], path: str
) -> None:
    """A ``.../latest`` route answers the same with a trailing slash: the route decides."""
    _, _, client = secured
    writer = client(WRITE)
    for version in ("1", "2"):
        body = publish_body("branch", version, ["latest"], branch="main", description=version)
        assert writer.post("/contracts/publish", json=body).status_code == 200
    plain, slashed = writer.get(path), writer.get(path + "/")
    assert plain.status_code == slashed.status_code == 200, slashed.text
    assert _without_self(plain.json()) == _without_self(slashed.json())


def _without_self(doc: dict[str, Any]) -> dict[str, Any]:
    """A document without its self link (which echoes the URL as asked)."""
    links = {rel: link for rel, link in doc.get("_links", {}).items() if rel != "self"}
    return {**doc, "_links": links}
