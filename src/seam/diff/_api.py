"""``diff``: the one library call behind ``contracts diff``.

Takes two OpenAPI documents, two pact files, or two ``contracts/`` trees, and returns
a :class:`~seam.model.Report`. Pure: no network, nothing written; the same input
gives the same report, finding for finding, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam._files import read_bounded
from seam._layout import DOCUMENT_SUFFIXES, pair_name
from seam.diff._asyncapi import diff_asyncapi
from seam.diff._consumers import judge_with_consumers
from seam.diff._engine import Change, judge
from seam.diff._lines import with_lines
from seam.diff._pacts import diff_pacts
from seam.diff._structure import build
from seam.diff.rules import RULES
from seam.diff.rules.files import file_added, file_removed, pacts_not_attached
from seam.errors import InputError, UsageError
from seam.graphql import SDL_SUFFIXES, is_graphql_schema_file, is_operations_file
from seam.model import Finding, Report, Severity, apply_overrides
from seam.model import parse_severities as parse_rule_levels
from seam.openapi import Api, Document, load_document
from seam.pactfile import Pact, read_pact

if TYPE_CHECKING:
    from seam.graphql import Operation  # graphql-core, loaded only for GraphQL files

__all__ = [
    "IgnoreEntry",
    "diff",
    "diff_documents",
    "load_ignore_file",
    "pacts_from",
    "parse_severities",
]

_SPEC_SUFFIXES = (*DOCUMENT_SUFFIXES, *SDL_SUFFIXES)


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
    old, new = Api(base, base_file), Api(revision, revision_file)
    changes: list[Change] = judge(build(old, new))
    if pacts:
        return judge_with_consumers(changes, pacts, old, new)
    return [c.finding for c in changes]


@dataclass(frozen=True, slots=True)
class IgnoreEntry:
    """One line of an ignore file: a rule, an endpoint or schema coordinate (or all) and why."""

    rule: str
    method: str  # "" for every endpoint (and for GraphQL rules)
    path: str  # an API path, a GraphQL schema coordinate (`User.name`), or "" for all
    reason: str

    def matches(self, f: Finding) -> bool:
        if f.rule != self.rule:
            return False
        if not self.method:
            return not self.path or f.path == self.path
        endpoints = f.details.get("endpoints") or [f"{f.method} {f.path}"]
        return f"{self.method} {self.path}" in endpoints


def load_ignore_file(path: Path) -> list[IgnoreEntry]:
    """Read an ignore file: ``RULE_ID METHOD /path reason`` or ``RULE_ID * reason`` per line.

    GraphQL rules name a schema coordinate instead of an endpoint:
    ``graphql-field-removed User.login reason``.

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
        if parts[0] not in RULES:
            raise InputError(
                f"unknown rule id {parts[0]!r}; see `contracts diff --list-rules`", location=where
            )
        if len(parts) >= 2 and parts[1] == "*":
            method, api_path, reason = "", "", parts[2:]
        elif parts[0].startswith("graphql-") and len(parts) >= 2:  # TYPE.field reason
            method, api_path, reason = "", parts[1], parts[2:]
        elif len(parts) >= 3:
            method, api_path, reason = parts[1].upper(), parts[2], parts[3:]
        else:
            reason = []
        if not reason:
            raise InputError(
                "expected `RULE_ID METHOD /path reason`, `RULE_ID Type.field reason` (GraphQL) "
                "or `RULE_ID * reason` (a reason is required)",
                location=where,
            )
        entries.append(IgnoreEntry(parts[0], method, api_path, " ".join(reason)))
    return entries


def parse_severities(values: Sequence[str]) -> dict[str, Severity]:
    """``RULE_ID=error|warning|info`` options into a map, the ids checked against the diff
    rules (:func:`seam.model.parse_severities`).

    Raises:
        UsageError: not ``ID=LEVEL``, an unknown rule id or an unknown level.
    """
    return parse_rule_levels(values, RULES)


