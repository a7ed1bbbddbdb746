"""Rules about the request body: declared, of a checkable media type, and fitting its schema.

JSON bodies are validated as they are; ``application/x-www-form-urlencoded`` and
``multipart/form-data`` bodies are read into their named fields first (RFC 7578), whose text
values are then read as their schema's types, as parameters are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seam.compat._context import RULES, Context, where
from seam.compat._media import find_matching_type
from seam.model import Finding, Severity
from seam.openapi._params import decode_body, parameter_schema
from seam.openapi._schemas import Mode, deref
from seam.pactfile import media_essence

Json = Any
ERROR, WARNING = Severity.ERROR, Severity.WARNING


def request_content(ctx: Context) -> dict[str, Json] | None:
    """Media type → schema for the request body, or None when the operation takes no body."""
    node = ctx.op.node
    if ctx.spec.version != "2.0":
        body = deref(ctx.doc, node.get("requestBody")) if node.get("requestBody") else None
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        return {k: (v or {}).get("schema") for k, v in content.items()}
    types = ctx.op.consumes or ["application/json"]
    for param in ctx.op.parameters_in("body"):
        return dict.fromkeys(types, param.get("schema"))
    form = ctx.op.parameters_in("formData")
    if form:
        schema = {
            "type": "object",
            "properties": {str(p["name"]): parameter_schema(p) or {} for p in form},
            "required": [str(p["name"]) for p in form if p.get("required")],
        }
        return dict.fromkeys(types, schema)
    return None


def _body_required(ctx: Context) -> bool:
    node = ctx.op.node
    if ctx.spec.version != "2.0":
        body = deref(ctx.doc, node.get("requestBody")) if node.get("requestBody") else None
        return isinstance(body, dict) and body.get("required") is True
    return any(p.get("required") is True for p in ctx.op.parameters_in("body"))


@RULES.rule("request.body.unknown", severity=WARNING, area="request", kind="request")
def body_unknown(ctx: Context) -> Iterator[Finding]:
    """The request has a body but the operation declares none."""
    body = ctx.ix.request.body
    # `"body": null` where no body is declared reads as "no body" (pact writers emit it).
    if body is not None and body.value is not None and request_content(ctx) is None:
        yield ctx.finding(
            "request.body.unknown",
            "the request has a body but the operation declares no request body",
            "request.body",
        )


def _body_media(ctx: Context, content: dict[str, Json]) -> str | None:
    sent = ctx.ix.request.content_type or "application/json"
    return find_matching_type(sent, list(content))


def _decoded(ctx: Context, content: dict[str, Json], media: str) -> tuple[bool, Json]:
    """``(decodable, value)`` of the pact's request body under ``media`` (see decode_body)."""
    sent = ctx.ix.request.body.value if ctx.ix.request.body is not None else None
    return decode_body(ctx.doc, content[media], media, sent, ctx.ix.request.content_type)


@RULES.rule("request.body.unvalidatable", severity=WARNING, area="request", kind="request")
def body_unvalidatable(ctx: Context) -> Iterator[Finding]:
    """The request body's media type cannot be checked against a schema."""
    content = request_content(ctx)
    if not ctx.ix.request.has_body or content is None:
        return
    media = _body_media(ctx, content)
    if media is not None and not _decoded(ctx, content, media)[0]:
        yield ctx.finding(
            "request.body.unvalidatable",
            f"a {media_essence(media)!r} request body cannot be checked against a schema",
            "request.body",
        )


@RULES.rule("request.body.incompatible", severity=ERROR, area="request", kind="request")
def body_incompatible(ctx: Context) -> Iterator[Finding]:
    """The request body is missing or does not fit the operation's request schema."""
    content = request_content(ctx)
    if content is None or not ctx.valid_request:
        return
    if not ctx.ix.request.has_body:
        if _body_required(ctx):
            yield ctx.finding(
                "request.body.incompatible",
                "the request has no body but the operation requires one",
                "request.body",
            )
        return
    media = _body_media(ctx, content)
    if media is None or content.get(media) is None:
        return
    ok, value = _decoded(ctx, content, media)
    if not ok:
        return
    key = f"{ctx.op.location}.requestBody.{media}"
    for problem in ctx.violations(key, content[media], value, Mode.REQUEST):
        yield ctx.finding(
            "request.body.incompatible",
            f"request body{where(problem.instance)} does not fit the spec: {problem.message}",
            f"request.body{where(problem.instance)}",
        )
