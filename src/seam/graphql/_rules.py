"""The GraphQL diff rule table: one registered function per kind of change.

Two kinds of rule, both registered in :data:`REGISTRY` with a stable kebab-case id
(``graphql-<object>-<change>``) and a severity (breaking → error, dangerous → warning,
safe → info):

- ``@core_rule(id, severity, change_type, pattern)``: reads one change graphql-core's
  ``find_breaking_changes``/``find_dangerous_changes`` found. graphql-core describes a
  change in a sentence only, so ``pattern`` (a regex over graphql-core 3.2's sentence for
  that change type) recovers the names; the function turns them into a :class:`Change`
  with a schema coordinate and a message a reviewer can act on, or ``None`` when the
  change is another rule's (a removed *input* field is not a removed output field).
- ``@walk_rule(id, severity)``: what graphql-core does not report (additions,
  deprecations, descriptions, safe type changes), found by walking both schemas.

Coordinates follow the GraphQL schema coordinates RFC: ``Type``, ``Type.field``,
``Type.field(arg:)``, ``Enum.VALUE``, ``@directive``, ``@directive(arg:)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.utilities import BreakingChangeType, DangerousChangeType

from seam.graphql._load import Schema
from seam.model import Registry, Severity

__all__ = [
    "CORE_RULES",
    "REGISTRY",
    "WALK_RULES",
    "Change",
    "Pair",
    "arg_coordinate",
    "core_rule",
    "walk_rule",
]

REGISTRY = Registry("graphql")

_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two schemas, judged.

    Attributes:
        rule: the registered rule id.
        coordinate: the schema coordinate of what changed (``User.name``).
        message: one sentence for a reviewer: what changed, who it breaks, what to do.
        type_name, field_name, arg_name: the parts of the coordinate, for consumer blame.
        details: machine-readable facts (old and new types, values).
    """

    rule: str
    coordinate: str
    message: str
    type_name: str = ""
    field_name: str = ""
    arg_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pair:
    """The two schemas a rule compares."""

    base: Schema
    revision: Schema

    @property
    def old(self) -> GraphQLSchema:
        return self.base.schema

    @property
    def new(self) -> GraphQLSchema:
        return self.revision.schema


CoreRule = Callable[[re.Match[str], Pair], "Change | None"]
WalkRule = Callable[[Pair], Iterator[Change]]
# graphql-core's change type → the rules that read it, tried in order (first answer wins).
CORE_RULES: dict[Enum, list[tuple[re.Pattern[str], CoreRule]]] = {}
WALK_RULES: list[WalkRule] = []

F = TypeVar("F", bound=Callable[..., Any])


def core_rule(
    rule_id: str, severity: Severity, change_type: Enum, pattern: str
) -> Callable[[F], F]:
    """Register a rule reading one graphql-core change type (docstring line 1 = summary)."""

    def register(func: F) -> F:
        REGISTRY.rule(rule_id, severity=severity, area="graphql")(func)
        CORE_RULES.setdefault(change_type, []).append((re.compile(pattern), func))
        return func

    return register


def walk_rule(rule_id: str, severity: Severity) -> Callable[[F], F]:
    """Register a rule that finds its changes by walking both schemas."""

    def register(func: F) -> F:
        REGISTRY.rule(rule_id, severity=severity, area="graphql")(func)
        WALK_RULES.append(func)
        return func

    return register


def arg_coordinate(type_name: str, field_name: str, arg_name: str) -> str:
    """``Type.field(arg:)``, or ``@directive(arg:)`` when ``type_name`` is ``@name``."""
    if type_name.startswith("@"):
        return f"{type_name}({arg_name}:)"
    return f"{type_name}.{field_name}({arg_name}:)"


def _is_input(schema: GraphQLSchema, type_name: str) -> bool:
    return isinstance(schema.type_map.get(type_name), GraphQLInputObjectType)


# --- types -----------------------------------------------------------------------------

B, D = BreakingChangeType, DangerousChangeType
_N = r"(?P<{}>[_A-Za-z][_0-9A-Za-z]*)"
_T, _F, _A, _V = _N.format("type"), _N.format("field"), _N.format("arg"), _N.format("value")


