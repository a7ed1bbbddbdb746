"""The public entry points of ``seam.compat``."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam.asyncapi import AsyncApi, load_asyncapi
from seam.compat._context import RULES, Spec, build_spec
from seam.compat._engine import check_interactions, to_case
from seam.compat._messages import MessageSpec
from seam.errors import InputError, UsageError
from seam.model import Finding, Report, Severity, apply_overrides
from seam.openapi import Document, load_document
from seam.pactfile import Pact, load_pacts, parse_pact

if TYPE_CHECKING:
    from seam.graphql import Schema as GraphQLDocument

Json = Any

_DESCRIPTION = re.compile(r'"description"\s*:\s*("(?:[^"\\]|\\.)*")')


def _description_lines(pact: Pact) -> dict[str, int]:
    """Interaction description → the 1-based line of its ``"description"`` in the pact file."""
    if pact.source is None:
        return {}
    try:
        text = Path(pact.source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = _DESCRIPTION.search(line)
        if found is not None:
            try:
                out.setdefault(json.loads(found.group(1)), number)
            except ValueError:
                continue
    return out


def _spec(openapi: Document | Mapping[str, Json] | Spec) -> Spec:
    if isinstance(openapi, Spec):
        return openapi
    return build_spec(openapi if isinstance(openapi, Document) else dict(openapi))


def compare(
    pact: Pact | Mapping[str, Json], openapi: Document | Mapping[str, Json] | Spec
) -> list[Finding]:
    """Every finding for one pact against one OpenAPI document.

    Args:
        pact: a pact read by :func:`seam.pactfile.read_pact`, or a raw Pact V1–V4 document.
        openapi: a loaded :class:`~seam.openapi.Document`, the same as plain data (local
            ``$ref`` only), or a :class:`Spec` built from one to reuse its compiled schemas.

    Returns:
        The findings, in interaction order.

    Raises:
        PactError: ``pact`` is not a pact document.
        OpenAPIError: ``openapi`` is not an OpenAPI document or a ``$ref`` cannot be followed.
    """
    parsed = pact if isinstance(pact, Pact) else parse_pact(pact)
    out: list[Finding] = []
    for _, findings, _ in check_interactions(_spec(openapi), parsed):
        out.extend(findings)
    return out


def check(
    pacts: Iterable[Pact],
    openapi: Document | Mapping[str, Json] | Spec | None,
    *,
    asyncapi: AsyncApi | None = None,
    graphql: GraphQLDocument | None = None,
    severities: Mapping[str, Severity] | None = None,
    ignore: Collection[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Check several pacts against the provider's OpenAPI and/or AsyncAPI document.

    Args:
        pacts: pacts read by :mod:`seam.pactfile`.
        openapi: the provider's OpenAPI document (see :func:`compare`); None when the pacts
            hold messages only (an HTTP interaction is then ``interaction.type.unsupported``).
        asyncapi: the provider's AsyncAPI document, for message interactions
            (:mod:`seam.compat._messages` says how a message is matched).
        graphql: the provider's GraphQL schema (:func:`seam.graphql.load_schema`): the
            pacts' GraphQL-over-HTTP requests are judged against it, the other HTTP
            interactions against ``openapi``.
        severities: rule id → severity, replacing the rule's default.
        ignore: rule ids whose findings are left out.
        progress: called with (pacts done, pacts in all, the next pact's file) before
            each pact (the CLI draws a progress bar on a terminal).

    Returns:
        A ``check`` report: one case per interaction, every finding, counts in ``meta``.

    Raises:
        UsageError: ``severities`` or ``ignore`` name a rule that does not exist.
    """
    # `in`, not the whole list: listing loads the graphql.* table, and with it graphql-core.
    unknown = sorted(r for r in {*(severities or {}), *ignore} if r not in RULES)
    if unknown:
        raise UsageError(
            f"no check rule is called {', '.join(unknown)}; "
            "`contracts check --list-rules` lists them"
        )
    started = time.perf_counter()
    spec = _spec(openapi) if openapi is not None else None
    messages = MessageSpec(asyncapi) if asyncapi is not None else None
    source = openapi.source if isinstance(openapi, Document) else None
    report = Report(command="check", meta={"openapi": source, "pacts": []})
    if asyncapi is not None:
        report.meta["asyncapi"] = asyncapi.source
    if graphql is not None:
        report.meta["graphql"] = graphql.file
    gql = graphql.schema if graphql is not None else None
    todo = list(pacts)
    for number, pact in enumerate(todo):
        if progress is not None:
            progress(number, len(todo), pact.source or pact.consumer)
        group = f"{pact.consumer} -> {pact.provider}"
        report.meta["pacts"].append(pact.source)
        lines = _description_lines(pact)
        for name, raw, seconds in check_interactions(spec, pact, messages, gql):
            findings = apply_overrides(raw, severities, lambda f: f.rule in ignore)
            if name in lines:  # so GitHub annotations land on the interaction
                findings = [replace(f, line=lines[name]) for f in findings]
            report.findings.extend(findings)
            report.cases.append(to_case(name, group, findings, seconds))
    if progress is not None:
        progress(len(todo), len(todo), "")
    report.meta["interactions"] = len(report.cases)
    report.meta["seconds"] = round(time.perf_counter() - started, 4)
    return report


