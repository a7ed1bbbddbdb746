"""Rules about request bodies: added, removed, required, media types."""

from __future__ import annotations

from collections.abc import Iterator

from seam.diff._structure import OperationDiff
from seam.diff.rules._registry import Hit, operation_rule
from seam.model import Severity

__all__: list[str] = []


def _required(od: OperationDiff, side: str) -> bool | None:
    op = od.base if side == "base" else od.revision
    if op is None or op.body is None:
        return None
    return op.body.get("required") is True


def _body_went(
    od: OperationDiff, before: bool | None, after: bool | None, rule: str, message: str
) -> Iterator[Hit]:
    """The body went from ``before`` to ``after`` (None: no body; else: required or not)."""
    if od.both and _required(od, "base") is before and _required(od, "revision") is after:
        yield Hit(rule, message, od.either.body_pointer)


@operation_rule("request-body-added-required", Severity.ERROR, "request-bodies")
def required_body_added(od: OperationDiff) -> Iterator[Hit]:
    """A required request body was added where there was none."""
    yield from _body_went(
        od, None, True, "request-body-added-required", "required request body added"
    )


@operation_rule("request-body-added-optional", Severity.INFO, "request-bodies")
def optional_body_added(od: OperationDiff) -> Iterator[Hit]:
    """An optional request body was added where there was none."""
    yield from _body_went(
        od, None, False, "request-body-added-optional", "optional request body added"
    )


@operation_rule("request-body-removed", Severity.ERROR, "request-bodies")
def body_removed(od: OperationDiff) -> Iterator[Hit]:
    """The request body was removed."""
    if od.both and _required(od, "base") is not None and _required(od, "revision") is None:
        assert od.base is not None
        yield Hit("request-body-removed", "request body removed", od.base.body_pointer, side="base")


@operation_rule("request-body-became-required", Severity.ERROR, "request-bodies")
def body_became_required(od: OperationDiff) -> Iterator[Hit]:
    """An optional request body became required."""
    yield from _body_went(
        od, False, True, "request-body-became-required", "request body became required"
    )


@operation_rule("request-body-became-optional", Severity.INFO, "request-bodies")
def body_became_optional(od: OperationDiff) -> Iterator[Hit]:
    """A required request body became optional."""
    yield from _body_went(
        od, True, False, "request-body-became-optional", "request body became optional"
    )


def _both_bodies(od: OperationDiff) -> bool:
    return _required(od, "base") is not None and _required(od, "revision") is not None


def _media_type_changed(od: OperationDiff, removed: bool, rule: str) -> Iterator[Hit]:
    """Request media types removed (or added) while the operation keeps a body."""
    if _both_bodies(od):
        for md in od.body:
            if (md.revision if removed else md.base) is None:
                yield Hit(
                    rule,
                    f"request media type {md.media} {'removed' if removed else 'added'}",
                    md.location,
                    {"media_type": md.media},
                    side="base" if removed else "revision",
                )


@operation_rule("request-body-media-type-removed", Severity.ERROR, "request-bodies")
def body_media_type_removed(od: OperationDiff) -> Iterator[Hit]:
    """A request media type is no longer accepted."""
    yield from _media_type_changed(od, True, "request-body-media-type-removed")


@operation_rule("request-body-media-type-added", Severity.INFO, "request-bodies")
def body_media_type_added(od: OperationDiff) -> Iterator[Hit]:
    """A request media type is newly accepted."""
    yield from _media_type_changed(od, False, "request-body-media-type-added")


@operation_rule("request-body-media-type-schema-added", Severity.ERROR, "request-bodies")
def body_schema_added(od: OperationDiff) -> Iterator[Hit]:
    """A schema now constrains a request media type that had none."""
    for md in od.body:
        if (
            md.base is not None
            and md.revision is not None
            and "schema" not in md.base
            and "schema" in md.revision
        ):
            yield Hit(
                "request-body-media-type-schema-added",
                f"schema added to request media type {md.media}",
                md.location,
            )
