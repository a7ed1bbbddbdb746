"""Rules about what the consumer sends: path, security, headers, query and body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from seam.compat._context import RULES, Context, where
from seam.compat._media import STANDARD_REQUEST_HEADERS, find_matching_type
from seam.model import Finding, Severity
from seam.openapi._params import coerce, decode_parameter, nest, parameter_schema
from seam.openapi._schemas import Mode
from seam.pactfile import media_essence

Json = Any
ERROR, WARNING = Severity.ERROR, Severity.WARNING


@RULES.rule("request.path-or-method.unknown", severity=ERROR, area="request", kind="path")
def path_parameters(ctx: Context) -> Iterator[Finding]:
    """The request's path and method match no operation (or a path parameter's schema)."""
    for index, param in enumerate(ctx.op.parameter_nodes):
        if param.get("in") != "path":
            continue
        name = str(param.get("name"))
        raw = ctx.path_params.get(name)
        schema = parameter_schema(param)
        if raw is None or schema is None:
            continue
        text = unquote(raw)
        value = coerce(ctx.doc, schema, *_path_style(param, name, text))
        key = f"{ctx.op.location}.parameters[{index}]"
        for problem in ctx.violations(key, schema, value, Mode.PARAMETER):
            yield ctx.finding(
                "request.path-or-method.unknown",
                f"path parameter {name!r} = {text!r} does not fit the spec: {problem.message}",
                "request.path",
            )


def _path_style(param: dict[str, Json], name: str, text: str) -> tuple[str, str]:
    """Strip a label/matrix prefix; the separator between items (OAS 3 §4.8.12.4.1)."""
    style = param.get("style", "simple")
    explode = param.get("explode") is True
    if style == "label" and text.startswith("."):
        return text[1:], "." if explode else ","
    if style == "matrix" and text.startswith(f";{name}="):
        text = text[len(name) + 2 :]
        return (text.replace(f";{name}=", ","), ",") if explode else (text, ",")
    if style == "matrix" and text.startswith(";"):
        return text[1:], ";" if explode else ","
    return text, ","


def _security_names(ctx: Context) -> tuple[set[str], set[str]]:
    headers: set[str] = set()
    query: set[str] = set()
    for requirement in ctx.op.requirements:
        for name in requirement:
            scheme = ctx.op.schemes.get(name) or {}
            kind = str(scheme.get("type", "")).lower()
            if kind == "apikey":
                where_ = str(scheme.get("in", "")).lower()
                if where_ == "header":
                    headers.add(str(scheme.get("name", "")).lower())
                elif where_ == "query":
                    query.add(str(scheme.get("name", "")))
            elif kind in ("http", "basic"):
                headers.add("authorization")
    return headers, query


def _satisfied(ctx: Context, scheme: dict[str, Json]) -> bool:
    kind = str(scheme.get("type", "")).lower()
    headers = ctx.ix.request.headers
    auth = headers.get("authorization", "").lower()
    if kind == "apikey":
        place = str(scheme.get("in", "")).lower()
        name = str(scheme.get("name", ""))
        if place == "header":
            return name.lower() in headers
        if place == "query":
            return name in ctx.ix.query
        return True  # cookies: a pact rarely records them; nothing to check
    if kind == "basic":
        return auth.startswith("basic ")
    if kind == "http":
        wanted = str(scheme.get("scheme", "")).lower()
        return auth.startswith(f"{wanted} ") if wanted in ("basic", "bearer") else bool(auth)
    return True  # oauth2, openIdConnect, mutualTLS: a token's presence can't be judged here


@RULES.rule("request.authorization.missing", severity=ERROR, area="request", kind="request")
def authorization_missing(ctx: Context) -> Iterator[Finding]:
    """The operation requires credentials the request does not carry."""
    if not ctx.valid_request or not ctx.op.requirements:
        return
    missing: list[str] = []
    for requirement in ctx.op.requirements:
        if not requirement:
            return  # `{}` makes security optional (OAS 3 §4.8.30)
        for name in requirement:
            scheme = ctx.op.schemes.get(name)
            if not isinstance(scheme, dict) or _satisfied(ctx, scheme):
                return
            missing.append(name)
    yield ctx.finding(
        "request.authorization.missing",
        f"the request carries no credentials for {', '.join(sorted(set(missing)))}, "
        "which the operation requires",
        "request.headers",
        schemes=sorted(set(missing)),
    )


@RULES.rule("request.accept.unknown", severity=WARNING, area="request", kind="request")
def accept_unknown(ctx: Context) -> Iterator[Finding]:
    """The request has an Accept header but the spec names no response media types."""
    accept = ctx.ix.request.headers.get("accept", "")
    if accept and not ctx.op.response_types(None):
        yield ctx.finding(
            "request.accept.unknown",
            f"the request accepts {accept!r} but the spec declares no response media type",
            "request.headers.accept",
        )


@RULES.rule("request.accept.incompatible", severity=ERROR, area="request", kind="request")
def accept_incompatible(ctx: Context) -> Iterator[Finding]:
    """The request's Accept header matches none of the response media types."""
    accept = ctx.ix.request.headers.get("accept", "")
    offered = ctx.op.response_types(ctx.ix.status)
    if accept and offered and find_matching_type(accept, offered) is None:
        yield ctx.finding(
            "request.accept.incompatible",
            f"the request accepts {accept!r} but the spec produces only {', '.join(offered)}",
            "request.headers.accept",
        )


