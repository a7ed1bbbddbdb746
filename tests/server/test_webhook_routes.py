"""Webhook resources over HTTP: URL refusals, links, execute, the delivery log page."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from seam.server import BrokerService

from .conftest import Client, Receiver, publish_body


def _create(client: Client, url: str) -> str:
    response = client.post(
        "/webhooks",
        json={
            "description": "ci build",
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": url,
                "headers": {"X-Api-Key": "k3y"},
                "body": {"consumer": "${pactbroker.consumerName}"},
            },
        },
    )
    assert response.status_code == 201, response.text
    uuid: str = response.json()["uuid"]
    return uuid


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("ftp://127.0.0.1/x", id="ftp"),
        pytest.param("http:///no-host", id="no-host"),
    ],
)
def test_webhook_url_must_be_http_or_https(client: Client, url: str) -> None:
    """Only http and https URLs with a host are accepted; the error names request.url."""
    response = client.post(
        "/webhooks",
        json={
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": url},
        },
    )
    assert response.status_code == 400
    assert "request.url" in response.json()["errors"]


def test_webhook_links_to_execute_and_its_deliveries(client: Client) -> None:
    """A webhook document links pb:execute and pb:triggered-webhooks, which answer."""
    uuid = _create(client, "https://ci.example/build")
    links = client.get(f"/webhooks/{uuid}").json()["_links"]
    assert links["pb:execute"]["href"].endswith(f"/webhooks/{uuid}/execute")
    listed = client.get(links["pb:triggered-webhooks"]["href"])
    assert listed.status_code == 200
    assert listed.json()["_embedded"]["triggeredWebhooks"] == []


def test_execute_sends_now_and_stores_nothing(
    client: Client, service: BrokerService, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """POST …/execute sends the webhook with the latest pact's values and answers the result."""
    consumer = unique("web")
    service.publish_contracts(publish_body(consumer, "1.0.0", [unique("api")]))
    uuid = _create(client, receiver.url + "/test-run")
    response = client.post(f"/webhooks/{uuid}/execute")
    assert response.status_code == 200
    result = response.json()
    assert result["success"] is True and result["response"]["status"] == 200
    assert result["request"]["headers"]["X-Api-Key"] == "**********"
    (sent,) = receiver.wait_for(1, "/test-run")
    assert sent["body"] == '{"consumer": "' + consumer + '"}'
    assert sent["headers"]["x-api-key"] == "k3y"
    with service.storage.read() as conn:
        # The pact was published before the webhook existed; execute queues nothing.
        assert conn.execute("SELECT COUNT(*) FROM webhook_deliveries").fetchone()[0] == 0


def test_execute_leaves_the_event_loop_free(client: Client, receiver: Receiver) -> None:
    """While execute waits 3 s on a slow receiver, a heartbeat is answered in under 0.5 s."""
    uuid = _create(client, receiver.url + "/slow")
    receiver.hold.add("/slow")
    slow = threading.Timer(3, receiver.release.set)  # the receiver takes 3 s, then hangs up
    with ThreadPoolExecutor(1) as pool:
        executed = pool.submit(client.post, f"/webhooks/{uuid}/execute")
        receiver.wait_for(1, "/slow")
        slow.start()
        started = time.monotonic()
        heartbeat = client.get("/diagnostic/status/heartbeat")
        answered_in = time.monotonic() - started
        assert not executed.done()  # the receiver still holds it
        result = executed.result(30)
    assert heartbeat.status_code == 200 and answered_in < 0.5
    assert result.status_code == 200 and result.json()["success"] is False


def test_unknown_triggered_webhook_is_404(client: Client) -> None:
    """A delivery uuid nobody made answers 404 naming it."""
    response = client.get("/triggered-webhooks/nope")
    assert response.status_code == 404
    assert "nope" in str(response.json()["errors"])


def test_browser_gets_the_delivery_log_page(
    client: Client, service: BrokerService, unique: Callable[[str], str]
) -> None:
    """GET /triggered-webhooks in a browser lists each delivery with its event and status."""
    _create(client, "https://ci.example/build")
    consumer = unique("web")
    service.publish_contracts(publish_body(consumer, "1.0.0", [unique("api")]))
    page = client.get("/triggered-webhooks", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<section id="webhook-deliveries">' in page.text
    assert "contract_published" in page.text and consumer in page.text
    assert '<td class="webhook-pending">pending</td>' in page.text


def test_basic_auth_is_sent_and_shown_masked(client: Client, receiver: Receiver) -> None:
    """username/password reach the receiver as basic auth; the answers show them masked."""
    response = client.post(
        "/webhooks",
        json={
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": receiver.url + "/auth",
                "username": "ci",
                "password": "s3cret",
            },
        },
    )
    webhook = response.json()
    assert webhook["request"]["password"] == "**********"
    result = client.post(webhook["_links"]["pb:execute"]["href"]).json()
    (sent,) = receiver.wait_for(1, "/auth")
    assert sent["headers"]["authorization"] == "Basic " + base64.b64encode(b"ci:s3cret").decode()
    assert result["request"]["headers"]["Authorization"] == "**********"
    assert "s3cret" not in json.dumps(result)
