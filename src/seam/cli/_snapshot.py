"""``contracts snapshot``: bring a provider's own contract into the contracts folder.

An OpenAPI document goes to ``openapi/<provider>.yaml``; a GraphQL schema (a schema object,
an introspection endpoint with ``--graphql``, or an SDL/introspection file) to
``graphql/<provider>.graphql``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from seam.cli._options import (
    Seconds,
    contracts_option,
    emit,
    exit_failed,
    format_option,
    output_option,
)
from seam.errors import UsageError, redact

__all__ = ["COMMANDS", "snapshot"]


def _headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header expects 'Name: value', not {value!r}")
        headers[name.strip()] = content.strip()
    return headers


@click.command("snapshot")
@click.option(
    "--url",
    metavar="URL",
    help="Fetch the document from a running provider (FastAPI: http://HOST:PORT/openapi.json); "
    "with --graphql, POST the introspection query to its GraphQL endpoint.",
)
@click.option(
    "--app",
    "app_ref",
    metavar="MODULE:ATTR",
    help="Import a Python app and ask it: a FastAPI app, a mapping, or a callable returning one; "
    "or a GraphQL schema object (strawberry, graphene, graphql-core).",
)
@click.option(
    "--file",
    "file_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the document from a JSON or YAML file, or a GraphQL schema from SDL "
    "(.graphql) or an introspection result (JSON).",
)
@click.option(
    "--graphql",
    "graphql",
    is_flag=True,
    help="The provider speaks GraphQL: --url is its endpoint (introspection). Schema objects "
    "and schema files are recognised without it.",
)
@click.option("--provider", required=True, help="The provider's name, as pacts name it.")
@contracts_option(
    "The contracts folder; the snapshot goes to <contracts>/openapi/<provider>.yaml "
    "(GraphQL: <contracts>/graphql/<provider>.graphql)."
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if the committed snapshot differs from the provider's document.",
)
@click.option(
    "--header",
    "-H",
    "header_values",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Extra request header for --url (repeatable), e.g. an Authorization header.",
)
@click.option(
    "--timeout", type=Seconds(), default=10.0, show_default=True, help="Seconds to wait for --url."
)
@format_option()
@output_option
def snapshot(
    url: str | None,
    app_ref: str | None,
    file_path: Path | None,
    graphql: bool,
    provider: str,
    contracts_dir: Path,
    check: bool,
    header_values: tuple[str, ...],
    timeout: float,
    fmt: str,
    output: Path | None,
) -> None:
    """Write a provider's OpenAPI document to <contracts>/openapi/<provider>.yaml,
    or its GraphQL schema to <contracts>/graphql/<provider>.graphql.

    The document is validated (openapi-spec-validator; an invalid one is refused with the
    first error and its location) and normalised so that the file is byte-stable: sorted
    keys, no loopback server URLs, no generated timestamps. A GraphQL schema is printed
    by graphql-core with types, fields, arguments and enum values sorted by name. An
    unchanged document leaves the file untouched. With --check, the report (--format,
    --output) says whether the committed file is up to date; text shows the diff.

    Exit codes: 0 written or up to date, 1 --check found the snapshot stale,
    2 bad options or an invalid document, 3 the provider could not be reached.
    """
    from seam._imports import import_object
    from seam._layout import Layout
    from seam.graphql import is_graphql_schema_file, looks_like_schema
    from seam.openapi import snapshot_document, write_snapshot

    target = Layout(contracts_dir).provider_openapi(provider)  # a bad name before any work
    _one_source(url, app_ref, file_path, header_values)
    if not check and (fmt != "text" or output is not None):
        raise UsageError("--format and --output apply to --check (a written snapshot is a file)")
    report_to = (fmt, output)
    app = (
        import_object(app_ref, option="--app", example="tasks_api.app:app")
        if app_ref is not None
        else None
    )
    # A schema object or file says it is GraphQL; a URL cannot, hence --graphql.
    if graphql or looks_like_schema(app) or (file_path and is_graphql_schema_file(file_path)):
        _snapshot_graphql(
            provider,
            contracts_dir,
            check,
            _graphql_text(url, app_ref, app, file_path, header_values, timeout),
            report_to,
        )
        return
    document, source = _load(url, app_ref, app, file_path, header_values, timeout)
    text = snapshot_document(document, source=source)
    if check:
        _check(target, text, provider, report_to)
        return
    result = write_snapshot(contracts_dir, provider, text)
    if result.changed:
        click.echo(f"wrote {result.path} ({result.operations} operations, from {source})")
    else:
        click.echo(f"{result.path} is up to date ({result.operations} operations)")


def _one_source(
    url: str | None, app_ref: str | None, file_path: Path | None, header_values: tuple[str, ...]
) -> None:
    given = [
        name
        for name, value in (("--url", url), ("--app", app_ref), ("--file", file_path))
        if value is not None
    ]
    if len(given) != 1:
        found = " and ".join(given) if given else "none"
        raise UsageError(f"give exactly one of --url, --app or --file (found {found})")
    if header_values and url is None:
        raise UsageError("--header only applies to --url")


def _load(
    url: str | None,
    app_ref: str | None,
    app: Any,
    file_path: Path | None,
    header_values: tuple[str, ...],
    timeout: float,
) -> tuple[dict[str, Any], str]:
    from seam import snapshot as _sources

    if url is not None:
        document = _sources.fetch_document(url, timeout=timeout, headers=_headers(header_values))
        return document, redact(url)  # the source is printed: no password in it
    if app_ref is not None:
        return _sources.app_document(app_ref, app), app_ref
    assert file_path is not None
    return _sources.file_document(file_path), str(file_path)


def _graphql_text(
    url: str | None,
    app_ref: str | None,
    app: Any,
    file_path: Path | None,
    header_values: tuple[str, ...],
    timeout: float,
) -> tuple[str, str]:
    """The schema's snapshot text and where it came from."""
    from seam import snapshot as _sources
    from seam.graphql import load_schema, schema_of, snapshot_schema

    if url is not None:
        source = redact(url)
        schema = _sources.fetch_graphql_schema(
            url, timeout=timeout, headers=_headers(header_values)
        )
    elif app_ref is not None:
        source = app_ref
        found = schema_of(app)
        if found is None:
            raise UsageError(
                f"--graphql: {app_ref} is a {type(app).__name__}, not a GraphQL schema "
                "(expected a strawberry, graphene or graphql-core schema object)"
            )
        schema = found
    else:
        assert file_path is not None
        source = str(file_path)
        schema = load_schema(file_path).schema
    return snapshot_schema(schema, source=source), source


def _snapshot_graphql(
    provider: str,
    contracts_dir: Path,
    check: bool,
    text_and_source: tuple[str, str],
    report_to: tuple[str, Path | None],
) -> None:
    from seam._layout import Layout
    from seam.graphql import write_schema_snapshot

    text, source = text_and_source
    if check:
        _check(Layout(contracts_dir).provider_schema(provider), text, provider, report_to)
        return
    result = write_schema_snapshot(contracts_dir, provider, text)
    if result.changed:
        click.echo(f"wrote {result.path} ({result.types} types, from {source})")
    else:
        click.echo(f"{result.path} is up to date ({result.types} types)")


def _check(target: Path, text: str, provider: str, report_to: tuple[str, Path | None]) -> None:
    """Report whether ``target`` is up to date; exit 1 (its one error line) when it is not."""
    from seam.snapshot import check_snapshot

    report = check_snapshot(target, text, provider=provider)
    emit(report, *report_to)
    exit_failed(report.failed(), "; ".join(f.message for f in report.findings))


COMMANDS = [snapshot]
