"""Rules about a schema's keywords: bounds, enums, const, defaults, patterns, subschemas.

Each function looks at one :class:`SchemaDiff` node in one context and yields hits of a
*kind* (``min-increased``); the registry turns it into the id for the context
(``request-property-min-increased``) or drops it where the change cannot break anyone (a
maximum raised in a response). Types, composition and properties are in ``schemas``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from seam.diff._catalogue import FAMILIES
from seam.diff._schemas_diff import ABSENT, SchemaDiff
from seam.diff.rules._registry import Context, Hit, family_id, schema_rule
from seam.model import Severity

__all__ = ["keyword_change", "keyword_hit", "show"]

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def show(value: Any) -> str:
    """A keyword's value in a message: ``absent``, a sorted type set, or JSON."""
    if value is ABSENT:
        return "absent"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    return json.dumps(value, sort_keys=True, default=str)


def keyword_change(node: SchemaDiff, keyword: str) -> tuple[Any, Any] | None:
    """``(base, revision)`` of a keyword that changed at ``node``, else ``None``."""
    return node.keywords.get(keyword)


def keyword_hit(kind: str, node: SchemaDiff, keyword: str, message: str, **details: Any) -> Hit:
    """A hit of ``kind`` located at the keyword, its name in ``details``."""
    return Hit(kind, message, f"{node.location}/{keyword}", {"keyword": keyword, **details})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bound(node: SchemaDiff, keyword: str, name: str) -> Iterator[Hit]:
    """``<name>-increased/-decreased/-set/-unset`` for a numeric keyword."""
    change = keyword_change(node, keyword)
    if change is None:
        return
    b, r = change
    details = {"base": None if b is ABSENT else b, "revision": None if r is ABSENT else r}
    if _number(b) and _number(r):
        kind = f"{name}-increased" if r > b else f"{name}-decreased"
        message = f"{keyword} changed from {b} to {r}"
    elif b is ABSENT and _number(r):
        kind, message = f"{name}-set", f"{keyword} {r} was set"
    elif _number(b) and r is ABSENT:
        kind, message = f"{name}-unset", f"{keyword} {b} was removed"
    else:
        return
    # The catalogue names a bound set or removed for some keywords only (maxLength removed,
    # minItems set...); for the others that change is no kind, and no rule's.
    if kind in FAMILIES:
        yield keyword_hit(kind, node, keyword, message, **details)


@schema_rule(kinds=("min-increased", "min-decreased", "min-set"))
def minimum_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The minimum changed: raised or newly set, values that were valid are refused."""
    yield from _bound(node, "minimum", "min")


@schema_rule(kinds=("max-increased", "max-decreased", "max-set"))
def maximum_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The maximum changed: lowered or newly set, values that were valid are refused."""
    yield from _bound(node, "maximum", "max")


@schema_rule(kinds=("exclusive-min-increased", "exclusive-min-decreased", "exclusive-min-set"))
def exclusive_minimum_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The exclusive minimum changed."""
    yield from _bound(node, "exclusiveMinimum", "exclusive-min")


@schema_rule(kinds=("exclusive-max-increased", "exclusive-max-decreased", "exclusive-max-set"))
def exclusive_maximum_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The exclusive maximum changed."""
    yield from _bound(node, "exclusiveMaximum", "exclusive-max")


@schema_rule(kinds=("min-length-increased", "min-length-decreased"))
def min_length_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The minimum length changed: raised, shorter strings are refused."""
    yield from _bound(node, "minLength", "min-length")


@schema_rule(
    kinds=("max-length-increased", "max-length-decreased", "max-length-set", "max-length-unset")
)
def max_length_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The maximum length changed: lowered or set, longer strings are refused."""
    yield from _bound(node, "maxLength", "max-length")


@schema_rule(
    kinds=("min-items-increased", "min-items-decreased", "min-items-set", "min-items-unset")
)
def min_items_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The minimum number of items changed."""
    yield from _bound(node, "minItems", "min-items")


@schema_rule(kinds=("max-items-increased", "max-items-decreased"))
def max_items_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The maximum number of items changed."""
    yield from _bound(node, "maxItems", "max-items")


@schema_rule(kinds=("min-contains-increased", "min-contains-decreased"))
def min_contains_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """minContains changed."""
    yield from _bound(node, "minContains", "min-contains")


