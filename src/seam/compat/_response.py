"""Rules about what the consumer expects back: status, content type, headers and body."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from seam._files import load_json
from seam.compat._context import RULES, Context, where
from seam.compat._matchers import BodyRules
from seam.compat._media import STANDARD_RESPONSE_HEADERS, find_matching_type
from seam.errors import PactError
from seam.model import Finding, Severity
from seam.openapi._params import coerce, parameter_schema
from seam.openapi._schemas import Mode, deref
from seam.pactfile import is_json, media_essence

Json = Any
ERROR, WARNING = Severity.ERROR, Severity.WARNING


@RULES.rule("response.status.unknown", severity=ERROR, area="response", kind="status")
def status_unknown(ctx: Context) -> Iterator[Finding]:
    """The expected status is not declared for the operation (and there is no default)."""
    key, _ = ctx.op.response(ctx.ix.status)
    if key is None:
        declared = ", ".join(str(k) for k in (ctx.op.node.get("responses") or {}))
        yield ctx.finding(
            "response.status.unknown",
            f"status {ctx.ix.status} is not declared (declared: {declared or 'none'})",
            "response.status",
        )


@RULES.rule("response.status.default", severity=WARNING, area="response", kind="response")
def status_default(ctx: Context) -> Iterator[Finding]:
    """The expected status is only covered by the operation's ``default`` response."""
    key, _ = ctx.op.response(ctx.ix.status)
    if key == "default":
        yield ctx.finding(
            "response.status.default",
            f"status {ctx.ix.status} is only covered by the 'default' response",
            "response.status",
        )


def _content_type(ctx: Context) -> str:
    return ctx.ix.response.content_type


@RULES.rule("response.content-type.unknown", severity=WARNING, area="response", kind="response")
def content_type_unknown(ctx: Context) -> Iterator[Finding]:
    """The response has a Content-Type but the operation declares no response media types."""
    sent = _content_type(ctx)
    if sent and not ctx.op.response_types(None):
        yield ctx.finding(
            "response.content-type.unknown",
            f"the response is {media_essence(sent)!r} but the spec declares no response media type",
            "response.headers.content-type",
        )


@RULES.rule("response.content-type.incompatible", severity=ERROR, area="response", kind="response")
def content_type_incompatible(ctx: Context) -> Iterator[Finding]:
    """The response's Content-Type is none of the media types declared for its status."""
    sent = _content_type(ctx)
    offered = ctx.op.response_types(ctx.ix.status)
    if sent and offered and find_matching_type(sent, offered) is None:
        yield ctx.finding(
            "response.content-type.incompatible",
            f"the response is {media_essence(sent)!r} but the spec produces only "
            f"{', '.join(offered)}",
            "response.headers.content-type",
        )


def _declared_headers(ctx: Context) -> dict[str, Json]:
    _, response = ctx.op.response(ctx.ix.status)
    headers = (response or {}).get("headers")
    if not isinstance(headers, dict):
        return {}
    return {str(k).lower(): deref(ctx.doc, v) for k, v in headers.items()}


def _expected_headers(ctx: Context) -> dict[str, str]:
    headers = dict(ctx.ix.response.headers)
    headers.pop("content-type", None)
    return headers


@RULES.rule("response.header.incompatible", severity=ERROR, area="response", kind="response")
def header_incompatible(ctx: Context) -> Iterator[Finding]:
    """An expected response header does not fit its declared schema."""
    declared = _declared_headers(ctx)
    rules = BodyRules(
        {f"$.{k.lower()}": v for k, v in ctx.ix.response.rules.get("header", {}).items()}
    )
    for name, value in _expected_headers(ctx).items():
        spec = declared.get(name)
        schema = parameter_schema(spec) if isinstance(spec, dict) else None
        if schema is None:
            continue
        coerced = coerce(ctx.doc, schema, value)
        key = f"{ctx.op.location}.responses.{ctx.ix.status}.headers.{name}"
        for problem in ctx.violations(key, schema, coerced, Mode.PARAMETER):
            if rules.relaxes([name], problem.kind):
                continue
            yield ctx.finding(
                "response.header.incompatible",
                f"response header {name!r} = {value!r} does not fit the spec: {problem.message}",
                f"response.headers.{name}",
            )