def check_files(
    pact_paths: Sequence[str | Path],
    openapi_path: str | Path | None,
    *,
    asyncapi_path: str | Path | None = None,
    graphql_path: str | Path | None = None,
    provider: str | None = None,
    allow_remote_refs: bool = False,
    severities: Mapping[str, Severity] | None = None,
    ignore: Collection[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Read pact files (or folders of them) and an OpenAPI file, then :func:`check` them.

    Args:
        pact_paths: pact files, or folders whose ``*.json`` files are pacts.
        openapi_path: the provider's OpenAPI/Swagger document (JSON or YAML), or None.
        asyncapi_path: the provider's AsyncAPI 2.x/3.x document, for message interactions.
        graphql_path: the provider's GraphQL schema (SDL or introspection JSON), if any.
        provider: keep only pacts with this provider name.
        allow_remote_refs: let the document's ``$ref``s reach remote URLs.
        severities: rule id → severity overrides (see :func:`check`).
        ignore: rule ids to leave out.
        progress: see :func:`check`.

    Raises:
        InputError: no pact was found, or a file cannot be read.
        PactError: a pact file is not a pact.
        OpenAPIError: the OpenAPI document cannot be loaded.
        AsyncAPIError: the AsyncAPI document cannot be loaded or is invalid.
        GraphQLSchemaError: the GraphQL schema cannot be loaded.
        UsageError: neither document is given.
    """
    if openapi_path is None and asyncapi_path is None and graphql_path is None:
        raise UsageError("nothing to check against: pass an OpenAPI, AsyncAPI or GraphQL document")
    schema = None
    if graphql_path is not None:
        from seam.graphql import load_schema  # graphql-core, only for a GraphQL provider

        schema = load_schema(Path(graphql_path))
    document = (
        load_document(openapi_path, allow_remote_refs=allow_remote_refs)
        if openapi_path is not None
        else None
    )
    asyncapi = (
        load_asyncapi(asyncapi_path, allow_remote_refs=allow_remote_refs)
        if asyncapi_path is not None
        else None
    )
    pacts = load_pacts(pact_paths, provider=provider)
    if not pacts:
        where = ", ".join(str(p) for p in pact_paths) or "(none given)"
        wanted = f" for provider {provider!r}" if provider else ""
        raise InputError(f"no pact files{wanted} found in {where}; pass pact files or a folder")
    return check(
        pacts,
        document,
        asyncapi=asyncapi,
        graphql=schema,
        severities=severities,
        ignore=ignore,
        progress=progress,
    )
