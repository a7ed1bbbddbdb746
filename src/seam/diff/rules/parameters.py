"""Rules about parameters: added, removed, required, moved, re-styled."""

from __future__ import annotations

from collections.abc import Iterator

from seam.diff._structure import OperationDiff, ParameterDiff
from seam.diff.rules._registry import Hit, operation_rule
from seam.model import Severity

__all__: list[str] = []


def _label(pd: ParameterDiff) -> str:
    return f"{pd.key[0]} parameter `{(pd.revision or pd.base).name}`"  # type: ignore[union-attr]


def _details(pd: ParameterDiff) -> dict[str, str]:
    return {"in": pd.key[0], "name": (pd.revision or pd.base).name}  # type: ignore[union-attr]


def _moved(od: OperationDiff, pd: ParameterDiff) -> bool:
    """The same name exists on the other side in another location (reported as a move)."""
    name = pd.key[1].lower()
    other = [p for p in od.parameters if p.key[1].lower() == name and p.key[0] != pd.key[0]]
    if pd.base is None:
        return any(p.base is not None and p.revision is None for p in other)
    return any(p.revision is not None and p.base is None for p in other)


def _parameter_added(od: OperationDiff, required: bool, rule: str) -> Iterator[Hit]:
    """New non-path parameters that are (or are not) required, other than moved ones."""
    for pd in od.parameters:
        if (
            pd.base is None
            and pd.revision is not None
            and pd.key[0] != "path"
            and (pd.revision.node.get("required") is True) == required
            and not _moved(od, pd)
        ):
            kind = "required" if required else "optional"
            yield Hit(rule, f"new {kind} {_label(pd)}", pd.revision.pointer, _details(pd))


@operation_rule("new-required-request-parameter", Severity.ERROR, "parameters")
def required_parameter_added(od: OperationDiff) -> Iterator[Hit]:
    """A new required parameter: every request without it is refused."""
    yield from _parameter_added(od, True, "new-required-request-parameter")


@operation_rule("new-request-path-parameter", Severity.ERROR, "parameters")
def path_parameter_added(od: OperationDiff) -> Iterator[Hit]:
    """A new path parameter (the path itself changed shape)."""
    for pd in od.parameters:
        if (
            pd.base is None
            and pd.revision is not None
            and pd.key[0] == "path"
            and not _renamed_path_parameter(od, pd)
        ):
            yield Hit(
                "new-request-path-parameter", f"new {_label(pd)}", pd.revision.pointer, _details(pd)
            )


def _renamed_path_parameter(od: OperationDiff, pd: ParameterDiff) -> bool:
    # `/a/{id}` → `/a/{key}` is one endpoint: its path parameter was only renamed.
    if pd.base is None:
        gone = [p for p in od.parameters if p.key[0] == "path" and p.revision is None]
    else:
        gone = [p for p in od.parameters if p.key[0] == "path" and p.base is None]
    return bool(gone)


@operation_rule("new-optional-request-parameter", Severity.INFO, "parameters")
def optional_parameter_added(od: OperationDiff) -> Iterator[Hit]:
    """A new optional parameter."""
    yield from _parameter_added(od, False, "new-optional-request-parameter")


@operation_rule("request-parameter-removed", Severity.WARNING, "parameters")
def parameter_removed(od: OperationDiff) -> Iterator[Hit]:
    """A parameter was removed: a client sending it may be refused or silently ignored."""
    for pd in od.parameters:
        if pd.revision is None and pd.base is not None and not _moved(od, pd):
            if pd.key[0] == "path" and _renamed_path_parameter(od, pd):
                continue
            yield Hit(
                "request-parameter-removed",
                f"{_label(pd)} removed",
                pd.base.pointer,
                _details(pd),
                side="base",
            )


@operation_rule("request-parameter-location-changed", Severity.ERROR, "parameters")
def parameter_moved(od: OperationDiff) -> Iterator[Hit]:
    """A parameter moved (query → header, ...): clients send it where it is no longer read."""
    for pd in od.parameters:
        if pd.base is None and pd.revision is not None and _moved(od, pd):
            old = next(
                p
                for p in od.parameters
                if p.key[1].lower() == pd.key[1].lower()
                and p.base is not None
                and p.revision is None
            )
            yield Hit(
                "request-parameter-location-changed",
                f"parameter `{pd.revision.name}` moved from {old.key[0]} to {pd.key[0]}",
                pd.revision.pointer,
                {"name": pd.revision.name, "from": old.key[0], "to": pd.key[0]},
            )


def _became(od: OperationDiff, required: bool, rule: str) -> Iterator[Hit]:
    """Parameters on both sides that became required (or optional)."""
    for pd in od.parameters:
        if (
            pd.base
            and pd.revision
            and (pd.base.node.get("required") is True) != required
            and (pd.revision.node.get("required") is True) == required
        ):
            kind = "required" if required else "optional"
            yield Hit(rule, f"{_label(pd)} became {kind}", pd.revision.pointer, _details(pd))


@operation_rule("request-parameter-became-required", Severity.ERROR, "parameters")
def parameter_became_required(od: OperationDiff) -> Iterator[Hit]:
    """An optional parameter became required."""
    yield from _became(od, True, "request-parameter-became-required")


@operation_rule("request-parameter-became-optional", Severity.INFO, "parameters")
def parameter_became_optional(od: OperationDiff) -> Iterator[Hit]:
    """A required parameter became optional."""
    yield from _became(od, False, "request-parameter-became-optional")


_STYLE_DEFAULT = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


@operation_rule("request-parameter-style-changed", Severity.ERROR, "parameters")
def parameter_style_changed(od: OperationDiff) -> Iterator[Hit]:
    """A parameter's serialisation (style, explode, collectionFormat) changed."""
    for pd in od.parameters:
        if not (pd.base and pd.revision):
            continue
        default = _STYLE_DEFAULT.get(pd.key[0])
        b, r = pd.base.node, pd.revision.node
        bstyle, rstyle = b.get("style", default), r.get("style", default)
        # explode defaults to true for style=form only (OpenAPI 3.1 §4.8.12.4).
        bexp, rexp = b.get("explode", bstyle == "form"), r.get("explode", rstyle == "form")
        bfmt, rfmt = b.get("collectionFormat", "csv"), r.get("collectionFormat", "csv")
        if (bstyle, bexp, bfmt) != (rstyle, rexp, rfmt):
            yield Hit(
                "request-parameter-style-changed",
                f"{_label(pd)} serialisation changed from "
                f"{bstyle}/explode={bexp} to {rstyle}/explode={rexp}"
                if (bstyle, bexp) != (rstyle, rexp)
                else f"{_label(pd)} collectionFormat changed from {bfmt} to {rfmt}",
                pd.revision.pointer,
                _details(pd),
            )
