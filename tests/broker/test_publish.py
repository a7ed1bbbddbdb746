"""publish: pact files reach the embedded broker, in process and over a socket."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from seam.broker import BrokerClient, collect_pact_files, describe_version, publish
from seam.errors import BrokerError, InputError, PactError, UsageError


def test_published_pact_is_stored_verbatim(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """The broker returns the published pact's interactions at the URL it reported."""
    path = write_pact(unique("web"), unique("api"))
    result = publish(client, collect_pact_files([path]), "1.0.0")
    ((consumer, provider, url),) = result.pacts
    stored = client.get(url)
    original = json.loads(path.read_text())
    assert (stored["consumer"]["name"], stored["provider"]["name"]) == (consumer, provider)
    assert stored["interactions"] == original["interactions"]


def test_publish_directory_sends_every_pact(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """A directory publishes each *.json pact in it."""
    consumer = unique("web")
    first = write_pact(consumer, unique("api"))
    write_pact(consumer, unique("billing"))
    result = publish(client, collect_pact_files([first.parent]), "2.0.0")
    assert len(result.pacts) == 2
    assert all(url for _, _, url in result.pacts)


def test_branch_and_tags_are_recorded(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """Branch and tags given at publish time show up on the consumer version."""
    consumer = unique("web")
    pacts = collect_pact_files([write_pact(consumer, unique("api"))])
    publish(client, pacts, "3.0.0", branch="main", tags=["dev", "ci"])
    info = describe_version(client, consumer, version="3.0.0")
    assert info.branches == ("main",)
    assert set(info.tags) == {"dev", "ci"}


def test_publish_over_a_socket(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """Publishing over a real loopback connection stores the pact."""
    consumer = unique("web")
    with BrokerClient(served_broker) as client:
        publish(client, collect_pact_files([write_pact(consumer, unique("api"))]), "1.2.3")
        assert describe_version(client, consumer).number == "1.2.3"


def test_empty_version_is_refused(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """A blank consumer version is a usage error, before anything is sent."""
    pacts = collect_pact_files([write_pact(unique("web"), unique("api"))])
    with pytest.raises(UsageError, match="version"):
        publish(client, pacts, "  ")


def test_not_a_pact_is_refused(tmp_path: Path) -> None:
    """A JSON file that is not a pact is bad input naming the file."""
    path = tmp_path / "x.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(PactError) as info:
        collect_pact_files([path])
    assert "x.json" in str(info.value)


def test_empty_directory_is_refused(tmp_path: Path) -> None:
    """A directory without pact files is bad input."""
    with pytest.raises(InputError, match="no pact files"):
        collect_pact_files([tmp_path])


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A source that does not exist is bad input."""
    with pytest.raises(InputError, match="no such file"):
        collect_pact_files([tmp_path / "missing.json"])


def test_legacy_publish_without_publish_contracts(
    older_broker_client: BrokerClient,
    write_pact: Callable[..., Path],
    unique: Callable[[str], str],
) -> None:
    """A broker without pb:publish-contracts gets the legacy PUTs: pact, tags and branch."""
    consumer, provider = unique("web"), unique("api")
    pacts = collect_pact_files([write_pact(consumer, provider)])
    result = publish(older_broker_client, pacts, "4.0.0", branch="feat", tags=["dev"])
    assert [url.endswith("/version/4.0.0") for _, _, url in result.pacts] == [True]
    info = describe_version(older_broker_client, consumer, version="4.0.0")
    assert (info.branches, info.tags) == (("feat",), ("dev",))
    stored = older_broker_client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest")
    assert stored["consumer"]["name"] == consumer


def test_changed_pact_for_same_version_is_refused_with_reason(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """Republishing a version with different content is a BrokerError with the broker's reason."""
    consumer, provider = unique("web"), unique("api")
    publish(client, collect_pact_files([write_pact(consumer, provider)]), "1.0.0")
    changed = collect_pact_files([write_pact(consumer, provider, description="changed")])
    with pytest.raises(BrokerError, match=r"\(409\): \S"):
        publish(client, changed, "1.0.0")
