"""Versions: what the broker knows about one (``describe_version``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seam._broker_client import BrokerClient, links
from seam.errors import BrokerError, UsageError
from seam.model import Report

__all__ = ["VersionInfo", "describe_version"]


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
