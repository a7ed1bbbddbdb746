"""Pacts for verification: selectors, de-duplication, pending and work-in-progress pacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seam.server import BrokerService

from .conftest import Client, pact_doc

Unique = Callable[[str], str]


class Pacts:
    """Publishes consumer pacts for one provider through the service."""

    def __init__(self, service: BrokerService, unique: Unique) -> None:
        self.service = service
        self.unique = unique
        self.provider = unique("api")
        self.consumer = unique("web")

    def publish(
        self,
        version: str,
        *,
        branch: str | None = None,
        tags: tuple[str, ...] = (),
        description: str | None = None,
        consumer: str | None = None,
    ) -> str:
        consumer = consumer or self.consumer
        self.service.save_version(consumer, version, {"branch": branch, "tags": list(tags)})
        doc = pact_doc(consumer, self.provider, description or f"request of {version}")
        row, _ = self.service.put_pact(self.provider, consumer, version, doc)
        return str(row["sha"])

    def verify(self, sha: str, version: str, success: bool = True, branch: str = "main") -> None:
        self.service.record_verification(
            self.provider,
            self.consumer,
            sha,
            {
                "success": success,
                "providerApplicationVersion": version,
                "providerVersionBranch": branch,
            },
        )


@pytest.fixture
def pacts(service: BrokerService, unique: Unique) -> Pacts:
    """A provider and a consumer with unique names."""
    return Pacts(service, unique)


def fetch(client: Client, provider: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(f"/pacts/provider/{provider}/for-verification", json=body)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["pacts"]  # type: ignore[no-any-return]


def versions(entry: dict[str, Any]) -> str:
    return str(entry["_links"]["self"]["name"])


def test_no_selectors_means_latest_of_each_consumer(client: Client, pacts: Pacts) -> None:
    """Without selectors, the latest pact of every consumer is returned, described 'latest'."""
    pacts.publish("1")
    pacts.publish("2")
    other = pacts.unique("mobile")
    pacts.publish("7", consumer=other)
    found = fetch(client, pacts.provider, {"consumerVersionSelectors": []})
    assert sorted(versions(e) for e in found) == sorted(
        [
            f"Pact between {pacts.consumer} (2) and {pacts.provider}",
            f"Pact between {other} (7) and {pacts.provider}",
        ]
    )
    assert {e["shortDescription"] for e in found} == {"latest"}


def test_main_branch_selector(client: Client, pacts: Pacts) -> None:
    """mainBranch picks the latest version on the consumer's main branch (auto-detected 'main')."""
    pacts.publish("1", branch="main")
    pacts.publish("2", branch="feature")
    [entry] = fetch(client, pacts.provider, {"consumerVersionSelectors": [{"mainBranch": True}]})
    assert "(1)" in versions(entry)
    assert entry["shortDescription"] == "latest from main branch"


def test_branch_selector(client: Client, pacts: Pacts) -> None:
    """branch picks the latest version on that branch."""
    pacts.publish("1", branch="feature")
    pacts.publish("2", branch="feature")
    pacts.publish("3", branch="main")
    body = {"consumerVersionSelectors": [{"branch": "feature"}]}
    [entry] = fetch(client, pacts.provider, body)
    assert "(2)" in versions(entry)


def test_tag_selector_latest_or_all(client: Client, pacts: Pacts) -> None:
    """tag with latest picks one version; tag alone picks every tagged version."""
    pacts.publish("1", tags=("prod",))
    pacts.publish("2", tags=("prod",))
    latest = fetch(
        client, pacts.provider, {"consumerVersionSelectors": [{"tag": "prod", "latest": True}]}
    )
    every = fetch(client, pacts.provider, {"consumerVersionSelectors": [{"tag": "prod"}]})
    assert len(latest) == 1 and "(2)" in versions(latest[0])
    assert len(every) == 2


def test_deployed_or_released_selector(client: Client, pacts: Pacts) -> None:
    """deployedOrReleased picks what is currently deployed or released anywhere."""
    pacts.publish("1")
    pacts.publish("2")
    env, _ = pacts.service.save_environment({"name": pacts.unique("prod")})
    pacts.service.record_deployment(pacts.consumer, "1", env["uuid"], {})
    body = {"consumerVersionSelectors": [{"deployedOrReleased": True}]}
    [entry] = fetch(client, pacts.provider, body)
    assert "(1)" in versions(entry)
    assert entry["shortDescription"] == "currently deployed or released"


def test_same_content_from_two_selectors_is_one_pact(client: Client, pacts: Pacts) -> None:
    """Two selectors reaching identical content give one entry naming both reasons."""
    pacts.publish("1", branch="main", tags=("prod",), description="same")
    body = {"consumerVersionSelectors": [{"mainBranch": True}, {"tag": "prod", "latest": True}]}
    [entry] = fetch(client, pacts.provider, body)
    assert entry["shortDescription"] == "latest from main branch, latest with tag prod"