@core_rule(
    "graphql-standard-scalar-unreferenced",
    _INFO,
    B.TYPE_REMOVED,
    rf"Standard scalar {_T} was removed because it is not referenced anymore\.",
)
def standard_scalar_unreferenced(m: re.Match[str], pair: Pair) -> Change:
    """A built-in scalar is no longer referenced by the SDL: servers still accept it."""
    t = m["type"]
    # graphql-js reports this as breaking; every GraphQL server still knows its
    # standard scalars, and no selection can name a type nothing refers to.
    return Change(
        "graphql-standard-scalar-unreferenced",
        t,
        f"standard scalar {t} no longer referenced by the schema: no field or argument "
        "has that type any more, and every GraphQL server still knows the standard scalars",
        type_name=t,
    )


@core_rule("graphql-type-removed", _ERROR, B.TYPE_REMOVED, rf"{_T} was removed\.")
def type_removed(m: re.Match[str], pair: Pair) -> Change:
    """A type was removed: every operation or fragment naming it fails validation."""
    t = m["type"]
    return Change(
        "graphql-type-removed",
        t,
        f"type {t} removed: operations, fragments and variables that name it stop validating; "
        "deprecate the fields returning it first and remove it once no client uses them",
        type_name=t,
    )


@core_rule(
    "graphql-type-kind-changed",
    _ERROR,
    B.TYPE_CHANGED_KIND,
    rf"{_T} changed from (?:an? )?(?P<old>[\w ]+?) to (?:an? )?(?P<new>[\w ]+)\.",
)
def type_kind_changed(m: re.Match[str], pair: Pair) -> Change:
    """A type changed kind (object to interface, enum to scalar, ...): its selections change."""
    t = m["type"]
    return Change(
        "graphql-type-kind-changed",
        t,
        f"type {t} changed from {m['old']} to {m['new']}: selections and fragments on it "
        "no longer validate the same way; add a new type instead and migrate clients",
        type_name=t,
        details={"old": m["old"], "new": m["new"]},
    )


@core_rule(
    "graphql-union-member-removed",
    _ERROR,
    B.TYPE_REMOVED_FROM_UNION,
    rf"{_V} was removed from union type {_T}\.",
)
def union_member_removed(m: re.Match[str], pair: Pair) -> Change:
    """A union lost a member: inline fragments on that member no longer validate."""
    u, member = m["type"], m["value"]
    return Change(
        "graphql-union-member-removed",
        u,
        f"{member} removed from union {u}: inline fragments `... on {member}` inside {u} "
        "selections stop validating, and clients stop receiving those objects",
        type_name=u,
        details={"member": member},
    )


@core_rule(
    "graphql-union-member-added",
    _WARNING,
    D.TYPE_ADDED_TO_UNION,
    rf"{_V} was added to union type {_T}\.",
)
def union_member_added(m: re.Match[str], pair: Pair) -> Change:
    """A union gained a member: clients switching on __typename may meet an unknown type."""
    u, member = m["type"], m["value"]
    return Change(
        "graphql-union-member-added",
        u,
        f"{member} added to union {u}: clients that switch on __typename without a default "
        "branch will meet objects they do not handle; check they ignore unknown members",
        type_name=u,
        details={"member": member},
    )


@core_rule(
    "graphql-enum-value-removed",
    _ERROR,
    B.VALUE_REMOVED_FROM_ENUM,
    rf"{_V} was removed from enum type {_T}\.",
)
def enum_value_removed(m: re.Match[str], pair: Pair) -> Change:
    """An enum value was removed: operations sending it fail, clients expecting it never see it."""
    e, v = m["type"], m["value"]
    return Change(
        "graphql-enum-value-removed",
        f"{e}.{v}",
        f"enum value {e}.{v} removed: operations that send it as an argument or variable "
        "stop validating; deprecate it first (@deprecated) and remove it once unused",
        type_name=e,
        field_name=v,
    )


@core_rule(
    "graphql-enum-value-added",
    _WARNING,
    D.VALUE_ADDED_TO_ENUM,
    rf"{_V} was added to enum type {_T}\.",
)
def enum_value_added(m: re.Match[str], pair: Pair) -> Change:
    """An enum gained a value: clients with exhaustive switches may meet an unknown value."""
    e, v = m["type"], m["value"]
    return Change(
        "graphql-enum-value-added",
        f"{e}.{v}",
        f"enum value {e}.{v} added: a client that maps {e} exhaustively (generated code, a "
        "switch without a default) fails when a response carries it; check they tolerate it",
        type_name=e,
        field_name=v,
    )


@core_rule(
    "graphql-input-field-added-required",
    _ERROR,
    B.REQUIRED_INPUT_FIELD_ADDED,
    rf"A required field {_F} on input type {_T} was added\.",
)
def input_field_added_required(m: re.Match[str], pair: Pair) -> Change:
    """A required input field was added: every operation sending that input without it fails."""
    t, f = m["type"], m["field"]
    return Change(
        "graphql-input-field-added-required",
        f"{t}.{f}",
        f"required input field {t}.{f} added: every operation sending {t} without it now "
        "fails; make it nullable or give it a default value",
        type_name=t,
        field_name=f,
    )


