"""The broker's pacts fetched by Seam: split like local pacts, results published once.

``verify --broker-base-url`` alone lets the Rust verifier fetch the pacts and publish the
results, as it always has. With ``--shard I/N`` or ``--workers N`` Seam fetches them
itself — the provider's ``pb:provider-pacts-for-verification`` link, POSTed the body
pact_verifier sends (selectors, provider branch and tags, pending, WIP) — so their
interactions are split with the same partition as local pacts. What only the broker
knows stays with each pact: its URL (where the results go) and its
``verificationProperties`` (pending, notices).

Each report records, per broker pact, this run's share of it (:func:`pact_outcomes`, in
``meta["broker_pacts"]``); ``merge_reports`` adds the shards' records up and
:func:`publish_results` posts one verification result per pact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from seam import __version__
from seam._broker_client import BrokerClient, links, publish_verification
from seam.errors import BrokerError, BrokerUnreachable, InputError, redact
from seam.model import CaseStatus, Finding, Report, Severity
from seam.pactfile import Pact, parse_pact
from seam.verify._options import BrokerSource, PublishOptions
from seam.verify._replay import ShardResult
from seam.verify._results import case_name

__all__ = [
    "BrokerPact",
    "failing_keys",
    "fetch_pacts",
    "mark_pending",
    "pact_outcomes",
    "publish_results",
]

Key = tuple[str, str, tuple[str, ...]]  # consumer, description, provider states (as results)


@dataclass(frozen=True, slots=True)
class BrokerPact:
    """One pact the broker asked the provider to verify, with its verification properties."""

    url: str
    pact: Pact
    pending: bool = False
    notices: tuple[str, ...] = ()

    def interaction_keys(self) -> list[Key]:
        """Each interaction's identity, as the verifier's results name it."""
        return [(self.pact.consumer, i.description, i.state_names) for i in self.pact.interactions]


def _client(broker: BrokerSource) -> BrokerClient:
    return BrokerClient(
        broker.url, token=broker.token, username=broker.username, password=broker.password
    )


def _request_body(broker: BrokerSource) -> dict[str, Any]:
    """The pacts-for-verification body, with the keys pact_verifier sends."""
    body: dict[str, Any] = {
        "consumerVersionSelectors": list(broker.selectors),
        "providerVersionTags": list(broker.provider_tags),
        # WIP pacts are pending by definition: the broker only sends them with pending on.
        "includePendingStatus": bool(broker.include_pending or broker.include_wip_since),
    }
    if broker.provider_branch:
        body["providerVersionBranch"] = broker.provider_branch
    if broker.include_wip_since:
        body["includeWipPactsSince"] = broker.include_wip_since
    return body


def fetch_pacts(broker: BrokerSource, provider: str) -> list[BrokerPact]:
    """The pacts ``broker`` selects for ``provider`` to verify, in the broker's order.

    Raises:
        BrokerUnreachable: the broker does not answer.
        BrokerError: the broker refused (credentials, unknown provider, an old broker).
        InputError: a pact the broker gave is not a pact of ``provider``.
    """
    with _client(broker) as client:
        href = client.relation(
            "pb:provider-pacts-for-verification", "select pacts to verify", provider=provider
        )
        answer = client.post(href, _request_body(broker))
        out = []
        for item in (answer.get("_embedded") or {}).get("pacts") or []:
            found = links(item, "self")
            if not found or not found[0].get("href"):
                raise BrokerError(f"the broker listed a pact with no URL for {provider!r}")
            url = str(found[0]["href"])
            props = item.get("verificationProperties") or {}
            pact = parse_pact(client.get(url), source=redact(url))  # errors name the URL
            if pact.provider != provider:
                raise InputError(f"{redact(url)}: a pact for {pact.provider!r}, not {provider!r}")
            # No file: findings of broker pacts name none (a URL is no GitHub annotation's
            # file), as when the verifier fetches them; the URL is in meta["broker_pacts"].
            pact = dataclasses.replace(pact, source=None)
            notices = tuple(
                str(n.get("text")) for n in props.get("notices") or [] if isinstance(n, dict)
            )
            out.append(BrokerPact(url, pact, bool(props.get("pending")), notices))
        return out


def mark_pending(results: Iterable[ShardResult], pacts: Sequence[BrokerPact]) -> None:
    """Mark the verifier's results of pending pacts' interactions as pending, in place.

    The verifier read these pacts as files and does not know they are pending. An
    interaction also in a pact that is not pending stays failing.
    """
    pending: set[Key] = set()
    firm: set[Key] = set()
    for pact in pacts:
        (pending if pact.pending else firm).update(pact.interaction_keys())
    pending -= firm
    if not pending:
        return
    for result in results:
        for entry in result.results.get("interactionResults") or []:
            if _key_of(entry) in pending:
                entry["pending"] = True


def _key_of(entry: Mapping[str, Any]) -> Key:
    states = tuple(str(s) for s in entry.get("providerStates") or [])
    return (str(entry.get("consumer") or ""), str(entry.get("description") or ""), states)


def failing_keys(results: Iterable[ShardResult]) -> set[Key]:
    """The interactions any of the verifier's results says did not pass.

    Two selected pacts of one consumer (its main branch and what is deployed) may hold an
    interaction of the same description and states; the verifier's results do not say
    which pact each came from, and a report keeps one case per interaction. A failure of
    either then counts against both pacts: never a success published for a failing pact.
    """
    return {
        _key_of(entry)
        for result in results
        for entry in result.results.get("interactionResults") or []
        if str(entry.get("result")) != "Ok" and entry.get("mismatch") is not None
    }


def pact_outcomes(
    report: Report,
    pacts: Sequence[BrokerPact],
    replayed: set[Key],
    failing: set[Key] | None = None,
) -> list[dict[str, Any]]:
    """Each broker pact's outcome in this run: ``meta["broker_pacts"]`` of its report.

    Args:
        report: the run's report (its cases).
        pacts: the broker's pacts.
        replayed: the interactions this run replayed (its shard's share).
        failing: the interactions any result failed (:func:`failing_keys`), whatever
            the one case kept for each says.

    Returns:
        Per pact, in the broker's order: ``url``, ``consumer``, ``pending``, ``notices``,
        how many of its interactions this run replayed and how many of those did not pass
        (failed, pending-failed, or never reported by the verifier).
    """
    statuses = {(c.group, c.name): c.status for c in report.cases}
    out = []
    for broker_pact in pacts:
        pact = broker_pact.pact
        group = f"{pact.consumer} -> {pact.provider}"
        mine = [k for k in broker_pact.interaction_keys() if k in replayed]
        failed = sum(
            1
            for key in mine
            if key in (failing or set())
            or statuses.get((group, case_name(key[1], key[2])))
            not in (CaseStatus.PASSED, CaseStatus.SKIPPED)
        )
        out.append(
            {
                # Reports are saved and shared: no URL in them keeps its password.
                "url": redact(broker_pact.url),
                "consumer": pact.consumer,
                "pending": broker_pact.pending,
                "notices": list(broker_pact.notices),
                "interactions": len(mine),
                "failed": failed,
            }
        )
    return out


def publish_results(
    report: Report,
    broker: BrokerSource,
    publish: PublishOptions,
    say: Callable[[str], None] | None = None,
) -> list[Finding]:
    """Publish one verification result per broker pact of ``report`` (``meta["broker_pacts"]``).

    A pact succeeds when none of its interactions failed, in any shard; a pending pact's
    failure is published too (as a failure), as pact_verifier does: pending only means it
    does not fail the build.

    Args:
        report: a verify report holding ``meta["broker_pacts"]``: one run's, or the
            merge of every shard's (:func:`~seam.verify.merge_reports`).
        broker: the broker to publish to (its URL and credentials; selectors unused).
        publish: the provider version, and its branch, tags and build URL.
        say: called with a line for each result published (progress).

    Returns:
        A ``publish-failed`` finding for each result the broker did not take.

    Raises:
        UsageError: the provider version is empty.
    """
    records: Sequence[Mapping[str, Any]] = report.meta.get("broker_pacts") or []
    findings = []
    with _client(broker) as client:
        for record in records:
            success = int(record.get("failed") or 0) == 0
            try:
                publish_verification(
                    client,
                    str(record["url"]),
                    publish.provider_version,
                    success=success,
                    branch=publish.branch,
                    build_url=publish.build_url,
                    tags=publish.tags,
                    verified_by={"implementation": "Seam", "version": __version__},
                )
            except (BrokerError, BrokerUnreachable) as exc:
                findings.append(
                    Finding(
                        rule="publish-failed",
                        severity=Severity.ERROR,
                        message=f"Publishing of verification results failed for "
                        f"{record['url']}: {exc}",
                        consumers=(str(record.get("consumer") or ""),),
                    )
                )
                continue
            if say is not None:
                verdict = "success" if success else "failure"
                say(
                    f"published a {verdict} of {record.get('consumer')}'s pact "
                    f"({publish.provider_version}): {redact(str(record['url']))}"
                )
    return findings