@schema_rule(kinds=("max-contains-increased", "max-contains-decreased"))
def max_contains_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """maxContains changed."""
    yield from _bound(node, "maxContains", "max-contains")


@schema_rule(kinds=("enum-value-added", "enum-value-removed", "became-enum"))
def enum_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """Enum values were added or removed, or a free value became an enum."""
    change = keyword_change(node, "enum")
    if change is None:
        return
    b, r = change
    if not isinstance(r, list):
        return  # an enum dropped accepts and returns more: nothing to report
    if not isinstance(b, list):
        yield keyword_hit("became-enum", node, "enum", f"became an enum of {show(r)}", values=r)
        return
    bset = {show(v) for v in b}
    rset = {show(v) for v in r}
    for v in r:
        if show(v) not in bset:
            yield keyword_hit(
                "enum-value-added", node, "enum", f"enum value {show(v)} added", value=v
            )
    for v in b:
        if show(v) not in rset:
            yield keyword_hit(
                "enum-value-removed", node, "enum", f"enum value {show(v)} removed", value=v
            )


@schema_rule(kinds=("x-extensible-enum-value-removed",))
def extensible_enum_value_removed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A value of an x-extensible-enum was removed."""
    change = keyword_change(node, "x-extensible-enum")
    if change is None or not isinstance(change[0], list):
        return
    after = change[1] if isinstance(change[1], list) else []
    for v in change[0]:
        if v not in after:
            yield keyword_hit(
                "x-extensible-enum-value-removed",
                node,
                "x-extensible-enum",
                f"x-extensible-enum value {show(v)} removed",
                value=v,
            )


def _presence(node: SchemaDiff, keyword: str, kind: str, label: str) -> Iterator[Hit]:
    change = keyword_change(node, keyword)
    if change is None:
        return
    b, r = change
    if b is ABSENT and r is not ABSENT:
        yield keyword_hit(f"{kind}-added", node, keyword, f"{label} {show(r)} was added", value=r)
    elif r is ABSENT and b is not ABSENT:
        yield keyword_hit(
            f"{kind}-removed", node, keyword, f"{label} {show(b)} was removed", value=b
        )
    elif b is not ABSENT and r is not ABSENT:
        yield keyword_hit(
            f"{kind}-changed",
            node,
            keyword,
            f"{label} changed from {show(b)} to {show(r)}",
            base=b,
            revision=r,
        )


@schema_rule(kinds=("const-added", "const-changed", "const-removed"))
def const_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The const value was added, changed or removed."""
    yield from _presence(node, "const", "const", "const")


@schema_rule(kinds=("default-value-added", "default-value-changed", "default-value-removed"))
def default_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The default value was added, changed or removed."""
    yield from _presence(node, "default", "default-value", "default")


# Patterns that match every string: writing one is writing no pattern at all.
_ANY_PATTERN = frozenset({"", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$"})


@schema_rule(kinds=("pattern-added", "pattern-changed", "pattern-generalized", "pattern-removed"))
def pattern_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The pattern was added, changed, made to match anything, or removed."""
    change = keyword_change(node, "pattern")
    if change is None:
        return
    b, r = (ABSENT if v in _ANY_PATTERN else v for v in change)
    if b == r:
        return
    if b is not ABSENT and r is ABSENT and change[1] is not ABSENT:
        text = f"pattern {show(b)} became {show(change[1])}, which matches anything"
        if family_id("pattern-generalized", ctx):
            yield keyword_hit(
                "pattern-generalized", node, "pattern", text, base=b, revision=change[1]
            )
            return
    yield from _presence(
        SchemaDiff(
            node.location, node.base_location, node.base, node.revision, {"pattern": (b, r)}
        ),
        "pattern",
        "pattern",
        "pattern",
    )


def _subschema(node: SchemaDiff, keyword: str, kind: str) -> Iterator[Hit]:
    change = keyword_change(node, keyword)
    if change is None:
        return
    b, r = change
    if b is ABSENT and r is not ABSENT:
        yield keyword_hit(f"{kind}-added", node, keyword, f"`{keyword}` was added")
    elif r is ABSENT and b is not ABSENT:
        yield keyword_hit(f"{kind}-removed", node, keyword, f"`{keyword}` was removed")


