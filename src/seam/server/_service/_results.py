"""What the service hands to the routes and ``_documents``: rows with what it adds to them."""

from __future__ import annotations

import enum
from typing import Any, NotRequired, TypedDict

from seam.server._queries.rows import (
    BranchRow,
    EnvironmentRow,
    NamedAt,
    PacticipantRow,
    PublicationRow,
    VerificationRow,
    VersionDeployedRow,
    VersionPactRow,
    VersionReleasedRow,
    VersionRow,
)

__all__ = [
    "BranchDetails",
    "IntegrationDetails",
    "Outcome",
    "PacticipantDetails",
    "ProviderState",
    "PublishResult",
    "TagDetails",
    "VersionDetails",
]


class Outcome(enum.Enum):
    """What a write did; the document layer words it the Pact Broker's way."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class PacticipantDetails(PacticipantRow):
    """A pacticipant with its newest version."""

    latest_version: VersionRow | None


class VersionDetails(VersionRow):
    """A version with everything its HAL document shows."""

    pacticipant: str
    tags: list[NamedAt]
    branches: list[NamedAt]
    pacts: list[VersionPactRow]
    environments: list[EnvironmentRow]
    deployed: list[VersionDeployedRow]
    released: list[VersionReleasedRow]


class TagDetails(TypedDict):
    """A tag of a version, with the version's number and pacticipant."""

    name: str
    number: str
    pacticipant: str
    version_id: int
    created_at: str


class BranchDetails(BranchRow):
    """A branch with its pacticipant's name and its newest version's number."""

    pacticipant: str
    latest_version: str | None


class IntegrationDetails(PublicationRow):
    """The latest pact of a consumer/provider pair with its latest verification."""

    latest_verification: VerificationRow | None
    verified_latest: bool | None


class ProviderState(TypedDict):
    """A provider state named in the latest pacts, with the consumers naming it."""

    name: str
    consumers: list[str]
    params: NotRequired[Any]


class PublishResult(TypedDict):
    """What ``POST /contracts/publish`` did (see :meth:`PactsService.publish_contracts`)."""

    pacticipant: PacticipantRow
    version: VersionDetails
    version_created: bool
    branch: str | None
    contracts: list[PublicationRow]
    outcomes: list[Outcome]
    tags: list[str]
