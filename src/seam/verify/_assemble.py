"""Report assembly: the verifier's results, from every shard, as one :class:`Report`.

The verifier's per-interaction results become cases (``build_cases``); what it says
outside any interaction, a failed publication, an interaction that is not replayed and
a provider that died during the run become findings here.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Sequence

from seam.errors import BrokerError, redact
from seam.model import Case, CaseStatus, Finding, Report, Severity
from seam.pactfile import Interaction, Pact
from seam.verify._provider import ProviderProcess
from seam.verify._replay import ShardResult
from seam.verify._results import build_cases

__all__ = ["build_report", "exited", "skipped_cases", "with_rerun"]


def skipped_cases(skipped: Sequence[tuple[Pact, Interaction]], provider: str) -> list[Case]:
    cases = []
    for pact, interaction in skipped:
        why = (
            "message interactions are replayed with --messages MODULE:OBJECT (a registry "
            "of the provider's message producers)"
            if interaction.kind == "message"
            else f"{interaction.kind} interactions are not replayed by contracts verify"
        )
        finding = Finding(
            rule="interaction-not-replayed",
            severity=Severity.INFO,
            message=why,
            file=pact.source,
            consumers=(pact.consumer,),
            interaction=interaction.description,
        )
        cases.append(
            Case(
                name=interaction.description,
                status=CaseStatus.SKIPPED,
                group=f"{pact.consumer} -> {provider}",
                findings=(finding,),
            )
        )
    return cases


_BROKER_REFUSED = re.compile(r"Request to pact broker path '([^']*)' failed: (4\d\d [^.]*)")


def _orphan_errors(result: ShardResult) -> list[Finding]:
    """Errors the verifier reported outside any interaction (a pact it could not load).

    Raises:
        BrokerError: the broker refused the request for pacts (401/403/404...).
    """
    if result.results.get("interactionResults"):
        return []
    out = []
    for error in result.results.get("errors") or []:
        mismatch = error.get("mismatch") or {}
        message = str(mismatch.get("message") or error.get("interaction") or "verification failed")
        refused = _BROKER_REFUSED.search(message)
        if refused:
            what = refused.group(1) or "the request for pacts"
            raise BrokerError(
                f"the broker refused {what} with {refused.group(2)}; "
                "check --broker-token / --broker-username"
            )
        out.append(Finding(rule="verification-error", severity=Severity.ERROR, message=message))
    return out


def _publish_failures(results: Sequence[ShardResult]) -> list[Finding]:
    # pact_ffi only logs a failed publication; find it in the verifier's logs and output.
    out = []
    for result in results:
        for line in (result.logs + "\n" + result.output).splitlines():
            if "Publishing of verification results failed" in line:
                message = line.split(": ", 1)[1] if line.startswith("ERROR: ") else line
                out.append(
                    Finding(rule="publish-failed", severity=Severity.ERROR, message=message.strip())
                )
    return out


def exited(processes: Sequence[ProviderProcess]) -> list[Finding]:
    """A started provider that died during the run: say so, with the end of its log."""
    out = []
    for process in processes:
        code = process.exit_code()
        if code is not None:
            tail = process.log_tail()
            message = f"the provider exited with code {code} during the run ({process.command})"
            out.append(
                Finding(
                    rule="verification-error",
                    severity=Severity.ERROR,
                    message=message + (f"; its log ends: {tail}" if tail else ""),
                )
            )
    return out


def build_report(
    pacts: Sequence[Pact], results: Sequence[ShardResult], provider: str, published: bool
) -> Report:
    cases, findings = build_cases(
        pacts,
        [r for res in results for r in res.results.get("interactionResults") or []],
        [e for res in results for e in res.state_errors],
        provider=provider,
        message_errors=[e for res in results for e in res.message_errors],
    )
    for res in results:
        findings.extend(_orphan_errors(res))
    if published:
        findings.extend(_publish_failures(results))
    return Report(command="verify", findings=findings, cases=cases, meta={"show_cases": True})


def with_rerun(report: Report, command: Sequence[str]) -> Report:
    """Give each failure of an interaction the command that reruns just it.

    The command is ``command`` plus ``--consumer`` and ``--interaction`` naming the
    interaction as its case is named; it lands in the finding's ``details["rerun"]``,
    which every reporter prints.
    """
    changed: dict[int, Finding] = {}
    for finding in report.findings:
        if finding.severity is Severity.INFO or not finding.interaction or not finding.consumers:
            continue
        # Reports are saved and shared: no URL in the command keeps its password.
        rerun = redact(
            shlex.join(
                [*command, "--consumer", finding.consumers[0], "--interaction", finding.interaction]
            )
        )
        details = {**finding.details, "rerun": rerun}
        changed[id(finding)] = dataclasses.replace(finding, details=details)
    if not changed:
        return report
    return dataclasses.replace(
        report,
        findings=[changed.get(id(f), f) for f in report.findings],
        cases=[
            dataclasses.replace(c, findings=tuple(changed.get(id(f), f) for f in c.findings))
            for c in report.cases
        ],
    )
