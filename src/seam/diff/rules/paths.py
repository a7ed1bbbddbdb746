"""Rules about paths and operations: removed, added, deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from seam.diff._structure import OperationDiff
from seam.diff.rules._registry import Hit, operation_rule
from seam.model import Severity

__all__: list[str] = []


def _webhook(od: OperationDiff) -> str:
    return od.either.path.removeprefix("webhook:")


def _deprecated(od: OperationDiff) -> bool:
    return od.base is not None and od.base.node.get("deprecated") is True


def _removal(
    od: OperationDiff, whole_path: bool, deprecated: bool, rule: str, message: str
) -> Iterator[Hit]:
    """An operation removed with (or without) its path, deprecated first (or not)."""
    if (
        od.revision is None
        and od.path_removed == whole_path
        and not od.either.webhook
        and _deprecated(od) == deprecated
    ):
        yield Hit(rule, message, od.either.pointer, side="base")


@operation_rule("api-path-removed-without-deprecation", Severity.ERROR, "paths")
def path_removed(od: OperationDiff) -> Iterator[Hit]:
    """A path was removed without being deprecated first."""
    yield from _removal(od, True, False, "api-path-removed-without-deprecation", "path removed")


@operation_rule("api-path-removed-with-deprecation", Severity.INFO, "paths")
def deprecated_path_removed(od: OperationDiff) -> Iterator[Hit]:
    """A deprecated path was removed."""
    yield from _removal(
        od, True, True, "api-path-removed-with-deprecation", "deprecated path removed"
    )


@operation_rule("api-removed-without-deprecation", Severity.ERROR, "paths")
def operation_removed(od: OperationDiff) -> Iterator[Hit]:
    """An operation was removed (its path remains) without being deprecated first."""
    yield from _removal(od, False, False, "api-removed-without-deprecation", "operation removed")


@operation_rule("api-removed-with-deprecation", Severity.INFO, "paths")
def deprecated_operation_removed(od: OperationDiff) -> Iterator[Hit]:
    """A deprecated operation was removed."""
    yield from _removal(
        od, False, True, "api-removed-with-deprecation", "deprecated operation removed"
    )


@operation_rule("endpoint-added", Severity.INFO, "paths")
def operation_added(od: OperationDiff) -> Iterator[Hit]:
    """An operation was added."""
    if od.base is None and not od.either.webhook:
        yield Hit("endpoint-added", "endpoint added", od.either.pointer)


@operation_rule("webhook-removed", Severity.ERROR, "paths")
def webhook_removed(od: OperationDiff) -> Iterator[Hit]:
    """A webhook was removed."""
    if od.revision is None and od.either.webhook:
        yield Hit(
            "webhook-removed", f"webhook `{_webhook(od)}` removed", od.either.pointer, side="base"
        )


@operation_rule("webhook-added", Severity.INFO, "paths")
def webhook_added(od: OperationDiff) -> Iterator[Hit]:
    """A webhook was added."""
    if od.base is None and od.either.webhook:
        yield Hit("webhook-added", f"webhook `{_webhook(od)}` added", od.either.pointer)


@operation_rule("endpoint-deprecated", Severity.INFO, "paths")
def operation_deprecated(od: OperationDiff) -> Iterator[Hit]:
    """An operation was deprecated."""
    if (
        od.both
        and od.revision is not None
        and od.revision.node.get("deprecated") is True
        and not _deprecated(od)
    ):
        yield Hit("endpoint-deprecated", "endpoint deprecated", od.revision.pointer + "/deprecated")


@operation_rule("endpoint-reactivated", Severity.INFO, "paths")
def operation_reactivated(od: OperationDiff) -> Iterator[Hit]:
    """A deprecated operation is no longer deprecated."""
    if (
        od.both
        and od.revision is not None
        and od.revision.node.get("deprecated") is not True
        and _deprecated(od)
    ):
        yield Hit("endpoint-reactivated", "endpoint no longer deprecated", od.revision.pointer)


@operation_rule("api-operation-id-removed", Severity.INFO, "paths")
def operation_id_changed(od: OperationDiff) -> Iterator[Hit]:
    """The operationId was removed or replaced."""
    if od.base is None or od.revision is None:
        return
    before, after = od.base.node.get("operationId"), od.revision.node.get("operationId")
    if before is not None and before != after:
        yield Hit(
            "api-operation-id-removed",
            f"operationId {before!r} removed (now {after!r})",
            od.revision.pointer,
        )


@operation_rule("api-tag-removed", Severity.INFO, "paths")
def tag_removed(od: OperationDiff) -> Iterator[Hit]:
    """A tag was removed from the operation."""
    if od.base is None or od.revision is None:
        return
    after = od.revision.node.get("tags") or []
    for tag in od.base.node.get("tags") or []:
        if tag not in after:
            yield Hit("api-tag-removed", f"tag {tag!r} removed", od.revision.pointer, {"tag": tag})
