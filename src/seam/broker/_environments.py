"""Environments, deployments and releases, found by following the broker's HAL links.

As the official clients do: the index's ``pb:pacticipant-version`` link leads to the
version, whose ``pb:record-deployment``/``pb:record-release`` links (one per
environment) are where a deployment is recorded; ``pb:environments`` leads to each
environment's ``pb:currently-deployed-deployed-versions``, which is how an
undeployment finds what to mark as gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from seam._broker_client import BrokerClient, links
from seam.errors import BrokerError, UsageError
from seam.model import Report

__all__ = [
    "Environment",
    "Recorded",
    "create_environment",
    "record_deployment",
    "record_release",
    "record_undeployment",
    "undeployments_report",
]


@dataclass(frozen=True, slots=True)
class Environment:
    """An environment as the broker stored it."""

    name: str
    uuid: str
    display_name: str
    production: bool

    def to_dict(self) -> dict[str, Any]:
        """The environment as plain JSON data."""
        return {
            "name": self.name,
            "uuid": self.uuid,
            "display_name": self.display_name,
            "production": self.production,
        }

    def to_report(self) -> Report:
        """The environment as ``create-environment``'s report (``meta["result"]``)."""
        return Report("create-environment", meta={"result": self.to_dict()})


@dataclass(frozen=True, slots=True)
class Recorded:
    """A deployment, release or undeployment the broker recorded."""

    action: str  # "deployment", "release" or "undeployment"
    pacticipant: str
    version: str
    environment: str
    application_instance: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """What was recorded, as plain JSON data."""
        return {
            "action": self.action,
            "pacticipant": self.pacticipant,
            "version": self.version,
            "environment": self.environment,
            "application_instance": self.application_instance,
        }

    def to_report(self) -> Report:
        """What was recorded as ``record-<action>``'s report (``meta["result"]``)."""
        return Report(f"record-{self.action}", meta={"result": self.to_dict()})


def undeployments_report(recorded: Sequence[Recorded]) -> Report:
    """The undeployments :func:`record_undeployment` recorded, as one report."""
    return Report("record-undeployment", meta={"result": [r.to_dict() for r in recorded]})


def create_environment(
    client: BrokerClient,
    name: str,
    *,
    display_name: str | None = None,
    production: bool = False,
    contact_name: str | None = None,
    contact_email: str | None = None,
) -> Environment:
    """Create the environment ``name`` (e.g. ``test``, ``production``).

    Raises:
        UsageError: an empty name.
        BrokerError: the broker refused (for instance, the name exists already).
    """
    name = _required("environment name", name)
    body: dict[str, Any] = {
        "name": name,
        "displayName": display_name or name.replace("-", " ").title(),
        "production": production,
    }
    if contact_name or contact_email:
        contact: dict[str, Any] = {"name": contact_name or ""}
        if contact_email:
            contact["details"] = {"emailAddress": contact_email}
        body["contacts"] = [contact]
    answer = client.post(client.relation("pb:environments", "create environments"), body)
    return Environment(
        name=str(answer.get("name", name)),
        uuid=str(answer.get("uuid", "")),
        display_name=str(answer.get("displayName", body["displayName"])),
        production=bool(answer.get("production", production)),
    )


def record_deployment(
    client: BrokerClient,
    pacticipant: str,
    version: str,
    environment: str,
    *,
    application_instance: str | None = None,
) -> Recorded:
    """Record that ``version`` of ``pacticipant`` is now deployed to ``environment``.

    The broker marks whatever was deployed there before (same application instance)
    as no longer deployed.

    Raises:
        BrokerError: the version or the environment is unknown to the broker.
    """
    href = _environment_link(client, pacticipant, version, environment, "pb:record-deployment")
    body: dict[str, Any] = {}
    if application_instance:
        # "target" is the beta name of the same field; older brokers only read that one.
        body = {"applicationInstance": application_instance, "target": application_instance}
    client.post(href, body)
    return Recorded("deployment", pacticipant, version, environment, application_instance)


