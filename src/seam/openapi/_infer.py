"""Infer an OpenAPI 3.0 document of what a consumer uses, from its pact.

The snapshot is for review and for diffs in pull requests: it says which paths,
methods, parameters, body fields and statuses a consumer relies on, in the shape a
provider's own OpenAPI document has, so the two can be read side by side.

* Paths are templated where a segment carries a provider-state generator
  (``/tasks/${id}`` → ``/tasks/{id}``), where a path regex lets it vary, where it
  holds different values under one parent (``/users/ann.lee``, ``/users/Bob``; plain
  lowercase words such as ``/api/tasks`` and ``/api/users`` are resources and stay), where
  kebab-case titles sit under a plural collection (``/articles/how-to-x`` beside
  ``/articles/why-y`` is one ``/articles/{slug}``), and where it looks like an identifier
  (digits, a UUID): Pact records an example path, not the route.
* Bodies become JSON Schema from their examples and matching rules: types, ``regex`` →
  ``pattern``, date/time matchers → ``format``, ``min``/``max`` on arrays →
  ``minItems``/``maxItems``, ``null`` → ``nullable``; fields present in every example
  are ``required`` (:mod:`seam.openapi._infer_schema`, shared with the AsyncAPI snapshot).
* Asynchronous messages, which OpenAPI cannot describe, are listed under
  ``x-seam-messages`` with their schemas.

The output is deterministic: the same pact always gives the same document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from seam.openapi._infer_schema import (
    body_schema,
    media_type,
    merge_all,
    regex_pattern,
    rule_matchers,
    without_markers,
)
from seam.openapi._operations import Api
from seam.pactfile import Body, Interaction, Pact

__all__ = ["infer_openapi"]

OPENAPI_VERSION = "3.0.3"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# ASCII digits only: str.isdigit() accepts "²", which no server parses as a number.
_DIGITS = re.compile(r"[0-9]+")
_WORD = re.compile(r"[a-z][a-z_-]*")
# A title made into a URL: lowercase words joined by hyphens ("how-to-write-tests").
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_STATE_EXPR = re.compile(r"\$\{([^}]+)\}")
# Parameters OpenAPI 3.0 ignores when declared as headers (§4.7.12.1); they are
# expressed as content types and security schemes instead.
_SKIPPED_HEADERS = frozenset({"content-type", "accept", "authorization"})
_SECURITY = {
    "bearer": ("bearerAuth", {"type": "http", "scheme": "bearer"}),
    "basic": ("basicAuth", {"type": "http", "scheme": "basic"}),
}
_API_KEY = ("authorizationHeader", {"type": "apiKey", "in": "header", "name": "Authorization"})


# ---------------------------------------------------------------- paths


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def _is_identifier(segment: str) -> bool:
    return _DIGITS.fullmatch(segment) is not None or bool(_UUID.match(segment))


def _generated_names(request: Any) -> dict[int, str]:
    """Segments a provider-state generator fills in (``/tasks/${id}``), by position."""
    generator = request.generators.get("path") if request.generators else None
    if not isinstance(generator, Mapping) or generator.get("type") != "ProviderState":
        return {}
    expression = generator.get("expression")
    if not isinstance(expression, str):
        return {}
    names: dict[int, str] = {}
    for i, segment in enumerate(_segments(expression)):
        found = _STATE_EXPR.search(segment)
        if found:
            names[i] = re.sub(r"[^A-Za-z0-9_]", "_", found.group(1)) or "id"
    return names


def _regex_varies(request: Any, segments: list[str]) -> set[int]:
    """Segments a path regex lets vary: swapping in another value still matches."""
    regexes = [
        m["regex"]
        for m in rule_matchers(request.matching_rules.get("path"))
        if m.get("match") == "regex" and isinstance(m.get("regex"), str)
    ]
    varies: set[int] = set()
    for pattern in regexes:
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue
        for i, segment in enumerate(segments):
            probes = {"0", "9", "zz", "x" + segment, segment + "x"} - {segment}
            for probe in sorted(probes):
                if compiled.fullmatch("/" + "/".join([*segments[:i], probe, *segments[i + 1 :]])):
                    varies.add(i)
                    break
    return varies


class _Route:
    """One interaction's path, with the positions that are parameters."""

    def __init__(self, interaction: Interaction) -> None:
        request = interaction.request
        assert request is not None  # only HTTP interactions are routed
        self.segments = _segments(request.path)
        # "/items/" and "/items" are different paths to a server; keep the slash.
        self.trailing = len(request.path) > 1 and request.path.endswith("/")
        self.names = _generated_names(request)
        self.params = set(self.names) | _regex_varies(request, self.segments)
        self.params |= {i for i, s in enumerate(self.segments) if _is_identifier(s)}
        self.params = {i for i in self.params if i < len(self.segments)}


