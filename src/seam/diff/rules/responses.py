"""Rules about responses: statuses, media types and headers."""

from __future__ import annotations

from collections.abc import Iterator

from seam.diff._structure import OperationDiff, ResponseDiff
from seam.diff.rules._registry import Hit, operation_rule
from seam.model import Severity
from seam.pactfile import media_essence

__all__: list[str] = []


def _success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _one_each(od: OperationDiff, success: bool) -> tuple[ResponseDiff, ResponseDiff] | None:
    """The single removed and single added status of a kind: a changed status."""
    removed = [r for r in od.responses if r.revision is None and _success(r.status) == success]
    added = [r for r in od.responses if r.base is None and _success(r.status) == success]
    if (
        len(removed) == 1
        and len(added) == 1
        and "default" not in (removed[0].status, added[0].status)
    ):
        return removed[0], added[0]
    return None


def _status_changed(od: OperationDiff, success: bool, rule: str, label: str) -> Iterator[Hit]:
    if od.both and (pair := _one_each(od, success)):
        old, new = pair
        yield Hit(
            rule,
            f"{label} status changed {old.status} → {new.status}",
            new.location,
            {"base": old.status, "revision": new.status, "status": old.status},
        )


def _covered(od: OperationDiff, status: str) -> bool:
    """A removed status the revision still answers under its range (``4XX``) or ``default``."""
    kept = {rd.status.upper() for rd in od.responses if rd.revision is not None}
    return "DEFAULT" in kept or f"{status[:1]}XX" in kept


def _status_removed(
    od: OperationDiff, success: bool, rule: str, label: str, covered: bool = False
) -> Iterator[Hit]:
    if not od.both or _one_each(od, success):
        return
    for rd in od.responses:
        if rd.revision is None and _success(rd.status) == success:
            if not success and _covered(od, rd.status) != covered:
                continue
            yield Hit(
                rule,
                f"{label} response {rd.status} removed"
                + (" (a range or default response still covers it)" if covered else ""),
                od.either.pointer + "/responses",
                {"status": rd.status},
                side="base",
            )


def _status_added(od: OperationDiff, success: bool, rule: str, label: str) -> Iterator[Hit]:
    if not od.both or _one_each(od, success):
        return
    for rd in od.responses:
        if rd.base is None and _success(rd.status) == success:
            yield Hit(
                rule, f"{label} response {rd.status} added", rd.location, {"status": rd.status}
            )


@operation_rule("response-success-status-changed", Severity.ERROR, "responses")
def success_status_changed(od: OperationDiff) -> Iterator[Hit]:
    """The success status changed (201 → 200): clients checking the status break."""
    yield from _status_changed(od, True, "response-success-status-changed", "success")


@operation_rule("response-success-status-removed", Severity.ERROR, "responses")
def success_status_removed(od: OperationDiff) -> Iterator[Hit]:
    """A success status is no longer returned."""
    yield from _status_removed(od, True, "response-success-status-removed", "success")


@operation_rule("response-success-status-added", Severity.INFO, "responses")
def success_status_added(od: OperationDiff) -> Iterator[Hit]:
    """A success status was added."""
    yield from _status_added(od, True, "response-success-status-added", "success")


# A documented status is part of the contract: clients branch on 404 vs 400, so removing or
# changing one fails CI by default (with pacts: an error naming each consumer expecting it).
@operation_rule("response-non-success-status-changed", Severity.ERROR, "responses")
def non_success_status_changed(od: OperationDiff) -> Iterator[Hit]:
    """An error status changed (404 → 400): clients handling the old one misread the new."""
    yield from _status_changed(od, False, "response-non-success-status-changed", "non-success")


@operation_rule("response-non-success-status-removed", Severity.ERROR, "responses")
def non_success_status_removed(od: OperationDiff) -> Iterator[Hit]:
    """A documented non-success status is no longer returned: clients handling it misread."""
    yield from _status_removed(od, False, "response-non-success-status-removed", "non-success")


@operation_rule("response-non-success-status-removed-covered", Severity.WARNING, "responses")
def non_success_status_removed_covered(od: OperationDiff) -> Iterator[Hit]:
    """A non-success status was removed, but a range (`4XX`) or `default` response covers it."""
    yield from _status_removed(
        od, False, "response-non-success-status-removed-covered", "non-success", covered=True
    )


@operation_rule("response-non-success-status-added", Severity.INFO, "responses")
def non_success_status_added(od: OperationDiff) -> Iterator[Hit]:
    """A non-success status was added."""
    yield from _status_added(od, False, "response-non-success-status-added", "non-success")


def _json_like(media: str) -> bool:
    return media_essence(media).endswith(("/json", "+json"))


def _renamed_media(rd: ResponseDiff) -> tuple[str, str, str] | None:
    """One JSON media type replaced by another: ``(kind, old, new)``; kind per oasdiff."""
    removed = [m.media for m in rd.media if m.revision is None]
    added = [m.media for m in rd.media if m.base is None]
    if (
        len(removed) != 1
        or len(added) != 1
        or not (_json_like(removed[0]) and _json_like(added[0]))
    ):
        return None
    old, new = removed[0], added[0]
    if "+" in media_essence(old) and "+" not in media_essence(new):
        return "generalized", old, new  # application/problem+json → application/json
    if "+" in media_essence(new) or ";" in new:
        return "specialized", old, new
    return "changed", old, new