def diff(
    base: Path,
    revision: Path,
    *,
    pacts: Sequence[Pact] = (),
    operations: Sequence[Operation] = (),
    provider: str | None = None,
    severities: Mapping[str, Severity] | None = None,
    ignore: Sequence[IgnoreEntry] = (),
    allow_remote_refs: bool = False,
    base_label: str | None = None,
    lines: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Compare two OpenAPI documents, GraphQL schemas, pact files or ``contracts/`` trees.

    GraphQL schemas (``.graphql``/``.graphqls``/``.gql`` SDL, or a JSON introspection
    result) are judged by :func:`seam.graphql.diff_schemas` with the ``graphql-*`` rules.

    Args:
        base: the version before the change (file or folder).
        revision: the version after it (the same kind as ``base``).
        pacts: consumer pacts to judge provider changes against.
        operations: GraphQL operations from consumers' own ``.graphql`` files
            (:func:`seam.graphql.read_operations`), judged against GraphQL schemas as the
            operations in pacts are.
        provider: the provider whose pacts judge two bare documents (by default the
            document's file stem, ``info.title`` or ``info.x-provider-name``).
        severities: rule id → severity overrides.
        ignore: findings to leave out, by rule and endpoint.
        allow_remote_refs: fetch remote ``$ref``s (never by default).
        base_label: how to name ``base`` in the report (e.g. ``main:contracts``).
        lines: fill in each finding's line in its file (for annotations).
        progress: for two folders, called with (files done, files in all, the next
            file's name) before each file (the CLI draws a progress bar on a terminal).

    Raises:
        InputError: unreadable input (OpenAPIError, PactError, RefError included).
        UsageError: a folder compared with a file.
    """
    if base.is_dir() != revision.is_dir():
        raise UsageError(f"cannot compare a folder with a file: {base} and {revision}")
    judging = _Judging(pacts, provider, allow_remote_refs, operations)
    if base.is_dir():
        findings = _diff_trees(base, revision, judging, progress)
    else:
        findings = judging.files(base, revision, str(revision))
    ignored: Callable[[Finding], bool] = lambda f: any(e.matches(f) for e in ignore)  # noqa: E731
    findings = apply_overrides(findings, severities, ignored)
    if lines:
        findings = with_lines(findings)
    if base_label is not None:
        findings = [_renamed_file(f, base, revision) for f in findings]
    meta: dict[str, Any] = {
        "base": base_label or str(base),
        "revision": str(revision),
        "consumers": sorted(judging.attached),
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


class _Judging:
    """The pacts at hand, and which of them each document is judged against."""

    def __init__(
        self,
        pacts: Sequence[Pact],
        provider: str | None,
        allow_remote: bool,
        operations: Sequence[Operation] = (),
    ) -> None:
        self.pacts = pacts
        self.operations = operations
        self.provider = provider
        self.allow_remote = allow_remote
        self.attached: set[str] = set()  # consumers whose pacts judged some document

    def files(self, base: Path, revision: Path, name: str) -> list[Finding]:
        """Findings for two versions of one file (pacts, OpenAPI documents, GraphQL schemas)."""
        if _is_pact(base) or _is_pact(revision):
            return diff_pacts(read_pact(base), read_pact(revision), name)
        if is_graphql_schema_file(base) or is_graphql_schema_file(revision):
            return self.graphql(base, revision, name)
        if _is_asyncapi(base) or _is_asyncapi(revision):
            return self.asyncapi(base, revision, name)
        b = load_document(base, allow_remote_refs=self.allow_remote)
        r = load_document(revision, allow_remote_refs=self.allow_remote)
        mine, names = self.pacts_for(r, revision)
        findings = diff_documents(b, r, pacts=mine, base_file=str(base), revision_file=name)
        self.attached.update(p.consumer for p in mine)
        if self.pacts and not mine:
            findings.append(pacts_not_attached(name, names, self.pacts, self.provider))
        return findings

    def graphql(self, base: Path, revision: Path, name: str) -> list[Finding]:
        """Findings for two GraphQL schemas, judged by the operations in their provider's pacts.

        A schema names its provider by its file stem (``contracts/graphql/users-api.graphql``
        is ``users-api``), or ``--provider``.
        """
        names = [self.provider] if self.provider is not None else [revision.stem]
        wanted = {_slug(n) for n in names}
        mine = [p for p in self.pacts if _slug(p.provider) in wanted]
        from seam.graphql import diff_schemas, load_schemas  # graphql-core, only when needed

        old, new = load_schemas(base, revision, name, whole=bool(mine or self.operations))
        findings = diff_schemas(old, new, pacts=mine, operations=self.operations)
        self.attached.update(p.consumer for p in mine)
        self.attached.update(op.consumer for op in self.operations)
        if self.pacts and not mine and not self.operations:
            naming = "or name the schema file after its provider (PROVIDER.graphql)"
            findings.append(
                pacts_not_attached(name, names, self.pacts, self.provider, naming=naming)
            )
        return findings

    def asyncapi(self, base: Path, revision: Path, name: str) -> list[Finding]:
        """Findings for two AsyncAPI documents, judged by their provider's message pacts."""
        from seam.asyncapi import load_asyncapi

        # The base is history: validated when it was written, perhaps by an older rule (the
        # parser's example check), so only the revision must be valid to be compared.
        b = load_asyncapi(base, allow_remote_refs=self.allow_remote, validate=False)
        r = load_asyncapi(revision, allow_remote_refs=self.allow_remote)
        mine, names = self.pacts_for(r.document, revision)
        findings = diff_asyncapi(b, r, pacts=mine, base_file=str(base), revision_file=name)
        self.attached.update(p.consumer for p in mine)
        if self.pacts and not mine:
            findings.append(pacts_not_attached(name, names, self.pacts, self.provider))
        return findings

    def pacts_for(self, doc: Document, path: Path) -> tuple[list[Pact], list[str]]:
        """The pacts whose provider is this document's, and the names looked for.

        With ``--provider``, that provider's pacts; otherwise the document names its
        provider by file stem, ``info.title`` or ``info.x-provider-name``, compared
        without case and punctuation (``Tasks API`` is ``tasks-api``); a consumer's
        snapshot ``<consumer>-<provider>.yaml`` names both. Pacts of other providers say
        nothing about this document: judging its changes against them would call every
        change unused.
        """
        if self.provider is not None:
            names = [self.provider]
        else:
            info = doc.data.get("info")
            info = info if isinstance(info, dict) else {}
            names = [path.stem] + [
                v for k in ("x-provider-name", "title") if isinstance(v := info.get(k), str)
            ]
        wanted = {_slug(n) for n in names}
        mine = [
            p
            for p in self.pacts
            if _slug(p.provider) in wanted or pair_name(p.consumer, p.provider) == path.stem
        ]
        return mine, list(dict.fromkeys(names))


def _slug(name: str) -> str:
    """``Tasks API`` and ``tasks-api`` name one provider."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def _contract_files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and p.suffix in _SPEC_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def _diff_trees(
    base: Path,
    revision: Path,
    judging: _Judging,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Finding]:
    bfiles, rfiles = _contract_files(base), _contract_files(revision)
    findings: list[Finding] = []
    names = sorted(set(bfiles) | set(rfiles))
    for number, name in enumerate(names):
        if progress is not None:
            progress(number, len(names), name)
        if name not in rfiles:
            findings.append(file_removed(name))
        elif name not in bfiles:
            findings.append(file_added(name))
        elif _referenced_only(rfiles[name]) or is_operations_file(rfiles[name]):
            # A consumer's GraphQL operations file is derived from its pact, which is judged.
            continue
        else:
            findings.extend(judging.files(bfiles[name], rfiles[name], (revision / name).as_posix()))
    if progress is not None:
        progress(len(names), len(names), "")
    return findings


# A top-level key: unindented in YAML; in JSON, any "asyncapi" key of a non-OpenAPI file.
_ASYNCAPI_YAML = re.compile(r"""^["']?asyncapi["']?[ \t]*:""", re.MULTILINE)
_ASYNCAPI_JSON = re.compile(r'"asyncapi"\s*:')


def _is_asyncapi(path: Path) -> bool:
    """An AsyncAPI document, by content: an ``asyncapi:`` key (AsyncAPI 3.0 §3.3.1)."""
    if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
        return False
    head = read_bounded(path, what="contract file")[:65536].decode("utf-8", errors="replace")
    if head.lstrip().startswith("{"):
        found = _ASYNCAPI_JSON.search(head) is not None and '"openapi"' not in head
    else:
        found = _ASYNCAPI_YAML.search(head) is not None
    return found and not _is_pact(path)


def _referenced_only(path: Path) -> bool:
    """A YAML/JSON file that is neither a pact nor an OpenAPI document (a $ref'd part)."""
    if _is_pact(path) or is_graphql_schema_file(path) or _is_asyncapi(path):
        return False
    head = read_bounded(path, what="contract file")[:65536].decode("utf-8", errors="replace")
    return "openapi" not in head and "swagger" not in head


def pacts_from(paths: Sequence[Path]) -> list[Pact]:
    """Read consumer pacts from files or folders (a missing folder means none)."""
    from seam.pactfile import load_pacts

    existing = [p for p in paths if p.exists()]
    return load_pacts(existing) if existing else []
