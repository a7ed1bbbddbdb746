"""describe_version against the embedded broker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seam.broker import BrokerClient, collect_pact_files, describe_version, publish
from seam.errors import BrokerError


def test_latest_version_is_the_newest(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """Without a version, the newest published version is described."""
    consumer = unique("web")
    pacts = collect_pact_files([write_pact(consumer, unique("api"))])
    publish(client, pacts, "1.0.0")
    publish(client, pacts, "1.1.0")
    assert describe_version(client, consumer).number == "1.1.0"


def test_latest_with_tag(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """--latest TAG describes the newest version with that tag."""
    consumer = unique("web")
    pacts = collect_pact_files([write_pact(consumer, unique("api"))])
    publish(client, pacts, "1.0.0", tags=["prod"])
    publish(client, pacts, "1.1.0", tags=["dev"])
    assert describe_version(client, consumer, latest="prod").number == "1.0.0"


def test_unknown_version_is_a_broker_error(
    client: BrokerClient, unique: Callable[[str], str]
) -> None:
    """A pacticipant the broker does not know is a BrokerError."""
    with pytest.raises(BrokerError, match="not in the broker"):
        describe_version(client, unique("ghost"), version="1.0.0")
