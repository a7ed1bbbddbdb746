"""The matrix and can-i-deploy: which rows count, and when a version is deployable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seam.server import BrokerService
from seam.server._matrix import parse_matrix_query

from .conftest import Client, pact_doc

Unique = Callable[[str], str]


class World:
    """Seeds pacts, verifications and deployments through the service."""

    def __init__(self, service: BrokerService, unique: Unique) -> None:
        self.service = service
        self.consumer = unique("web")
        self.provider = unique("api")
        self.env = service.save_environment({"name": unique("prod")})[0]

    def pact(self, version: str, description: str = "get a thing", consumer: str = "") -> str:
        consumer = consumer or self.consumer
        doc = pact_doc(consumer, self.provider, description)
        row, _ = self.service.put_pact(self.provider, consumer, version, doc)
        return str(row["sha"])

    def verify(self, sha: str, provider_version: str, success: bool, consumer: str = "") -> None:
        body = {"success": success, "providerApplicationVersion": provider_version}
        self.service.record_verification(self.provider, consumer or self.consumer, sha, body)

    def deploy(self, pacticipant: str, version: str) -> None:
        self.service.save_version(pacticipant, version, {})
        self.service.record_deployment(pacticipant, version, self.env["uuid"], {})


@pytest.fixture
def world(service: BrokerService, unique: Unique) -> World:
    """A consumer, a provider and an environment with unique names."""
    return World(service, unique)


def can_i_deploy(client: Client, pacticipant: str, version: str, env: str) -> dict[str, Any]:
    """Ask /matrix the way the Rust CLI's can-i-deploy --to-environment does."""
    response = client.get(
        "/matrix",
        params=[
            ("q[][pacticipant]", pacticipant),
            ("q[][version]", version),
            ("latestby", "cvpv"),
            ("environment", env),
        ],
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_consumer_deployable_when_provider_in_env_verified(client: Client, world: World) -> None:
    """A consumer version is deployable when the deployed provider verified its pact."""
    world.verify(world.pact("1"), "10", True)
    world.deploy(world.provider, "10")
    doc = can_i_deploy(client, world.consumer, "1", world.env["name"])
    assert doc["summary"]["deployable"] is True
    assert doc["summary"]["success"] == 1
    [row] = doc["matrix"]
    assert row["provider"]["version"]["number"] == "10"


def test_consumer_not_deployable_when_verification_failed(client: Client, world: World) -> None:
    """A failed verification by the deployed provider makes the consumer not deployable."""
    world.verify(world.pact("1"), "10", False)
    world.deploy(world.provider, "10")
    doc = can_i_deploy(client, world.consumer, "1", world.env["name"])
    assert doc["summary"]["deployable"] is False
    assert "failed" in doc["summary"]["reason"]


def test_consumer_unknown_when_deployed_provider_never_verified(
    client: Client, world: World
) -> None:
    """Verification by another provider version does not count: the answer is unknown."""
    world.verify(world.pact("1"), "9", True)
    world.deploy(world.provider, "10")
    doc = can_i_deploy(client, world.consumer, "1", world.env["name"])
    assert doc["summary"]["deployable"] is None
    assert "no verified pact" in doc["summary"]["reason"]


def test_consumer_needs_its_provider_in_the_environment(client: Client, world: World) -> None:
    """A consumer cannot be deployed where its provider is not deployed."""
    world.verify(world.pact("1"), "10", True)
    doc = can_i_deploy(client, world.consumer, "1", world.env["name"])
    assert doc["summary"]["deployable"] is None
    assert "no such version exists" in doc["summary"]["reason"]


def test_provider_does_not_need_its_consumers(client: Client, world: World) -> None:
    """A provider with no consumer in the environment is deployable."""
    world.pact("1")
    world.service.save_version(world.provider, "10", {})
    doc = can_i_deploy(client, world.provider, "10", world.env["name"])
    assert doc["summary"]["deployable"] is True
    assert doc["summary"]["reason"] == "There are no missing dependencies"


def test_provider_must_have_verified_deployed_consumers(client: Client, world: World) -> None:
    """A provider version that never verified a deployed consumer's pact is not deployable."""
    world.verify(world.pact("1"), "9", True)
    world.deploy(world.consumer, "1")
    world.service.save_version(world.provider, "10", {})
    assert (
        can_i_deploy(client, world.provider, "10", world.env["name"])["summary"]["deployable"]
        is None
    )
    assert (
        can_i_deploy(client, world.provider, "9", world.env["name"])["summary"]["deployable"]
        is True
    )


def test_verification_counts_for_identical_content(client: Client, world: World) -> None:
    """A verification of pact content counts for a later consumer version with the same content."""
    world.verify(world.pact("1"), "10", True)
    world.pact("2")
    world.deploy(world.provider, "10")
    assert (
        can_i_deploy(client, world.consumer, "2", world.env["name"])["summary"]["deployable"]
        is True
    )


def test_undeployed_provider_no_longer_counts(client: Client, world: World) -> None:
    """Once the provider is marked undeployed, the consumer has nothing to deploy against."""
    world.verify(world.pact("1"), "10", True)
    world.deploy(world.provider, "10")
    _, [deployed] = world.service.currently_deployed(world.env["uuid"], world.provider)
    world.service.update_deployed(deployed["uuid"], {"currentlyDeployed": False})
    assert (
        can_i_deploy(client, world.consumer, "1", world.env["name"])["summary"]["deployable"]
        is None
    )


def test_unknown_pacticipant_is_400(client: Client, unique: Unique) -> None:
    """A matrix query naming a pacticipant the broker does not know answers 400."""
    name = unique("nobody")
    response = client.get("/matrix", params={"q[][pacticipant]": name, "q[][version]": "1"})
    assert response.status_code == 400
    assert name in response.json()["errors"][0]


def test_unknown_environment_is_400(client: Client, world: World) -> None:
    """can-i-deploy to an environment that does not exist answers 400."""
    world.pact("1")
    params = [("q[][pacticipant]", world.consumer), ("q[][version]", "1"), ("environment", "nope")]
    assert client.get("/matrix", params=params).status_code == 400


def test_missing_version_is_not_deployable(client: Client, world: World) -> None:
    """A specified version that does not exist makes the answer false, with the reason."""
    world.pact("1")
    doc = can_i_deploy(client, world.consumer, "404", world.env["name"])
    assert doc["summary"]["deployable"] is False
    assert (
        "version 404" in doc["summary"]["reason"] and "does not exist" in doc["summary"]["reason"]
    )


def _two_selector_params(world: World, extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("q[][pacticipant]", world.consumer), ("q[][pacticipant]", world.provider), *extra]


def test_all_versions_query_returns_every_pact_row(client: Client, world: World) -> None:
    """With no versions given, every consumer version's pact is a row."""
    world.verify(world.pact("1", "one"), "10", True)
    world.verify(world.pact("2", "two"), "10", False)
    params = _two_selector_params(world, [("latestby", "cvpv")])
    rows = client.get("/matrix", params=params).json()["matrix"]
    assert sorted(r["consumer"]["version"]["number"] for r in rows) == ["1", "2"]


def test_success_filter(client: Client, world: World) -> None:
    """success[]=true keeps only the successfully verified rows."""
    world.verify(world.pact("1", "one"), "10", True)
    world.verify(world.pact("2", "two"), "10", False)
    params = _two_selector_params(world, [("latestby", "cvpv"), ("success[]", "true")])
    rows = client.get("/matrix", params=params).json()["matrix"]
    assert [r["consumer"]["version"]["number"] for r in rows] == ["1"]


def test_cvp_keeps_latest_verification_only(client: Client, world: World) -> None:
    """latestby=cvp keeps the latest provider version's result; no latestby keeps them all."""
    sha = world.pact("1")
    world.verify(sha, "10", False)
    world.verify(sha, "11", True)
    params = _two_selector_params(world, [("latestby", "cvp")])
    [row] = client.get("/matrix", params=params).json()["matrix"]
    assert row["provider"]["version"]["number"] == "11"
    everything = client.get("/matrix", params=_two_selector_params(world, [])).json()["matrix"]
    assert len(everything) == 2


def test_ignore_selector_moves_failure_aside(client: Client, world: World) -> None:
    """An ignored consumer version's failed row is reported as ignored and does not block."""
    good, bad = world.pact("1", "one"), world.pact("3", "three")
    world.service.add_tag(world.consumer, "1", "prod")
    world.service.add_tag(world.consumer, "3", "prod")
    world.verify(good, "4", True)
    world.verify(bad, "4", False)
    params = [
        ("q[][pacticipant]", world.provider),
        ("q[][version]", "4"),
        ("q[][pacticipant]", world.consumer),
        ("q[][tag]", "prod"),
        ("ignore[][pacticipant]", world.consumer),
        ("ignore[][version]", "3"),
        ("latestby", "cvpv"),
    ]
    doc = client.get("/matrix", params=params).json()
    assert doc["summary"]["deployable"] is True and doc["summary"]["ignored"] == 1
    assert [r.get("ignored", False) for r in doc["matrix"]] == [False, True]


def test_query_grouped_by_key_is_read_by_position() -> None:
    """Keys grouped together (q[][pacticipant]=A&q[][pacticipant]=B&q[][version]=1&…) pair up."""
    query = parse_matrix_query(
        [
            ("q[][pacticipant]", "Foo"),
            ("q[][pacticipant]", "Bar"),
            ("q[][version]", "1.2.3"),
            ("q[][version]", "4.5.6"),
        ]
    )
    [[foo, bar]] = query.candidates
    assert (foo.pacticipant, foo.version, bar.pacticipant, bar.version) == (
        "Foo",
        "1.2.3",
        "Bar",
        "4.5.6",
    )


def test_query_in_client_order_is_read_sequentially() -> None:
    """Entries sent selector by selector (as the Rust CLI does) stay together."""
    query = parse_matrix_query(
        [
            ("q[][pacticipant]", "Foo"),
            ("q[][version]", "1"),
            ("q[][pacticipant]", "Bar"),
            ("q[][latest]", "true"),
            ("q[][tag]", "prod"),
        ]
    )
    [[foo, bar]] = query.candidates
    assert (foo.version, foo.tag, bar.version, bar.tag, bar.latest) == (
        "1",
        None,
        None,
        "prod",
        True,
    )


def test_grouped_query_prefers_reading_whose_versions_exist(client: Client, world: World) -> None:
    """With a key given for only some selectors, the reading naming existing versions is used."""
    world.verify(world.pact("1"), "10", True)
    params = [
        ("latestby", "cvpv"),
        ("q[][pacticipant]", world.consumer),
        ("q[][pacticipant]", world.provider),
        ("q[][version]", "10"),
    ]
    doc = client.get("/matrix", params=params).json()
    assert doc["summary"]["deployable"] is True
    assert doc["matrix"][0]["provider"]["version"]["number"] == "10"


def test_matrix_without_pacticipant_is_400(client: Client) -> None:
    """A matrix query with no q[][pacticipant] answers 400."""
    assert client.get("/matrix", params={"latestby": "cvp"}).status_code == 400


def test_can_i_deploy_resource_to_environment(client: Client, world: World) -> None:
    """/can-i-deploy?pacticipant&version&environment answers like the matrix."""
    world.verify(world.pact("1"), "10", True)
    world.deploy(world.provider, "10")
    params = {"pacticipant": world.consumer, "version": "1", "environment": world.env["name"]}
    assert client.get("/can-i-deploy", params=params).json()["summary"]["deployable"] is True


def test_can_i_deploy_to_tag(client: Client, world: World) -> None:
    """can-i-deploy --to TAG checks against the latest provider version with that tag."""
    world.verify(world.pact("1"), "10", True)
    world.service.add_tag(world.provider, "10", "prod")
    params = {"pacticipant": world.consumer, "version": "1", "to": "prod"}
    assert client.get("/can-i-deploy", params=params).json()["summary"]["deployable"] is True


def test_single_selector_without_target_covers_every_integration(
    client: Client, world: World
) -> None:
    """One pacticipant version and no target: rows against every version of each integration."""
    sha = world.pact("1")
    world.verify(sha, "10", True)
    world.verify(sha, "11", False)
    params = [("q[][pacticipant]", world.consumer), ("q[][version]", "1"), ("latestby", "cvpv")]
    rows = client.get("/matrix", params=params).json()["matrix"]
    assert sorted(r["provider"]["version"]["number"] for r in rows) == ["10", "11"]
