"""Rules about two versions of one pact: what the consumer added, dropped or newly expects.

Each function gets an interaction's base and revision (``None`` where it is missing) and
yields one sentence per change; :func:`seam.diff._pacts.diff_pacts` runs them in
registration order and gives each finding the rule's registered id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seam.diff.rules._registry import RULES
from seam.model import Severity
from seam.pactfile import Interaction

__all__: list[str] = []

_I = Severity.INFO


@RULES.rule("pact-interaction-added", severity=_I, area="pacts", kind="pact")
def interaction_added(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer added an interaction."""
    if base is None and revision is not None:
        yield "interaction added"


@RULES.rule("pact-interaction-removed", severity=_I, area="pacts", kind="pact")
def interaction_removed(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer no longer has an interaction."""
    if base is not None and revision is None:
        yield "interaction removed"


@RULES.rule("pact-request-changed", severity=_I, area="pacts", kind="pact")
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


@RULES.rule("pact-response-status-changed", severity=_I, area="pacts", kind="pact")
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


@RULES.rule("pact-response-field-expected", severity=_I, area="pacts", kind="pact")
def field_expected(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer now reads a response field it did not read before."""
    yield from _fields_change(base, revision, True)


@RULES.rule("pact-response-field-dropped", severity=_I, area="pacts", kind="pact")
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


@RULES.rule("pact-message-field-expected", severity=_I, area="pacts", kind="pact")
def message_field_expected(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer now reads a field of a message it did not read before."""
    yield from _message_fields_change(base, revision, True)


@RULES.rule("pact-message-field-dropped", severity=_I, area="pacts", kind="pact")
def message_field_dropped(base: Interaction | None, revision: Interaction | None) -> Iterator[str]:
    """The consumer no longer reads a field of a message."""
    yield from _message_fields_change(base, revision, False)


@RULES.rule("pact-message-metadata-changed", severity=_I, area="pacts", kind="pact")
def message_metadata_changed(
    base: Interaction | None, revision: Interaction | None
) -> Iterator[str]:
    """A message's metadata (content type, channel, …) changed."""
    if base and revision and base.kind == "message" and revision.kind == "message":
        for key in sorted(set(base.metadata) | set(revision.metadata)):
            if base.metadata.get(key) != revision.metadata.get(key):
                yield f"message metadata `{key}` changed"


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