@RULES.rule("response.header.undefined", severity=WARNING, area="response", kind="response")
def header_undefined(ctx: Context) -> Iterator[Finding]:
    """The consumer expects a standard HTTP header the spec does not declare."""
    declared = _declared_headers(ctx)
    expected = _expected_headers(ctx)
    for name in STANDARD_RESPONSE_HEADERS:
        if name in expected and name not in declared:
            yield ctx.finding(
                "response.header.undefined",
                f"standard response header {name!r} is expected but not declared in the spec",
                f"response.headers.{name}",
            )


@RULES.rule("response.header.unknown", severity=ERROR, area="response", kind="response")
def header_unknown(ctx: Context) -> Iterator[Finding]:
    """The consumer expects a response header the spec never promises."""
    declared = _declared_headers(ctx)
    standard = set(STANDARD_RESPONSE_HEADERS)
    for name in sorted(_expected_headers(ctx)):
        if name not in declared and name not in standard:
            yield ctx.finding(
                "response.header.unknown",
                f"response header {name!r} is expected but the spec does not declare it",
                f"response.headers.{name}",
            )


def response_content(ctx: Context) -> dict[str, Json] | None:
    """Media type → schema declared for the expected status; None when there is no schema."""
    _, response = ctx.op.response(ctx.ix.status)
    if response is None:
        return None
    if ctx.spec.version == "2.0":
        schema = response.get("schema")
        if schema is None:
            return None
        return dict.fromkeys(ctx.op.produces or ["application/json"], schema)
    content = response.get("content")
    if not isinstance(content, dict):
        return None
    out = {k: (v or {}).get("schema") for k, v in content.items()}
    return out if any(v is not None for v in out.values()) else None


def _media(ctx: Context, content: dict[str, Json]) -> str | None:
    """The declared media type the expected body is read as."""
    wanted = _content_type(ctx) or ctx.ix.request.headers.get("accept", "")
    if wanted:
        return find_matching_type(wanted, list(content))
    # No header says: JSON if the spec offers it, else the one type it declares first.
    return find_matching_type("application/json", list(content)) or next(iter(content), None)


@RULES.rule("response.body.unknown", severity=ERROR, area="response", kind="response")
def body_unknown(ctx: Context) -> Iterator[Finding]:
    """The consumer expects a body where the spec declares no schema for one."""
    key, _ = ctx.op.response(ctx.ix.status)
    if ctx.ix.response.has_body and key is not None and response_content(ctx) is None:
        yield ctx.finding(
            "response.body.unknown",
            f"a body is expected but the spec declares no schema for status {ctx.ix.status}",
            "response.body",
        )


@RULES.rule("response.body.unvalidatable", severity=WARNING, area="response", kind="response")
def body_unvalidatable(ctx: Context) -> Iterator[Finding]:
    """The expected body's media type cannot be checked against a schema."""
    content = response_content(ctx)
    if not ctx.ix.response.has_body or content is None:
        return
    media = _media(ctx, content)
    if media is not None and not is_json(media):
        yield ctx.finding(
            "response.body.unvalidatable",
            f"a {media_essence(media)!r} response body cannot be checked against a schema",
            "response.body",
        )


@RULES.rule("response.body.incompatible", severity=ERROR, area="response", kind="response")
def body_incompatible(ctx: Context) -> Iterator[Finding]:
    """The expected body holds a field or value the spec's response schema cannot produce."""
    content = response_content(ctx)
    if not ctx.ix.response.has_body or content is None:
        return
    media = _media(ctx, content)
    if media is None or not is_json(media) or content.get(media) is None:
        return
    body = ctx.ix.response.body.value if ctx.ix.response.body is not None else None
    if isinstance(body, str):
        with contextlib.suppress(ValueError):
            body = load_json(body, what="a JSON string in the pact", error=PactError)
    rules = BodyRules(ctx.ix.response.rules.get("body"))
    key = f"{ctx.op.location}.responses.{ctx.ix.status}.{media}"
    for problem in ctx.violations(key, content[media], body, Mode.RESPONSE, rules):
        if problem.kind in ("AdditionalProperties", "UnevaluatedProperties"):
            *parent, name = problem.instance
            message = (
                f"the consumer expects field {name!r} in the response body{where(parent)}, "
                "but the spec never sends it"
            )
        else:
            message = (
                f"response body{where(problem.instance)} cannot come from the spec: "
                f"{problem.message}"
            )
        yield ctx.finding(
            "response.body.incompatible", message, f"response.body{where(problem.instance)}"
        )
