"""`contracts check`: every consumer pact against the provider's OpenAPI, no provider running."""

from __future__ import annotations

from pathlib import Path

import click

from seam._layout import Layout
from seam.cli._options import (
    allow_remote_refs_option,
    contracts_option,
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
from seam.model import Report, parse_severities


def _provider(pacts: list[Path], provider: str | None, what: str, option: str) -> str:
    """The provider named by option, else the one all the pacts name."""
    if provider is not None:
        return provider
    from seam.pactfile import load_pacts

    providers = {p.provider for p in load_pacts(pacts)}
    if len(providers) != 1:
        found = ", ".join(sorted(providers)) or "none"
        raise UsageError(
            f"cannot tell which provider's {what} to use (pacts name: {found}); "
            f"pass {option} FILE or --provider NAME"
        )
    return providers.pop()


def _providers(pacts: list[Path]) -> list[str]:
    """The provider the pacts name, when they name exactly one."""
    from seam.pactfile import load_pacts

    names = {p.provider for p in load_pacts(pacts)}
    return sorted(names) if len(names) == 1 else []


def _kinds(pacts: list[Path], provider: str | None) -> set[str]:
    """The interaction kinds (``http``, ``message``, …) of the pacts to check."""
    from seam.pactfile import load_pacts

    return {i.kind for pact in load_pacts(pacts, provider=provider) for i in pact.interactions}


def _default_asyncapi(
    contracts: Path, pacts: list[Path], provider: str | None, kinds: set[str]
) -> Path | None:
    """``contracts/asyncapi/<provider>.yaml`` when the pacts hold messages and it exists.

    Without one, messages beside HTTP interactions stay ``interaction.type.unsupported``
    warnings (as before AsyncAPI was read); pacts of messages only have nothing to be
    checked against, which is a usage error.
    """
    if "message" not in kinds:
        return None
    try:
        name = _provider(pacts, provider, "AsyncAPI document", "--asyncapi")
    except UsageError:
        if "http" in kinds:  # an OpenAPI document was named for pacts of several providers
            return None
        raise
    layout = Layout(contracts)
    found = layout.find_provider_asyncapi(name)
    if found is None and "http" not in kinds:
        raise UsageError(
            f"the pacts hold only message interactions and there is no AsyncAPI document for "
            f"provider {name!r} at {layout.asyncapi_dir}/{name}.yaml; pass --asyncapi FILE"
        )
    return found


def _default_openapi(contracts: Path, pacts: list[Path], provider: str | None) -> Path:
    """``contracts/openapi/<provider>.yaml``, the provider named by option or by the pacts."""
    provider = _provider(pacts, provider, "OpenAPI", "--openapi")
    layout = Layout(contracts)
    document = layout.find_provider_openapi(provider)
    if document is not None:
        return document
    raise UsageError(
        f"no OpenAPI document for provider {provider!r} at {layout.openapi_dir}/{provider}.yaml"
        f" nor a GraphQL schema at {layout.graphql_dir}/{provider}.graphql;"
        " pass --openapi FILE or --graphql FILE (or run `contracts snapshot` first)"
    )


def _default_graphql(
    contracts: Path, pacts: list[Path], provider: str | None, kinds: set[str]
) -> Path | None:
    """``contracts/graphql/<provider>.graphql`` when the pacts hold HTTP interactions and it
    exists (None when the pacts name several providers: the OpenAPI lookup says so)."""
    layout = Layout(contracts)
    if "http" not in kinds or not layout.graphql_dir.is_dir():
        return None  # no folder to look in: the pacts need not be read again
    try:
        name = _provider(pacts, provider, "GraphQL schema", "--graphql")
    except UsageError:
        return None
    return layout.find_provider_schema(name)


def _all_providers(pacts: list[Path]) -> list[str | None]:
    """Every provider the pacts name, when they name more than one (else empty)."""
    from seam.pactfile import load_pacts

    names = sorted({p.provider for p in load_pacts(pacts)})
    return list(names) if len(names) > 1 else []


def _documents(
    contracts: Path,
    pacts: list[Path],
    provider: str | None,
    openapi: Path | None,
    asyncapi: Path | None,
    graphql: Path | None,
) -> tuple[Path | None, Path | None, Path | None]:
    """The OpenAPI, AsyncAPI and GraphQL documents ``provider``'s pacts are checked against:
    those given, else its own under ``contracts/``."""
    kinds = _kinds(pacts, provider)
    events = asyncapi or _default_asyncapi(contracts, pacts, provider, kinds)
    # A provider whose pacts hold only messages needs no OpenAPI document.
    only_messages = events is not None and "http" not in kinds
    schema = graphql or _default_graphql(contracts, pacts, provider, kinds)
    document = openapi
    if document is None and schema is not None:
        # A GraphQL provider needs no OpenAPI document; one found serves its other routes.
        name = provider or next(iter(_providers(pacts)), None)
        document = Layout(contracts).find_provider_openapi(name) if name else None
    elif document is None and not only_messages:
        document = _default_openapi(contracts, pacts, provider)
    return document, events, schema


def _merged(first: Report, more: Report) -> Report:
    """Two providers' check reports as one."""
    first.findings.extend(more.findings)
    first.cases.extend(more.cases)
    for key in ("openapi", "asyncapi", "graphql"):
        if more.meta.get(key):
            first.meta[key] = ", ".join(v for v in (first.meta.get(key), more.meta[key]) if v)
    first.meta["pacts"] = [*first.meta.get("pacts", []), *more.meta.get("pacts", [])]
    first.meta["interactions"] = len(first.cases)
    first.meta["seconds"] = round(first.meta.get("seconds", 0) + more.meta.get("seconds", 0), 4)
    return first


def _default_pacts(contracts: Path, provider: str | None) -> list[Path]:
    layout = Layout(contracts)
    found = layout.pacts(provider)
    if not found:
        pattern = layout.pact_pattern(provider)
        raise UsageError(f"no pact files match {pattern}; pass PACT_FILES explicitly")
    return found


@click.command("check")
@click.argument("pact_files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--openapi",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's OpenAPI/Swagger document [default: contracts/openapi/<provider>.yaml].",
)
@click.option(
    "--asyncapi",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's AsyncAPI 2.x/3.x document, for message interactions "
    "[default: contracts/asyncapi/<provider>.yaml when the pacts hold messages].",
)
@click.option(
    "--graphql",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's GraphQL schema, SDL or introspection JSON, for the pacts' GraphQL "
    "requests [default: contracts/graphql/<provider>.graphql].",
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
    asyncapi: Path | None,
    graphql: Path | None,
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
    """Check every consumer pact against the provider's OpenAPI, AsyncAPI or GraphQL contract.

    PACT_FILES are pact files or folders of them [default:
    contracts/pacts/*-<provider>.json]. Each interaction must match an operation
    whose parameters, security, media types, status and schemas can serve it;
    finding codes are PactFlow's (request.path-or-method.unknown,
    response.body.incompatible, ...). Message interactions are checked against the
    provider's AsyncAPI document: each must be a message it sends (by name, title or
    message id = the pact's description, or by the channel in the pact's metadata) whose
    payload schema and content type fit (message.unknown, message.payload.incompatible,
    message.content-type.mismatch). With a GraphQL schema, each GraphQL request (POST or
    GET to .../graphql) must validate, its variables coerce and its recorded data fit the
    selection (graphql.operation.invalid, graphql.variables.invalid,
    graphql.response.incompatible); the other HTTP interactions go to the OpenAPI document.

    Exit 0 when compatible, 1 when a finding reaches --fail-on, 2 for bad input.
    """
    from seam.compat import RULES, check_files

    if list_rules:
        for rule in RULES:
            click.echo(f"{rule.id}\t{rule.severity.label}\t{rule.summary}")
        return
    # Unknown ids are left to check_files, which names them with the check rules' list.
    severities = parse_severities(severity)
    pacts = list(pact_files) or _default_pacts(contracts_dir, provider)
    given = openapi is not None or asyncapi is not None or graphql is not None
    # Pacts of several providers, no document named: each provider's pacts against its own
    # contracts/ documents, as one report (a second provider must not stop the first).
    names = [provider] if provider is not None or given else _all_providers(pacts) or [None]
    with step_progress("check") as progress:
        report = None
        for name in names:
            documents = _documents(contracts_dir, pacts, name, openapi, asyncapi, graphql)
            one = check_files(
                pacts,
                documents[0],
                asyncapi_path=documents[1],
                graphql_path=documents[2],
                provider=name,
                allow_remote_refs=allow_remote_refs,
                severities=severities,
                ignore=ignore,
                progress=progress,
            )
            report = one if report is None else _merged(report, one)
    assert report is not None
    emit(report, fmt, output, include_info=include_info)
    exit_failed(report.failed(parse_fail_on(fail_on)))


COMMANDS = [check]
