"""Check every interaction of a pact against one OpenAPI document."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

# The rule modules, one per area, register in RULES as they load; their order of
# registration is the order the checks run in (the registry is the only list of them).
from seam.compat import _request, _request_body, _response  # noqa: F401
from seam.compat._context import RULES, Context, Spec
from seam.compat._interaction import HttpInteraction, OtherInteraction, interactions_of
from seam.compat._matching_rules import matching_rule_findings
from seam.compat._messages import MessageSpec, check_message
from seam.errors import InputError
from seam.graphql import graphql_request
from seam.model import Case, CaseStatus, Finding, Severity
from seam.pactfile import Pact

if TYPE_CHECKING:
    from graphql import GraphQLSchema

RULES.add(
    "interaction.type.unsupported",
    severity=Severity.WARNING,
    summary="An interaction Seam cannot check: a message without an AsyncAPI document, "
    "HTTP without an OpenAPI document, or an unknown type.",
    area="interaction",
)


def check_interactions(
    spec: Spec | None,
    pact: Pact,
    messages: MessageSpec | None = None,
    graphql: GraphQLSchema | None = None,
) -> Iterator[tuple[str, list[Finding], float]]:
    """Yield ``(interaction description, findings, seconds)`` for each interaction of ``pact``.

    HTTP interactions are checked against ``spec`` (OpenAPI), message interactions against
    ``messages`` (AsyncAPI), GraphQL-over-HTTP requests against ``graphql`` when given
    (``seam.graphql.check_request``); one without its document is
    ``interaction.type.unsupported``.
    """
    file, consumer = pact.source, pact.consumer
    for raw, item in zip(pact.interactions, interactions_of(pact), strict=True):
        started = time.perf_counter()
        # Matchers the verifier would refuse are worth knowing whatever the spec says.
        lint = list(matching_rule_findings(raw, file, consumer))
        request = graphql_request(raw) if graphql is not None else None
        if graphql is not None and request is not None:
            from seam.graphql import check_request  # graphql-core, only for GraphQL pacts

            findings = check_request(graphql, raw, request, file=file, consumer=consumer)
            yield raw.description, [*findings, *lint], time.perf_counter() - started
            continue
        if raw.kind == "message" and messages is not None:
            try:
                findings = [*check_message(messages, raw, file, consumer), *lint]
            except InputError as exc:
                exc.location = exc.location or f"{file or 'pact'}: message {raw.description!r}"
                raise
            yield raw.description, findings, time.perf_counter() - started
            continue
        if isinstance(item, OtherInteraction) or spec is None:
            needs = {"http": "an OpenAPI", "message": "an AsyncAPI"}.get(raw.kind)
            finding = Finding(
                rule="interaction.type.unsupported",
                severity=RULES["interaction.type.unsupported"].severity,
                message=f"{raw.kind} interactions cannot be checked"
                + (f" without {needs} document" if needs else ""),
                location=f"interactions[{item.index}]",
                file=file,
                consumers=(consumer,) if consumer else (),
                interaction=item.description,
            )
            yield item.description, [finding, *lint], time.perf_counter() - started
            continue
        try:
            findings = [*_check_one(spec, item, file, consumer), *lint]
        except InputError as exc:
            # A JSON string in the pact that cannot be read (too deep, a huge integer):
            # say which interaction of which file holds it.
            exc.location = exc.location or f"{file or 'pact'}: interaction {item.description!r}"
            raise
        yield item.description, findings, time.perf_counter() - started


def _check_one(
    spec: Spec, ix: HttpInteraction, file: str | None, consumer: str | None
) -> Iterator[Finding]:
    routed = spec.route(ix.method, ix.path)
    if routed is None:
        yield Finding(
            rule="request.path-or-method.unknown",
            severity=RULES["request.path-or-method.unknown"].severity,
            message=f"{ix.method} {ix.path} matches no path and method in the spec",
            path=ix.path,
            method=ix.method,
            location="request.path",
            file=file,
            consumers=(consumer,) if consumer else (),
            interaction=ix.description,
            details={"request_path": ix.path},
        )
        return
    op, params = routed.operation, routed.params
    ctx = Context(spec, op, ix, params, file=file, consumer=consumer)
    path_findings = list(_run("path", ctx))
    if path_findings:
        yield from path_findings
        return
    yield from _run("request", ctx)
    status = list(_run("status", ctx))
    if status:
        # Nothing is declared for this status: its headers and body cannot be judged.
        yield from status
        return
    yield from _run("response", ctx)


def _run(kind: str, ctx: Context) -> Iterator[Finding]:
    """The findings of the ``kind`` rules, in registration order, each id the rule's own."""
    for rule in RULES.functions(kind):
        for finding in rule(ctx):
            RULES.emitted(rule, finding.rule)
            yield finding


def to_case(name: str, group: str, findings: list[Finding], seconds: float) -> Case:
    """One interaction's outcome for per-case reports (JUnit)."""
    failed = any(f.severity >= Severity.ERROR for f in findings)
    return Case(
        name=name,
        status=CaseStatus.FAILED if failed else CaseStatus.PASSED,
        group=group,
        duration=seconds,
        findings=tuple(findings),
    )