def _template_varying(routes: list[_Route]) -> None:
    """Make a position a parameter where paths differ only in that word (to a fixpoint).

    Routes are bucketed by their shape with one position blanked out, so the work grows
    with the number of routes, not with its square. Only literal segments varying make a
    parameter: "/tasks/{id}" beside "/tasks/export" stays two routes.
    """
    changed = True
    while changed:
        changed = False
        buckets: dict[tuple[int, tuple[str, ...], bool], list[_Route]] = {}
        for route in routes:
            shape = tuple("{}" if i in route.params else s for i, s in enumerate(route.segments))
            for i in range(len(shape)):
                if i not in route.params:
                    key = (i, (*shape[:i], "\0", *shape[i + 1 :]), route.trailing)
                    buckets.setdefault(key, []).append(route)
        for (i, shape, _), members in buckets.items():
            if i == 0 or shape[i - 1] == "{}":
                continue
            values = {m.segments[i] for m in members}
            # A value under a fixed parent ("/users/ann.lee") varies; resource names
            # ("/api/tasks" beside "/api/users", "/tasks/{id}/comments" beside ".../history")
            # are plain lowercase words and stay literal.
            if len(values) > 1 and not all(_WORD.fullmatch(v) for v in values):
                # "2024-recap" beside "why-y": titles, so the parameter is a slug, not an id.
                slug = all(_KEBAB.fullmatch(v) for v in values)
                for member in members:
                    if i not in member.params:
                        member.params.add(i)
                        if slug:
                            member.names.setdefault(i, "slug")
                        changed = True
            elif _slugs(shape[i - 1], values):
                for member in members:
                    if _KEBAB.fullmatch(member.segments[i]):
                        member.params.add(i)
                        member.names.setdefault(i, "slug")
                        changed = True


def _slugs(parent: str, values: set[str]) -> bool:
    """Whether lowercase siblings under ``parent`` are slugs rather than fixed routes.

    Slugs are titles made into URLs: kebab-case values under a plural collection
    (``/articles/how-to-x``, ``/articles/why-y``), at least two of them, one of three or
    more words. Two-word names (``/tasks/bulk-update``, ``/api/user-groups``) are more
    often fixed routes, and so are single words (``/users/me``), which stay literal beside
    the slugs. A provider document in the contracts folder settles every case it routes.
    """
    kebab = [v for v in values if _KEBAB.fullmatch(v)]
    plural = (
        _WORD.fullmatch(parent) is not None
        and parent.endswith("s")
        and not parent.endswith(("ss", "us"))
    )
    return plural and len(kebab) > 1 and any(v.count("-") >= 2 for v in kebab)


def _take_provider_template(provider: Api, interaction: Interaction, route: _Route) -> None:
    """Where the provider's router reaches an operation, its template says which segments
    are parameters and what they are called (a slug is one ``{slug}``, not two paths)."""
    request = interaction.request
    assert request is not None
    found = provider.route(request.method, request.path)
    if found is None:
        return
    template = _segments(found.base_path + found.operation.path)
    if len(template) != len(route.segments):
        return
    names: dict[int, str] = {}
    for i, segment in enumerate(template):
        if "{" in segment or "}" in segment:
            whole = re.fullmatch(r"\{([^{}]+)\}", segment)
            if whole is None:
                return  # `{name}.json`: a partial segment; keep the inferred template
            names[i] = whole.group(1)
    route.params = set(names)
    route.names = names


def _param_name(route: _Route, i: int, taken: set[str]) -> str:
    name = route.names.get(i)
    if name is None:
        previous = route.segments[i - 1] if i > 0 and i - 1 not in route.params else ""
        name = "id" if not taken else f"{previous.rstrip('s') or 'param'}_id"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def _template(
    route: _Route, names_by_shape: dict[str, dict[int, str]]
) -> tuple[str, dict[int, str]]:
    shape = "/".join("{}" if i in route.params else s for i, s in enumerate(route.segments))
    shape += "/" if route.trailing else ""
    names = names_by_shape.setdefault(shape, {})
    for i in sorted(route.params):
        if i not in names:
            names[i] = _param_name(route, i, set(names.values()))
    text = "/" + "/".join(
        "{" + names[i] + "}" if i in route.params else s for i, s in enumerate(route.segments)
    )
    if route.trailing and text != "/":
        text += "/"
    return text, names


