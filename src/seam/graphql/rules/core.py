"""The GraphQL diff rule table: one row per kind of change graphql-core reports.

Two kinds of rule, both registered in :data:`RULES` with a stable kebab-case id
(``graphql-<object>-<change>``) and a severity (breaking → error, dangerous → warning,
safe → info):

- a :class:`CoreRule` row of :data:`CORE_TABLE` reads one change graphql-core's
  ``find_breaking_changes``/``find_dangerous_changes`` found. graphql-core describes a
  change in a sentence only, so the row's ``pattern`` (a regex over graphql-core 3.2's
  sentence for that change type) recovers the names; the row turns them into a
  :class:`Change` with a schema coordinate and a message a reviewer can act on, or
  ``None`` when the change is another row's (a removed *input* field is not a removed
  output field). Rows of one change type are tried in table order.
- ``@walk_rule(id, severity)``: what graphql-core does not report (additions,
  deprecations, descriptions, safe type changes), found by walking both schemas.

Coordinates follow the GraphQL schema coordinates RFC: ``Type``, ``Type.field``,
``Type.field(arg:)``, ``Enum.VALUE``, ``@directive``, ``@directive(arg:)``.
"""

from __future__ import annotations

import re

from graphql.utilities import BreakingChangeType, DangerousChangeType

from seam.graphql.rules._registry import RULES, CoreRule
from seam.model import Severity

__all__ = ["CORE_TABLE"]

B, D = BreakingChangeType, DangerousChangeType
_N = r"(?P<{}>[_A-Za-z][_0-9A-Za-z]*)"
_T, _F, _A, _V = _N.format("type"), _N.format("field"), _N.format("arg"), _N.format("value")
_CHANGED_TYPE = rf"{_T}\.{_F} changed type from (?P<old>.+) to (?P<new>.+)\."


def _input_type_hint(m: re.Match[str]) -> str:
    if m["new"] == f"{m['old']}!":
        return (
            "operations that omit it or send null now fail; keep it nullable or give it a default"
        )
    return "values clients send no longer fit; add a new field instead"


def _field_type_hint(m: re.Match[str]) -> str:
    old, new = m["old"], m["new"]
    if old == f"{new}!" or old.replace("!", "") == new.replace("!", ""):
        return (
            "clients that rely on it never being null (generated non-null types) will break; "
            "keep it non-null or add a new field"
        )
    return "clients read values of another type; add a new field instead and deprecate this one"


def _arg_type_hint(m: re.Match[str]) -> str:
    if m["new"] == f"{m['old']}!":
        return (
            "operations that omit it or pass null now fail; keep it optional or give it a default"
        )
    return "values and variables clients pass no longer fit; add a new argument instead"


def _default_hint(m: re.Match[str]) -> str:
    return f"from {m['old']} to {m['new']}" if m["old"] is not None else "was removed"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