def record_release(
    client: BrokerClient, pacticipant: str, version: str, environment: str
) -> Recorded:
    """Record that ``version`` of ``pacticipant`` is released to ``environment``.

    Raises:
        BrokerError: the version or the environment is unknown to the broker.
    """
    href = _environment_link(client, pacticipant, version, environment, "pb:record-release")
    client.post(href, {})
    return Recorded("release", pacticipant, version, environment)


def record_undeployment(
    client: BrokerClient,
    pacticipant: str,
    environment: str,
    *,
    application_instance: str | None = None,
) -> list[Recorded]:
    """Mark every currently deployed version of ``pacticipant`` in ``environment`` as gone.

    Raises:
        BrokerError: the environment is unknown, or nothing of ``pacticipant`` is deployed there.
    """
    pacticipant = _required("pacticipant (-a)", pacticipant)
    env = _find_environment(client, environment)
    current = links(env, "pb:currently-deployed-deployed-versions")
    if not current:
        raise BrokerError(
            f"the broker's environment {environment!r} has no currently-deployed versions link; "
            "upgrade the broker (Pact Broker 2.80+)"
        )
    params = [("pacticipant", pacticipant)]
    if application_instance:
        params.append(("applicationInstance", application_instance))
    answer = client.get(str(current[0]["href"]), params=params)
    deployed = (answer.get("_embedded") or {}).get("deployedVersions") or []
    if application_instance:
        deployed = [
            d
            for d in deployed
            if d.get("applicationInstance", d.get("target")) == application_instance
        ]
    if not deployed:
        instance = f" (instance {application_instance})" if application_instance else ""
        raise BrokerError(
            f"{pacticipant} is not currently deployed to {environment}{instance}: nothing to "
            "undeploy (see contracts describe-version)"
        )
    done = []
    for item in deployed:
        client.patch(
            str(links(item, "self")[0]["href"]),
            {"currentlyDeployed": False},
            content_type="application/merge-patch+json",
        )
        number = str(((item.get("_embedded") or {}).get("version") or {}).get("number", "?"))
        instance = item.get("applicationInstance", item.get("target"))
        done.append(Recorded("undeployment", pacticipant, number, environment, instance))
    return done


def _required(what: str, value: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"the {what} must not be empty")
    return value.strip()


def _environment_link(
    client: BrokerClient, pacticipant: str, version: str, environment: str, rel: str
) -> str:
    pacticipant = _required("pacticipant (-a)", pacticipant)
    version = _required("version (-e)", version)
    environment = _required("environment", environment)
    href = client.relation(
        "pb:pacticipant-version",
        "record deployments",
        pacticipant=pacticipant,
        version=version,
    )
    resource = client.get_or_none(href)
    if resource is None:
        raise BrokerError(
            f"{pacticipant} version {version} is not in the broker: publish its pacts "
            f"(contracts publish -a {version}) or record it before deploying"
        )
    offered = links(resource, rel)
    for link in offered:
        if link.get("name") == environment:
            return str(link["href"])
    names = ", ".join(sorted(str(link.get("name")) for link in offered)) or "none"
    raise BrokerError(
        f"no environment named {environment!r} in the broker (available: {names}): create "
        f"it with contracts create-environment --name {environment}"
    )


def _find_environment(client: BrokerClient, environment: str) -> dict[str, Any]:
    environment = _required("environment", environment)
    listing = client.get(client.relation("pb:environments", "list environments"))
    embedded = (listing.get("_embedded") or {}).get("environments") or []
    for env in embedded:
        if env.get("name") == environment and links(env, "self"):
            return client.get(str(links(env, "self")[0]["href"]))
    for link in links(listing, "pb:environments"):
        if link.get("name") == environment:
            return client.get(str(link["href"]))
    names = sorted(
        {str(e.get("name")) for e in embedded}
        | {str(link.get("name")) for link in links(listing, "pb:environments")}
    )
    raise BrokerError(
        f"no environment named {environment!r} in the broker (available: "
        f"{', '.join(names) or 'none'}): create it with contracts create-environment "
        f"--name {environment}"
    )
