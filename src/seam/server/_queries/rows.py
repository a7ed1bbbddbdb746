"""The typed rows the broker's queries return, and the connection they run on.

Each TypedDict names the columns of one query's answer, so ``row["name"]`` keeps working
and mypy checks the keys. Flags stay 0/1 integers as stored, except where a query module
converts them (an environment's ``production``). JSON columns the broker never looks inside
(pact content, test results, webhook requests) are ``Any`` or text.
"""

from __future__ import annotations

from typing import Any, TypedDict

from seam.server._storage import Connection

__all__ = [
    "BranchRow",
    "Connection",
    "DeployedRow",
    "EnvironmentRow",
    "LabelRow",
    "NamedAt",
    "PacticipantRow",
    "PublicationRow",
    "ReleasedRow",
    "TagRow",
    "VerificationRow",
    "VersionDeployedRow",
    "VersionPactRow",
    "VersionReleasedRow",
    "VersionRow",
    "WebhookRow",
]


class PacticipantRow(TypedDict):
    """A row of ``pacticipants``."""

    id: int
    name: str
    display_name: str | None
    repository_url: str | None
    main_branch: str | None
    created_at: str
    updated_at: str


class LabelRow(TypedDict):
    """A label of a pacticipant (``labels`` without its ids)."""

    name: str
    created_at: str
    updated_at: str


class VersionRow(TypedDict):
    """A row of ``versions``."""

    id: int
    pacticipant_id: int
    number: str
    build_url: str | None
    created_at: str


class BranchRow(TypedDict):
    """A row of ``branches``."""

    id: int
    pacticipant_id: int
    name: str
    created_at: str


class TagRow(TypedDict):
    """A row of ``tags``."""

    version_id: int
    name: str
    created_at: str


class NamedAt(TypedDict):
    """A tag or branch of a version: its name and when the version got it."""

    name: str
    created_at: str


class VersionPactRow(TypedDict):
    """A pact a consumer version published: its provider and content sha."""

    provider: str
    sha: str


class EnvironmentRow(TypedDict):
    """A row of ``environments``, ``production`` a bool and ``contacts`` parsed."""

    id: int
    uuid: str
    name: str
    display_name: str | None
    production: bool
    contacts: Any
    created_at: str
    updated_at: str


class VersionDeployedRow(TypedDict):
    """A row of ``deployed_versions`` with its environment's name and UUID."""

    id: int
    uuid: str
    version_id: int
    pacticipant_id: int
    environment_id: int
    application_instance: str | None
    currently_deployed: int
    created_at: str
    undeployed_at: str | None
    environment: str
    environment_uuid: str


class VersionReleasedRow(TypedDict):
    """A row of ``released_versions`` with its environment's name and UUID."""

    id: int
    uuid: str
    version_id: int
    pacticipant_id: int
    environment_id: int
    currently_supported: int
    created_at: str
    support_ended_at: str | None
    environment: str
    environment_uuid: str


class _EnvironmentRecord(TypedDict):
    """What a deployment or release answer carries of its version and environment."""

    uuid: str
    created_at: str
    number: str
    pacticipant: str
    environment_uuid: str
    environment: str
    environment_display_name: str | None
    production: int


class DeployedRow(_EnvironmentRecord):
    """A deployment record with its version, pacticipant and environment."""

    application_instance: str | None
    currently_deployed: int
    undeployed_at: str | None


class ReleasedRow(_EnvironmentRecord):
    """A release record with its version, pacticipant and environment."""

    currently_supported: int
    support_ended_at: str | None


class PublicationRow(TypedDict):
    """A pact publication with its content, sha, names and consumer version number."""

    id: int
    revision: int
    created_at: str
    pact_version_id: int
    consumer_version_id: int
    sha: str
    content: str
    consumer_id: int
    provider_id: int
    consumer: str
    provider: str
    consumer_version: str


class VerificationRow(TypedDict):
    """A verification result with its pact's sha, names and provider version number."""

    id: int
    number: int
    success: int
    build_url: str | None
    test_results: str | None
    verified_by: str | None
    created_at: str
    sha: str
    consumer: str
    provider: str
    provider_version: str


class WebhookRow(TypedDict):
    """A row of ``webhooks``, ``events`` and ``request`` parsed."""

    id: int
    uuid: str
    description: str | None
    consumer: str | None
    provider: str | None
    consumer_label: str | None
    provider_label: str | None
    events: Any
    request: Any
    enabled: int
    created_at: str
    updated_at: str
