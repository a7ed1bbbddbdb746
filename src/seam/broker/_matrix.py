"""``can_i_deploy``: ask the broker's matrix whether a version is safe to deploy.

The query is the one the official clients send to ``GET /matrix`` (the Rust and Ruby
CLIs build that URL without reading the index)::

    q[][pacticipant]=Foo&q[][version]=1.2.3&latestby=cvp&environment=production

``deployable`` in the answer's summary is ``true``, ``false`` or ``null`` (a result
is missing, e.g. the provider has not verified yet); only ``true`` passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from seam._broker_client import BrokerClient
from seam.errors import UsageError
from seam.model import Case, CaseStatus, Finding, Report, Severity

__all__ = ["CanIDeployResult", "MatrixRow", "Selector", "can_i_deploy"]


@dataclass(frozen=True, slots=True)
class Selector:
    """Which version of a pacticipant to ask about.

    Exactly one of ``version``, ``latest`` (``""`` for the latest of all, or a tag name)
    and ``branch`` is set.
    """

    pacticipant: str
    version: str | None = None
    latest: str | None = None
    branch: str | None = None

    def query(self) -> list[tuple[str, str]]:
        """The ``q[]`` parameters of this selector, as the official clients send them."""
        params = [("q[][pacticipant]", self.pacticipant)]
        if self.version is not None:
            params.append(("q[][version]", self.version))
        if self.branch is not None:
            params += [("q[][branch]", self.branch), ("q[][latest]", "true")]
        elif self.latest is not None:
            params.append(("q[][latest]", "true"))
            if self.latest:
                params.append(("q[][tag]", self.latest))
        return params

    def describe(self) -> str:
        """Say in words which version this selects."""
        if self.version is not None:
            return f"{self.pacticipant} version {self.version}"
        if self.branch is not None:
            return f"the latest {self.pacticipant} on branch {self.branch}"
        if self.latest:
            return f"the latest {self.pacticipant} tagged {self.latest}"
        return f"the latest {self.pacticipant}"


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One consumer version × provider version pair and its verification outcome."""

    consumer: str
    consumer_version: str
    provider: str
    provider_version: str | None
    success: bool | None
    verification_url: str | None = None
    ignored: bool = False

    @classmethod
    def parse(cls, row: dict[str, Any]) -> MatrixRow:
        """Read one row of a ``/matrix`` answer (missing parts become ``?``/``None``)."""
        consumer = row.get("consumer") or {}
        provider = row.get("provider") or {}
        result = row.get("verificationResult") or {}
        href = ((result.get("_links") or {}).get("self") or {}).get("href")
        return cls(
            consumer=str(consumer.get("name", "?")),
            consumer_version=str((consumer.get("version") or {}).get("number", "?")),
            provider=str(provider.get("name", "?")),
            provider_version=(provider.get("version") or {}).get("number"),
            success=result.get("success") if result else None,
            verification_url=href,
            ignored=bool(row.get("ignored", False)),
        )

    @property
    def status(self) -> str:
        """``success``, ``failed`` or ``unknown`` (no verification result)."""
        if self.success is None:
            return "unknown"
        return "success" if self.success else "failed"

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON data."""
        return {
            "consumer": self.consumer,
            "consumer_version": self.consumer_version,
            "provider": self.provider,
            "provider_version": self.provider_version,
            "success": self.success,
            "verification_url": self.verification_url,
            "ignored": self.ignored,
        }


@dataclass(slots=True)
class CanIDeployResult:
    """The broker's verdict.

    Attributes:
        selector: what was asked about.
        target: ``environment production``, ``tag prod`` or ``""`` (no target).
        deployable: ``True``/``False``, or ``None`` when results are missing.
        reason: the broker's one-line explanation.
        rows: the matrix rows behind the verdict.
        notices: the broker's notices (``type``, ``text``).
        attempts: how many times the matrix was asked (more than one with retries).
    """

    selector: Selector
    target: str
    deployable: bool | None
    reason: str
    rows: list[MatrixRow] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)
    unknown: int = 0
    attempts: int = 1

    @property
    def ok(self) -> bool:
        """True only when the broker said deployable."""
        return self.deployable is True

    def to_report(self) -> Report:
        """The verdict as a :class:`Report`: one case per matrix row, a finding per bad row.

        ``meta`` holds what the text reporter shows (``seam.reporters``): the rows, the
        broker's notices and reason, and the verdict.
        """
        report = Report("can-i-deploy")
        for row in self.rows:
            name = (
                f"{row.consumer} {row.consumer_version} → "
                f"{row.provider} {row.provider_version or '(none)'}"
            )
            status = {
                "success": CaseStatus.PASSED,
                "failed": CaseStatus.FAILED,
                "unknown": CaseStatus.SKIPPED,
            }[row.status]
            if row.ignored and status is CaseStatus.FAILED:
                status = CaseStatus.SKIPPED
            findings: tuple[Finding, ...] = ()
            if row.status != "success" and not row.ignored:
                findings = (_row_finding(row),)
                report.findings += findings
            report.cases.append(Case(name, status, group="can-i-deploy", findings=findings))
        if self.deployable is not True and not report.findings:
            report.findings.append(
                Finding("can-i-deploy-not-deployable", Severity.ERROR, self.reason or "no result")
            )
        report.meta = {
            "deployable": self.deployable,
            "reason": self.reason,
            "selector": self.selector.describe(),
            "target": self.target,
            "notices": self.notices,
            "unknown": self.unknown,
            "attempts": self.attempts,
            "matrix": [r.to_dict() for r in self.rows],
        }
        return report


def _row_finding(row: MatrixRow) -> Finding:
    if row.status == "failed":
        rule = "verification-failed"
        message = (
            f"{row.provider} {row.provider_version} failed to verify the pact of "
            f"{row.consumer} {row.consumer_version}"
        )
    else:
        rule = "verification-missing"
        message = (
            f"no verification result for the pact of {row.consumer} {row.consumer_version} "
            f"by {row.provider} {row.provider_version or '(no version)'}"
        )
    return Finding(
        rule,
        Severity.ERROR,
        message,
        details={"verification_url": row.verification_url} if row.verification_url else {},
    )


def can_i_deploy(
    client: BrokerClient,
    selector: Selector,
    *,
    to_environment: str | None = None,
    to_tag: str | None = None,
    ignore: Sequence[str] = (),
    retry_while_unknown: int = 0,
    retry_interval: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> CanIDeployResult:
    """Ask whether ``selector``'s version can be deployed to an environment (or tag).

    Args:
        client: the broker session.
        selector: the pacticipant and which version of it.
        to_environment: the environment it is going to (the modern way).
        to_tag: the tag of the versions it must work with (the older way).
        ignore: pacticipants whose results do not count.
        retry_while_unknown: ask again up to this many times while a result is missing.
        retry_interval: seconds between those attempts.
        sleep: how to wait (tests pass a fake clock).

    Returns:
        the verdict; ``result.ok`` is true only when the broker says deployable.

    Raises:
        UsageError: both an environment and a tag, or a bad selector.
        BrokerError: the broker refused the query (an unknown pacticipant or version).
        BrokerUnreachable: the broker could not be reached.
    """
    _check(selector, to_environment, to_tag, retry_while_unknown, retry_interval)
    params = _query(selector, to_environment, to_tag, ignore)
    attempts = 0
    while True:
        attempts += 1
        answer = client.get("/matrix", params=params)
        result = _parse(answer, selector, to_environment, to_tag, attempts)
        if result.deployable is not None and result.unknown == 0:
            return result
        if attempts > retry_while_unknown:
            return result
        sleep(retry_interval)


def _check(
    selector: Selector,
    to_environment: str | None,
    to_tag: str | None,
    retries: int,
    interval: float,
) -> None:
    if not selector.pacticipant.strip():
        raise UsageError("the pacticipant (-a) must not be empty")
    chosen = [x for x in (selector.version, selector.latest, selector.branch) if x is not None]
    if len(chosen) != 1:
        raise UsageError("say which version: exactly one of --version (-e), --latest, --branch")
    if to_environment is not None and to_tag is not None:
        raise UsageError("give either --to-environment or --to, not both")
    if retries < 0 or interval < 0:
        raise UsageError("--retry-while-unknown and --retry-interval must not be negative")


def _query(
    selector: Selector,
    to_environment: str | None,
    to_tag: str | None,
    ignore: Sequence[str],
) -> list[tuple[str, str]]:
    # Same parameters, same order as the official clients (pact_broker-client Matrix#query).
    params = selector.query()
    params.append(("latestby", "cvp"))
    if to_environment is not None:
        params.append(("environment", to_environment))
    elif to_tag is not None:
        params += [("latest", "true"), ("tag", to_tag)]
    else:
        params.append(("latest", "true"))
    params += [("ignore[][pacticipant]", name) for name in ignore]
    return params


def _parse(
    answer: dict[str, Any],
    selector: Selector,
    to_environment: str | None,
    to_tag: str | None,
    attempts: int,
) -> CanIDeployResult:
    summary = answer.get("summary") or {}
    deployable = summary.get("deployable")
    target = (
        f"environment {to_environment}"
        if to_environment is not None
        else f"tag {to_tag}"
        if to_tag is not None
        else ""
    )
    return CanIDeployResult(
        selector=selector,
        target=target,
        deployable=deployable if isinstance(deployable, bool) else None,
        reason=str(summary.get("reason", "")),
        rows=[MatrixRow.parse(r) for r in answer.get("matrix") or [] if isinstance(r, dict)],
        notices=[
            {"type": str(n.get("type", "info")), "text": str(n.get("text", ""))}
            for n in answer.get("notices") or []
            if isinstance(n, dict)
        ],
        unknown=int(summary.get("unknown") or 0),
        attempts=attempts,
    )
