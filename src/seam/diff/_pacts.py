"""Two versions of one pact: what the consumer added, dropped or newly expects.

These findings are information for review (the provider's verification is what
decides); they say which interactions changed and which response fields and
statuses the consumer now relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seam.diff._registry import REGISTRY
from seam.model import Finding, Severity
from seam.pactfile import Interaction, Pact

__all__ = ["diff_pacts"]

_I = Severity.INFO


@REGISTRY.rule("pact-interaction-added", severity=_I, area="pacts")
def interaction_added(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer added an interaction."""
    if base is None and revision is not None:
        yield "interaction added"


@REGISTRY.rule("pact-interaction-removed", severity=_I, area="pacts")
def interaction_removed(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer no longer has an interaction."""
    if base is not None and revision is None:
        yield "interaction removed"


@REGISTRY.rule("pact-request-changed", severity=_I, area="pacts")
def request_changed(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The request of an interaction changed (method, path, query, headers or body)."""
    if base and revision and base.request and revision.request:
        b, r = base.request, revision.request
        for what, bv, rv in (
            ("method", b.method, r.method),
            ("path", b.path, r.path),
            ("query", dict(b.query), dict(r.query)),
            ("body", _body(b.body), _body(r.body)),
        ):
            if bv != rv:
                yield f"request {what} changed"


@REGISTRY.rule("pact-response-status-changed", severity=_I, area="pacts")
def status_changed(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer now expects another status."""
    if (
        base
        and revision
        and base.response
        and revision.response
        and base.response.status != revision.response.status
    ):
        yield f"expects status {revision.response.status} instead of {base.response.status}"


def _fields_change(
    base: Interaction | None, revision: Interaction | None, expected: bool
) -> Iterator[str]:
    """Response fields the consumer now reads (or no longer reads)."""
    if base and revision and base.response and revision.response:
        before = set(_fields(_body(base.response.body)))
        after = set(_fields(_body(revision.response.body)))
        what = "now reads" if expected else "no longer reads"
        for field in sorted(after - before if expected else before - after):
            yield f"{what} response field `{field}`"


@REGISTRY.rule("pact-response-field-expected", severity=_I, area="pacts")
def field_expected(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer now reads a response field it did not read before."""
    yield from _fields_change(base, revision, True)


@REGISTRY.rule("pact-response-field-dropped", severity=_I, area="pacts")
def field_dropped(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer no longer reads a response field."""
    yield from _fields_change(base, revision, False)


def _message_fields_change(
    base: Interaction | None, revision: Interaction | None, expected: bool
) -> Iterator[str]:
    """Message payload fields the consumer now reads (or no longer reads)."""
    if base and revision and base.kind == "message" and revision.kind == "message":
        before = set(_fields(_body(base.message)))
        after = set(_fields(_body(revision.message)))
        what = "now reads" if expected else "no longer reads"
        for field in sorted(after - before if expected else before - after):
            yield f"{what} message field `{field}`"


@REGISTRY.rule("pact-message-field-expected", severity=_I, area="pacts")
def message_field_expected(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer now reads a field of a message it did not read before."""
    yield from _message_fields_change(base, revision, True)


@REGISTRY.rule("pact-message-field-dropped", severity=_I, area="pacts")
def message_field_dropped(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer no longer reads a field of a message."""
    yield from _message_fields_change(base, revision, False)


@REGISTRY.rule("pact-message-metadata-changed", severity=_I, area="pacts")
def message_metadata_changed(
    base: Interaction | None, revision: Interaction | None
) -> Iterator[str]:
    """A message's metadata (content type, channel, …) changed."""
    if base and revision and base.kind == "message" and revision.kind == "message":
        for key in sorted(set(base.metadata) | set(revision.metadata)):
            if base.metadata.get(key) != revision.metadata.get(key):
                yield f"message metadata `{key}` changed"


_RULES = (
    ("pact-interaction-added", interaction_added),
    ("pact-interaction-removed", interaction_removed),
    ("pact-request-changed", request_changed),
    ("pact-response-status-changed", status_changed),
    ("pact-response-field-expected", field_expected),
    ("pact-response-field-dropped", field_dropped),
    ("pact-message-field-expected", message_field_expected),
    ("pact-message-field-dropped", message_field_dropped),
    ("pact-message-metadata-changed", message_metadata_changed),
)


def _body(body: Any) -> Any:
    return None if body is None else body.value


def _fields(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key in value:
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from _fields(value[key], path)
    elif isinstance(value, list):
        for item in value:
            yield from _fields(item, f"{prefix}[]")


def _label(i: Interaction) -> str:
    states = f" (given {', '.join(i.state_names)})" if i.state_names else ""
    return f"'{i.description}'{states}"


def diff_pacts(base: Pact, revision: Pact, file: str | None = None) -> list[Finding]:
    """Findings for two versions of one pact, matched by description and provider states."""
    bmap = {i.identity: i for i in base.interactions}
    rmap = {i.identity: i for i in revision.interactions}
    out: list[Finding] = []
    for identity in sorted(set(bmap) | set(rmap)):
        b, r = bmap.get(identity), rmap.get(identity)
        either = r or b
        assert either is not None
        request = either.request
        for rule_id, rule in _RULES:
            for text in rule(b, r):
                out.append(
                    Finding(
                        rule=rule_id,
                        severity=REGISTRY[rule_id].severity,
                        message=f"{revision.consumer}: {_label(either)} {text}",
                        path=request.path if request else "",
                        method=request.method.upper() if request else "",
                        file=file,
                        consumers=(revision.consumer,),
                        interaction=either.description,
                    )
                )
    return out
