"""Who a provider change breaks: breaking changes matched against consumer pacts.

Every HTTP interaction of the pacts is routed once in each document with the same router
``contracts check`` uses (:meth:`seam.openapi.Api.route`: base paths, templates, the most
specific one winning). A breaking change (error or warning) to something an interaction
uses becomes an error naming the consumer and the interaction; one that no consumer uses
becomes a warning that says why each is unaffected.

"Uses" is concrete: the interaction calls the endpoint, expects that status, reads that
response field or header, sends a parameter or request field whose recorded value the new
schema refuses (a constraint the recorded value still meets breaks nobody), omits a
parameter whose default was removed or changed, or does not send one newly required.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from seam.diff._engine import Change, Root
from seam.diff._schemas_diff import SchemaDiff
from seam.diff._structure import OperationDiff
from seam.errors import SeamError
from seam.model import Finding, Severity
from seam.openapi import Api, Parameter, Route
from seam.pactfile import (
    Interaction,
    Pact,
    dotted,
    expects_status,
    has_field,
    is_json,
    media_essence,
    sent_parameter,
)

__all__ = ["judge_with_consumers"]


@dataclass(frozen=True, slots=True)
class _Call:
    """One interaction and where it lands in each document."""

    consumer: str
    interaction: Interaction
    base: Route | None
    revision: Route | None


@dataclass(frozen=True, slots=True)
class _Use:
    """What one call does with what changed: ``breaks`` and the words that say why."""

    breaks: bool
    why: str


class _Calls:
    """The pacts' HTTP interactions, indexed by the operation each reaches in each document."""

    def __init__(self, pacts: Sequence[Pact], base: Api, revision: Api) -> None:
        self.base, self.revision = base, revision
        self._by_op: dict[int, list[_Call]] = {}
        # Keyed by the ids of nodes of one diff graph, which lives as long as this object.
        self._shortest: dict[tuple[int, int], list[tuple[str, ...]]] = {}
        for pact in pacts:
            for interaction in pact.interactions:
                request = interaction.request
                if interaction.kind != "http" or request is None:
                    continue
                call = _Call(
                    pact.consumer,
                    interaction,
                    base.route(request.method, request.path),
                    revision.route(request.method, request.path),
                )
                for route in (call.base, call.revision):
                    if route is not None:
                        self._by_op.setdefault(id(route.operation), []).append(call)

    def shortest_path(self, start: SchemaDiff, goal: SchemaDiff) -> list[tuple[str, ...]]:
        """The shortest property path from ``start`` to ``goal`` (or none), found once."""
        key = (id(start), id(goal))
        if key not in self._shortest:
            self._shortest[key] = _field_paths(start, goal, limit=1)
        return self._shortest[key]

    def of(self, op: OperationDiff) -> list[_Call]:
        """The calls that reach ``op`` in either document, each once."""
        seen: set[int] = set()
        out: list[_Call] = []
        for side in (op.base, op.revision):
            for call in self._by_op.get(id(side), []) if side is not None else []:
                if id(call) not in seen:
                    seen.add(id(call))
                    out.append(call)
        return out


# Removing a deprecated operation is informational (oasdiff too), unless a consumer still
# calls it: the deprecation did not reach that consumer, and the removal breaks it.
_DEPRECATED_REMOVALS = frozenset(
    {"api-path-removed-with-deprecation", "api-removed-with-deprecation"}
)


def judge_with_consumers(
    changes: Sequence[Change], pacts: Sequence[Pact], base: Api, revision: Api
) -> list[Finding]:
    """Re-grade breaking findings by whether a known consumer uses what changed."""
    calls = _Calls(pacts, base, revision)
    out = []
    for change in changes:
        f = change.finding
        minor = f.severity < Severity.WARNING
        if not pacts or (minor and f.rule not in _DEPRECATED_REMOVALS):
            out.append(f)
            continue
        verdicts = list(_verdicts(change, calls))
        users = sorted(
            ((c, u, op) for c, u, op in verdicts if u.breaks),
            key=lambda v: (v[0].consumer, v[0].interaction.description),
        )
        if not users and minor:
            out.append(f)
            continue
        if not users:
            why = _unaffected(change, verdicts)
            out.append(
                replace(
                    f,
                    severity=Severity.WARNING,
                    message=f"{f.message} — no consumer affected: {why}",
                    details={**f.details, "consumers": "none affected", "unaffected": why},
                )
            )
            continue
        call, use, op = users[0]
        names = tuple(sorted({c.consumer for c, _, _ in users}))
        out.append(
            replace(
                f,
                # Filed under the endpoint the broken interaction calls.
                path=op.path,
                method=op.method,
                severity=Severity.ERROR,
                message=f"{f.message} — breaks {call.consumer}: "
                f"'{call.interaction.description}' {use.why}"
                + (f" (and {len(names) - 1} more consumer(s))" if len(names) > 1 else ""),
                consumers=names,
                interaction=call.interaction.description,
                details={
                    **f.details,
                    "broken_interactions": [
                        f"{c.consumer}: {c.interaction.description}" for c, _, _ in users
                    ],
                },
            )
        )
    return out


