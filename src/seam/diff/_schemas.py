"""Rules about schemas: one small function per kind of change.

Each function looks at one :class:`SchemaDiff` node in one context and yields hits.
Most yield a *kind* (``min-increased``); the registry turns it into the id for the
context (``request-property-min-increased``) or drops it where the change cannot
break anyone (a maximum raised in a response). Property rules yield full ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from seam.diff._registry import Context, Hit, family_id, schema_rule
from seam.diff._schemas_diff import ABSENT, SchemaDiff
from seam.model import Severity

__all__: list[str] = []

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _show(value: Any) -> str:
    if value is ABSENT:
        return "absent"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    return json.dumps(value, sort_keys=True, default=str)


def _kw(node: SchemaDiff, keyword: str) -> tuple[Any, Any] | None:
    return node.keywords.get(keyword)


def _hit(kind: str, node: SchemaDiff, keyword: str, message: str, **details: Any) -> Hit:
    return Hit(kind, message, f"{node.location}/{keyword}", {"keyword": keyword, **details})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bound(node: SchemaDiff, keyword: str, name: str) -> Iterator[Hit]:
    """``<name>-increased/-decreased/-set/-unset`` for a numeric keyword."""
    change = _kw(node, keyword)
    if change is None:
        return
    b, r = change
    details = {"base": None if b is ABSENT else b, "revision": None if r is ABSENT else r}
    if _number(b) and _number(r):
        kind = f"{name}-increased" if r > b else f"{name}-decreased"
        yield _hit(kind, node, keyword, f"{keyword} changed from {b} to {r}", **details)
    elif b is ABSENT and _number(r):
        yield _hit(f"{name}-set", node, keyword, f"{keyword} {r} was set", **details)
    elif _number(b) and r is ABSENT:
        yield _hit(f"{name}-unset", node, keyword, f"{keyword} {b} was removed", **details)


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
    change = _kw(node, "enum")
    if change is None:
        return
    b, r = change
    if not isinstance(r, list):
        return  # an enum dropped accepts and returns more: nothing to report
    if not isinstance(b, list):
        yield _hit("became-enum", node, "enum", f"became an enum of {_show(r)}", values=r)
        return
    bset = {_show(v) for v in b}
    rset = {_show(v) for v in r}
    for v in r:
        if _show(v) not in bset:
            yield _hit("enum-value-added", node, "enum", f"enum value {_show(v)} added", value=v)
    for v in b:
        if _show(v) not in rset:
            yield _hit(
                "enum-value-removed", node, "enum", f"enum value {_show(v)} removed", value=v
            )


@schema_rule(kinds=("x-extensible-enum-value-removed",))
def extensible_enum_value_removed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A value of an x-extensible-enum was removed."""
    change = _kw(node, "x-extensible-enum")
    if change is None or not isinstance(change[0], list):
        return
    after = change[1] if isinstance(change[1], list) else []
    for v in change[0]:
        if v not in after:
            yield _hit(
                "x-extensible-enum-value-removed",
                node,
                "x-extensible-enum",
                f"x-extensible-enum value {_show(v)} removed",
                value=v,
            )