# ---------------------------------------------------------------- operations


def _value_schema(values: list[str], matchers: list[Mapping[str, Any]]) -> dict[str, Any]:
    if values and all(_DIGITS.fullmatch(v) for v in values):
        schema: dict[str, Any] = {"type": "integer"}
    elif values and all(v in ("true", "false") for v in values):
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string"}
    for matcher in matchers:
        if matcher.get("match") == "regex" and isinstance(matcher.get("regex"), str):
            schema = {"type": "string", **regex_pattern(matcher["regex"])}
    if values and all(_UUID.match(v) for v in values) and "pattern" not in schema:
        schema["format"] = "uuid"
    return schema


def _rule_for(rules: Any, name: str) -> list[Mapping[str, Any]]:
    if not isinstance(rules, Mapping):
        return []
    for key, rule in rules.items():
        if str(key).lower() == name.lower():
            return rule_matchers(rule)
    return []


def _parameters(
    where: str,
    seen: list[Mapping[str, list[str]]],
    rules: list[Any],
    skipped: frozenset[str] = _SKIPPED_HEADERS,
) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    for values in seen:
        for name in values:
            names.setdefault(name.lower() if where == "header" else name, name)
    out = []
    for key, name in sorted(names.items()):
        if where == "header" and key in skipped:
            continue
        found = [
            v
            for values in seen
            for n, v in values.items()
            if n == name or (where == "header" and n.lower() == key)
        ]
        matchers = [m for r in rules for m in _rule_for(r, name)]
        flat = [x for v in found for x in v]
        schema = _value_schema(flat, matchers)
        if where == "query" and any(len(v) > 1 for v in found):
            schema = {"type": "array", "items": schema}
        required = len(found) == len(seen)
        out.append({"in": where, "name": name, "required": required, "schema": schema})
    return out


def _security(interactions: list[Interaction], schemes: dict[str, Any]) -> list[dict[str, Any]]:
    used: list[str] = []
    anonymous = False
    for interaction in interactions:
        assert interaction.request is not None and interaction.response is not None
        values = interaction.request.header("Authorization")
        if not values:
            # A request without credentials that expects 401/403 checks the refusal;
            # only one that expects to be served makes the credentials optional.
            anonymous = anonymous or interaction.response.status not in (401, 403)
            continue
        scheme = values[0].split(" ", 1)[0].lower()
        name, definition = _SECURITY.get(scheme, _API_KEY)
        schemes[name] = definition
        used.append(name)
    if not used:
        return []
    requirements: list[dict[str, Any]] = [{name: []} for name in sorted(set(used))]
    if anonymous:
        requirements.append({})  # served without credentials too
    return requirements


def _content(bodies: list[tuple[Body, str, Mapping[str, Any]]]) -> dict[str, Any]:
    by_media: dict[str, list[dict[str, Any]]] = {}
    for body, media, rules in bodies:
        by_media.setdefault(media, []).append(body_schema(body, media, rules))
    return {media: {"schema": merge_all(schemas)} for media, schemas in sorted(by_media.items())}


def _describe(interaction: Interaction) -> str:
    states = " and ".join(s.name for s in interaction.provider_states)
    return interaction.description + (f" (given {states})" if states else "")


def _request_body(interactions: list[Interaction]) -> dict[str, Any] | None:
    bodies = []
    for i in interactions:
        request = i.request
        assert request is not None
        if request.body is not None:
            bodies.append(
                (
                    request.body,
                    media_type(request.content_type, request.body),
                    request.matching_rules,
                )
            )
    if not bodies:
        return None
    return {"content": _content(bodies), "required": len(bodies) == len(interactions)}


def _responses(interactions: list[Interaction]) -> dict[str, Any]:
    by_status: dict[int, list[Interaction]] = {}
    for i in interactions:
        assert i.response is not None
        by_status.setdefault(i.response.status, []).append(i)
    out: dict[str, Any] = {}
    for status, group in sorted(by_status.items()):
        entry: dict[str, Any] = {"description": "; ".join(sorted({_describe(i) for i in group}))}
        bodies = [
            (r.body, media_type(r.content_type, r.body), r.matching_rules)
            for r in (i.response for i in group)
            if r is not None and r.body is not None
        ]
        if bodies:
            entry["content"] = _content(bodies)
        headers = _parameters(
            "header",
            [i.response.headers for i in group if i.response is not None],
            [i.response.matching_rules.get("header") for i in group if i.response is not None],
            skipped=frozenset({"content-type"}),  # the media type is the content's key
        )
        if headers:
            entry["headers"] = {
                h["name"]: {"required": h["required"], "schema": h["schema"]} for h in headers
            }
        out[str(status)] = entry
    return out


