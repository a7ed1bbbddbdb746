"""The ASGI app's cross-cutting behaviour: index, HTML page, auth, limits, errors, routing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.errors import UsageError
from seam.server import create_app

from .conftest import Client, publish_body

CANONICAL = {
    "pb:publish-contracts": "/contracts/publish",
    "pb:pacticipants": "/pacticipants",
    "pb:pacticipant": "/pacticipants/{pacticipant}",
    "pb:pacticipant-version": "/pacticipants/{pacticipant}/versions/{version}",
    "pb:pacticipant-branch": "/pacticipants/{pacticipant}/branches/{branch}",
    "pb:latest-version": "/pacticipants/{pacticipant}/latest-version",
    "pb:latest-tagged-version": "/pacticipants/{pacticipant}/latest-version/{tag}",
    "pb:environments": "/environments",
    "pb:webhooks": "/webhooks",
    "pb:webhook": "/webhooks/{uuid}",
    "pb:provider-pacts-for-verification": "/pacts/provider/{provider}/for-verification",
    "pb:latest-pact-versions": "/pacts/latest",
}


@pytest.mark.parametrize(("rel", "path"), CANONICAL.items(), ids=list(CANONICAL))
def test_index_links_canonical_paths(client: Client, rel: str, path: str) -> None:
    """The index resource links each relation to the Pact Broker's canonical path."""
    links = client.get("/").json()["_links"]
    assert links[rel]["href"] == "http://broker.test" + path
    assert links[rel]["templated"] == ("{" in path)


def test_index_is_hal_json(client: Client) -> None:
    """Official clients get application/hal+json with the charset the real broker sends."""
    response = client.get("/")
    assert response.headers["content-type"] == "application/hal+json;charset=utf-8"


def test_configured_base_url_is_used_in_links(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    """With base_url set, hrefs use it instead of the request's host."""
    client = make_client(create_app(tmp_path / "b.db", base_url="https://pact.example.org/"))
    href = client.get("/").json()["_links"]["pb:pacticipants"]["href"]
    assert href == "https://pact.example.org/pacticipants"


def test_browser_gets_html_page_with_integrations(
    client: Client, unique: Callable[[str], str]
) -> None:
    """A browser asking for HTML at / gets a page naming each integration and its status."""
    consumer, provider = unique("web"), unique("tasks")
    client.post("/contracts/publish", json=publish_body(consumer, "1.0.0", [provider]))
    response = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.headers["content-type"].startswith("text/html")
    assert consumer in response.text and provider in response.text
    assert "not verified yet" in response.text


def test_html_page_escapes_names(client: Client) -> None:
    """Pacticipant names are HTML-escaped on the page."""
    response = client.post("/contracts/publish", json=publish_body("<b>x", "1", ["p&q"]))
    assert response.status_code == 200
    page = client.get("/", headers={"Accept": "text/html"}).text
    assert "&lt;b&gt;x" in page and "p&amp;q" in page and "<b>x" not in page


def test_unknown_path_is_404_json(client: Client) -> None:
    """A path no resource lives at answers 404 with an errors list."""
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["errors"]


def test_wrong_method_is_405_with_allow(client: Client) -> None:
    """A known path with an unsupported method answers 405 and lists the allowed ones."""
    response = client.delete("/matrix")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("a%2Fb", "'/' or '..'"),
        ("%2E%2E", "'/' or '..'"),
        ("a..b", "'/' or '..'"),
        ("bad%0Aname", "control character"),
        ("x%7F", "control character"),
    ],
    ids=["slash", "dots", "dotdot", "nl", "del"],
)
def test_names_with_slash_dots_or_control_characters_refused(
    client: Client, raw: str, said: str
) -> None:
    """A pacticipant name with '/', '..' or a control character is refused with 400."""
    response = client.put(f"/pacticipants/{raw}", json={})
    assert response.status_code == 400
    assert said in str(response.json()["errors"])


def test_branches_and_tags_may_hold_a_slash(
    client: Client, unique: Callable[[str], str]
) -> None:
    """A git branch such as feat/login (and a tag release/1.2) is stored and linked as %2F."""
    web = unique("web")
    body = publish_body(web, "1.0.0", ["api"], branch="feat/login", tags=["release/1.2"])
    assert client.post("/contracts/publish", json=body).status_code == 200
    version = client.get(f"/pacticipants/{web}/versions/1.0.0").json()
    (branch,) = version["_embedded"]["branchVersions"]
    assert branch["name"] == "feat/login"
    assert "/branches/feat%2Flogin/versions/1.0.0" in branch["_links"]["self"]["href"]
    assert client.get(f"/pacticipants/{web}/branches/feat%2Flogin").json()["name"] == (
        "feat/login"
    )
    tag = client.put(f"/pacticipants/{web}/versions/1.0.0/tags/hotfix%2Fx", json={})
    assert tag.status_code == 201
    refused = client.put(f"/pacticipants/{web}/versions/1.0.0/tags/feat%2F..%2Fx", json={})
    assert refused.status_code == 400