def _verdicts(change: Change, calls: _Calls) -> Iterator[tuple[_Call, _Use, OperationDiff]]:
    """Each call that reaches an operation the change touches, with what it does there."""
    if change.roots:
        for root in change.roots:
            for call in calls.of(root.op):
                yield call, _schema_use(change, root, call, calls), root.op
        return
    for op in change.ops:
        for call in calls.of(op):
            yield call, _operation_use(change.finding, call), op


def _unaffected(change: Change, verdicts: list[tuple[_Call, _Use, OperationDiff]]) -> str:
    """One line: why no consumer is broken (nobody calls it, or what each caller does)."""
    if not verdicts:
        ops = [r.op for r in change.roots] or change.ops
        endpoints = sorted({f"{op.method} {op.path}" for op in ops})
        shown = ", ".join(endpoints[:3]) + (
            f" and {len(endpoints) - 3} more" if len(endpoints) > 3 else ""
        )
        return f"no pact calls {shown}" if shown else "no pact uses it"
    by_consumer: dict[str, str] = {}
    for call, use, _ in verdicts:
        by_consumer.setdefault(call.consumer, use.why)
    parts = [f"{name} calls it but {why}" for name, why in sorted(by_consumer.items())]
    return "; ".join(parts[:3]) + (f"; and {len(parts) - 3} more" if len(parts) > 3 else "")


# -- operation-level changes ----------------------------------------------------------------


def _expected_status(interaction: Interaction) -> str:
    response = interaction.response
    return str(response.status) if response is not None else "no response"


def _operation_use(f: Finding, call: _Call) -> _Use:
    interaction = call.interaction
    status = f.details.get("status")
    if isinstance(status, str):
        if not expects_status(status, interaction):
            return _Use(False, f"expects {_expected_status(interaction)}, not {status}")
        header = f.details.get("header")
        if isinstance(header, str):
            response = interaction.response
            if response is not None and response.header(header) is not None:
                return _Use(True, f"reads the response header `{header}`")
            return _Use(False, f"does not read the response header `{header}`")
        media = f.details.get("media_type")
        if isinstance(media, str) and f.rule.startswith("response-media-type"):
            expected = interaction.response.content_type if interaction.response else None
            if media_essence(expected or "") == media_essence(media):
                return _Use(True, f"expects {media_essence(media)}")
            return _Use(False, f"does not expect {media_essence(media)}")
        return _Use(True, f"expects status {status}")
    credential = f.details.get("credential")
    if f.rule == "api-security-added" and isinstance(credential, Mapping):
        return _credential_use(interaction, str(credential.get("in")), str(credential.get("name")))
    name, where = f.details.get("name"), f.details.get("in")
    if isinstance(name, str) and isinstance(where, str):
        sent = _sends_parameter(interaction, where, name)
        if f.rule == "new-required-request-parameter" or f.rule.endswith("became-required"):
            if sent:
                return _Use(False, f"always sends the {where} parameter `{name}`")
            return _Use(True, f"does not send the {where} parameter `{name}`")
        if sent:
            return _Use(True, f"sends the {where} parameter `{name}`")
        return _Use(False, f"does not send the {where} parameter `{name}`")
    return _body_use(f, interaction)


def _body_use(f: Finding, interaction: Interaction) -> _Use:
    """Request-body changes touch only interactions that send (or omit) a body."""
    request = interaction.request
    assert request is not None
    if f.rule in ("request-body-became-required", "request-body-added-required"):
        if request.body is not None:
            return _Use(False, "always sends a request body")
        return _Use(True, "sends no request body")
    media = f.details.get("media_type")
    if f.rule == "request-body-media-type-removed" and isinstance(media, str):
        if media_essence(request.content_type or "") == media_essence(media):
            return _Use(True, f"sends {media_essence(media)}")
        return _Use(False, f"does not send {media_essence(media)}")
    if f.rule == "request-body-removed":
        if request.body is not None:
            return _Use(True, "sends a request body")
        return _Use(False, "sends no request body")
    return _Use(True, "calls this endpoint")


def _sends_parameter(interaction: Interaction, where: str, name: str) -> bool:
    return sent_parameter(interaction, where, name) is not None