@RULES.rule("request.content-type.unknown", severity=WARNING, area="request", kind="request")
def content_type_unknown(ctx: Context) -> Iterator[Finding]:
    """The request has a Content-Type but the spec names no request media types."""
    sent = media_essence(ctx.ix.request.content_type)
    if sent and not ctx.op.consumes:
        yield ctx.finding(
            "request.content-type.unknown",
            f"the request is {sent!r} but the spec declares no request media type",
            "request.headers.content-type",
        )


@RULES.rule("request.content-type.incompatible", severity=ERROR, area="request", kind="request")
def content_type_incompatible(ctx: Context) -> Iterator[Finding]:
    """The request's Content-Type is none of the media types the operation consumes."""
    sent = ctx.ix.request.content_type
    if sent and ctx.op.consumes and find_matching_type(sent, ctx.op.consumes) is None:
        yield ctx.finding(
            "request.content-type.incompatible",
            f"the request is {media_essence(sent)!r} but the spec consumes only "
            f"{', '.join(ctx.op.consumes)}",
            "request.headers.content-type",
        )


@RULES.rule("request.content-type.missing", severity=WARNING, area="request", kind="request")
def content_type_missing(ctx: Context) -> Iterator[Finding]:
    """The request has no Content-Type but the operation consumes declared media types."""
    body = ctx.ix.request.body
    sends = body is not None and body.value not in (None, "")
    if sends and not ctx.ix.request.content_type and ctx.op.consumes:
        yield ctx.finding(
            "request.content-type.missing",
            f"the request has no Content-Type; the spec consumes {', '.join(ctx.op.consumes)}",
            "request.headers.content-type",
        )


def _parameter_findings(
    ctx: Context, rule: str, where_: str, values: dict[str, Json], case_fold: bool
) -> Iterator[Finding]:
    for index, param in enumerate(ctx.op.parameter_nodes):
        if param.get("in") != where_:
            continue
        name = str(param.get("name"))
        lookup = name.lower() if case_fold else name
        raw = values.get(lookup)
        if raw is None or raw == [] or (raw == [""] and where_ == "header"):
            if param.get("required"):
                yield ctx.finding(
                    rule,
                    f"required {where_} parameter {name!r} is missing",
                    f"request.{where_}.{name}",
                )
            continue
        schema = parameter_schema(param)
        if schema is None:
            continue
        decodable, value = decode_parameter(ctx.doc, param, raw)
        if not decodable:
            continue  # not JSON: a media type Seam cannot parse, so nothing to check
        key = f"{ctx.op.location}.parameters[{index}]"
        for problem in ctx.violations(key, schema, value, Mode.PARAMETER):
            yield ctx.finding(
                rule,
                f"{where_} parameter {name!r} does not fit the spec: {problem.message}",
                f"request.{where_}.{name}{where(problem.instance)}",
            )


@RULES.rule("request.header.incompatible", severity=ERROR, area="request", kind="request")
def header_incompatible(ctx: Context) -> Iterator[Finding]:
    """A request header is missing or does not fit its parameter's schema."""
    if not ctx.valid_request:
        return
    headers: dict[str, Json] = dict(ctx.ix.request.headers)
    yield from _parameter_findings(ctx, "request.header.incompatible", "header", headers, True)


@RULES.rule("request.header.unknown", severity=WARNING, area="request", kind="request")
def header_unknown(ctx: Context) -> Iterator[Finding]:
    """The request sends a header the operation does not declare."""
    if not ctx.valid_request:
        return
    declared = {str(p.get("name", "")).lower() for p in ctx.op.parameters_in("header")}
    declared |= _security_names(ctx)[0]
    for name in sorted(ctx.ix.request.headers):
        if name not in declared and name not in STANDARD_REQUEST_HEADERS:
            yield ctx.finding(
                "request.header.unknown",
                f"request header {name!r} is not declared by the operation",
                f"request.headers.{name}",
            )


def _query_values(ctx: Context) -> dict[str, Json]:
    """Pact query values, with ``a[b]=1`` / ``a.b=1`` folded into object parameters."""
    return nest(ctx.ix.query, {str(p.get("name")) for p in ctx.op.parameters_in("query")})


@RULES.rule("request.query.incompatible", severity=ERROR, area="request", kind="request")
def query_incompatible(ctx: Context) -> Iterator[Finding]:
    """A query parameter is missing or does not fit its schema."""
    if not ctx.valid_request:
        return
    folded = _query_values(ctx)
    yield from _parameter_findings(ctx, "request.query.incompatible", "query", folded, False)


@RULES.rule("request.query.unknown", severity=WARNING, area="request", kind="request")
def query_unknown(ctx: Context) -> Iterator[Finding]:
    """The request sends a query parameter the operation does not declare."""
    if not ctx.valid_request:
        return
    declared = {str(p.get("name")) for p in ctx.op.parameters_in("query")}
    declared |= _security_names(ctx)[1]
    for name in sorted(_query_values(ctx)):
        if name not in declared:
            yield ctx.finding(
                "request.query.unknown",
                f"query parameter {name!r} is not declared by the operation",
                f"request.query.{name}",
            )