@operation_rule("response-media-type-removed", Severity.ERROR, "responses")
def response_media_type_removed(od: OperationDiff) -> Iterator[Hit]:
    """A response media type is no longer produced."""
    for rd in od.responses:
        if _renamed_media(rd):
            continue
        for md in rd.media:
            if md.revision is None:
                yield Hit(
                    "response-media-type-removed",
                    f"response {rd.status} media type {md.media} removed",
                    md.location,
                    {"status": rd.status, "media_type": md.media},
                    side="base",
                )


def _media_renamed(od: OperationDiff, kind: str) -> Iterator[Hit]:
    for rd in od.responses:
        renamed = _renamed_media(rd)
        if renamed and renamed[0] == kind:
            _, old, new = renamed
            yield Hit(
                f"response-media-type-name-{kind}",
                f"response {rd.status} media type {old} became {new}",
                rd.location,
                {"status": rd.status, "media_type": old, "new_media_type": new},
            )


@operation_rule("response-media-type-name-generalized", Severity.ERROR, "responses")
def response_media_type_generalized(od: OperationDiff) -> Iterator[Hit]:
    """A response media type became more general (application/problem+json → application/json)."""
    yield from _media_renamed(od, "generalized")


@operation_rule("response-media-type-name-specialized", Severity.INFO, "responses")
def response_media_type_specialized(od: OperationDiff) -> Iterator[Hit]:
    """A response media type became more specific (application/json → application/problem+json)."""
    yield from _media_renamed(od, "specialized")


@operation_rule("response-media-type-name-changed", Severity.INFO, "responses")
def response_media_type_renamed(od: OperationDiff) -> Iterator[Hit]:
    """A JSON response media type was replaced by another JSON media type."""
    yield from _media_renamed(od, "changed")


@operation_rule("response-media-type-added", Severity.INFO, "responses")
def response_media_type_added(od: OperationDiff) -> Iterator[Hit]:
    """A response media type was added."""
    for rd in od.responses:
        for md in rd.media:
            if md.base is None and not _renamed_media(rd):
                yield Hit(
                    "response-media-type-added",
                    f"response {rd.status} media type {md.media} added",
                    md.location,
                    {"status": rd.status, "media_type": md.media},
                )


@operation_rule("response-body-media-type-schema-removed", Severity.WARNING, "responses")
def response_schema_removed(od: OperationDiff) -> Iterator[Hit]:
    """A response media type no longer documents its schema."""
    for rd in od.responses:
        for md in rd.media:
            if (
                md.base is not None
                and md.revision is not None
                and "schema" in md.base
                and "schema" not in md.revision
            ):
                yield Hit(
                    "response-body-media-type-schema-removed",
                    f"response {rd.status} {md.media} schema removed",
                    md.location,
                    {"status": rd.status},
                )


def _header_removed(od: OperationDiff, required: bool, rule: str) -> Iterator[Hit]:
    for rd in od.responses:
        for hd in rd.headers:
            if (
                hd.revision is None
                and hd.base is not None
                and (hd.base.get("required") is True) == required
            ):
                yield Hit(
                    rule,
                    f"response {rd.status} header {hd.name} removed",
                    hd.location,
                    {"status": rd.status, "header": hd.name},
                    side="base",
                )


@operation_rule("required-response-header-removed", Severity.ERROR, "responses")
def required_header_removed(od: OperationDiff) -> Iterator[Hit]:
    """A required response header is no longer sent."""
    yield from _header_removed(od, True, "required-response-header-removed")


@operation_rule("optional-response-header-removed", Severity.WARNING, "responses")
def optional_header_removed(od: OperationDiff) -> Iterator[Hit]:
    """An optional response header is no longer sent."""
    yield from _header_removed(od, False, "optional-response-header-removed")


@operation_rule("response-header-became-optional", Severity.ERROR, "responses")
def header_became_optional(od: OperationDiff) -> Iterator[Hit]:
    """A required response header became optional."""
    for rd in od.responses:
        for hd in rd.headers:
            if (
                hd.base is not None
                and hd.revision is not None
                and hd.base.get("required") is True
                and hd.revision.get("required") is not True
            ):
                yield Hit(
                    "response-header-became-optional",
                    f"response {rd.status} header {hd.name} became optional",
                    hd.location,
                    {"status": rd.status, "header": hd.name},
                )


@operation_rule("response-header-added", Severity.INFO, "responses")
def header_added(od: OperationDiff) -> Iterator[Hit]:
    """A response header was added."""
    for rd in od.responses:
        for hd in rd.headers:
            if hd.base is None:
                yield Hit(
                    "response-header-added",
                    f"response {rd.status} header {hd.name} added",
                    hd.location,
                    {"status": rd.status, "header": hd.name},
                )