@schema_rule(kinds=("contains-added", "contains-removed"))
def contains_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `contains` subschema was added or removed."""
    yield from _subschema(node, "contains", "contains")


@schema_rule(kinds=("if-added", "if-removed"))
def if_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """An `if` subschema was added or removed."""
    yield from _subschema(node, "if", "if")


@schema_rule(kinds=("then-added", "then-removed"))
def then_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `then` subschema was added or removed."""
    yield from _subschema(node, "then", "then")


@schema_rule(kinds=("else-added", "else-removed"))
def else_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """An `else` subschema was added or removed."""
    yield from _subschema(node, "else", "else")


@schema_rule(kinds=("property-names-added", "property-names-removed"))
def property_names_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `propertyNames` subschema was added or removed."""
    yield from _subschema(node, "propertyNames", "property-names")


@schema_rule(kinds=("unevaluated-items-added", "unevaluated-items-removed"))
def unevaluated_items_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """An `unevaluatedItems` subschema was added or removed."""
    yield from _subschema(node, "unevaluatedItems", "unevaluated-items")


@schema_rule(kinds=("unevaluated-properties-added", "unevaluated-properties-removed"))
def unevaluated_properties_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """An `unevaluatedProperties` subschema was added or removed."""
    yield from _subschema(node, "unevaluatedProperties", "unevaluated-properties")


@schema_rule(kinds=("prefix-items-added", "prefix-items-removed"))
def prefix_items_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """`prefixItems` was added or removed."""
    yield from _subschema(node, "prefixItems", "prefix-items")


@schema_rule(kinds=("content-schema-added", "content-schema-removed"))
def content_schema_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `contentSchema` was added or removed."""
    yield from _subschema(node, "contentSchema", "content-schema")


@schema_rule(kinds=("content-encoding-changed",))
def content_encoding_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The `contentEncoding` changed."""
    change = keyword_change(node, "contentEncoding")
    if change is not None:
        b, r = change
        yield keyword_hit(
            "content-encoding-changed",
            node,
            "contentEncoding",
            f"contentEncoding changed from {show(b)} to {show(r)}",
        )


@schema_rule(kinds=("content-media-type-changed",))
def content_media_type_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The `contentMediaType` changed."""
    change = keyword_change(node, "contentMediaType")
    if change is not None:
        b, r = change
        yield keyword_hit(
            "content-media-type-changed",
            node,
            "contentMediaType",
            f"contentMediaType changed from {show(b)} to {show(r)}",
        )


def _keys(node: SchemaDiff, keyword: str, kind: str, what: str) -> Iterator[Hit]:
    change = keyword_change(node, keyword)
    if change is None:
        return
    b, r = change
    before = set(b) if isinstance(b, frozenset | Mapping) else set()
    after = set(r) if isinstance(r, frozenset | Mapping) else set()
    for key in sorted(after - before):
        yield keyword_hit(f"{kind}-added", node, keyword, f"{what} {key!r} was added", key=key)
    for key in sorted(before - after):
        yield keyword_hit(f"{kind}-removed", node, keyword, f"{what} {key!r} was removed", key=key)


@schema_rule(kinds=("pattern-property-added", "pattern-property-removed"))
def pattern_properties_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `patternProperties` entry was added or removed."""
    yield from _keys(node, "patternProperties", "pattern-property", "pattern property")


@schema_rule(kinds=("dependent-schema-added", "dependent-schema-removed"))
def dependent_schemas_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `dependentSchemas` entry was added or removed."""
    yield from _keys(node, "dependentSchemas", "dependent-schema", "dependent schema")


@schema_rule(
    kinds=("dependent-required-added", "dependent-required-changed", "dependent-required-removed")
)
def dependent_required_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A `dependentRequired` entry was added, changed or removed."""
    change = keyword_change(node, "dependentRequired")
    if change is None:
        return
    b = change[0] if isinstance(change[0], Mapping) else {}
    r = change[1] if isinstance(change[1], Mapping) else {}
    for key in sorted(set(b) | set(r)):
        if key not in b:
            kind, text = "added", "added"
        elif key not in r:
            kind, text = "removed", "removed"
        elif b[key] != r[key]:
            kind, text = "changed", f"changed from {show(b[key])} to {show(r[key])}"
        else:
            continue
        yield keyword_hit(
            f"dependent-required-{kind}",
            node,
            "dependentRequired",
            f"dependentRequired {key!r} {text}",
            key=key,
        )
