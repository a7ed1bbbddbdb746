"""Rules about the document as a whole: named schemas, security schemes, global security.

All informational (oasdiff's levels): what breaks a client shows up where a schema or
scheme is used, in the operations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from seam.diff._structure import DocumentDiff
from seam.diff.rules._registry import Hit, document_rule
from seam.model import Severity
from seam.openapi import Api, pointer

__all__: list[str] = []


def _section(spec: Api, kind: str) -> tuple[Mapping[str, Any], str]:
    """``components/<kind>`` (or Swagger 2.0's top-level equivalent) and its pointer."""
    if spec.swagger:
        top = {"schemas": "definitions", "securitySchemes": "securityDefinitions"}[kind]
        found = spec.data.get(top)
        return (found if isinstance(found, Mapping) else {}), pointer(top)
    components = spec.data.get("components")
    found = components.get(kind) if isinstance(components, Mapping) else None
    return (found if isinstance(found, Mapping) else {}), pointer("components", kind)


def _global(spec: Api) -> set[str]:
    security = spec.data.get("security")
    names: set[str] = set()
    for alternative in security if isinstance(security, list) else []:
        if isinstance(alternative, Mapping):
            names.update(str(n) for n in alternative)
    return names


@document_rule("api-schema-removed", Severity.INFO, "schemas")
def schema_removed(diff: DocumentDiff) -> Iterator[Hit]:
    """A named schema was removed from the components."""
    before, at = _section(diff.base, "schemas")
    after, _ = _section(diff.revision, "schemas")
    for name in sorted(set(before) - set(after)):
        if diff.schemas.kept_elsewhere(before[name]):
            continue  # inlined unchanged where it was used: a refactor, not a removal
        yield Hit(
            "api-schema-removed",
            f"schema `{name}` removed",
            f"{at}/{name}",
            {"schema": name},
            side="base",
        )


def _scheme_change(diff: DocumentDiff, removed: bool, rule: str) -> Iterator[Hit]:
    """Security schemes removed from (or added to) the components."""
    before, base_at = _section(diff.base, "securitySchemes")
    after, revision_at = _section(diff.revision, "securitySchemes")
    names = set(before) - set(after) if removed else set(after) - set(before)
    at, side = (base_at, "base") if removed else (revision_at, "revision")
    for name in sorted(names):
        yield Hit(
            rule,
            f"security scheme `{name}` {'removed' if removed else 'added'}",
            f"{at}/{name}",
            {"scheme": name},
            side=side,
        )


@document_rule("api-security-component-removed", Severity.INFO, "security")
def security_scheme_removed(diff: DocumentDiff) -> Iterator[Hit]:
    """A security scheme was removed from the components."""
    yield from _scheme_change(diff, True, "api-security-component-removed")


@document_rule("api-security-component-added", Severity.INFO, "security")
def security_scheme_added(diff: DocumentDiff) -> Iterator[Hit]:
    """A security scheme was added to the components."""
    yield from _scheme_change(diff, False, "api-security-component-added")


def _global_change(diff: DocumentDiff, removed: bool, rule: str) -> Iterator[Hit]:
    """Schemes removed from (or added to) the document's default security."""
    before, after = _global(diff.base), _global(diff.revision)
    names = before - after if removed else after - before
    what = "removed from" if removed else "added to"
    for name in sorted(names):
        yield Hit(
            rule,
            f"security scheme `{name}` {what} the default security",
            "#/security",
            {"scheme": name},
            side="base" if removed else "revision",
        )


@document_rule("api-global-security-added", Severity.INFO, "security")
def global_security_added(diff: DocumentDiff) -> Iterator[Hit]:
    """A scheme was added to the document's default security (per operation: api-security-added)."""
    yield from _global_change(diff, False, "api-global-security-added")


@document_rule("api-global-security-removed", Severity.INFO, "security")
def global_security_removed(diff: DocumentDiff) -> Iterator[Hit]:
    """A scheme was removed from the document's default security."""
    yield from _global_change(diff, True, "api-global-security-removed")
