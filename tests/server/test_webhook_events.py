"""Webhook events: each Pact Broker event fires with its template parameters rendered."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.server import BrokerService, DeliverySettings, create_app
from seam.server._webhook_events import render_request

from .conftest import Client, Receiver, pact_doc, publish_body

FAST = DeliverySettings(retry_schedule=(0.05, 0.05), poll_seconds=0.02, lease_seconds=10)

PARAMS = (
    "consumerName",
    "providerName",
    "consumerVersionNumber",
    "consumerVersionBranch",
    "consumerVersionTags",
    "providerVersionNumber",
    "providerVersionBranch",
    "pactUrl",
    "verificationResultUrl",
    "githubVerificationStatus",
    "eventName",
)


@pytest.fixture
def running(db_path: Path, run_app: Callable[..., Client]) -> Client:
    """A broker whose lifespan runs, so its delivery worker sends webhooks."""
    return run_app(create_app(db_path, webhooks=FAST))


def _webhook(client: Client, url: str, events: list[str], **scope: str) -> str:
    body: dict[str, Any] = {
        "description": "hook",
        "events": [{"name": e} for e in events],
        "request": {
            "method": "POST",
            "url": url + "/hook/${pactbroker.consumerName}?pact=${pactbroker.pactUrl}",
            "headers": {
                "Content-Type": "application/json",
                "X-Provider": "${pactbroker.providerName}",
            },
            "body": {name: "${pactbroker." + name + "}" for name in PARAMS},
        },
    }
    for role, name in scope.items():
        body[role] = {"name": name}
    response = client.post("/webhooks", json=body)
    assert response.status_code == 201, response.text
    uuid: str = response.json()["uuid"]
    return uuid


def _webhook_uuid(client: Client, event: str) -> str:
    hooks = client.get("/webhooks").json()["_links"]["pb:webhooks"]
    assert len(hooks) == 1
    uuid: str = hooks[0]["href"].rsplit("/", 1)[1]
    return uuid


def _scenario(client: Client, unique: Callable[[str], str]) -> tuple[str, str]:
    """Provider on main at 9.0.0; the consumer publishes on main; 9.0.0 verifies, passes, fails."""
    consumer, provider = unique("web"), unique("api")
    service: BrokerService = client.app.state.service
    service.save_version(provider, "9.0.0", {"branch": "main"})
    service.save_pacticipant(consumer, {})
    return consumer, provider


def _publish(client: Client, consumer: str, provider: str, version: str = "1.0.0") -> None:
    body = publish_body(consumer, version, [provider], branch="main", tags=["dev"])
    assert client.post("/contracts/publish", json=body).status_code == 200


def _verify(client: Client, consumer: str, provider: str, success: bool) -> None:
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    result = {"success": success, "providerApplicationVersion": "9.0.0", "branch": "main"}
    assert client.post(href, json=result).status_code == 201


@pytest.mark.parametrize(
    ("event", "verifications", "expected"),
    [
        pytest.param(
            "contract_published", [], {"githubVerificationStatus": "pending"}, id="published"
        ),
        pytest.param(
            "contract_content_changed", [], {"providerVersionNumber": ""}, id="content-changed"
        ),
        pytest.param(
            "contract_requiring_verification_published",
            [],
            {"providerVersionNumber": "9.0.0", "providerVersionBranch": "main"},
            id="requiring-verification",
        ),
        pytest.param(
            "provider_verification_published",
            [True],
            {"providerVersionNumber": "9.0.0", "githubVerificationStatus": "success"},
            id="verification-published",
        ),
        pytest.param(
            "provider_verification_succeeded",
            [False, True],
            {"githubVerificationStatus": "success", "providerVersionBranch": "main"},
            id="verification-succeeded",
        ),
        pytest.param(
            "provider_verification_failed",
            [True, False],
            {"githubVerificationStatus": "failure", "providerVersionNumber": "9.0.0"},
            id="verification-failed",
        ),
    ],
)
def test_each_event_fires_with_the_rendered_request(
    running: Client,
    receiver: Receiver,
    unique: Callable[[str], str],
    event: str,
    verifications: list[bool],
    expected: dict[str, str],
) -> None:
    """A webhook for one event gets one request per occurrence, its templates rendered."""
    consumer, provider = _scenario(running, unique)
    _webhook(running, receiver.url, [event], consumer=consumer)
    _publish(running, consumer, provider)
    for success in verifications:
        _verify(running, consumer, provider, success)
    hook = _webhook_uuid(running, event)
    triggered = running.get(f"/webhooks/{hook}/triggered-webhooks").json()
    assert len(triggered["_embedded"]["triggeredWebhooks"]) == 1
    got = receiver.wait_for(1)
    latest = running.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    pact_url = latest["_links"]["self"]["href"]
    assert len(got) == 1
    request = got[0]
    body = json.loads(request["body"])
    assert request["path"] == f"/hook/{consumer}"
    assert request["headers"]["x-provider"] == provider
    assert body["eventName"] == event
    assert body["consumerName"] == consumer and body["providerName"] == provider
    assert body["consumerVersionNumber"] == "1.0.0"
    assert body["consumerVersionBranch"] == "main" and body["consumerVersionTags"] == "dev"
    assert "/pact-version/" in body["pactUrl"] and body["pactUrl"].startswith("http://broker.test")
    assert pact_url.startswith("http://broker.test/pacts/provider/")
    for name, value in expected.items():
        assert body[name] == value, name
    if event.startswith("provider_verification_"):
        assert "/verification-results/" in body["verificationResultUrl"]
    # The pact URL goes into the query percent-encoded, so the receiver reads it back whole.
    assert "pact=http%3A%2F%2Fbroker.test%2Fpacts" in request["target"]


def test_republishing_the_same_content_is_no_content_change(
    running: Client, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """A new consumer version with the same pact fires contract_published, not content changed."""
    consumer, provider = _scenario(running, unique)
    changed = _webhook(running, receiver.url, ["contract_content_changed"], consumer=consumer)
    published = _webhook(running, receiver.url, ["contract_published"], consumer=consumer)
    _publish(running, consumer, provider, "1.0.0")
    _publish(running, consumer, provider, "1.0.1")
    receiver.wait_for(3)
    service: BrokerService = running.app.state.service
    with service.storage.read() as conn:
        counts = dict(
            conn.execute(
                "SELECT webhook_uuid, COUNT(*) FROM webhook_deliveries GROUP BY webhook_uuid"
            ).fetchall()
        )
    assert counts == {changed: 1, published: 2}


def test_requiring_verification_skips_versions_that_verified(
    running: Client, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """Content the provider's main head already verified requires no verification again."""
    consumer, provider = _scenario(running, unique)
    hook = _webhook(
        running, receiver.url, ["contract_requiring_verification_published"], consumer=consumer
    )
    _publish(running, consumer, provider, "1.0.0")
    _verify(running, consumer, provider, True)
    _publish(running, consumer, provider, "1.0.1")  # same content, already verified by 9.0.0
    receiver.wait_for(1)
    rows = running.get(f"/webhooks/{hook}/triggered-webhooks").json()
    assert len(rows["_embedded"]["triggeredWebhooks"]) == 1