def _credential_use(interaction: Interaction, where: str, name: str) -> _Use:
    """A newly required credential breaks the interactions that do not send it."""
    if _sends_parameter(interaction, where, name):
        return _Use(False, f"already sends the {where} credential `{name}`")
    if where == "header":
        return _Use(True, f"sends no {name} header")
    return _Use(True, f"sends no {where} parameter `{name}`")


# -- schema changes -----------------------------------------------------------------------


def _schema_use(change: Change, root: Root, call: _Call, calls: _Calls) -> _Use:
    assert change.node is not None and change.hit is not None
    interaction, revision = call.interaction, calls.revision
    if root.parameter is not None:
        return _parameter_use(change, root, call, revision)
    if root.ctx.direction == "response":
        if not expects_status(root.status, interaction) or interaction.response is None:
            return _Use(False, f"expects {_expected_status(interaction)}, not {root.status}")
        if root.ctx.object == "header":
            return _Use(True, f"expects status {root.status}")
        expected = media_essence(interaction.response.content_type or "")
        if root.media and expected and expected != media_essence(root.media):
            return _Use(False, f"expects {expected}, not {media_essence(root.media)}")
        body = interaction.response.body.value if interaction.response.body else None
        paths = _field_paths(root.node, change.node, body=body)
        for path in paths:
            full = (*path, *change.hit.field)
            if has_field(body, full):
                return _Use(True, f"reads `{dotted(full)}`" if full else "reads the response body")
        paths = paths or calls.shortest_path(root.node, change.node)
        return _Use(
            False,
            f"reads no `{dotted((*paths[0], *change.hit.field))}`"
            if paths
            else "reads nothing that changed",
        )
    request = interaction.request
    sent = media_essence(request.content_type or "") if request else ""
    if root.media and sent and sent != media_essence(root.media):
        return _Use(False, f"sends {sent}, not {media_essence(root.media)}")
    raw = request.body.value if request and request.body else None
    body = _sent_fields(root, raw, request.content_type if request else None)
    newly_required = (
        change.finding.rule.startswith("new-required") or "became-required" in change.finding.rule
    )
    paths = _field_paths(root.node, change.node, body=body)
    for path in paths:
        full = (*path, *change.hit.field)
        if newly_required:
            if has_field(body, full[:-1]) and not has_field(body, full):
                return _Use(True, f"does not send `{dotted(full)}`")
        elif has_field(body, full):
            what = f"`{dotted(full)}`" if full else "a request body"
            if _judged_by_value(change.finding.rule) and _body_accepted(root, call, revision, raw):
                return _Use(False, f"sends {what} in a body the new schema accepts")
            return _Use(True, f"sends {what}")
    if newly_required:
        return _Use(False, "already sends it")
    paths = paths or calls.shortest_path(root.node, change.node)
    field = dotted((*paths[0], *change.hit.field)) if paths else ""
    return _Use(False, f"does not send `{field}`" if field else "sends nothing that changed")


def _parameter_use(change: Change, root: Root, call: _Call, revision: Api) -> _Use:
    """A parameter's schema changed: judged by the value the interaction sends."""
    assert root.parameter is not None
    side = root.op.revision or root.op.base
    assert side is not None
    param = side.parameters.get(root.parameter)
    where = root.parameter[0]
    name = param.name if param is not None else root.parameter[1]
    sent = sent_parameter(
        call.interaction, where, name, call.revision.params if call.revision else None
    )
    rule = change.finding.rule
    if "default-value" in rule:
        # The old default applied only to requests that leave the parameter out.
        if sent is None:
            return _Use(True, f"leaves out the {where} parameter `{name}`, relying on its default")
        return _Use(False, f"always sends the {where} parameter `{name}`")
    if sent is None:
        return _Use(False, f"does not send the {where} parameter `{name}`")
    shown = sent[0] if isinstance(sent, list) and len(sent) == 1 else sent
    new = root.op.revision.parameters.get(root.parameter) if root.op.revision else None
    if new is not None and _parameter_accepted(revision, new, sent):
        return _Use(False, f"sends `{name}={shown}`, which the new schema accepts")
    return _Use(True, f"sends the {where} parameter `{name}` (`{name}={shown}`)")


def _parameter_accepted(api: Api, param: Parameter, sent: list[str] | str) -> bool:
    """Whether the revision's parameter schema accepts the recorded value."""
    # Validation (jsonschema-rs) loads only when a pact sends a changed value.
    from seam.openapi._params import decode_parameter
    from seam.openapi._schemas import Mode

    if not isinstance(param.node, dict) or param.schema is None:
        return False
    decodable, value = decode_parameter(api.data, param.node, sent)
    if not decodable:
        return False
    try:
        validator = api.schemas.validator(param.schema_pointer, param.schema, Mode.PARAMETER)
    except SeamError:
        return False  # a schema Seam cannot compile: judged as before, by use
    return bool(validator.is_valid(value))


