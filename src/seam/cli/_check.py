"""`contracts check`: every consumer pact against the provider's OpenAPI, no provider running."""

from __future__ import annotations

from pathlib import Path

import click

from seam.cli._options import (
    allow_remote_refs_option,
    contracts_option,
    emit,
    fail_on_option,
    format_option,
    include_info_option,
    output_option,
    parse_fail_on,
)
from seam.cli._terminal import no_color_option, step_progress
from seam.errors import UsageError
from seam.model import Severity


def _default_openapi(contracts: Path, pacts: list[Path], provider: str | None) -> Path:
    """``contracts/openapi/<provider>.yaml``, the provider named by option or by the pacts."""
    if provider is None:
        from seam.pactfile import load_pacts

        providers = {p.provider for p in load_pacts(pacts)}
        if len(providers) != 1:
            found = ", ".join(sorted(providers)) or "none"
            raise UsageError(
                f"cannot tell which provider's OpenAPI to use (pacts name: {found}); "
                "pass --openapi FILE or --provider NAME"
            )
        provider = providers.pop()
    from seam.openapi import find_snapshot

    document = find_snapshot(contracts, provider)
    if document is not None:
        return document
    raise UsageError(
        f"no OpenAPI document for provider {provider!r} at {contracts / 'openapi'}/{provider}.yaml;"
        " pass --openapi FILE (or run `contracts snapshot` first)"
    )


def _severities(values: tuple[str, ...]) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for value in values:
        rule, sep, level = value.partition("=")
        try:
            if not sep:
                raise ValueError(f"expected RULE_ID=LEVEL, got {value!r}")
            out[rule.strip()] = Severity.parse(level)
        except ValueError as exc:
            raise UsageError(f"--severity {value}: {exc}") from None
    return out


def _default_pacts(contracts: Path, provider: str | None) -> list[Path]:
    folder = contracts / "pacts"
    pattern = f"*-{provider}.json" if provider else "*.json"
    found = sorted(folder.glob(pattern))
    if not found:
        raise UsageError(f"no pact files match {folder / pattern}; pass PACT_FILES explicitly")
    return found


@click.command("check")
@click.argument("pact_files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--openapi",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's OpenAPI/Swagger document [default: contracts/openapi/<provider>.yaml].",
)
@click.option("--provider", help="Check only pacts with this provider (and find its document).")
@contracts_option()
@allow_remote_refs_option
@format_option()
@include_info_option
@output_option
@fail_on_option
@click.option(
    "--severity",
    "severity",
    multiple=True,
    metavar="RULE_ID=LEVEL",
    help="Change a rule's severity (error, warning, info); repeatable.",
)
@click.option("--ignore", multiple=True, metavar="RULE_ID", help="Leave a rule out; repeatable.")
@click.option(
    "--list-rules", is_flag=True, help="Print every rule id, severity and summary, then exit."
)
@no_color_option
def check(
    pact_files: tuple[Path, ...],
    openapi: Path | None,
    provider: str | None,
    contracts_dir: Path,
    allow_remote_refs: bool,
    fmt: str,
    include_info: bool,
    output: Path | None,
    fail_on: str,
    severity: tuple[str, ...],
    ignore: tuple[str, ...],
    list_rules: bool,
) -> None:
    """Check every consumer pact against the provider's OpenAPI document.

    PACT_FILES are pact files or folders of them [default:
    contracts/pacts/*-<provider>.json]. Each interaction must match an operation
    whose parameters, security, media types, status and schemas can serve it;
    finding codes are PactFlow's (request.path-or-method.unknown,
    response.body.incompatible, ...).

    Exit 0 when compatible, 1 when a finding reaches --fail-on, 2 for bad input.
    """
    from seam.compat import RULES, check_files

    if list_rules:
        for rule in RULES:
            click.echo(f"{rule.id}\t{rule.severity.label}\t{rule.summary}")
        return
    severities = _severities(severity)
    pacts = list(pact_files) or _default_pacts(contracts_dir, provider)
    document = openapi or _default_openapi(contracts_dir, pacts, provider)
    with step_progress("check") as progress:
        report = check_files(
            pacts,
            document,
            provider=provider,
            allow_remote_refs=allow_remote_refs,
            severities=severities,
            ignore=ignore,
            progress=progress,
        )
    emit(report, fmt, output, include_info=include_info)
    if report.failed(parse_fail_on(fail_on)):
        click.get_current_context().exit(1)


COMMANDS = [check]
