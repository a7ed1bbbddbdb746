"""can_i_deploy: the verdict follows real verification results in the embedded broker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seam.broker import (
    BrokerClient,
    Selector,
    can_i_deploy,
    collect_pact_files,
    create_environment,
    publish,
    publish_verification,
    record_deployment,
)
from seam.errors import UsageError
from seam.reporters import render

Published = tuple[str, str, str]


@pytest.fixture
def published(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> Published:
    """A consumer version 1.0.0 with one pact; yields (consumer, provider, pact URL)."""
    consumer, provider = unique("web"), unique("api")
    result = publish(client, collect_pact_files([write_pact(consumer, provider)]), "1.0.0")
    return consumer, provider, result.pacts[0][2]


def test_unverified_pact_is_not_deployable(client: BrokerClient, published: Published) -> None:
    """Without a verification result the consumer version cannot be deployed."""
    consumer, _, _ = published
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"))
    assert not result.ok


def test_successful_verification_is_deployable(client: BrokerClient, published: Published) -> None:
    """After the provider verifies the pact successfully, the consumer can deploy."""
    consumer, provider, url = published
    publish_verification(client, url, "9.0.0", success=True)
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"))
    assert result.ok
    assert [(r.provider, r.provider_version, r.status) for r in result.rows] == [
        (provider, "9.0.0", "success")
    ]


def test_failed_verification_is_not_deployable(client: BrokerClient, published: Published) -> None:
    """A failed verification makes the consumer version undeployable, with the row failed."""
    consumer, _, url = published
    publish_verification(client, url, "9.0.0", success=False)
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"))
    assert result.deployable is False
    assert [r.status for r in result.rows] == ["failed"]
    assert [f.rule for f in result.to_report().findings] == ["verification-failed"]


def test_to_environment_uses_what_is_deployed_there(
    client: BrokerClient, published: Published, unique: Callable[[str], str]
) -> None:
    """With the verified provider version deployed to the environment, the consumer can go."""
    consumer, provider, url = published
    env = unique("env")
    create_environment(client, env)
    publish_verification(client, url, "9.0.0", success=True)
    record_deployment(client, provider, "9.0.0", env)
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"), to_environment=env)
    assert result.ok


def test_to_environment_without_the_verified_provider(
    client: BrokerClient, published: Published, unique: Callable[[str], str]
) -> None:
    """A provider version deployed there that never verified the pact blocks the deploy."""
    consumer, provider, url = published
    env = unique("env")
    create_environment(client, env)
    publish_verification(client, url, "9.0.0", success=True)
    publish_verification(client, url, "8.0.0", success=False)
    record_deployment(client, provider, "8.0.0", env)
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"), to_environment=env)
    assert not result.ok


def test_latest_selector(client: BrokerClient, published: Published) -> None:
    """--latest picks the newest consumer version."""
    consumer, _, url = published
    publish_verification(client, url, "9.0.0", success=True)
    result = can_i_deploy(client, Selector(consumer, latest=""))
    assert result.ok
    assert {r.consumer_version for r in result.rows} == {"1.0.0"}


def test_retry_while_unknown_sees_a_late_result(client: BrokerClient, published: Published) -> None:
    """A verification published while can-i-deploy waits turns the verdict to deployable."""
    consumer, _, url = published
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        publish_verification(client, url, "9.0.0", success=True)

    result = can_i_deploy(
        client,
        Selector(consumer, version="1.0.0"),
        retry_while_unknown=3,
        retry_interval=5,
        sleep=sleep,
    )
    assert result.ok
    assert (result.attempts, waits) == (2, [5])


def test_retry_gives_up_after_the_count(client: BrokerClient, published: Published) -> None:
    """With no result ever, can-i-deploy asks retry+1 times and stays not deployable."""
    consumer, _, _ = published
    waits: list[float] = []
    result = can_i_deploy(
        client,
        Selector(consumer, version="1.0.0"),
        retry_while_unknown=2,
        retry_interval=1,
        sleep=waits.append,
    )
    assert (result.ok, result.attempts, len(waits)) == (False, 3, 2)


def test_environment_and_tag_together_are_refused(client: BrokerClient) -> None:
    """--to-environment and --to cannot both be given."""
    with pytest.raises(UsageError, match="not both"):
        can_i_deploy(client, Selector("a", version="1"), to_environment="e", to_tag="t")


def test_two_version_selectors_are_refused(client: BrokerClient) -> None:
    """A selector with both a version and --latest is refused."""
    with pytest.raises(UsageError, match="exactly one"):
        can_i_deploy(client, Selector("a", version="1", latest=""))


def test_text_rendering_names_the_verdict(client: BrokerClient, published: Published) -> None:
    """The text output has the matrix row and the yes/no line."""
    consumer, provider, url = published
    publish_verification(client, url, "9.0.0", success=True)
    text = render(can_i_deploy(client, Selector(consumer, version="1.0.0")).to_report(), "text")
    assert provider in text
    assert "Computer says yes" in text


def test_to_tag_uses_the_tagged_provider_version(
    client: BrokerClient, published: Published
) -> None:
    """--to prod asks against the latest provider version tagged prod."""
    consumer, provider, url = published
    publish_verification(client, url, "9.0.0", success=True)
    publish_verification(client, url, "9.1.0", success=False)
    client.put(f"/pacticipants/{provider}/versions/9.0.0/tags/prod", {})
    assert can_i_deploy(client, Selector(consumer, version="1.0.0"), to_tag="prod").ok
    assert not can_i_deploy(client, Selector(consumer, version="1.0.0")).ok


def test_branch_selector_picks_the_branch_head(
    client: BrokerClient, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """--branch B asks about the newest consumer version on that branch."""
    consumer, provider = unique("web"), unique("api")
    pacts = collect_pact_files([write_pact(consumer, provider)])
    verified = publish(client, pacts, "1.0.0", branch="main").pacts[0][2]
    publish_verification(client, verified, "9.0.0", success=True)
    other = write_pact(consumer, provider, description="something new")
    publish(client, collect_pact_files([other]), "2.0.0", branch="feature")
    result = can_i_deploy(client, Selector(consumer, branch="main"))
    assert (result.ok, {r.consumer_version for r in result.rows}) == (True, {"1.0.0"})


def test_ignore_skips_a_failing_provider(client: BrokerClient, published: Published) -> None:
    """--ignore PROVIDER makes a failed verification by it not count."""
    consumer, provider, url = published
    publish_verification(client, url, "9.0.0", success=False)
    result = can_i_deploy(client, Selector(consumer, version="1.0.0"), ignore=[provider])
    assert result.ok
