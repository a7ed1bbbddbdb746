"""``diff`` against the pull request's base and ``check``, rendered for GitHub."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from seam._layout import Layout
from seam.asyncapi import load_asyncapi
from seam.compat import check
from seam.diff import checkout_tree, diff, pacts_from
from seam.errors import UsageError
from seam.github._base import ensure_base_ref
from seam.model import Report, Severity
from seam.openapi import load_document
from seam.pactfile import Pact
from seam.reporters import GITHUB_COMMENT_LIMIT, markdown, render

__all__ = ["PullRequestResult", "comment_body", "pull_request"]

# GitHub keeps at most 1 MiB of job summary per step; the summary lists everything.
SUMMARY_LIMIT = 1_000_000


@dataclass(slots=True)
class PullRequestResult:
    """The reports of one pull request, and what had to be done to make them.

    Attributes:
        reports: the ``diff`` report (when there was a base) and the ``check`` report
            (when the contracts hold pacts and their provider's document), in that order.
        notes: plain sentences for the log (a base that had to be fetched, a step skipped).
    """

    reports: list[Report] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def failed(self, fail_on: Severity | None = Severity.ERROR) -> bool:
        return any(r.failed(fail_on) for r in self.reports)

    def annotations(self) -> str:
        """Workflow commands: each finding an annotation on its file and line."""
        return "".join(render(r, "github") for r in self.reports)

    def summary(self) -> str:
        """The job summary: every finding, info included."""
        parts = [
            markdown(r, include_info=True, limit=SUMMARY_LIMIT, marker=None) for r in self.reports
        ]
        return "\n".join([*parts, *(f"> {note}" for note in self.notes)]) + "\n"


def comment_body(reports: list[Report], limit: int = GITHUB_COMMENT_LIMIT) -> str | None:
    """One comment for every report, under ``limit``; None when none has an error or warning.

    The first report carries the marker that finds the comment again; each later one gets an
    equal share of the limit and the first what they leave.
    """
    if not any(r.count(Severity.ERROR) or r.count(Severity.WARNING) for r in reports):
        return None
    share = limit // len(reports)
    rest = [markdown(r, limit=share, marker=None) for r in reports[1:]]
    first = markdown(reports[0], limit=limit - sum(len(part) + 1 for part in rest))
    return "\n".join([first, *rest])


def pull_request(
    contracts: Path,
    *,
    base: str | None,
    provider: str | None = None,
    remote: str = "origin",
) -> PullRequestResult:
    """Diff ``contracts`` against the pull request's base and check its pacts.

    Args:
        contracts: the contracts folder in the checkout (``pacts/`` and ``openapi/``).
        base: the base branch or ref (``GITHUB_BASE_REF``); None skips the diff.
        provider: the provider whose pacts judge the diff (default: each document's own).
        remote: where to fetch a base missing from a shallow checkout.

    Raises:
        InputError: the base cannot be found or fetched, or a contract cannot be read.
    """
    result = PullRequestResult()
    if not contracts.is_dir():
        raise UsageError(f"{contracts} is not a folder; pass the contracts folder")
    pacts = pacts_from([Layout(contracts).pacts_dir])
    if base is None:
        result.notes.append("no base ref (not a pull request): the diff is skipped")
    else:
        ref, note = ensure_base_ref(base, contracts, remote=remote)
        if note:
            result.notes.append(note)
        with tempfile.TemporaryDirectory(prefix="seam-pr-") as scratch:
            old = checkout_tree(ref, contracts, Path(scratch))
            label = f"{ref}:{contracts.as_posix()}"
            result.reports.append(
                diff(old, contracts, pacts=pacts, provider=provider, base_label=label, lines=True)
            )
    checked = _check(contracts, pacts, provider, result.notes)
    if checked is not None:
        result.reports.append(checked)
    return result


def _check(
    contracts: Path, pacts: list[Pact], provider: str | None, notes: list[str]
) -> Report | None:
    """Each provider's pacts against ``openapi/<provider>.yaml`` (HTTP),
    ``graphql/<provider>.graphql`` (GraphQL requests) and ``asyncapi/<provider>.yaml``
    (messages), as one report."""
    by_provider: dict[str, list[Pact]] = defaultdict(list)
    for pact in pacts:
        if provider is None or pact.provider == provider:
            by_provider[pact.provider].append(pact)
    merged: Report | None = None
    layout = Layout(contracts)
    for name, group in sorted(by_provider.items()):
        found = layout.find_provider_openapi(name)
        kinds = {i.kind for pact in group for i in pact.interactions}
        events = layout.find_provider_asyncapi(name) if "message" in kinds else None
        schema = layout.find_provider_schema(name) if "http" in kinds else None
        if found is None and schema is None and (events is None or "http" in kinds):
            notes.append(
                f"no openapi/{name}.yaml nor graphql/{name}.graphql in {contracts}: "
                f"{name}'s pacts are not checked"
            )
            continue
        graphql = None
        if schema is not None:
            from seam.graphql import load_schema  # graphql-core, only for a GraphQL provider

            graphql = load_schema(schema)
        report = check(
            group,
            load_document(found) if found is not None else None,
            asyncapi=load_asyncapi(events) if events is not None else None,
            graphql=graphql,
        )
        if merged is None:
            merged = report
        else:
            merged.findings.extend(report.findings)
            merged.cases.extend(report.cases)
    return merged
