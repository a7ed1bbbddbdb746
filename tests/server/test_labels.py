"""Pacticipant labels over HTTP, and webhooks scoped by a consumer or provider label."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seam.server import BrokerService, DeliverySettings, create_app

from .conftest import Client, Receiver, publish_body


def test_label_put_get_delete(client: Client, unique: Callable[[str], str]) -> None:
    """PUT adds a label (201, then 200), GET reads it, DELETE removes it (then 404)."""
    name, label = unique("web"), unique("team")
    url = f"/pacticipants/{name}/labels/{label}"
    created = client.put(url)
    assert created.status_code == 201
    assert created.headers["location"].endswith(url)
    assert client.put(url).status_code == 200
    doc = client.get(url).json()
    assert doc["name"] == label
    assert doc["_links"]["pacticipant"]["name"] == name
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_pacticipant_embeds_its_labels_and_links_pb_label(
    client: Client, unique: Callable[[str], str]
) -> None:
    """A pacticipant document embeds its labels and offers the pb:label template."""
    name = unique("web")
    for label in ("team-b", "team-a"):
        assert client.put(f"/pacticipants/{name}/labels/{label}").status_code == 201
    doc = client.get(f"/pacticipants/{name}").json()
    assert [label["name"] for label in doc["_embedded"]["labels"]] == ["team-a", "team-b"]
    template = doc["_links"]["pb:label"]
    assert template["templated"] is True
    assert template["href"].endswith(f"/pacticipants/{name}/labels/{{label}}")


def test_pacticipants_with_a_label(client: Client, unique: Callable[[str], str]) -> None:
    """GET /pacticipants/label/{label} lists exactly the pacticipants carrying it."""
    label = unique("team")
    labelled = sorted([unique("web"), unique("api")])
    for name in labelled:
        client.put(f"/pacticipants/{name}/labels/{label}")
    client.put(f"/pacticipants/{unique('other')}/labels/{unique('team')}")
    doc = client.get(f"/pacticipants/label/{label}").json()
    assert [p["name"] for p in doc["pacticipants"]] == labelled


def test_a_pacticipant_named_label_keeps_its_resources(
    client: Client, service: BrokerService
) -> None:
    """/pacticipants/label/versions stays the versions of a pacticipant named "label"."""
    service.publish_contracts(publish_body("label", "1.0.0", ["some-api"]))
    doc = client.get("/pacticipants/label/versions").json()
    assert [v["number"] for v in doc["_embedded"]["versions"]] == ["1.0.0"]


def test_webhook_scope_by_label_is_stored_and_shown(
    client: Client, unique: Callable[[str], str]
) -> None:
    """A webhook's {"consumer": {"label": ...}} reads back as the label, not as everyone."""
    label = unique("team")
    response = client.post(
        "/webhooks",
        json={
            "consumer": {"label": label},
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": "http://127.0.0.1:9/x"},
        },
    )
    assert response.status_code == 201
    doc = client.get(response.json()["_links"]["self"]["href"]).json()
    assert doc["consumer"] == {"label": label} and "provider" not in doc


def test_webhook_scope_name_and_label_together_is_refused(client: Client) -> None:
    """A side given both a name and a label is a 400 naming that side."""
    response = client.post(
        "/webhooks",
        json={
            "provider": {"name": "x", "label": "y"},
            "request": {"method": "POST", "url": "http://127.0.0.1:9/x"},
        },
    )
    assert response.status_code == 400
    assert "provider" in response.json()["errors"]


def _deliveries(service: BrokerService) -> list[dict[str, Any]]:
    with service.storage.read() as conn:
        rows = conn.execute("SELECT consumer, provider FROM webhook_deliveries ORDER BY id")
        return [dict(row) for row in rows]


def test_webhooks_scoped_by_label_fire_only_for_labelled_pacticipants(
    broker_database: Path | str,
    run_app: Callable[..., Client],
    receiver: Receiver,
    unique: Callable[[str], str],
) -> None:
    """Consumer-label and provider-label webhooks reach the receiver only for their labels."""
    settings = DeliverySettings(retry_schedule=(), poll_seconds=0.02, timeout_seconds=5)
    client = run_app(create_app(broker_database, webhooks=settings))
    service: BrokerService = client.app.state.service
    team, platform = unique("team"), unique("platform")
    web, mobile, api = unique("web"), unique("mobile"), unique("api")
    for name, label in ((web, team), (api, platform)):
        assert client.put(f"/pacticipants/{name}/labels/{label}").status_code == 201
    for role, label, path in (("consumer", team, "/team"), ("provider", platform, "/platform")):
        hook = client.post(
            "/webhooks",
            json={
                role: {"label": label},
                "events": [{"name": "contract_published"}],
                "request": {
                    "method": "POST",
                    "url": receiver.url + path,
                    "body": {
                        "consumer": "${pactbroker.consumerName}",
                        "labels": "${pactbroker.consumerLabels}",
                    },
                },
            },
        )
        assert hook.status_code == 201, hook.text
    other = unique("other-api")
    service.publish_contracts(publish_body(web, "1.0.0", [other]))  # team: /team only
    service.publish_contracts(publish_body(mobile, "1.0.0", [other]))  # no label: none
    service.publish_contracts(publish_body(mobile, "1.0.1", [api]))  # platform: /platform
    (team_call,) = receiver.wait_for(1, "/team")
    (platform_call,) = receiver.wait_for(1, "/platform")
    assert json.loads(team_call["body"]) == {"consumer": web, "labels": team}
    assert json.loads(platform_call["body"]) == {"consumer": mobile, "labels": ""}
    # The outbox is written in each publication's transaction: nothing else was queued.
    assert _deliveries(service) == [
        {"consumer": web, "provider": other},
        {"consumer": mobile, "provider": api},
    ]