def _judged_by_value(rule: str) -> bool:
    """Constraint changes break a sender only if its value is now refused; a field the
    provider no longer reads (removed, renamed) is lost whatever the schema accepts."""
    return not rule.endswith(("property-removed", "property-renamed"))


def _sent_fields(root: Root, raw: Any, content_type: str | None) -> Any:
    """The recorded body as fields: form text (``a=1&b=2``, multipart) read into a mapping.

    Values stay text here: which fields are sent does not depend on their types.
    """
    from seam.openapi._params import decode_body

    if not isinstance(raw, str) or not root.media or is_json(root.media):
        return raw
    decodable, fields = decode_body({}, None, root.media, raw, content_type or "")
    return fields if decodable else raw


def _body_accepted(root: Root, call: _Call, api: Api, raw: Any) -> bool:
    """Whether the revision's request schema accepts the recorded body.

    JSON as it is; form fields read as their new schema's types, as ``check`` reads them.
    """
    from seam.openapi._params import decode_body
    from seam.openapi._schemas import Mode

    op = root.op.revision
    if op is None or op.body is None or raw is None:
        return False
    content = op.body.get("content")
    entry = content.get(root.media) if isinstance(content, Mapping) else None
    schema = entry.get("schema") if isinstance(entry, Mapping) else None
    request = call.interaction.request
    sent_type = media_essence(request.content_type or "") if request else ""
    if schema is None or (sent_type and sent_type != media_essence(root.media)):
        return False
    decodable, body = decode_body(
        api.data, schema, root.media, raw, (request.content_type or "") if request else ""
    )
    if not decodable:
        return False
    key = f"{op.location}.requestBody.{root.media}"
    try:
        return bool(api.schemas.validator(key, schema, Mode.REQUEST).is_valid(body))
    except SeamError:
        return False


_UNGUIDED: Any = object()


def _field_paths(
    start: SchemaDiff, goal: SchemaDiff, limit: int = 8, body: Any = _UNGUIDED
) -> list[tuple[str, ...]]:
    """Property paths from ``start`` to ``goal`` in the diff graph (shortest first).

    With ``body``, only paths the recorded body holds are followed: the pact says which of a
    recursive schema's countless paths a consumer uses, and the body's depth bounds the walk.
    Without it, each node is reached once (by its shortest path), so the search costs time
    in proportion to the graph, not to its number of paths (Stripe's recursive schemas have
    more paths than can be walked).
    """
    guided = body is not _UNGUIDED
    found: list[tuple[str, ...]] = []
    reached: dict[int, int] = {id(start): 1}
    # The nodes passed through alternatives since the last step into the value: a cycle of
    # oneOf/anyOf/allOf alone would never end.
    queue: deque[tuple[SchemaDiff, tuple[str, ...], list[Any], frozenset[int]]] = deque(
        [(start, (), [body], frozenset([id(start)]))]
    )
    while queue and len(found) < limit:
        node, path, values, since = queue.popleft()
        if node is goal:
            found.append(path)
            continue
        for step, child in node.children:
            times = reached.get(id(child), 0)
            if times >= (_REACHED if guided else 1):
                continue
            head, _, rest = step.partition("/")
            around: frozenset[int] = frozenset()
            if head == "properties":
                nxt, inner = (*path, rest), _property(values, rest)
            elif head in ("items", "prefixItems", "contains", "unevaluatedItems"):
                nxt, inner = (*path, "[]"), _items(values)
            elif head in ("additionalProperties", "patternProperties", "unevaluatedProperties"):
                nxt, inner = (*path, "*"), _map_values(values)  # a map's values, any key
            elif head in _SAME_VALUE:
                if id(child) in since:
                    continue
                nxt, inner, around = path, values, since
            else:
                continue  # not/propertyNames/contentSchema...: no value the consumer reads
            if guided and not inner:
                continue
            reached[id(child)] = times + 1
            queue.append((child, nxt, inner[:_VALUES] if guided else [], around | {id(child)}))
    return found


def _property(values: list[Any], name: str) -> list[Any]:
    return [v[name] for v in values if isinstance(v, dict) and name in v]


def _map_values(values: list[Any]) -> list[Any]:
    return [x for v in values if isinstance(v, dict) for x in v.values()]


# Subschemas that describe the value itself: alternatives, and conditions applied to it.
_SAME_VALUE = frozenset({"oneOf", "anyOf", "allOf", "if", "then", "else", "dependentSchemas"})


def _items(values: list[Any]) -> list[Any]:
    return [x for v in values if isinstance(v, list) for x in v]


_REACHED = 256  # times one node is entered along a body's paths: bounds wide bodies
_VALUES = 64  # sub-values of a body followed per path: enough to find a field, bounded
