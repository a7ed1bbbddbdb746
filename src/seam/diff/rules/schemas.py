"""Rules about a schema's shape: types and nullability, composition, properties.

Each function looks at one :class:`SchemaDiff` node in one context and yields hits:
type and composition rules yield a *kind* (``type-changed``) the registry turns into the
id for the context; property rules yield full ids. Keyword rules (bounds, enums,
patterns, subschemas) are in ``schema_keywords``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from seam.diff._schemas_diff import SchemaDiff
from seam.diff.rules._registry import Context, Hit, family_id, schema_rule
from seam.diff.rules.schema_keywords import keyword_change, keyword_hit, show
from seam.model import Severity

__all__: list[str] = []

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


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
    change = keyword_change(node, "type")
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
    yield keyword_hit(kind, node, "type", text, base=_type_text(b), revision=_type_text(r))


@schema_rule(kinds=("became-nullable", "became-not-nullable"))
def nullable_changed(node: SchemaDiff, ctx: Context) -> Iterator[Hit]:
    """The schema became nullable, or stopped being nullable."""
    change = keyword_change(node, "nullable")
    if change is None:
        return
    kind = "became-nullable" if change[1] else "became-not-nullable"
    yield keyword_hit(kind, node, "nullable", kind.replace("-", " "))


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
    return keyword_hit(rule, node, keyword, f"{label} {change} {where} {keyword}", subschema=label)


def _composition(node: SchemaDiff, ctx: Context, keyword: str, kind: str) -> Iterator[Hit]:
    added = list(node.subschemas_added.get(keyword, ()))
    removed = list(node.subschemas_removed.get(keyword, ()))
    change = keyword_change(node, keyword)
    if change is not None:
        b, r = change
        if isinstance(r, list) and not isinstance(b, list):
            if keyword == "oneOf" and _wrapped(node, ctx):
                yield keyword_hit("wrapped-in-one-of", node, keyword, "restructured into a oneOf")
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
    change = keyword_change(node, "discriminator")
    if change is None:
        return
    b, r = change
    if not isinstance(b, Mapping) or not isinstance(r, Mapping):
        kind = "discriminator-added" if isinstance(r, Mapping) else "discriminator-removed"
        yield keyword_hit(kind, node, "discriminator", kind.replace("-", " "))
        return
    if b.get("propertyName") != r.get("propertyName"):
        yield keyword_hit(
            "discriminator-property-name-changed",
            node,
            "discriminator",
            f"discriminator property changed from {show(b.get('propertyName'))} "
            f"to {show(r.get('propertyName'))}",
        )
    bm = b.get("mapping") if isinstance(b.get("mapping"), Mapping) else {}
    rm = r.get("mapping") if isinstance(r.get("mapping"), Mapping) else {}
    assert isinstance(bm, Mapping) and isinstance(rm, Mapping)
    for key in sorted(set(bm) | set(rm)):
        if key not in bm:
            yield keyword_hit(
                "discriminator-mapping-added",
                node,
                "discriminator",
                f"discriminator mapping {key!r} added",
            )
        elif key not in rm:
            yield keyword_hit(
                "discriminator-mapping-deleted",
                node,
                "discriminator",
                f"discriminator mapping {key!r} deleted",
            )
        elif bm[key] != rm[key]:
            yield keyword_hit(
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