def _presence(node: SchemaDiff, keyword: str, kind: str, label: str) -> Iterator[Hit]:
    change = _kw(node, keyword)
    if change is None:
        return
    b, r = change
    if b is ABSENT and r is not ABSENT:
        yield _hit(f"{kind}-added", node, keyword, f"{label} {_show(r)} was added", value=r)
    elif r is ABSENT and b is not ABSENT:
        yield _hit(f"{kind}-removed", node, keyword, f"{label} {_show(b)} was removed", value=b)
    elif b is not ABSENT and r is not ABSENT:
        yield _hit(
            f"{kind}-changed",
            node,
            keyword,
            f"{label} changed from {_show(b)} to {_show(r)}",
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
    change = _kw(node, "pattern")
    if change is None:
        return
    b, r = (ABSENT if v in _ANY_PATTERN else v for v in change)
    if b == r:
        return
    if b is not ABSENT and r is ABSENT and change[1] is not ABSENT:
        text = f"pattern {_show(b)} became {_show(change[1])}, which matches anything"
        if family_id("pattern-generalized", ctx):
            yield _hit("pattern-generalized", node, "pattern", text, base=b, revision=change[1])
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
    change = _kw(node, keyword)
    if change is None:
        return
    b, r = change
    if b is ABSENT and r is not ABSENT:
        yield _hit(f"{kind}-added", node, keyword, f"`{keyword}` was added")
    elif r is ABSENT and b is not ABSENT:
        yield _hit(f"{kind}-removed", node, keyword, f"`{keyword}` was removed")


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
    change = _kw(node, "contentEncoding")
    if change is not None:
        b, r = change
        yield _hit(
            "content-encoding-changed",
            node,
            "contentEncoding",
            f"contentEncoding changed from {_show(b)} to {_show(r)}",
        )


@schema_rule(kinds=("content-media-type-changed",))
def content_media_type_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The `contentMediaType` changed."""
    change = _kw(node, "contentMediaType")
    if change is not None:
        b, r = change
        yield _hit(
            "content-media-type-changed",
            node,
            "contentMediaType",
            f"contentMediaType changed from {_show(b)} to {_show(r)}",
        )


def _keys(node: SchemaDiff, keyword: str, kind: str, what: str) -> Iterator[Hit]:
    change = _kw(node, keyword)
    if change is None:
        return
    b, r = change
    before = set(b) if isinstance(b, frozenset | Mapping) else set()
    after = set(r) if isinstance(r, frozenset | Mapping) else set()
    for key in sorted(after - before):
        yield _hit(f"{kind}-added", node, keyword, f"{what} {key!r} was added", key=key)
    for key in sorted(before - after):
        yield _hit(f"{kind}-removed", node, keyword, f"{what} {key!r} was removed", key=key)


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
    change = _kw(node, "dependentRequired")
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
            kind, text = "changed", f"changed from {_show(b[key])} to {_show(r[key])}"
        else:
            continue
        yield _hit(
            f"dependent-required-{kind}",
            node,
            "dependentRequired",
            f"dependentRequired {key!r} {text}",
            key=key,
        )


# -- types and nullability --------------------------------------------------------------

_WIDER = {("integer", "number")}


def _covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of the ``narrow`` types is one of the ``wide`` types (integers are numbers)."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _type_text(t: tuple[frozenset[str], Any]) -> str:
    types, fmt = t
    text = "/".join(sorted(types)) or "any"
    return f"{text} ({fmt})" if fmt else text


def _type_kind(b: tuple[frozenset[str], Any], r: tuple[frozenset[str], Any]) -> str:
    (bt, bf), (rt, rf) = b, r
    if len(bt) > 1 or len(rt) > 1:
        if _covers(rt, bt) and not _covers(bt, rt):
            return "list-of-types-widened"
        if _covers(bt, rt) and not _covers(rt, bt):
            return "list-of-types-narrowed"
        return "type-changed"
    if bt == rt:  # the format alone changed
        if bf and not rf:
            return "type-generalized"
        if rf and not bf:
            return "type-specialized"
        return "type-changed"
    if not rt:
        return "type-generalized"  # any type now
    if not bt:
        return "type-specialized"
    pair = (next(iter(bt)), next(iter(rt)))
    if pair in _WIDER and bf == rf:
        return "type-generalized"
    if pair[::-1] in _WIDER and bf == rf:
        return "type-specialized"
    return "type-changed"


_SCALARS = frozenset({"string", "integer", "number", "boolean"})


def _scalar_to_string_array(node: SchemaDiff, b: Any, r: Any) -> bool:
    items = node.revision.get("items")
    return (
        r[0] == {"array"}
        and b[0] <= {"string", "integer", "number", "boolean"}
        and isinstance(items, Mapping)
        and dict(items) == {"type": "string"}
    )


@schema_rule(
    kinds=(
        "type-compatible",
        "type-changed",
        "type-generalized",
        "type-specialized",
        "list-of-types-widened",
        "list-of-types-narrowed",
    )
)
def type_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The type or format changed: widened, narrowed or replaced."""
    change = _kw(node, "type")
    if change is None or _wrapped(node, ctx):
        return
    b, r = change
    kind = _type_kind(b, r)
    if ctx.xml and {*b[0], *r[0]} == {"object", "string"} and len(b[0]) == len(r[0]) == 1:
        kind = "type-compatible"  # in XML an element with text reads either way
    elif ctx.object == "parameter" and ctx.root and _scalar_to_string_array(node, b, r):
        kind = "type-generalized"  # one query value is a one-item array of strings
    elif ctx.object == "parameter" and kind == "type-changed" and {*b[0], *r[0]} <= _SCALARS:
        # Parameters travel as text: any scalar is a string, so string → number narrows.
        if b[0] == {"string"}:
            kind = "type-specialized"
        elif r[0] == {"string"}:
            kind = "type-generalized"
    # Where no id tells a narrowing or widening apart, it is a plain type change.
    if family_id(kind, ctx) is None and kind in ("type-generalized", "type-specialized"):
        narrows = (ctx.direction == "request") == (kind == "type-specialized")
        kind = "type-changed" if narrows else kind
    text = f"type changed from {_type_text(b)} to {_type_text(r)}"
    yield _hit(kind, node, "type", text, base=_type_text(b), revision=_type_text(r))


@schema_rule(kinds=("became-nullable", "became-not-nullable"))
def nullable_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The schema became nullable, or stopped being nullable."""
    change = _kw(node, "nullable")
    if change is None:
        return
    kind = "became-nullable" if change[1] else "became-not-nullable"
    yield _hit(kind, node, "nullable", kind.replace("-", " "))


# -- composition -------------------------------------------------------------------------

_ANNOTATION_ONLY = frozenset(
    {"title", "description", "example", "examples", "deprecated", "$comment"}
)


def _label(index: int, raw: Any) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("$ref"), str):
        return str(raw["$ref"])
    title = raw.get("title") if isinstance(raw, Mapping) else None
    return f"subschema #{index + 1}" + (f": {title}" if title else "")


def _alternative(
    kind: str, keyword: str, change: str, node: SchemaDiff, index: int, raw: Any
) -> Hit:
    """One alternative added to or removed from a oneOf/anyOf/allOf list."""
    annotation = keyword == "allOf" and isinstance(raw, Mapping) and set(raw) <= _ANNOTATION_ONLY
    rule = f"{kind}-{change}-annotation-only" if annotation else f"{kind}-{change}"
    label = _label(index, raw)
    where = "to" if change == "added" else "from"
    return _hit(rule, node, keyword, f"{label} {change} {where} {keyword}", subschema=label)


def _composition(node: SchemaDiff, ctx: Context, keyword: str, kind: str) -> Iterator[Hit]:
    added = list(node.subschemas_added.get(keyword, ()))
    removed = list(node.subschemas_removed.get(keyword, ()))
    change = _kw(node, keyword)
    if change is not None:
        b, r = change
        if isinstance(r, list) and not isinstance(b, list):
            if keyword == "oneOf" and _wrapped(node, ctx):
                yield _hit("wrapped-in-one-of", node, keyword, "restructured into a oneOf")
                return
            added = list(enumerate(r))
        elif isinstance(b, list) and not isinstance(r, list):
            removed = list(enumerate(b))
    for index, raw in added:
        yield _alternative(kind, keyword, "added", node, index, raw)
    for index, raw in removed:
        yield _alternative(kind, keyword, "removed", node, index, raw)


def _wrapped(node: SchemaDiff, ctx: Context) -> bool:
    """This node is reported as wrapped in a oneOf: its other changes are that one change."""
    change = node.keywords.get("oneOf")
    return (
        change is not None
        and isinstance(change[1], list)
        and not isinstance(change[0], list)
        and _was_wrapped(node)
        and family_id("wrapped-in-one-of", ctx) is not None
    )


def _was_wrapped(node: SchemaDiff) -> bool:
    """A schema that constrained something now offers alternatives instead.

    Whether or not one alternative is the old schema, a value valid before may now
    match none (or, with oneOf, several) of them: the body was restructured.
    """
    return any(k not in _ANNOTATION_ONLY and k != "oneOf" for k in node.base)


@schema_rule(kinds=("one-of-added", "one-of-removed", "wrapped-in-one-of"))
def one_of_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """oneOf alternatives were added or removed, or the schema was wrapped in a oneOf."""
    yield from _composition(node, ctx, "oneOf", "one-of")


@schema_rule(kinds=("any-of-added", "any-of-removed"))
def any_of_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """anyOf alternatives were added or removed."""
    yield from _composition(node, ctx, "anyOf", "any-of")


@schema_rule(
    kinds=(
        "all-of-added",
        "all-of-removed",
        "all-of-added-annotation-only",
        "all-of-removed-annotation-only",
    )
)
def all_of_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """allOf parts were added or removed (annotation-only parts told apart)."""
    yield from _composition(node, ctx, "allOf", "all-of")


@schema_rule(
    kinds=(
        "discriminator-added",
        "discriminator-removed",
        "discriminator-property-name-changed",
        "discriminator-mapping-added",
        "discriminator-mapping-deleted",
        "discriminator-mapping-changed",
    )
)
def discriminator_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The discriminator was added, removed, renamed or its mapping changed."""
    change = _kw(node, "discriminator")
    if change is None:
        return
    b, r = change
    if not isinstance(b, Mapping) or not isinstance(r, Mapping):
        kind = "discriminator-added" if isinstance(r, Mapping) else "discriminator-removed"
        yield _hit(kind, node, "discriminator", kind.replace("-", " "))
        return
    if b.get("propertyName") != r.get("propertyName"):
        yield _hit(
            "discriminator-property-name-changed",
            node,
            "discriminator",
            f"discriminator property changed from {_show(b.get('propertyName'))} "
            f"to {_show(r.get('propertyName'))}",
        )
    bm = b.get("mapping") if isinstance(b.get("mapping"), Mapping) else {}
    rm = r.get("mapping") if isinstance(r.get("mapping"), Mapping) else {}
    assert isinstance(bm, Mapping) and isinstance(rm, Mapping)
    for key in sorted(set(bm) | set(rm)):
        if key not in bm:
            yield _hit(
                "discriminator-mapping-added",
                node,
                "discriminator",
                f"discriminator mapping {key!r} added",
            )
        elif key not in rm:
            yield _hit(
                "discriminator-mapping-deleted",
                node,
                "discriminator",
                f"discriminator mapping {key!r} deleted",
            )
        elif bm[key] != rm[key]:
            yield _hit(
                "discriminator-mapping-changed",
                node,
                "discriminator",
                f"discriminator mapping {key!r} changed",
            )


# -- properties ------------------------------------------------------------------------


def _prop_hit(rule: str, node: SchemaDiff, name: str, message: str, **details: Any) -> Hit:
    return Hit(
        rule,
        message,
        f"{node.location}/properties/{name}",
        {"property": name, **details},
        field=(name,),
    )


def _flag(schema: Mapping[str, Any], key: str) -> bool:
    return schema.get(key) is True


@schema_rule(
    ("new-required-request-property", E),
    ("new-required-request-property-with-default", E),
    ("new-required-request-header-property", E),
    ("new-optional-request-property", INFO),
    ("response-required-property-added", INFO),
    ("response-optional-property-added", INFO),
)
def property_added(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A property was added; a new required request property breaks every sender."""
    required = node.revision_required
    for name, schema in sorted(node.added.items()):
        if ctx.direction == "request":
            if _flag(schema, "readOnly"):
                continue
            if name not in required:
                rule = "new-optional-request-property"
            elif ctx.header:
                rule = "new-required-request-header-property"
            elif "default" in schema:
                rule = "new-required-request-property-with-default"
            else:
                rule = "new-required-request-property"
            yield _prop_hit(
                rule,
                node,
                name,
                f"request property `{name}` added "
                f"({'required' if name in required else 'optional'})",
            )
        elif not _flag(schema, "writeOnly"):
            rule = (
                "response-required-property-added"
                if name in required
                else "response-optional-property-added"
            )
            yield _prop_hit(rule, node, name, f"response property `{name}` added")


@schema_rule(
    ("request-property-removed", W),
    ("response-required-property-removed", E),
    ("response-optional-property-removed", W),
)
def property_removed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A property was removed; readers of a response property lose it."""
    if _wrapped(node, ctx):
        return
    required = node.base_required
    for name, schema in sorted(node.removed.items()):
        if ctx.direction == "request":
            if not _flag(schema, "readOnly"):
                yield _prop_hit(
                    "request-property-removed", node, name, f"request property `{name}` removed"
                )
        elif not _flag(schema, "writeOnly"):
            rule = (
                "response-required-property-removed"
                if name in required
                else "response-optional-property-removed"
            )
            yield _prop_hit(rule, node, name, f"response property `{name}` removed")


@schema_rule(("request-property-renamed", E), ("response-property-renamed", E))
def property_renamed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A property was renamed: removed and added under the same parent with the same schema."""
    for old, new in node.renamed:
        yield Hit(
            f"{ctx.direction}-property-renamed",
            f"{ctx.direction} property renamed `{old}` → `{new}`",
            f"{node.location}/properties/{new}",
            {"property": old, "renamed_to": new},
            field=(old,),
        )


@schema_rule(
    ("request-property-became-required", E),
    ("request-property-became-required-with-default", E),
    ("request-header-property-became-required", E),
    ("request-property-became-optional", INFO),
    ("response-property-became-optional", E),
    ("response-property-became-required", INFO),
)
def property_requiredness_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """A property became required (breaks request senders) or optional (breaks response readers)."""
    before, after = node.base_required, node.revision_required
    if before == after:
        return
    props = node.revision.get("properties")
    props = props if isinstance(props, Mapping) else {}
    for name in node.common_properties():
        if (name in before) == (name in after):
            continue
        schema = props.get(name)
        schema = schema if isinstance(schema, Mapping) else {}
        if _flag(schema, "readOnly" if ctx.direction == "request" else "writeOnly"):
            continue  # never sent in this direction: whether it is required does not matter
        if name in after:
            if ctx.direction == "request":
                rule = (
                    "request-header-property-became-required"
                    if ctx.header
                    else "request-property-became-required-with-default"
                    if "default" in schema
                    else "request-property-became-required"
                )
            else:
                rule = "response-property-became-required"
            yield _prop_hit(rule, node, name, f"{ctx.direction} property `{name}` became required")
        else:
            rule = f"{ctx.direction}-property-became-optional"
            yield _prop_hit(rule, node, name, f"{ctx.direction} property `{name}` became optional")