def test_never_verified_pact_is_pending(client: Client, pacts: Pacts) -> None:
    """With includePendingStatus, a pact never verified successfully is pending."""
    pacts.publish("1")
    body = {"includePendingStatus": True, "providerVersionBranch": "main"}
    [entry] = fetch(client, pacts.provider, body)
    assert entry["verificationProperties"]["pending"] is True


def test_pact_verified_on_provider_branch_is_not_pending(client: Client, pacts: Pacts) -> None:
    """After a successful verification from the provider's branch, the pact is no longer pending."""
    pacts.verify(pacts.publish("1"), "10", branch="main")
    main = fetch(
        client, pacts.provider, {"includePendingStatus": True, "providerVersionBranch": "main"}
    )
    other = fetch(
        client, pacts.provider, {"includePendingStatus": True, "providerVersionBranch": "dev"}
    )
    assert main[0]["verificationProperties"]["pending"] is False
    assert other[0]["verificationProperties"]["pending"] is True


def test_failed_verification_keeps_pact_pending(client: Client, pacts: Pacts) -> None:
    """A failed verification does not take a pact out of pending."""
    pacts.verify(pacts.publish("1"), "10", success=False)
    [entry] = fetch(
        client, pacts.provider, {"includePendingStatus": True, "providerVersionBranch": "main"}
    )
    assert entry["verificationProperties"]["pending"] is True


def test_wip_pacts_are_included_since_date(client: Client, pacts: Pacts) -> None:
    """includeWipPactsSince adds pending pacts from other branches, marked wip."""
    pacts.verify(pacts.publish("1", branch="main"), "10")
    pacts.publish("2", branch="feature-x")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "includePendingStatus": True,
        "providerVersionBranch": "main",
        "includeWipPactsSince": "2000-01-01",
    }
    found = fetch(client, pacts.provider, body)
    wip = [e for e in found if e["verificationProperties"].get("wip")]
    assert [versions(e) for e in wip] == [f"Pact between {pacts.consumer} (2) and {pacts.provider}"]
    assert wip[0]["verificationProperties"]["pending"] is True


def test_wip_respects_since_date(client: Client, pacts: Pacts) -> None:
    """Pacts published before includeWipPactsSince are not work in progress."""
    pacts.publish("2", branch="feature-x")
    body = {
        "consumerVersionSelectors": [{"branch": "main"}],
        "includePendingStatus": True,
        "includeWipPactsSince": "2999-01-01",
    }
    assert fetch(client, pacts.provider, body) == []


def test_self_link_serves_pact_and_accepts_results(client: Client, pacts: Pacts) -> None:
    """The pact a provider is told to verify can be fetched and its result published."""
    pacts.publish("1")
    [entry] = fetch(client, pacts.provider, {})
    pact = client.get(entry["_links"]["self"]["href"]).json()
    assert pact["consumer"]["name"] == pacts.consumer
    result = client.post(
        pact["_links"]["pb:publish-verification-results"]["href"],
        json={"success": True, "providerApplicationVersion": "10"},
    )
    assert result.status_code == 201


def test_get_for_verification_links_itself(client: Client, pacts: Pacts) -> None:
    """GET on the for-verification resource answers with its self link."""
    pacts.publish("1")
    doc = client.get(f"/pacts/provider/{pacts.provider}/for-verification").json()
    assert doc["_links"]["self"]["href"].endswith(
        f"/pacts/provider/{pacts.provider}/for-verification"
    )


@pytest.mark.parametrize(
    "selectors", [[{"colour": "red"}], "latest", [{}]], ids=["unknown-key", "not-list", "empty"]
)
def test_bad_selectors_are_400(client: Client, pacts: Pacts, selectors: Any) -> None:
    """Selectors that are unknown, not a list or select nothing are refused with 400."""
    pacts.publish("1")
    response = client.post(
        f"/pacts/provider/{pacts.provider}/for-verification",
        json={"consumerVersionSelectors": selectors},
    )
    assert response.status_code == 400


def test_unknown_provider_is_404(client: Client, unique: Unique) -> None:
    """Asking for pacts of a provider the broker does not know answers 404."""
    response = client.post(f"/pacts/provider/{unique('api')}/for-verification", json={})
    assert response.status_code == 404


def test_wip_pacts_from_tags(client: Client, pacts: Pacts) -> None:
    """The latest pending pact of a consumer tag is work in progress too."""
    pacts.verify(pacts.publish("1", branch="main"), "10")
    pacts.publish("2", tags=("feat-y",))
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "includePendingStatus": True,
        "providerVersionBranch": "main",
        "includeWipPactsSince": "2000-01-01",
    }
    wip = [e for e in fetch(client, pacts.provider, body) if e["verificationProperties"].get("wip")]
    assert [versions(e) for e in wip] == [f"Pact between {pacts.consumer} (2) and {pacts.provider}"]