def _path_parameters(
    interactions: list[Interaction], routes: list[_Route], names: dict[int, str]
) -> list[dict[str, Any]]:
    out = []
    for i, name in sorted(names.items(), key=lambda kv: kv[1]):
        values = [r.segments[i] for r in routes]
        out.append(
            {"in": "path", "name": name, "required": True, "schema": _value_schema(values, [])}
        )
    return out


def _operation(
    interactions: list[Interaction],
    routes: list[_Route],
    names: dict[int, str],
    schemes: dict[str, Any],
) -> dict[str, Any]:
    requests = [i.request for i in interactions if i.request is not None]
    parameters = _path_parameters(interactions, routes, names)
    parameters += _parameters(
        "query", [r.query for r in requests], [r.matching_rules.get("query") for r in requests]
    )
    parameters += _parameters(
        "header", [r.headers for r in requests], [r.matching_rules.get("header") for r in requests]
    )
    operation: dict[str, Any] = {
        "responses": _responses(interactions),
        "x-seam-interactions": sorted({_describe(i) for i in interactions}),
    }
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(interactions)
    if body is not None:
        operation["requestBody"] = body
    security = _security(interactions, schemes)
    if security:
        operation["security"] = security
    return operation


def _messages(interactions: list[Interaction]) -> list[dict[str, Any]]:
    out = []
    for i in interactions:
        entry: dict[str, Any] = {"description": _describe(i)}
        if i.message is not None:
            media = media_type(i.message.content_type, i.message)
            entry["contentType"] = media
            entry["schema"] = body_schema(
                i.message, media, {"body": i.message_matching_rules.get("body", {})}
            )
        out.append(entry)
    return sorted(out, key=lambda e: str(e["description"]))


def infer_openapi(pact: Pact, provider: Api | None = None) -> dict[str, Any]:
    """An OpenAPI 3.0 document of the paths, parameters, bodies and statuses a pact uses.

    Args:
        pact: A normalised pact (:func:`seam.pactfile.read_pact`).
        provider: the provider's own document, when at hand: a request it routes
            (:meth:`Api.route`) takes that operation's path template, parameter names
            included, so the two documents read side by side; others are inferred.

    Returns:
        The document, deterministic for a given pact; it passes openapi-spec-validator.
    """
    http = sorted(
        (i for i in pact.interactions if i.kind == "http"),
        key=lambda i: (
            i.description,
            repr([(s.name, sorted(s.params.items())) for s in i.provider_states]),
        ),
    )
    routes = [_Route(i) for i in http]
    _template_varying(routes)
    if provider is not None:
        for interaction, route in zip(http, routes, strict=True):
            _take_provider_template(provider, interaction, route)
    names_by_shape: dict[str, dict[int, str]] = {}
    grouped: dict[tuple[str, str], list[tuple[Interaction, _Route]]] = {}
    templates: dict[str, dict[int, str]] = {}
    for interaction, route in zip(http, routes, strict=True):
        text, names = _template(route, names_by_shape)
        templates[text] = names
        assert interaction.request is not None
        grouped.setdefault((text, interaction.request.method.lower()), []).append(
            (interaction, route)
        )
    schemes: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for (text, method), members in sorted(grouped.items()):
        paths.setdefault(text, {})[method] = _operation(
            [m[0] for m in members], [m[1] for m in members], templates[text], schemes
        )
    paths = without_markers(paths)
    doc: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{pact.provider} as used by {pact.consumer}",
            "version": f"pact-{pact.specification}",
            "description": (
                f"What {pact.consumer} uses of {pact.provider}, inferred by Seam from "
                f"{pact.consumer}'s pact. Generated: do not edit; run the consumer's tests."
            ),
        },
        "paths": paths,
    }
    if schemes:
        doc["components"] = {"securitySchemes": schemes}
    messages = without_markers(_messages([i for i in pact.interactions if i.kind == "message"]))
    if messages:
        doc["x-seam-messages"] = messages
    return doc