def test_webhook_scoped_to_another_consumer_does_not_fire(
    running: Client, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """A webhook for consumer A stays silent when consumer B publishes."""
    consumer, provider = _scenario(running, unique)
    other = unique("other")
    running.app.state.service.save_pacticipant(other, {})
    hook = _webhook(running, receiver.url, ["contract_published"], consumer=other)
    _publish(running, consumer, provider)
    rows = running.get(f"/webhooks/{hook}/triggered-webhooks").json()
    assert rows["_embedded"]["triggeredWebhooks"] == []


def test_rolled_back_change_leaves_no_delivery(
    db_path: Path, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """A publication refused inside its transaction leaves nothing in the outbox."""
    app = create_app(db_path)
    service: BrokerService = app.state.service
    consumer, provider = unique("web"), unique("api")
    service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider, "first"))
    service.save_webhook(
        {
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": receiver.url},
        }
    )
    with pytest.raises(Exception, match="cannot change the content"):
        service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider, "second"))
    with service.storage.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM webhook_deliveries").fetchone()[0] == 0
    service.storage.close()


def test_render_leaves_unknown_parameters_and_encodes_url_values() -> None:
    """Unknown ${pactbroker.x} stay as written; values in the URL are percent-encoded."""
    rendered = render_request(
        {
            "method": "put",
            "url": "https://ci.example/build?c=${pactbroker.consumerName}&x=${pactbroker.nope}",
            "body": "consumer ${pactbroker.consumerName}",
        },
        {"consumerName": "a b/c"},
    )
    assert rendered["method"] == "PUT"
    assert rendered["url"] == "https://ci.example/build?c=a%20b%2Fc&x=${pactbroker.nope}"
    assert rendered["body"] == "consumer a b/c"


def test_verifying_overwritten_content_still_records_and_fires(
    db_path: Path, receiver: Receiver, unique: Callable[[str], str]
) -> None:
    """A result for content no version publishes any more is stored and its event queued."""
    app = create_app(db_path, allow_contract_modification=True)
    service: BrokerService = app.state.service
    consumer, provider = unique("web"), unique("api")
    first, _ = service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider, "a"))
    service.put_pact(provider, consumer, "1.0.0", pact_doc(consumer, provider, "b"))
    service.save_webhook(
        {
            "events": [{"name": "provider_verification_published"}],
            "request": {"method": "POST", "url": receiver.url, "body": "${pactbroker.pactUrl}"},
        }
    )
    result = {"success": True, "providerApplicationVersion": "2.0.0"}
    service.record_verification(provider, consumer, first["sha"], result)
    with service.storage.read() as conn:
        (row,) = conn.execute("SELECT request FROM webhook_deliveries").fetchall()
    assert json.loads(row[0])["body"].endswith("/pact-version/" + first["sha"])
    service.storage.close()