# Rows of one change type are tried in this order; the first that reads the sentence wins.
CORE_TABLE: tuple[CoreRule, ...] = (
    # --- types
    CoreRule(
        "graphql-standard-scalar-unreferenced",
        _I,
        B.TYPE_REMOVED,
        rf"Standard scalar {_T} was removed because it is not referenced anymore\.",
        "type",
        "A built-in scalar is no longer referenced by the SDL: servers still accept it.",
        # graphql-js reports this as breaking; every GraphQL server still knows its
        # standard scalars, and no selection can name a type nothing refers to.
        "standard scalar {type} no longer referenced by the schema: no field or argument "
        "has that type any more, and every GraphQL server still knows the standard scalars",
    ),
    CoreRule(
        "graphql-type-removed",
        _E,
        B.TYPE_REMOVED,
        rf"{_T} was removed\.",
        "type",
        "A type was removed: every operation or fragment naming it fails validation.",
        "type {type} removed: operations, fragments and variables that name it stop "
        "validating; deprecate the fields returning it first and remove it once no client "
        "uses them",
    ),
    CoreRule(
        "graphql-type-kind-changed",
        _E,
        B.TYPE_CHANGED_KIND,
        rf"{_T} changed from (?:an? )?(?P<old>[\w ]+?) to (?:an? )?(?P<new>[\w ]+)\.",
        "type",
        "A type changed kind (object to interface, enum to scalar, ...): its selections change.",
        "type {type} changed from {old} to {new}: selections and fragments on it no longer "
        "validate the same way; add a new type instead and migrate clients",
        details=("old", "new"),
    ),
    CoreRule(
        "graphql-union-member-removed",
        _E,
        B.TYPE_REMOVED_FROM_UNION,
        rf"{_V} was removed from union type {_T}\.",
        "type",
        "A union lost a member: inline fragments on that member no longer validate.",
        "{value} removed from union {type}: inline fragments `... on {value}` inside {type} "
        "selections stop validating, and clients stop receiving those objects",
        details=("member=value",),
    ),
    CoreRule(
        "graphql-union-member-added",
        _W,
        D.TYPE_ADDED_TO_UNION,
        rf"{_V} was added to union type {_T}\.",
        "type",
        "A union gained a member: clients switching on __typename may meet an unknown type.",
        "{value} added to union {type}: clients that switch on __typename without a default "
        "branch will meet objects they do not handle; check they ignore unknown members",
        details=("member=value",),
    ),
    CoreRule(
        "graphql-enum-value-removed",
        _E,
        B.VALUE_REMOVED_FROM_ENUM,
        rf"{_V} was removed from enum type {_T}\.",
        "value",
        "An enum value was removed: operations sending it fail, clients expecting it never see it.",
        "enum value {type}.{value} removed: operations that send it as an argument or "
        "variable stop validating; deprecate it first (@deprecated) and remove it once unused",
    ),
    CoreRule(
        "graphql-enum-value-added",
        _W,
        D.VALUE_ADDED_TO_ENUM,
        rf"{_V} was added to enum type {_T}\.",
        "value",
        "An enum gained a value: clients with exhaustive switches may meet an unknown value.",
        "enum value {type}.{value} added: a client that maps {type} exhaustively (generated "
        "code, a switch without a default) fails when a response carries it; check they "
        "tolerate it",
    ),
    CoreRule(
        "graphql-input-field-added-required",
        _E,
        B.REQUIRED_INPUT_FIELD_ADDED,
        rf"A required field {_F} on input type {_T} was added\.",
        "field",
        "A required input field was added: every operation sending that input without it fails.",
        "required input field {type}.{field} added: every operation sending {type} without it "
        "now fails; make it nullable or give it a default value",
    ),
    CoreRule(
        "graphql-input-field-added-optional",
        _W,
        D.OPTIONAL_INPUT_FIELD_ADDED,
        rf"An optional field {_F} on input type {_T} was added\.",
        "field",
        "An optional input field was added: existing operations keep working.",
        "optional input field {type}.{field} added: existing operations keep working; the "
        "server must treat its absence exactly as before",
    ),
    CoreRule(
        "graphql-interface-removed-from-type",
        _E,
        B.IMPLEMENTED_INTERFACE_REMOVED,
        rf"{_T} no longer implements interface {_V}\.",
        "type",
        "An object or interface stopped implementing an interface: fragments on it stop matching.",
        "{type} no longer implements {value}: fragments `... on {value}` stop matching {type} "
        "objects and `... on {type}` inside {value} selections stop validating",
        details=("interface=value",),
    ),
    CoreRule(
        "graphql-interface-added-to-type",
        _W,
        D.IMPLEMENTED_INTERFACE_ADDED,
        rf"{_V} added to interfaces implemented by {_T}\.",
        "type",
        "A type now implements another interface: fields returning it may return a new type.",
        "{type} now implements {value}: fields returning {value} may return {type} objects, "
        "which clients switching on __typename without a default branch do not expect",
        details=("interface=value",),
    ),
    # --- fields
    CoreRule(
        "graphql-input-field-removed",
        _E,
        B.FIELD_REMOVED,
        rf"{_T}\.{_F} was removed\.",
        "field",
        "An input field was removed: operations sending it fail validation.",
        "input field {type}.{field} removed: operations that send it stop validating; "
        "deprecate it first and remove it once no client sends it",
        inputs=True,
    ),
    CoreRule(
        "graphql-field-removed",
        _E,
        B.FIELD_REMOVED,
        rf"{_T}\.{_F} was removed\.",
        "field",
        "A field was removed from an object or interface type: operations selecting it fail.",
        "field {type}.{field} removed: operations that select it stop validating; deprecate "
        "it first (@deprecated(reason: ...)) and remove it once no client selects it",
    ),
    CoreRule(
        "graphql-input-field-type-changed",
        _E,
        B.FIELD_CHANGED_KIND,
        _CHANGED_TYPE,
        "field",
        "An input field's type changed incompatibly (a new type, or it became required).",
        "input field {type}.{field} changed type from {old} to {new}: {hint}",
        details=("old", "new"),
        hint=_input_type_hint,
        inputs=True,
    ),
    CoreRule(
        "graphql-field-type-changed",
        _E,
        B.FIELD_CHANGED_KIND,
        _CHANGED_TYPE,
        "field",
        "A field's type changed incompatibly (a new type, or it became nullable).",
        "field {type}.{field} changed type from {old} to {new}: {hint}",
        details=("old", "new"),
        hint=_field_type_hint,
    ),
    # --- arguments
    CoreRule(
        "graphql-arg-added-required",
        _E,
        B.REQUIRED_ARG_ADDED,
        rf"A required arg {_A} on {_T}\.{_F} was added\.",
        "arg",
        "A required argument was added: every operation calling the field without it fails.",
        "required argument {c} added: every operation selecting {type}.{field} without it "
        "stops validating; make it nullable or give it a default value",
    ),
    CoreRule(
        "graphql-arg-added-optional",
        _W,
        D.OPTIONAL_ARG_ADDED,
        rf"An optional arg {_A} on {_T}\.{_F} was added\.",
        "arg",
        "An optional argument was added: the field must behave as before when it is absent.",
        "optional argument {c} added: existing operations keep validating; the resolver must "
        "behave as before when it is absent",
    ),
    CoreRule(
        "graphql-arg-removed",
        _E,
        B.ARG_REMOVED,
        rf"{_T}\.{_F} arg {_A} was removed\.",
        "arg",
        "An argument was removed: operations passing it fail validation.",
        "argument {c} removed: operations that pass it stop validating; deprecate it first "
        "and remove it once no client passes it",
    ),
    CoreRule(
        "graphql-arg-type-changed",
        _E,
        B.ARG_CHANGED_KIND,
        rf"{_T}\.{_F} arg {_A} has changed type from (?P<old>.+) to (?P<new>.+)\.",
        "arg",
        "An argument's type changed incompatibly (a new type, or it became required).",
        "argument {c} changed type from {old} to {new}: {hint}",
        details=("old", "new"),
        hint=_arg_type_hint,
    ),
    CoreRule(
        "graphql-arg-default-changed",
        _W,
        D.ARG_DEFAULT_VALUE_CHANGE,
        rf"{_T}\.{_F} arg {_A} (?:has changed defaultValue from (?P<old>.+) to (?P<new>.+)"
        r"|defaultValue was removed)\.",
        "arg",
        "An argument's default value changed: operations that omit it get different results.",
        "default of argument {c} {hint}: operations that omit it now get different results; "
        "pass the old value explicitly where it matters",
        details=("old", "new"),
        hint=_default_hint,
    ),
    # --- directives
    CoreRule(
        "graphql-directive-removed",
        _E,
        B.DIRECTIVE_REMOVED,
        rf"{_T} was removed\.",
        "directive",
        "A directive was removed: operations using it fail validation.",
        "directive {d} removed: operations that use it stop validating",
    ),
    CoreRule(
        "graphql-directive-arg-removed",
        _E,
        B.DIRECTIVE_ARG_REMOVED,
        rf"{_A} was removed from {_T}\.",
        "directive-arg",
        "A directive argument was removed: operations passing it fail validation.",
        "directive argument {c} removed: operations that pass it stop validating",
    ),
    CoreRule(
        "graphql-directive-arg-added-required",
        _E,
        B.REQUIRED_DIRECTIVE_ARG_ADDED,
        rf"A required arg {_A} on directive {_T} was added\.",
        "directive-arg",
        "A required directive argument was added: operations using the directive without it fail.",
        "required directive argument {c} added: operations using {d} without it stop "
        "validating; give it a default value",
    ),
    CoreRule(
        "graphql-directive-repeatable-removed",
        _E,
        B.DIRECTIVE_REPEATABLE_REMOVED,
        rf"Repeatable flag was removed from {_T}\.",
        "directive",
        "A directive is no longer repeatable: places using it twice fail validation.",
        "directive {d} is no longer repeatable: operations using it twice in one place stop "
        "validating",
    ),
    CoreRule(
        "graphql-directive-location-removed",
        _E,
        B.DIRECTIVE_LOCATION_REMOVED,
        rf"(?P<location>[A-Z_]+) was removed from {_T}\.",
        "directive",
        "A directive can no longer be used in one location: operations using it there fail.",
        "directive {d} can no longer be used on {location}: operations using it there stop "
        "validating",
        details=("location",),
    ),
)
for _row in CORE_TABLE:
    RULES.add(
        _row.id,
        severity=_row.severity,
        summary=_row.summary,
        area="graphql",
        func=_row,
        kind="core",
    )
RULES.add(
    "graphql-unrecognised-change",
    severity=Severity.ERROR,
    summary="graphql-core reported a change this version of Seam cannot name (kept as an error).",
    area="graphql",
)