@core_rule(
    "graphql-input-field-added-optional",
    _WARNING,
    D.OPTIONAL_INPUT_FIELD_ADDED,
    rf"An optional field {_F} on input type {_T} was added\.",
)
def input_field_added_optional(m: re.Match[str], pair: Pair) -> Change:
    """An optional input field was added: existing operations keep working."""
    t, f = m["type"], m["field"]
    return Change(
        "graphql-input-field-added-optional",
        f"{t}.{f}",
        f"optional input field {t}.{f} added: existing operations keep working; the server "
        "must treat its absence exactly as before",
        type_name=t,
        field_name=f,
    )


@core_rule(
    "graphql-interface-removed-from-type",
    _ERROR,
    B.IMPLEMENTED_INTERFACE_REMOVED,
    rf"{_T} no longer implements interface {_V}\.",
)
def interface_removed(m: re.Match[str], pair: Pair) -> Change:
    """An object or interface stopped implementing an interface: fragments on it stop matching."""
    t, i = m["type"], m["value"]
    return Change(
        "graphql-interface-removed-from-type",
        t,
        f"{t} no longer implements {i}: fragments `... on {i}` stop matching {t} objects "
        f"and `... on {t}` inside {i} selections stop validating",
        type_name=t,
        details={"interface": i},
    )


@core_rule(
    "graphql-interface-added-to-type",
    _WARNING,
    D.IMPLEMENTED_INTERFACE_ADDED,
    rf"{_V} added to interfaces implemented by {_T}\.",
)
def interface_added(m: re.Match[str], pair: Pair) -> Change:
    """A type now implements another interface: fields returning it may return a new type."""
    t, i = m["type"], m["value"]
    return Change(
        "graphql-interface-added-to-type",
        t,
        f"{t} now implements {i}: fields returning {i} may return {t} objects, which clients "
        "switching on __typename without a default branch do not expect",
        type_name=t,
        details={"interface": i},
    )


# --- fields ----------------------------------------------------------------------------


@core_rule("graphql-input-field-removed", _ERROR, B.FIELD_REMOVED, rf"{_T}\.{_F} was removed\.")
def input_field_removed(m: re.Match[str], pair: Pair) -> Change | None:
    """An input field was removed: operations sending it fail validation."""
    t, f = m["type"], m["field"]
    if not _is_input(pair.old, t):
        return None
    return Change(
        "graphql-input-field-removed",
        f"{t}.{f}",
        f"input field {t}.{f} removed: operations that send it stop validating; "
        "deprecate it first and remove it once no client sends it",
        type_name=t,
        field_name=f,
    )


@core_rule("graphql-field-removed", _ERROR, B.FIELD_REMOVED, rf"{_T}\.{_F} was removed\.")
def field_removed(m: re.Match[str], pair: Pair) -> Change:
    """A field was removed from an object or interface type: operations selecting it fail."""
    t, f = m["type"], m["field"]
    return Change(
        "graphql-field-removed",
        f"{t}.{f}",
        f"field {t}.{f} removed: operations that select it stop validating; deprecate it "
        "first (@deprecated(reason: ...)) and remove it once no client selects it",
        type_name=t,
        field_name=f,
    )


_CHANGED_TYPE = rf"{_T}\.{_F} changed type from (?P<old>.+) to (?P<new>.+)\."


@core_rule("graphql-input-field-type-changed", _ERROR, B.FIELD_CHANGED_KIND, _CHANGED_TYPE)
def input_field_type_changed(m: re.Match[str], pair: Pair) -> Change | None:
    """An input field's type changed incompatibly (a new type, or it became required)."""
    t, f, old, new = m["type"], m["field"], m["old"], m["new"]
    if not _is_input(pair.old, t):
        return None
    hint = (
        "operations that omit it or send null now fail; keep it nullable or give it a default"
        if new == f"{old}!"
        else "values clients send no longer fit; add a new field instead"
    )
    return Change(
        "graphql-input-field-type-changed",
        f"{t}.{f}",
        f"input field {t}.{f} changed type from {old} to {new}: {hint}",
        type_name=t,
        field_name=f,
        details={"old": old, "new": new},
    )