def test_publish_refuses_bad_name_in_body(client: Client) -> None:
    """Names inside a publish body are checked as strictly as names in the path."""
    response = client.post("/contracts/publish", json=publish_body("web/../x", "1", ["api"]))
    assert response.status_code == 400
    assert client.get("/pacticipants").json()["pacticipants"] == []


def test_body_over_limit_is_413(make_client: Callable[..., Client], tmp_path: Path) -> None:
    """A request body larger than the limit is refused with 413 and nothing is stored."""
    client = make_client(create_app(tmp_path / "b.db", max_body_bytes=2048))
    body = publish_body("web", "1", ["api"], description="x" * 4096)
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 413
    assert client.get("/pacticipants").json()["pacticipants"] == []


def test_invalid_json_is_400(client: Client) -> None:
    """A body that is not JSON answers 400 saying so."""
    response = client.post(
        "/contracts/publish", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in str(response.json()["errors"])


def test_internal_error_has_no_stack_trace(
    client: Client, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected failure answers 500 with a reference, never a traceback."""

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(app.state.service, "list_pacticipants", explode)
    response = client.get("/pacticipants")
    assert response.status_code == 500
    text = response.text
    assert "Traceback" not in text and "secret internals" not in text and "reference" in text


def _secured(make_client: Callable[..., Client], tmp_path: Path, **tokens: str) -> Any:
    return create_app(tmp_path / "secured.db", **tokens)


def test_read_token_can_read(make_client: Callable[..., Client], tmp_path: Path) -> None:
    """With read/write tokens, the read token may read."""
    app = _secured(make_client, tmp_path, read_token="r", write_token="w")
    client = make_client(app, {"Authorization": "Bearer r"})
    assert client.get("/pacticipants").status_code == 200


def test_read_token_cannot_write(make_client: Callable[..., Client], tmp_path: Path) -> None:
    """With read/write tokens, the read token is refused (403) on a write."""
    app = _secured(make_client, tmp_path, read_token="r", write_token="w")
    client = make_client(app, {"Authorization": "Bearer r"})
    response = client.post("/contracts/publish", json=publish_body("web", "1", ["api"]))
    assert response.status_code == 403
    assert app.state.service.list_pacticipants() == []


def test_read_token_may_ask_for_pacts_to_verify(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    """POST for-verification is a query: the read token gets the pacts, and nothing is stored."""
    app = _secured(make_client, tmp_path, read_token="r", write_token="w")
    writer = make_client(app, {"Authorization": "Bearer w"})
    assert (
        writer.post("/contracts/publish", json=publish_body("web", "1", ["api"])).status_code == 200
    )
    reader = make_client(app, {"Authorization": "Bearer r"})
    response = reader.post("/pacts/provider/api/for-verification", json={})
    assert response.status_code == 200
    assert len(response.json()["_embedded"]["pacts"]) == 1
    assert [p["name"] for p in app.state.service.list_pacticipants()] == ["api", "web"]


def test_write_token_can_write(make_client: Callable[..., Client], tmp_path: Path) -> None:
    """With read/write tokens, the write token may publish."""
    app = _secured(make_client, tmp_path, read_token="r", write_token="w")
    client = make_client(app, {"Authorization": "Bearer w"})
    response = client.post("/contracts/publish", json=publish_body("web", "1", ["api"]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong", "Basic dzp3"], ids=["none", "wrong", "basic"]
)
def test_missing_or_wrong_token_is_401(
    make_client: Callable[..., Client], tmp_path: Path, header: str | None
) -> None:
    """With a single token configured, requests without that bearer token get 401."""
    app = _secured(make_client, tmp_path, token="t")
    client = make_client(app, {"Authorization": header} if header else {})
    response = client.get("/")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_single_token_allows_writes(make_client: Callable[..., Client], tmp_path: Path) -> None:
    """The single token both reads and writes."""
    app = _secured(make_client, tmp_path, token="t")
    client = make_client(app, {"Authorization": "Bearer t"})
    assert client.put("/pacticipants/web", json={}).status_code == 201


@pytest.mark.parametrize(
    "tokens",
    [
        {"token": "a", "read_token": "r", "write_token": "w"},
        {"read_token": "r"},
        {"read_token": "x", "write_token": "x"},
    ],
    ids=["both-kinds", "read-alone", "same"],
)
def test_contradictory_tokens_are_a_usage_error(tmp_path: Path, tokens: dict[str, str]) -> None:
    """Token options that cannot work together raise UsageError before anything is served."""
    with pytest.raises(UsageError):
        create_app(tmp_path / "b.db", **tokens)


def test_head_returns_no_body(client: Client) -> None:
    """HEAD answers like GET without a body."""
    response = client.request("HEAD", "/")
    assert response.status_code == 200 and response.content == b""


def test_deeply_nested_json_is_400(client: Client) -> None:
    """A JSON body nested too deeply to parse is bad input (400), not a crash."""
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        "/contracts/publish", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_locked_database_is_503(client: Client, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """When another process holds the write lock too long, the answer is 503 with Retry-After."""

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(app.state.service, "list_pacticipants", locked)
    response = client.get("/pacticipants")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
