"""Environments, deployments and releases against the embedded broker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seam.broker import (
    BrokerClient,
    collect_pact_files,
    create_environment,
    links,
    publish,
    record_deployment,
    record_release,
    record_undeployment,
)
from seam.errors import BrokerError


@pytest.fixture
def version(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> tuple[str, str]:
    """A published consumer version; yields (pacticipant, version)."""
    consumer = unique("web")
    publish(client, collect_pact_files([write_pact(consumer, unique("api"))]), "1.0.0")
    return consumer, "1.0.0"


def _deployed(client: BrokerClient, environment: str, pacticipant: str) -> list[str]:
    listing = client.get("/environments")
    env = next(e for e in listing["_embedded"]["environments"] if e["name"] == environment)
    href = links(
        client.get(links(env, "self")[0]["href"]), "pb:currently-deployed-deployed-versions"
    )
    answer = client.get(href[0]["href"], params=[("pacticipant", pacticipant)])
    return [d["_embedded"]["version"]["number"] for d in answer["_embedded"]["deployedVersions"]]


def test_create_environment_returns_its_uuid(
    client: BrokerClient, unique: Callable[[str], str]
) -> None:
    """A new environment gets a UUID and keeps its name and production flag."""
    name = unique("prod")
    env = create_environment(client, name, production=True, contact_email="a@b.c")
    assert (env.name, env.production, len(env.uuid) >= 32) == (name, True, True)


def test_duplicate_environment_is_refused(
    client: BrokerClient, unique: Callable[[str], str]
) -> None:
    """Creating the same environment twice is a BrokerError."""
    name = unique("test")
    create_environment(client, name)
    with pytest.raises(BrokerError):
        create_environment(client, name)


def test_record_deployment_marks_version_deployed(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """After record_deployment the version is currently deployed in the environment."""
    pacticipant, number = version
    env = unique("test")
    create_environment(client, env)
    record_deployment(client, pacticipant, number, env)
    assert _deployed(client, env, pacticipant) == [number]


def test_record_deployment_to_unknown_environment(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """An unknown environment is a BrokerError listing the ones that exist."""
    pacticipant, number = version
    existing = unique("test")
    create_environment(client, existing)
    with pytest.raises(BrokerError, match=f"no environment named.*{existing}"):
        record_deployment(client, pacticipant, number, unique("nowhere"))


def test_record_deployment_of_unknown_version(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """A version the broker has never seen is a BrokerError that says to publish first."""
    pacticipant, _ = version
    env = unique("test")
    create_environment(client, env)
    with pytest.raises(BrokerError, match="publish"):
        record_deployment(client, pacticipant, "9.9.9", env)


def test_record_undeployment(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """record_undeployment leaves nothing of the pacticipant deployed there."""
    pacticipant, number = version
    env = unique("test")
    create_environment(client, env)
    record_deployment(client, pacticipant, number, env)
    done = record_undeployment(client, pacticipant, env)
    assert [d.version for d in done] == [number]
    assert _deployed(client, env, pacticipant) == []


def test_record_undeployment_of_nothing(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """Undeploying what is not deployed is a BrokerError."""
    pacticipant, _ = version
    env = unique("test")
    create_environment(client, env)
    with pytest.raises(BrokerError, match="not currently deployed"):
        record_undeployment(client, pacticipant, env)


def test_record_release(
    client: BrokerClient, version: tuple[str, str], unique: Callable[[str], str]
) -> None:
    """record_release is accepted for a known version and environment."""
    pacticipant, number = version
    env = unique("store")
    create_environment(client, env)
    assert record_release(client, pacticipant, number, env).action == "release"
