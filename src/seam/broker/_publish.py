"""``publish``: send pact files to a broker for one consumer version.

Brokers that offer ``pb:publish-contracts`` (Pact Broker 2.86+, PactFlow) get one
``POST /contracts/publish`` per consumer, the way the official clients publish;
older brokers get the legacy sequence: tags, branch, then one ``PUT`` per pact.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seam._broker_client import BrokerClient, expand, links
from seam.errors import InputError, UsageError
from seam.model import Report

__all__ = ["PactFile", "PublishResult", "collect_pact_files", "publish"]


@dataclass(frozen=True, slots=True)
class PactFile:
    """A pact file ready to publish: who it is between and its exact bytes."""

    path: Path
    consumer: str
    provider: str
    content: bytes


@dataclass(slots=True)
class PublishResult:
    """What the broker said about one publish.

    Attributes:
        version: the consumer version number published.
        pacts: ``(consumer, provider, url)`` for every pact the broker stored.
        notices: the broker's notices (``type``, ``text``), in its order.
    """

    version: str
    pacts: list[tuple[str, str, str]] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON data."""
        return {
            "version": self.version,
            "pacts": [{"consumer": c, "provider": p, "url": u} for c, p, u in self.pacts],
            "notices": self.notices,
        }

    def to_report(self) -> Report:
        """The result as ``publish``'s report (``meta["result"]``)."""
        return Report("publish", meta={"result": self.to_dict()})


def collect_pact_files(sources: Iterable[Path]) -> list[PactFile]:
    """Read the pact files named by ``sources`` (files, or directories of ``*.json``).

    Raises:
        InputError: a source is missing, a directory holds no pact, or a file is not a pact.
    """
    from seam.pactfile import read_pact

    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(source.glob("*.json"))
            if not found:
                raise InputError("no pact files (*.json) in this directory", location=str(source))
            files += found
        elif source.exists():
            files.append(source)
        else:
            raise InputError("no such file or directory", location=str(source))
    pacts = []
    for path in dict.fromkeys(files):
        pact = read_pact(path)
        pacts.append(PactFile(path, pact.consumer, pact.provider, path.read_bytes()))
    return pacts


def publish(
    client: BrokerClient,
    pacts: Sequence[PactFile],
    version: str,
    *,
    branch: str | None = None,
    tags: Sequence[str] = (),
    build_url: str | None = None,
) -> PublishResult:
    """Publish ``pacts`` as consumer version ``version``.

    Args:
        client: the broker session.
        pacts: the pact files (see :func:`collect_pact_files`).
        version: the consumer application version (a git sha is the usual choice).
        branch: the consumer's repository branch.
        tags: consumer version tags (the older alternative to branches and environments).
        build_url: the CI build that made the pacts.

    Returns:
        every pact stored, with its URL, and the broker's notices.

    Raises:
        UsageError: an empty version, tag or branch, or nothing to publish.
        BrokerError: the broker refused a pact.
        BrokerUnreachable: the broker could not be reached.
    """
    version = _required("consumer version (-a)", version)
    if branch is not None:
        branch = _required("branch", branch)
    tags = [_required("tag", t) for t in tags]
    if not pacts:
        raise UsageError("nothing to publish: name pact files or a directory holding them")
    result = PublishResult(version)
    for consumer, group in _by_consumer(pacts).items():
        if client.has_relation("pb:publish-contracts"):
            _publish_contracts(client, consumer, group, version, branch, tags, build_url, result)
        else:
            _publish_legacy(client, consumer, group, version, branch, tags, result)
    return result


def _required(what: str, value: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"the {what} must not be empty")
    return value.strip()


def _by_consumer(pacts: Sequence[PactFile]) -> dict[str, list[PactFile]]:
    groups: dict[str, list[PactFile]] = {}
    for pact in pacts:
        groups.setdefault(pact.consumer, []).append(pact)
    return groups


def _publish_contracts(
    client: BrokerClient,
    consumer: str,
    pacts: list[PactFile],
    version: str,
    branch: str | None,
    tags: list[str],
    build_url: str | None,
    result: PublishResult,
) -> None:
    body: dict[str, Any] = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "tags": tags,
        "contracts": [
            {
                "consumerName": p.consumer,
                "providerName": p.provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(p.content).decode("ascii"),
            }
            for p in pacts
        ],
    }
    if branch:
        body["branch"] = branch
    if build_url:
        body["buildUrl"] = build_url
    answer = client.post(client.relation("pb:publish-contracts", "publish contracts"), body)
    result.notices += [
        {"type": str(n.get("type", "info")), "text": str(n.get("text", ""))}
        for n in answer.get("notices", answer.get("logs", []))
        if isinstance(n, dict)
    ]
    stored = links(answer, "pb:contracts")
    for pact, link in zip(pacts, stored, strict=False):
        result.pacts.append((pact.consumer, pact.provider, str(link.get("href", ""))))
    # A broker that lists fewer contracts than were sent still stored them all (the
    # request is one transaction); record those without a URL rather than drop them.
    for pact in pacts[len(stored) :]:
        result.pacts.append((pact.consumer, pact.provider, ""))


def _publish_legacy(
    client: BrokerClient,
    consumer: str,
    pacts: list[PactFile],
    version: str,
    branch: str | None,
    tags: list[str],
    result: PublishResult,
) -> None:
    params = {"pacticipant": consumer, "version": version}
    # Tags and branch first, so webhooks fired by the pact see them (as the Ruby client does).
    for tag in tags:
        url = expand(
            "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}", {**params, "tag": tag}
        )
        client.put(url, {})
    if branch:
        url = expand(
            "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
            {**params, "branch": branch},
        )
        client.put(url, {})
    for pact in pacts:
        url = expand(
            "/pacts/provider/{provider}/consumer/{pacticipant}/version/{version}",
            {**params, "provider": pact.provider},
        )
        client.put(url, _json_object(pact))
        result.pacts.append((pact.consumer, pact.provider, url))
        result.notices.append(
            {"type": "success", "text": f"published pact {consumer} → {pact.provider} ({version})"}
        )


def _json_object(pact: PactFile) -> Any:
    try:
        return json.loads(pact.content)
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", location=str(pact.path)) from None
