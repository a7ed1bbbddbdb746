"""The GraphQL walk rules: what graphql-core does not report, found by walking both schemas.

Additions, deprecations, descriptions and safe type changes (``@walk_rule``), and the
rename ``seam.graphql._diff`` pairs from a removed and an added field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
)

from seam.graphql.rules._registry import RULES, Change, Pair, arg_coordinate, walk_rule
from seam.model import Severity

__all__ = ["field_renamed"]


def _common_types(pair: Pair) -> Iterator[tuple[GraphQLNamedType, GraphQLNamedType]]:
    """The types present in both schemas (introspection types left out), same kind."""
    new = pair.new.type_map
    for name, old_type in pair.old.type_map.items():
        new_type = new.get(name)
        if name.startswith("__") or new_type is None or type(old_type) is not type(new_type):
            continue
        yield old_type, new_type


@walk_rule("graphql-type-added", Severity.INFO)
def type_added(pair: Pair) -> Iterator[Change]:
    """A type was added: nothing existing changes."""
    old = pair.old.type_map
    for name in pair.new.type_map:
        if name not in old and not name.startswith("__"):
            yield Change("graphql-type-added", name, f"type {name} added", type_name=name)


@walk_rule("graphql-field-added", Severity.INFO)
def field_added(pair: Pair) -> Iterator[Change]:
    """A field was added to an object or interface type: existing operations are unaffected."""
    for old, new in _common_types(pair):
        if isinstance(old, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(new, GraphQLObjectType | GraphQLInterfaceType)
            for name in new.fields.keys() - old.fields.keys():
                yield Change(
                    "graphql-field-added",
                    f"{old.name}.{name}",
                    f"field {old.name}.{name}: {new.fields[name].type} added",
                    type_name=old.name,
                    field_name=name,
                    details={"type": str(new.fields[name].type)},
                )


@walk_rule("graphql-directive-added", Severity.INFO)
def directive_added(pair: Pair) -> Iterator[Change]:
    """A directive was added: existing operations are unaffected."""
    old = {d.name for d in pair.old.directives}
    for d in pair.new.directives:
        if d.name not in old:
            yield Change("graphql-directive-added", f"@{d.name}", f"directive @{d.name} added")


def _deprecations(
    pair: Pair,
) -> Iterator[tuple[str, str, str, str | None, str | None]]:
    """(type, member, kind, old reason, new reason) for fields, enum values and input fields."""
    for old, new in _common_types(pair):
        # Same kind on both sides (_common_types), so the attribute is there on both.
        if isinstance(old, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            attr, kind = "fields", "field"
        elif isinstance(old, GraphQLEnumType):
            attr, kind = "values", "enum value"
        else:
            continue
        before: Mapping[str, Any] = getattr(old, attr)
        after: Mapping[str, Any] = getattr(new, attr)
        for name in before.keys() & after.keys():
            was = getattr(before[name], "deprecation_reason", None)
            now = getattr(after[name], "deprecation_reason", None)
            if was != now:
                yield old.name, name, kind, was, now


@walk_rule("graphql-deprecation-added", Severity.INFO)
def deprecation_added(pair: Pair) -> Iterator[Change]:
    """A field or enum value was deprecated: clients should move off it before it is removed."""
    for t, name, kind, was, now in _deprecations(pair):
        if was is None and now is not None:
            yield Change(
                "graphql-deprecation-added",
                f"{t}.{name}",
                f"{kind} {t}.{name} deprecated ({now}): clients still using it should move off "
                "it before it is removed",
                type_name=t,
                field_name=name,
                details={"reason": now},
            )


@walk_rule("graphql-deprecation-removed", Severity.INFO)
def deprecation_removed(pair: Pair) -> Iterator[Change]:
    """A deprecation was withdrawn or its reason changed."""
    for t, name, kind, was, now in _deprecations(pair):
        if was is not None:
            what = "no longer deprecated" if now is None else f"deprecation reason now {now!r}"
            yield Change(
                "graphql-deprecation-removed",
                f"{t}.{name}",
                f"{kind} {t}.{name}: {what}",
                type_name=t,
                field_name=name,
                details={"old": was, "new": now},
            )


def _more_bangs(old: Any, new: Any) -> bool:
    # Positions of `!` in the old type are all kept in the new one (only additions).
    o, n = str(old), str(new)
    i = 0
    for ch in n:
        if i < len(o) and o[i] == ch:
            i += 1
        elif ch != "!":
            return False
    return i == len(o)


@walk_rule("graphql-field-type-narrowed", Severity.INFO)
def field_type_narrowed(pair: Pair) -> Iterator[Change]:
    """An output field became non-null: clients get a stronger promise, nothing breaks."""
    for old, new in _common_types(pair):
        if isinstance(old, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(new, GraphQLObjectType | GraphQLInterfaceType)
            for name in old.fields.keys() & new.fields.keys():
                a, b = old.fields[name].type, new.fields[name].type
                if str(a) != str(b) and _more_bangs(a, b):
                    yield Change(
                        "graphql-field-type-narrowed",
                        f"{old.name}.{name}",
                        f"field {old.name}.{name} changed type from {a} to {b}: never null "
                        "now, existing clients are unaffected",
                        type_name=old.name,
                        field_name=name,
                        details={"old": str(a), "new": str(b)},
                    )


@walk_rule("graphql-input-type-relaxed", Severity.INFO)
def input_type_relaxed(pair: Pair) -> Iterator[Change]:
    """An argument or input field became optional: every operation that was valid still is."""
    for old, new in _common_types(pair):
        if isinstance(old, GraphQLInputObjectType):
            assert isinstance(new, GraphQLInputObjectType)
            for name in old.fields.keys() & new.fields.keys():
                a, b = old.fields[name].type, new.fields[name].type
                if str(a) != str(b) and _more_bangs(b, a):
                    yield Change(
                        "graphql-input-type-relaxed",
                        f"{old.name}.{name}",
                        f"input field {old.name}.{name} changed type from {a} to {b}: optional "
                        "now, existing operations are unaffected",
                        type_name=old.name,
                        field_name=name,
                        details={"old": str(a), "new": str(b)},
                    )
        elif isinstance(old, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(new, GraphQLObjectType | GraphQLInterfaceType)
            for fname in old.fields.keys() & new.fields.keys():
                fa, fb = old.fields[fname].args, new.fields[fname].args
                for name in fa.keys() & fb.keys():
                    a, b = fa[name].type, fb[name].type
                    if str(a) != str(b) and _more_bangs(b, a):
                        c = arg_coordinate(old.name, fname, name)
                        yield Change(
                            "graphql-input-type-relaxed",
                            c,
                            f"argument {c} changed type from {a} to {b}: optional now, "
                            "existing operations are unaffected",
                            type_name=old.name,
                            field_name=fname,
                            arg_name=name,
                            details={"old": str(a), "new": str(b)},
                        )


def _described(pair: Pair) -> Iterator[tuple[str, str, str, str, Any, Any]]:
    """(coordinate, type, field, arg, old, new) for everything both schemas describe."""
    for old, new in _common_types(pair):
        yield old.name, old.name, "", "", old, new
        if isinstance(old, GraphQLEnumType):
            assert isinstance(new, GraphQLEnumType)
            for v in old.values.keys() & new.values.keys():
                yield f"{old.name}.{v}", old.name, v, "", old.values[v], new.values[v]
            continue
        if not isinstance(old, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            continue
        assert isinstance(new, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
        for fname in old.fields.keys() & new.fields.keys():
            of, nf = old.fields[fname], new.fields[fname]
            yield f"{old.name}.{fname}", old.name, fname, "", of, nf
            if isinstance(of, GraphQLField) and isinstance(nf, GraphQLField):
                for a in of.args.keys() & nf.args.keys():
                    c = arg_coordinate(old.name, fname, a)
                    yield c, old.name, fname, a, of.args[a], nf.args[a]


@walk_rule("graphql-description-changed", Severity.INFO)
def description_changed(pair: Pair) -> Iterator[Change]:
    """A description was added, changed or removed: documentation only."""
    for coordinate, t, f, a, old, new in _described(pair):
        if old.description != new.description:
            yield Change(
                "graphql-description-changed",
                coordinate,
                f"description of {coordinate} changed",
                type_name=t,
                field_name=f,
                arg_name=a,
                details={"old": old.description, "new": new.description},
            )


# Not a walk: ``_diff`` pairs a removed field with an added one of the same signature.
@RULES.rule("graphql-field-renamed", severity=Severity.ERROR, area="graphql")
def field_renamed(type_name: str, old: str, new: str, signature: str) -> Change:
    """A field was renamed (removed, and one of the same signature added on the same type)."""
    return Change(
        "graphql-field-renamed",
        f"{type_name}.{old}",
        f"field {type_name}.{old} renamed to {type_name}.{new} ({signature}): operations "
        f"selecting {old} stop validating; keep {old} as a deprecated alias "
        f'(@deprecated(reason: "Use `{new}`.")) until clients have moved',
        type_name=type_name,
        field_name=old,
        details={"old": old, "new": new, "signature": signature},
    )
