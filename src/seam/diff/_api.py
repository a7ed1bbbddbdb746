"""``diff``: the one library call behind ``contracts diff``.

Takes two OpenAPI documents, two pact files, or two ``contracts/`` trees, and returns
a :class:`~seam.model.Report`. Pure: no network, nothing written; the same input
gives the same report, finding for finding, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from seam._files import read_bounded
from seam.diff._consumers import judge_with_consumers
from seam.diff._engine import Change, judge
from seam.diff._lines import with_lines
from seam.diff._pacts import diff_pacts
from seam.diff._registry import REGISTRY
from seam.diff._structure import build
from seam.errors import InputError, UsageError
from seam.model import Finding, Report, Severity, apply_overrides
from seam.openapi import Api, Document, load_document
from seam.pactfile import Pact, read_pact

__all__ = [
    "IgnoreEntry",
    "diff",
    "diff_documents",
    "load_ignore_file",
    "pacts_from",
    "parse_severities",
]

_SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def diff_documents(
    base: Document,
    revision: Document,
    *,
    pacts: Sequence[Pact] = (),
    base_file: str | None = None,
    revision_file: str | None = None,
) -> list[Finding]:
    """Every change between two loaded OpenAPI documents, judged against ``pacts``.

    Args:
        base: the document before the change.
        revision: the document after it.
        pacts: consumer pacts; with any, breaking changes a consumer uses become
            errors naming it, and those no consumer uses become warnings.
        base_file, revision_file: names for the findings' ``file`` (annotations).
    """
    changes: list[Change] = judge(build(Api(base, base_file), Api(revision, revision_file)))
    if pacts:
        return judge_with_consumers(changes, pacts)
    return [c.finding for c in changes]


@dataclass(frozen=True, slots=True)
class IgnoreEntry:
    """One line of an ignore file: a rule, an endpoint (or every one) and why."""

    rule: str
    method: str  # "" for every endpoint
    path: str
    reason: str

    def matches(self, f: Finding) -> bool:
        if f.rule != self.rule:
            return False
        if not self.method:
            return True
        endpoints = f.details.get("endpoints") or [f"{f.method} {f.path}"]
        return f"{self.method} {self.path}" in endpoints


def load_ignore_file(path: Path) -> list[IgnoreEntry]:
    """Read an ignore file: ``RULE_ID METHOD /path reason`` or ``RULE_ID * reason`` per line.

    Raises:
        InputError: a line without a reason or with an unknown rule id.
    """
    text = read_bounded(path, what="ignore file").decode("utf-8", errors="replace")
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split("#", 1)[0].split() if line.lstrip().startswith("#") else line.split()
        if not parts:
            continue
        where = f"{path}:{number}"
        if parts[0] not in REGISTRY:
            raise InputError(
                f"unknown rule id {parts[0]!r}; see `contracts diff --list-rules`", location=where
            )
        if len(parts) >= 2 and parts[1] == "*":
            method, api_path, reason = "", "", parts[2:]
        elif len(parts) >= 3:
            method, api_path, reason = parts[1].upper(), parts[2], parts[3:]
        else:
            reason = []
        if not reason:
            raise InputError(
                "expected `RULE_ID METHOD /path reason` or `RULE_ID * reason` "
                "(a reason is required)",
                location=where,
            )
        entries.append(IgnoreEntry(parts[0], method, api_path, " ".join(reason)))
    return entries


def parse_severities(values: Sequence[str]) -> dict[str, Severity]:
    """``RULE_ID=error|warning|info`` options into a map.

    Raises:
        UsageError: not ``ID=LEVEL``, an unknown rule id or an unknown level.
    """
    out: dict[str, Severity] = {}
    for value in values:
        rule, sep, level = value.partition("=")
        if not sep or rule not in REGISTRY:
            raise UsageError(
                f"--severity {value!r}: expected RULE_ID=error|warning|info with a known rule id"
            )
        try:
            out[rule] = Severity.parse(level)
        except ValueError as exc:
            raise UsageError(f"--severity {value!r}: {exc}") from None
    return out


def diff(
    base: Path,
    revision: Path,
    *,
    pacts: Sequence[Pact] = (),
    severities: Mapping[str, Severity] | None = None,
    ignore: Sequence[IgnoreEntry] = (),
    allow_remote_refs: bool = False,
    base_label: str | None = None,
    lines: bool = False,
) -> Report:
    """Compare two OpenAPI documents, two pact files or two ``contracts/`` trees.

    Args:
        base: the version before the change (file or folder).
        revision: the version after it (the same kind as ``base``).
        pacts: consumer pacts to judge provider changes against.
        severities: rule id → severity overrides.
        ignore: findings to leave out, by rule and endpoint.
        allow_remote_refs: fetch remote ``$ref``s (never by default).
        base_label: how to name ``base`` in the report (e.g. ``main:contracts``).
        lines: fill in each finding's line in its file (for annotations).

    Raises:
        InputError: unreadable input (OpenAPIError, PactError, RefError included).
        UsageError: a folder compared with a file.
    """
    if base.is_dir() != revision.is_dir():
        raise UsageError(f"cannot compare a folder with a file: {base} and {revision}")
    if base.is_dir():
        findings = _diff_trees(base, revision, pacts, allow_remote_refs)
    else:
        findings = _diff_files(base, revision, pacts, allow_remote_refs, str(revision))
    ignored: Callable[[Finding], bool] = lambda f: any(e.matches(f) for e in ignore)  # noqa: E731
    findings = apply_overrides(findings, severities, ignored)
    if lines:
        findings = with_lines(findings)
    if base_label is not None:
        findings = [_renamed_file(f, base, revision) for f in findings]
    meta: dict[str, Any] = {
        "base": base_label or str(base),
        "revision": str(revision),
        "consumers": sorted({p.consumer for p in pacts}),
        "ignored": len(ignore),
    }
    report = Report("diff", findings, meta=meta)
    report.findings = report.sorted_findings()
    return report


def _renamed_file(f: Finding, base: Path, revision: Path) -> Finding:
    """A finding about a scratch copy of the base (PR mode) names the file in the work tree."""
    if f.file and Path(f.file).is_relative_to(base):
        return replace(f, file=(revision / Path(f.file).relative_to(base)).as_posix())
    return f


def _is_pact(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    head = read_bounded(path, what="contract file")[:4096].decode("utf-8", errors="replace")
    return (
        '"consumer"' in head
        and ('"interactions"' in head or '"messages"' in head)
        and '"openapi"' not in head
        and '"swagger"' not in head
    )


def _diff_files(
    base: Path, revision: Path, pacts: Sequence[Pact], allow_remote: bool, name: str
) -> list[Finding]:
    if _is_pact(base) or _is_pact(revision):
        return diff_pacts(read_pact(base), read_pact(revision), name)
    b = load_document(base, allow_remote_refs=allow_remote)
    r = load_document(revision, allow_remote_refs=allow_remote)
    return diff_documents(
        b, r, pacts=_pacts_for(r, revision, pacts), base_file=str(base), revision_file=name
    )


def _pacts_for(doc: Document, path: Path, pacts: Sequence[Pact]) -> Sequence[Pact]:
    """The pacts whose provider is this document's (by file stem or ``info.title``).

    Pacts of other providers say nothing about this document: judging its changes
    against them would call every change unused.
    """
    names = {path.stem}
    title = (
        doc.data.get("info", {}).get("title") if isinstance(doc.data.get("info"), dict) else None
    )
    if isinstance(title, str):
        names.add(title)
    mine = [p for p in pacts if p.provider in names or f"{p.consumer}-{p.provider}" == path.stem]
    return mine


def _contract_files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and p.suffix in _SPEC_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@REGISTRY.rule("contract-file-removed", severity=Severity.WARNING, area="files")
def _file_removed(name: str) -> Finding:
    """A contract file (pact or OpenAPI document) was removed."""
    return Finding(
        "contract-file-removed",
        REGISTRY["contract-file-removed"].severity,
        f"{name} removed",
        location=name,
    )


@REGISTRY.rule("contract-file-added", severity=Severity.INFO, area="files")
def _file_added(name: str) -> Finding:
    """A contract file (pact or OpenAPI document) was added."""
    return Finding(
        "contract-file-added",
        REGISTRY["contract-file-added"].severity,
        f"{name} added",
        location=name,
        file=name,
    )


def _diff_trees(
    base: Path, revision: Path, pacts: Sequence[Pact], allow_remote: bool
) -> list[Finding]:
    bfiles, rfiles = _contract_files(base), _contract_files(revision)
    findings: list[Finding] = []
    for name in sorted(set(bfiles) | set(rfiles)):
        if name not in rfiles:
            findings.append(_file_removed(name))
        elif name not in bfiles:
            findings.append(_file_added(name))
        elif _referenced_only(rfiles[name]):
            continue
        else:
            findings.extend(
                _diff_files(
                    bfiles[name], rfiles[name], pacts, allow_remote, (revision / name).as_posix()
                )
            )
    return findings


def _referenced_only(path: Path) -> bool:
    """A YAML/JSON file that is neither a pact nor an OpenAPI document (a $ref'd part)."""
    if _is_pact(path):
        return False
    head = read_bounded(path, what="contract file")[:65536].decode("utf-8", errors="replace")
    return "openapi" not in head and "swagger" not in head


def pacts_from(paths: Sequence[Path]) -> list[Pact]:
    """Read consumer pacts from files or folders (a missing folder means none)."""
    from seam.pactfile import load_pacts

    existing = [p for p in paths if p.exists()]
    return load_pacts(existing) if existing else []
