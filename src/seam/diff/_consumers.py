"""Who a provider change breaks: breaking changes matched against consumer pacts.

A breaking change (error or warning) to something a consumer's interaction uses
becomes an error naming the consumer and the interaction; a breaking change no known
consumer uses becomes a warning. "Uses" is concrete: the interaction calls the
endpoint, expects that status, reads that response field, sends that parameter or
request field (or, for a newly required one, does not send it).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from seam.diff._engine import Change, Root
from seam.diff._schemas_diff import SchemaDiff
from seam.diff._structure import OperationDiff
from seam.model import Finding, Severity
from seam.pactfile import Interaction, Pact

__all__ = ["judge_with_consumers"]

_PARAM = re.compile(r"\\\{[^}/]*\\\}")


def judge_with_consumers(changes: Sequence[Change], pacts: Sequence[Pact]) -> list[Finding]:
    """Re-grade breaking findings by whether a known consumer uses what changed."""
    calls = [
        (p.consumer, i) for p in pacts for i in p.interactions if i.kind == "http" and i.request
    ]
    out = []
    for change in changes:
        f = change.finding
        if f.severity < Severity.WARNING or not pacts:
            out.append(f)
            continue
        users = sorted(_users(change, calls), key=lambda u: (u[0], u[1].description))
        if not users:
            out.append(
                replace(
                    f, severity=Severity.WARNING, details={**f.details, "consumers": "none known"}
                )
            )
            continue
        consumer, interaction, what, op = users[0]
        names = tuple(sorted({u[0] for u in users}))
        out.append(
            replace(
                f,
                # Filed under the endpoint the broken interaction calls.
                path=op.path,
                method=op.method,
                severity=Severity.ERROR,
                message=f"{f.message} — breaks {consumer}: '{interaction.description}' {what}"
                + (f" (and {len(names) - 1} more consumer(s))" if len(names) > 1 else ""),
                consumers=names,
                interaction=interaction.description,
                details={
                    **f.details,
                    "broken_interactions": [f"{u[0]}: {u[1].description}" for u in users],
                },
            )
        )
    return out


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + _PARAM.sub("[^/]+", re.escape(path)) + "/?$")


def _calls(
    op: OperationDiff, calls: list[tuple[str, Interaction]]
) -> Iterator[tuple[str, Interaction]]:
    pattern = _template(op.either.path)
    for consumer, interaction in calls:
        request = interaction.request
        assert request is not None
        if request.method.upper() == op.method and pattern.match(request.path):
            yield consumer, interaction


def _users(
    change: Change, calls: list[tuple[str, Interaction]]
) -> Iterator[tuple[str, Interaction, str, OperationDiff]]:
    f = change.finding
    if change.roots:
        for root in change.roots:
            for consumer, interaction in _calls(root.op, calls):
                what = _schema_use(change, root, interaction)
                if what:
                    yield consumer, interaction, what, root.op
        return
    for op in change.ops:
        for consumer, interaction in _calls(op, calls):
            what = _operation_use(f, interaction)
            if what:
                yield consumer, interaction, what, op


def _status_matches(status: str, interaction: Interaction) -> bool:
    actual = interaction.response.status if interaction.response else None
    if actual is None:
        return False
    if status.isdigit():
        return int(status) == actual
    if status.upper().endswith("XX"):
        return str(actual)[0] == status[0]
    return status == "default"


def _operation_use(f: Finding, interaction: Interaction) -> str:
    status = f.details.get("status")
    if isinstance(status, str):
        if not _status_matches(status, interaction):
            return ""
        header = f.details.get("header")
        if isinstance(header, str):
            response = interaction.response
            reads = response is not None and response.header(header) is not None
            return f"reads the response header `{header}`" if reads else ""
        media = f.details.get("media_type")
        if isinstance(media, str) and f.rule.startswith("response-media-type"):
            expected = interaction.response.content_type if interaction.response else None
            same = _essence(expected or "") == _essence(media)
            return f"expects {_essence(media)}" if same else ""
        return f"expects status {status}"
    credential = f.details.get("credential")
    if f.rule == "api-security-added" and isinstance(credential, Mapping):
        return _credential_use(interaction, str(credential.get("in")), str(credential.get("name")))
    name, where = f.details.get("name"), f.details.get("in")
    if isinstance(name, str) and isinstance(where, str):
        sent = _sends_parameter(interaction, where, name)
        if f.rule == "new-required-request-parameter" or f.rule.endswith("became-required"):
            return "" if sent else f"does not send the {where} parameter `{name}`"
        return f"sends the {where} parameter `{name}`" if sent else ""
    return _body_use(f, interaction)


def _body_use(f: Finding, interaction: Interaction) -> str:
    """Request-body changes touch only interactions that send (or omit) a body."""
    request = interaction.request
    assert request is not None
    if f.rule in ("request-body-became-required", "request-body-added-required"):
        return "" if request.body is not None else "sends no request body"
    media = f.details.get("media_type")
    if f.rule == "request-body-media-type-removed" and isinstance(media, str):
        same = _essence(request.content_type or "") == _essence(media)
        return f"sends {_essence(media)}" if same else ""
    if f.rule == "request-body-removed":
        return "sends a request body" if request.body is not None else ""
    return "calls this endpoint"


def _essence(media: str) -> str:
    return media.split(";")[0].strip().lower()


def _credential_use(interaction: Interaction, where: str, name: str) -> str:
    """A newly required credential breaks the interactions that do not send it."""
    if _sends_parameter(interaction, where, name):
        return ""
    return (
        f"sends no {name} header" if where == "header" else f"sends no {where} parameter `{name}`"
    )


def _sends_parameter(interaction: Interaction, where: str, name: str) -> bool:
    request = interaction.request
    assert request is not None
    if where == "query":
        return name in request.query
    if where == "header":
        return request.header(name) is not None
    if where == "cookie":
        cookies = "; ".join(request.header("Cookie") or [])
        return any(c.strip().startswith(f"{name}=") for c in cookies.split(";"))
    return where == "path"


# -- schema changes -----------------------------------------------------------------------


def _schema_use(change: Change, root: Root, interaction: Interaction) -> str:
    assert change.node is not None and change.hit is not None
    paths = _field_paths(root.node, change.node)
    if root.parameter is not None:
        where, name = root.parameter
        return (
            f"sends the {where} parameter `{name}`"
            if _sends_parameter(interaction, where, name)
            else ""
        )
    if root.ctx.direction == "response":
        if not _status_matches(root.status, interaction) or interaction.response is None:
            return ""
        if root.ctx.object == "header":
            return f"expects status {root.status}"
        body = interaction.response.body.value if interaction.response.body else None
        for path in paths:
            full = (*path, *change.hit.field)
            if _has(body, full):
                return f"reads `{_dotted(full)}`" if full else "reads the response body"
        return ""
    request = interaction.request
    body = request.body.value if request and request.body else None
    newly_required = (
        change.finding.rule.startswith("new-required") or "became-required" in change.finding.rule
    )
    for path in paths:
        full = (*path, *change.hit.field)
        if newly_required:
            if _has(body, full[:-1]) and not _has(body, full):
                return f"does not send `{_dotted(full)}`"
        elif _has(body, full):
            return f"sends `{_dotted(full)}`" if full else "sends a request body"
    return ""


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(".[]", "[]")


def _field_paths(start: SchemaDiff, goal: SchemaDiff, limit: int = 8) -> list[tuple[str, ...]]:
    """Property paths from ``start`` to ``goal`` in the diff graph (shortest first)."""
    found: list[tuple[str, ...]] = []
    queue: deque[tuple[SchemaDiff, tuple[str, ...], frozenset[int]]] = deque(
        [(start, (), frozenset([id(start)]))]
    )
    while queue and len(found) < limit:
        node, path, seen = queue.popleft()
        if node is goal:
            found.append(path)
            continue
        for step, child in node.children:
            if id(child) in seen:
                continue
            head, _, rest = step.partition("/")
            if head == "properties":
                nxt = (*path, rest)
            elif head in ("items", "prefixItems"):
                nxt = (*path, "[]")
            elif head in ("oneOf", "anyOf", "allOf"):
                nxt = path  # alternatives describe the same value
            else:
                continue  # if/then/not/...: no value of its own to read
            queue.append((child, nxt, seen | {id(child)}))
    return found


def _has(value: Any, path: tuple[str, ...]) -> bool:
    if not path:
        return value is not None
    head, rest = path[0], path[1:]
    if head == "[]":
        return isinstance(value, list) and any(_has(v, rest) for v in value)
    return isinstance(value, dict) and head in value and _has(value[head], rest)
