"""Versions: what the broker knows about one (``describe_version``), and verification results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seam.broker._client import BrokerClient, links
from seam.errors import BrokerError, UsageError
from seam.model import Report

__all__ = ["VersionInfo", "describe_version", "publish_verification"]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A pacticipant version: its number, branches, tags and build URL."""

    pacticipant: str
    number: str
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    build_url: str | None = None
    created_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The version as plain JSON data."""
        return {
            "pacticipant": self.pacticipant,
            "number": self.number,
            "branches": list(self.branches),
            "tags": list(self.tags),
            "build_url": self.build_url,
            "created_at": self.created_at,
        }

    def to_report(self) -> Report:
        """The version as ``describe-version``'s report (``meta["result"]``)."""
        return Report("describe-version", meta={"result": self.to_dict()})


def describe_version(
    client: BrokerClient,
    pacticipant: str,
    *,
    version: str | None = None,
    latest: str | None = None,
) -> VersionInfo:
    """Fetch a version of ``pacticipant``: ``version``, or the latest (with tag ``latest``).

    With neither, the latest version is described, as the official CLI does.

    Raises:
        UsageError: both a version and ``latest``.
        BrokerError: the pacticipant or version is unknown to the broker.
    """
    if not pacticipant or not pacticipant.strip():
        raise UsageError("the pacticipant (-a) must not be empty")
    if version is not None and latest is not None:
        raise UsageError("give either --version (-e) or --latest, not both")
    if version is not None:
        href = client.relation(
            "pb:pacticipant-version", "describe versions", pacticipant=pacticipant, version=version
        )
        what = f"{pacticipant} version {version}"
    elif latest:
        href = client.relation(
            "pb:latest-tagged-version", "find tagged versions", pacticipant=pacticipant, tag=latest
        )
        what = f"a {pacticipant} version tagged {latest}"
    else:
        href = client.relation("pb:latest-version", "find versions", pacticipant=pacticipant)
        what = f"a version of {pacticipant}"
    resource = client.get_or_none(href)
    if resource is None:
        raise BrokerError(
            f"{what} is not in the broker: check the name and version, or publish it first"
        )
    return _parse(pacticipant, resource)


def _parse(pacticipant: str, resource: dict[str, Any]) -> VersionInfo:
    embedded = resource.get("_embedded") or {}
    branches = [b.get("name") for b in embedded.get("branchVersions") or []]
    branches += [b.get("name") for b in links(resource, "pb:branch-versions")]
    tags = [t.get("name") for t in embedded.get("tags") or []]
    return VersionInfo(
        pacticipant=pacticipant,
        number=str(resource.get("number", "?")),
        branches=tuple(dict.fromkeys(str(b) for b in branches if b)),
        tags=tuple(dict.fromkeys(str(t) for t in tags if t)),
        build_url=resource.get("buildUrl"),
        created_at=resource.get("createdAt"),
    )


def publish_verification(
    client: BrokerClient,
    pact_url: str,
    provider_version: str,
    *,
    success: bool,
    branch: str | None = None,
    build_url: str | None = None,
) -> str:
    """Record a provider's verification result for the pact at ``pact_url``.

    Follows the pact's ``pb:publish-verification-results`` link, as every verifier does.

    Returns:
        the URL of the stored verification result (``""`` if the broker gave none).

    Raises:
        BrokerError: the pact is unknown, or the broker offers no link to publish results.
    """
    if not provider_version or not provider_version.strip():
        raise UsageError("the provider version must not be empty")
    pact = client.get_or_none(pact_url)
    if pact is None:
        raise BrokerError(f"no pact at {pact_url}: publish the consumer's pact first")
    target = links(pact, "pb:publish-verification-results")
    if not target:
        raise BrokerError(
            f"the pact at {pact_url} has no pb:publish-verification-results link: the broker "
            "cannot take verification results"
        )
    body: dict[str, Any] = {
        "success": success,
        "providerApplicationVersion": provider_version.strip(),
    }
    if branch:
        body["providerVersionBranch"] = branch
    if build_url:
        body["buildUrl"] = build_url
    answer = client.post(str(target[0]["href"]), body)
    self_links = links(answer, "self")
    return str(self_links[0].get("href", "")) if self_links else ""
