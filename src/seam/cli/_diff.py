"""``contracts diff``: breaking changes between two versions of the contracts."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from seam._layout import Layout
from seam.cli._options import (
    allow_remote_refs_option,
    configured_contracts,
    emit,
    exit_failed,
    fail_on_option,
    format_option,
    include_info_option,
    output_option,
    parse_fail_on,
)
from seam.cli._terminal import no_color_option, step_progress
from seam.errors import UsageError

if TYPE_CHECKING:
    from seam.diff import IgnoreEntry


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--base",
    "base_ref",
    metavar="REF",
    help="PR mode: compare PATH at this git ref with the working tree.",
)
@format_option()
@include_info_option
@output_option
@fail_on_option
@click.option(
    "--ignore",
    "ignore_rules",
    multiple=True,
    metavar="RULE_ID",
    help="Leave a rule's findings out, as in `contracts check`; repeatable. (A file here is "
    "the deprecated spelling of --ignore-file.)",
)
@click.option(
    "--ignore-file",
    "ignore_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Findings to leave out, one a line: `RULE_ID METHOD /path reason` or `RULE_ID * reason`.",
)
@click.option(
    "--severity",
    "severity",
    multiple=True,
    metavar="RULE_ID=LEVEL",
    help="Change a rule's severity (error, warning, info); repeatable.",
)
@click.option(
    "--pacts",
    "pacts_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Consumer pacts to judge provider changes against "
    "[default: contracts/pacts; PATH/pacts for two trees].",
)
@click.option(
    "--provider",
    metavar="NAME",
    default=None,
    help="The provider whose pacts judge the documents "
    "[default: the document's file stem, info.title or info.x-provider-name].",
)
@click.option(
    "--operations",
    "operations",
    multiple=True,
    metavar="CONSUMER=PATH",
    help="A consumer's own GraphQL operations (.graphql file, or a folder of them) to judge "
    "GraphQL schema changes against, beside the pacts'; repeatable.",
)
@allow_remote_refs_option
@click.option(
    "--list-rules", is_flag=True, help="Print every rule id, severity and summary, then exit."
)
@no_color_option
def diff(
    paths: tuple[Path, ...],
    base_ref: str | None,
    fmt: str,
    include_info: bool,
    output: Path | None,
    fail_on: str,
    ignore_rules: tuple[str, ...],
    ignore_file: Path | None,
    severity: tuple[str, ...],
    pacts_dir: Path | None,
    provider: str | None,
    operations: tuple[str, ...],
    allow_remote_refs: bool,
    list_rules: bool,
) -> None:
    """Report breaking changes between BASE and REVISION.

    \b
      contracts diff BASE REVISION      two OpenAPI documents, two pacts, or two contracts/ trees
      contracts diff --base REF [PATH]  PATH (default contracts/) at git REF vs the working tree

    GraphQL schemas (.graphql/.graphqls SDL, or introspection JSON) are judged by the
    graphql-* rules; with pacts, by the GraphQL operations (POST .../graphql) in them,
    and by a consumer's own .graphql files (--operations web=src/queries).

    With consumer pacts (--pacts), a breaking change a consumer uses is an error naming
    it; one no consumer uses is a warning that says why each is unaffected. Pacts are
    matched to a document by --provider, else by its file stem, info.title or
    info.x-provider-name; when none match, the report says so. Exit 0 clean, 1 a finding
    reached --fail-on, 2 unreadable input or bad usage.
    """
    from seam import diff as api
    from seam.reporters import LINE_FORMATS

    if list_rules:
        for rule in api.RULES:
            click.echo(f"{rule.id}\t{rule.severity.label}\t{rule.area}\t{rule.summary}")
        return
    severities = api.parse_severities(severity)
    ignore = _ignored(ignore_rules, ignore_file)
    with (
        tempfile.TemporaryDirectory(prefix="seam-diff-") as scratch,
        step_progress("diff") as progress,
    ):
        base, revision, label = _inputs(paths, base_ref, Path(scratch))
        pacts = api.pacts_from(_pact_sources(pacts_dir, revision))
        report = api.diff(
            base,
            revision,
            pacts=pacts,
            operations=_operations(operations),
            provider=provider,
            severities=severities,
            ignore=ignore,
            allow_remote_refs=allow_remote_refs,
            base_label=label,
            lines=fmt in LINE_FORMATS,
            progress=progress,
        )
    emit(report, fmt, output, include_info=include_info)
    exit_failed(report.failed(parse_fail_on(fail_on)))


def _ignored(rules: tuple[str, ...], ignore_file: Path | None) -> list[IgnoreEntry]:
    """``--ignore RULE_ID`` values and ``--ignore-file`` lines as ignore entries.

    ``--ignore`` took the ignore file before it took rule ids (issue 11): a value that is
    no rule id is still read as a file, with a note saying what to write instead.
    """
    from seam.diff import RULES, IgnoreEntry, load_ignore_file

    files = [ignore_file] if ignore_file is not None else []
    entries = []
    for value in rules:
        if value in RULES:
            entries.append(IgnoreEntry(value, "", "", "--ignore"))
        else:
            click.echo(
                f"warning: --ignore {value} as a file is deprecated: write --ignore-file {value} "
                "(--ignore takes a RULE_ID, as in contracts check)",
                err=True,
            )
            files.append(Path(value))
    return [entry for path in files for entry in load_ignore_file(path)] + entries


def _operations(given: tuple[str, ...]) -> list[Any]:
    """``CONSUMER=PATH`` values read into GraphQL operations (graphql-core only if any)."""
    if not given:
        return []
    from seam.graphql import read_operations

    out = []
    for value in given:
        consumer, sep, path = value.partition("=")
        if not sep or not consumer or not path:
            raise UsageError(f"--operations {value!r}: write CONSUMER=PATH (e.g. web=src/queries)")
        if not Path(path).exists():
            raise UsageError(f"--operations {value!r}: {path} does not exist")
        out.extend(read_operations(Path(path), consumer))
    return out


def _inputs(
    paths: tuple[Path, ...], base_ref: str | None, scratch: Path
) -> tuple[Path, Path, str | None]:
    from seam.diff import checkout_tree

    if base_ref is None:
        if len(paths) != 2:
            raise UsageError(
                "expected BASE and REVISION (or --base REF [PATH]); see `contracts diff --help`"
            )
        for p in paths:
            if not p.exists():
                raise UsageError(f"{p} does not exist")
        return paths[0], paths[1], None
    if len(paths) > 1:
        raise UsageError("with --base REF give at most one PATH (default: contracts)")
    revision = paths[0] if paths else configured_contracts()
    if not revision.exists():
        raise UsageError(f"{revision} does not exist in the working tree")
    base = checkout_tree(base_ref, revision, scratch)
    return base, revision, f"{base_ref}:{revision.as_posix()}"


def _pact_sources(pacts_dir: Path | None, revision: Path) -> list[Path]:
    if pacts_dir is not None:
        if not pacts_dir.exists():
            raise UsageError(f"--pacts {pacts_dir} does not exist")
        return [pacts_dir]
    if revision.is_dir():
        return [Layout(revision).pacts_dir]
    return [Layout(configured_contracts()).pacts_dir]


COMMANDS = [diff]