@core_rule("graphql-field-type-changed", _ERROR, B.FIELD_CHANGED_KIND, _CHANGED_TYPE)
def field_type_changed(m: re.Match[str], pair: Pair) -> Change:
    """A field's type changed incompatibly (a new type, or it became nullable)."""
    t, f, old, new = m["type"], m["field"], m["old"], m["new"]
    hint = (
        "clients that rely on it never being null (generated non-null types) will break; "
        "keep it non-null or add a new field"
        if old == f"{new}!" or old.replace("!", "") == new.replace("!", "")
        else "clients read values of another type; add a new field instead and deprecate this one"
    )
    return Change(
        "graphql-field-type-changed",
        f"{t}.{f}",
        f"field {t}.{f} changed type from {old} to {new}: {hint}",
        type_name=t,
        field_name=f,
        details={"old": old, "new": new},
    )


# --- arguments -------------------------------------------------------------------------


@core_rule(
    "graphql-arg-added-required",
    _ERROR,
    B.REQUIRED_ARG_ADDED,
    rf"A required arg {_A} on {_T}\.{_F} was added\.",
)
def arg_added_required(m: re.Match[str], pair: Pair) -> Change:
    """A required argument was added: every operation calling the field without it fails."""
    t, f, a = m["type"], m["field"], m["arg"]
    c = arg_coordinate(t, f, a)
    return Change(
        "graphql-arg-added-required",
        c,
        f"required argument {c} added: every operation selecting {t}.{f} without it stops "
        "validating; make it nullable or give it a default value",
        type_name=t,
        field_name=f,
        arg_name=a,
    )


@core_rule(
    "graphql-arg-added-optional",
    _WARNING,
    D.OPTIONAL_ARG_ADDED,
    rf"An optional arg {_A} on {_T}\.{_F} was added\.",
)
def arg_added_optional(m: re.Match[str], pair: Pair) -> Change:
    """An optional argument was added: the field must behave as before when it is absent."""
    t, f, a = m["type"], m["field"], m["arg"]
    c = arg_coordinate(t, f, a)
    return Change(
        "graphql-arg-added-optional",
        c,
        f"optional argument {c} added: existing operations keep validating; the resolver "
        "must behave as before when it is absent",
        type_name=t,
        field_name=f,
        arg_name=a,
    )


@core_rule("graphql-arg-removed", _ERROR, B.ARG_REMOVED, rf"{_T}\.{_F} arg {_A} was removed\.")
def arg_removed(m: re.Match[str], pair: Pair) -> Change:
    """An argument was removed: operations passing it fail validation."""
    t, f, a = m["type"], m["field"], m["arg"]
    c = arg_coordinate(t, f, a)
    return Change(
        "graphql-arg-removed",
        c,
        f"argument {c} removed: operations that pass it stop validating; deprecate it first "
        "and remove it once no client passes it",
        type_name=t,
        field_name=f,
        arg_name=a,
    )


@core_rule(
    "graphql-arg-type-changed",
    _ERROR,
    B.ARG_CHANGED_KIND,
    rf"{_T}\.{_F} arg {_A} has changed type from (?P<old>.+) to (?P<new>.+)\.",
)
def arg_type_changed(m: re.Match[str], pair: Pair) -> Change:
    """An argument's type changed incompatibly (a new type, or it became required)."""
    t, f, a, old, new = m["type"], m["field"], m["arg"], m["old"], m["new"]
    c = arg_coordinate(t, f, a)
    hint = (
        "operations that omit it or pass null now fail; keep it optional or give it a default"
        if new == f"{old}!"
        else "values and variables clients pass no longer fit; add a new argument instead"
    )
    return Change(
        "graphql-arg-type-changed",
        c,
        f"argument {c} changed type from {old} to {new}: {hint}",
        type_name=t,
        field_name=f,
        arg_name=a,
        details={"old": old, "new": new},
    )


@core_rule(
    "graphql-arg-default-changed",
    _WARNING,
    D.ARG_DEFAULT_VALUE_CHANGE,
    rf"{_T}\.{_F} arg {_A} (?:has changed defaultValue from (?P<old>.+) to (?P<new>.+)"
    r"|defaultValue was removed)\.",
)
def arg_default_changed(m: re.Match[str], pair: Pair) -> Change:
    """An argument's default value changed: operations that omit it get different results."""
    t, f, a = m["type"], m["field"], m["arg"]
    c = arg_coordinate(t, f, a)
    what = f"from {m['old']} to {m['new']}" if m["old"] is not None else "was removed"
    return Change(
        "graphql-arg-default-changed",
        c,
        f"default of argument {c} {what}: operations that omit it now get different "
        "results; pass the old value explicitly where it matters",
        type_name=t,
        field_name=f,
        arg_name=a,
        details={"old": m["old"], "new": m["new"]},
    )


