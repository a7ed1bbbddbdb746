"""The broker's HTML in a real browser: headless Chromium renders the network and a pact.

Chromium (Debian's ``chromium`` package, which ``make system-deps`` installs) loads the
pages from a real ``contracts broker serve`` process and dumps the DOM it built; the
assertions read that DOM, not the HTML text the server sent.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from seam.server import create_app
from seam.verify._provider import ProviderProcess, free_port

CONTRACTS = Path(sys.executable).parent / "contracts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make system-deps installs it as root)"
)


def dump_dom(url: str) -> str:
    """Load ``url`` in headless Chromium and return the DOM it rendered."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Dom(HTMLParser):
    """The elements of a dumped DOM: (tag, attributes, text directly inside)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))
        self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self.elements[self._open.pop()][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self.elements[self._open[-1]][2].append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """Elements with this tag whose attributes contain ``attrs`` (class: one of them)."""
        found = []
        for name, have, text in self.elements:
            if name != tag:
                continue
            wanted = all(
                value in have.get("class", "").split()
                if key == "class_"
                else have.get(key) == value
                for key, value in attrs.items()
            )
            if wanted:
                found.append((have, "".join(text)))
        return found


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `contracts broker serve` process on a free loopback port."""
    tmp_path = tmp_path_factory.mktemp("pages-broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = f"{CONTRACTS} broker serve --db {tmp_path / 'b.db'} --port {port} --no-access-log"
    with ProviderProcess(command, url, ready_timeout=20, log_dir=tmp_path):
        yield url


HOSTILE = '<img src=x onerror="document.title=1">'


def _pact(consumer: str, provider: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"get task 1 {HOSTILE}",
                "providerStates": [{"name": "task 1 exists", "params": {"id": 1}}],
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {
                    "status": 218,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "title": HOSTILE},
                    "matchingRules": {"body": {"$.title": {"matchers": [{"match": "type"}]}}},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def _publish(broker: str, consumer: str, providers: list[str]) -> None:
    body = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": "1.0.0",
        "branch": "main",
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(
                    json.dumps(_pact(consumer, provider)).encode()
                ).decode(),
            }
            for provider in providers
        ],
    }
    assert httpx.post(f"{broker}/contracts/publish", json=body).status_code == 200


def test_index_draws_the_network(broker: str) -> None:
    """The index page's inline SVG has a node per pacticipant and an edge per pact."""
    tag = uuid.uuid4().hex[:6]
    web, api, auth = f"web-{tag}", f"api-{tag}", f"auth-{tag}"
    _publish(broker, web, [api, auth])
    dom = Dom(dump_dom(broker + "/"))
    assert len(dom.find("svg", class_="network")) == 1
    nodes = {attrs["data-name"] for attrs, _ in dom.find("g", class_="node")}
    assert {web, api, auth} <= nodes
    edges = {(a["data-consumer"], a["data-provider"]) for a, _ in dom.find("line", class_="edge")}
    assert {(web, api), (web, auth)} <= edges
    assert all("unverified" in a["class"] for a, _ in dom.find("line", class_="edge"))
    assert next(text for _, text in dom.find("title")) == "Seam broker"


def test_pact_page_is_readable_documentation(broker: str) -> None:
    """A pact opened in a browser shows its state, request, response status and matchers."""
    tag = uuid.uuid4().hex[:6]
    web, api = f"web-{tag}", f"api-{tag}"
    _publish(broker, web, [api])
    html = dump_dom(f"{broker}/pacts/provider/{api}/consumer/{web}/latest")
    dom = Dom(html)
    assert [t for _, t in dom.find("h1")] == [f"Pact between {web} and {api}"]
    assert [t for _, t in dom.find("h3")] == [f"get task 1 {HOSTILE}"]
    assert [t for _, t in dom.find("li")][-1].startswith("task 1 exists")
    cells = [t for _, t in dom.find("code")]
    assert "GET /tasks/1" in cells and "218" in cells
    assert "body $.title" in cells and '[{"match": "type"}]' in cells
    # Escaped: the hostile markup is text, so the browser made no <img> of it.
    assert [a.get("src") for a, _ in dom.find("img")] == [
        f"{broker}/pacts/provider/{api}/consumer/{web}/latest/badge"
    ]
    assert [t for _, t in dom.find("title")] == [f"Pact between {web} and {api}"]


def test_pact_json_unchanged_for_api_clients(tmp_path: Path) -> None:
    """Clients asking for HAL still get the pact JSON from the same URL."""
    with create_app(tmp_path / "b.db") as app:
        app.state.service.put_pact("api", "web", "1", _pact("web", "api"))

        async def get() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                url = "/pacts/provider/api/consumer/web/latest"
                return await client.get(url, headers={"Accept": "application/hal+json"})

        response = anyio.run(get)
    assert response.json()["interactions"][0]["response"]["status"] == 218