# --- directives ------------------------------------------------------------------------


@core_rule("graphql-directive-removed", _ERROR, B.DIRECTIVE_REMOVED, rf"{_T} was removed\.")
def directive_removed(m: re.Match[str], pair: Pair) -> Change:
    """A directive was removed: operations using it fail validation."""
    d = f"@{m['type']}"
    return Change(
        "graphql-directive-removed",
        d,
        f"directive {d} removed: operations that use it stop validating",
        type_name=d,
    )


@core_rule(
    "graphql-directive-arg-removed",
    _ERROR,
    B.DIRECTIVE_ARG_REMOVED,
    rf"{_A} was removed from {_T}\.",
)
def directive_arg_removed(m: re.Match[str], pair: Pair) -> Change:
    """A directive argument was removed: operations passing it fail validation."""
    d = f"@{m['type']}"
    c = arg_coordinate(d, "", m["arg"])
    return Change(
        "graphql-directive-arg-removed",
        c,
        f"directive argument {c} removed: operations that pass it stop validating",
        type_name=d,
        arg_name=m["arg"],
    )


@core_rule(
    "graphql-directive-arg-added-required",
    _ERROR,
    B.REQUIRED_DIRECTIVE_ARG_ADDED,
    rf"A required arg {_A} on directive {_T} was added\.",
)
def directive_arg_added_required(m: re.Match[str], pair: Pair) -> Change:
    """A required directive argument was added: operations using the directive without it fail."""
    d = f"@{m['type']}"
    c = arg_coordinate(d, "", m["arg"])
    return Change(
        "graphql-directive-arg-added-required",
        c,
        f"required directive argument {c} added: operations using {d} without it stop "
        "validating; give it a default value",
        type_name=d,
        arg_name=m["arg"],
    )


@core_rule(
    "graphql-directive-repeatable-removed",
    _ERROR,
    B.DIRECTIVE_REPEATABLE_REMOVED,
    rf"Repeatable flag was removed from {_T}\.",
)
def directive_repeatable_removed(m: re.Match[str], pair: Pair) -> Change:
    """A directive is no longer repeatable: places using it twice fail validation."""
    d = f"@{m['type']}"
    return Change(
        "graphql-directive-repeatable-removed",
        d,
        f"directive {d} is no longer repeatable: operations using it twice in one place "
        "stop validating",
        type_name=d,
    )


@core_rule(
    "graphql-directive-location-removed",
    _ERROR,
    B.DIRECTIVE_LOCATION_REMOVED,
    rf"(?P<location>[A-Z_]+) was removed from {_T}\.",
)
def directive_location_removed(m: re.Match[str], pair: Pair) -> Change:
    """A directive can no longer be used in one location: operations using it there fail."""
    d = f"@{m['type']}"
    return Change(
        "graphql-directive-location-removed",
        d,
        f"directive {d} can no longer be used on {m['location']}: operations using it there "
        "stop validating",
        type_name=d,
        details={"location": m["location"]},
    )


# --- what graphql-core does not report: additions, deprecations, safe type changes -----


def _common_types(pair: Pair) -> Iterator[tuple[GraphQLNamedType, GraphQLNamedType]]:
    """The types present in both schemas (introspection types left out), same kind."""
    new = pair.new.type_map
    for name, old_type in pair.old.type_map.items():
        new_type = new.get(name)
        if name.startswith("__") or new_type is None or type(old_type) is not type(new_type):
            continue
        yield old_type, new_type


@walk_rule("graphql-type-added", _INFO)
def type_added(pair: Pair) -> Iterator[Change]:
    """A type was added: nothing existing changes."""
    old = pair.old.type_map
    for name in pair.new.type_map:
        if name not in old and not name.startswith("__"):
            yield Change("graphql-type-added", name, f"type {name} added", type_name=name)


@walk_rule("graphql-field-added", _INFO)
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


@walk_rule("graphql-directive-added", _INFO)
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


@walk_rule("graphql-deprecation-added", _INFO)
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


@walk_rule("graphql-deprecation-removed", _INFO)
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


@walk_rule("graphql-field-type-narrowed", _INFO)
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


@walk_rule("graphql-input-type-relaxed", _INFO)
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


@walk_rule("graphql-description-changed", _INFO)
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
@REGISTRY.rule("graphql-field-renamed", severity=_ERROR, area="graphql")
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
