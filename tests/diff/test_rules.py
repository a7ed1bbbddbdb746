"""The rule table as a whole: every rule fires on its fixture pair and not on a near miss."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from seam.diff import RULES
from seam.diff._catalogue import FAMILIES
from seam.model import Report

S = {"type": "string"}
OBJ = {"type": "object", "properties": {"id": S}}

# kind -> (base schema, revision schema) that makes the kind fire wherever it has an id.
SCHEMA_PAIRS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "min-increased": ({"type": "number", "minimum": 1}, {"type": "number", "minimum": 5}),
    "min-decreased": ({"type": "number", "minimum": 5}, {"type": "number", "minimum": 1}),
    "min-set": ({"type": "number"}, {"type": "number", "minimum": 1}),
    "max-increased": ({"type": "number", "maximum": 1}, {"type": "number", "maximum": 5}),
    "max-decreased": ({"type": "number", "maximum": 5}, {"type": "number", "maximum": 1}),
    "max-set": ({"type": "number"}, {"type": "number", "maximum": 1}),
    "exclusive-min-increased": ({"exclusiveMinimum": 1}, {"exclusiveMinimum": 5}),
    "exclusive-min-decreased": ({"exclusiveMinimum": 5}, {"exclusiveMinimum": 1}),
    "exclusive-min-set": ({"type": "number"}, {"type": "number", "exclusiveMinimum": 1}),
    "exclusive-max-increased": ({"exclusiveMaximum": 1}, {"exclusiveMaximum": 5}),
    "exclusive-max-decreased": ({"exclusiveMaximum": 5}, {"exclusiveMaximum": 1}),
    "exclusive-max-set": ({"type": "number"}, {"type": "number", "exclusiveMaximum": 1}),
    "min-length-increased": ({**S, "minLength": 1}, {**S, "minLength": 3}),
    "min-length-decreased": ({**S, "minLength": 3}, {**S, "minLength": 1}),
    "max-length-increased": ({**S, "maxLength": 3}, {**S, "maxLength": 9}),
    "max-length-decreased": ({**S, "maxLength": 9}, {**S, "maxLength": 3}),
    "max-length-set": (S, {**S, "maxLength": 3}),
    "max-length-unset": ({**S, "maxLength": 3}, S),
    "min-items-increased": (
        {"type": "array", "items": S, "minItems": 1},
        {"type": "array", "items": S, "minItems": 2},
    ),
    "min-items-decreased": (
        {"type": "array", "items": S, "minItems": 2},
        {"type": "array", "items": S, "minItems": 1},
    ),
    "min-items-set": ({"type": "array", "items": S}, {"type": "array", "items": S, "minItems": 1}),
    "min-items-unset": (
        {"type": "array", "items": S, "minItems": 1},
        {"type": "array", "items": S},
    ),
    "max-items-increased": (
        {"type": "array", "items": S, "maxItems": 2},
        {"type": "array", "items": S, "maxItems": 5},
    ),
    "max-items-decreased": (
        {"type": "array", "items": S, "maxItems": 5},
        {"type": "array", "items": S, "maxItems": 2},
    ),
    "min-contains-increased": ({"minContains": 1}, {"minContains": 2}),
    "min-contains-decreased": ({"minContains": 2}, {"minContains": 1}),
    "max-contains-increased": ({"maxContains": 1}, {"maxContains": 2}),
    "max-contains-decreased": ({"maxContains": 2}, {"maxContains": 1}),
    "enum-value-added": ({**S, "enum": ["a"]}, {**S, "enum": ["a", "b"]}),
    "enum-value-removed": ({**S, "enum": ["a", "b"]}, {**S, "enum": ["a"]}),
    "became-enum": (S, {**S, "enum": ["a"]}),
    "x-extensible-enum-value-removed": (
        {**S, "x-extensible-enum": ["a", "b"]},
        {**S, "x-extensible-enum": ["a"]},
    ),
    "const-added": (S, {**S, "const": "a"}),
    "const-changed": ({**S, "const": "a"}, {**S, "const": "b"}),
    "const-removed": ({**S, "const": "a"}, S),
    "default-value-added": (S, {**S, "default": "a"}),
    "default-value-changed": ({**S, "default": "a"}, {**S, "default": "b"}),
    "default-value-removed": ({**S, "default": "a"}, S),
    "pattern-added": (S, {**S, "pattern": "^a$"}),
    "pattern-changed": ({**S, "pattern": "^a$"}, {**S, "pattern": "^b$"}),
    "pattern-removed": ({**S, "pattern": "^a$"}, S),
    "pattern-generalized": ({**S, "pattern": "^a$"}, {**S, "pattern": ".*"}),
    "contains-added": ({"type": "array"}, {"type": "array", "contains": S}),
    "contains-removed": ({"type": "array", "contains": S}, {"type": "array"}),
    "if-added": (OBJ, {**OBJ, "if": OBJ}),
    "if-removed": ({**OBJ, "if": OBJ}, OBJ),
    "then-added": (OBJ, {**OBJ, "then": OBJ}),
    "then-removed": ({**OBJ, "then": OBJ}, OBJ),
    "else-added": (OBJ, {**OBJ, "else": OBJ}),
    "else-removed": ({**OBJ, "else": OBJ}, OBJ),
    "property-names-added": (OBJ, {**OBJ, "propertyNames": S}),
    "property-names-removed": ({**OBJ, "propertyNames": S}, OBJ),
    "unevaluated-items-added": ({"type": "array"}, {"type": "array", "unevaluatedItems": S}),
    "unevaluated-items-removed": ({"type": "array", "unevaluatedItems": S}, {"type": "array"}),
    "unevaluated-properties-added": (OBJ, {**OBJ, "unevaluatedProperties": S}),
    "unevaluated-properties-removed": ({**OBJ, "unevaluatedProperties": S}, OBJ),
    "prefix-items-added": ({"type": "array"}, {"type": "array", "prefixItems": [S]}),
    "prefix-items-removed": ({"type": "array", "prefixItems": [S]}, {"type": "array"}),
    "content-schema-added": (S, {**S, "contentSchema": OBJ}),
    "content-schema-removed": ({**S, "contentSchema": OBJ}, S),
    "content-encoding-changed": (
        {**S, "contentEncoding": "base64"},
        {**S, "contentEncoding": "base32"},
    ),
    "content-media-type-changed": (
        {**S, "contentMediaType": "a/b"},
        {**S, "contentMediaType": "a/c"},
    ),
    "pattern-property-added": (OBJ, {**OBJ, "patternProperties": {"^x-": S}}),
    "pattern-property-removed": ({**OBJ, "patternProperties": {"^x-": S}}, OBJ),
    "dependent-schema-added": (OBJ, {**OBJ, "dependentSchemas": {"id": OBJ}}),
    "dependent-schema-removed": ({**OBJ, "dependentSchemas": {"id": OBJ}}, OBJ),
    "dependent-required-added": (OBJ, {**OBJ, "dependentRequired": {"id": ["a"]}}),
    "dependent-required-changed": (
        {**OBJ, "dependentRequired": {"id": ["a"]}},
        {**OBJ, "dependentRequired": {"id": ["b"]}},
    ),
    "dependent-required-removed": ({**OBJ, "dependentRequired": {"id": ["a"]}}, OBJ),
    "type-changed": (S, OBJ),
    "type-generalized": ({"type": "integer"}, {"type": "number"}),
    "type-specialized": ({"type": "number"}, {"type": "integer"}),
    "type-compatible": (OBJ, S),  # XML bodies only
    "list-of-types-widened": ({"type": ["string"]}, {"type": ["string", "integer"]}),
    "list-of-types-narrowed": ({"type": ["string", "integer"]}, {"type": ["string"]}),
    "became-nullable": (S, {**S, "nullable": True}),
    "became-not-nullable": ({**S, "nullable": True}, S),
    "one-of-added": ({"oneOf": [S, OBJ]}, {"oneOf": [S, OBJ, {"type": "integer", "minimum": 1}]}),
    "one-of-removed": ({"oneOf": [S, OBJ, {"type": "integer", "minimum": 1}]}, {"oneOf": [S, OBJ]}),
    "wrapped-in-one-of": (OBJ, {"oneOf": [OBJ, {"type": "integer", "minimum": 1}]}),
    "any-of-added": ({"anyOf": [S, OBJ]}, {"anyOf": [S, OBJ, {"type": "integer", "minimum": 1}]}),
    "any-of-removed": ({"anyOf": [S, OBJ, {"type": "integer", "minimum": 1}]}, {"anyOf": [S, OBJ]}),
    "all-of-added": ({"allOf": [OBJ]}, {"allOf": [OBJ, {"required": ["id"]}]}),
    "all-of-removed": ({"allOf": [OBJ, {"required": ["id"]}]}, {"allOf": [OBJ]}),
    "all-of-added-annotation-only": ({"allOf": [OBJ]}, {"allOf": [OBJ, {"title": "x"}]}),
    "all-of-removed-annotation-only": ({"allOf": [OBJ, {"title": "x"}]}, {"allOf": [OBJ]}),
    "discriminator-added": (OBJ, {**OBJ, "discriminator": {"propertyName": "id"}}),
    "discriminator-removed": ({**OBJ, "discriminator": {"propertyName": "id"}}, OBJ),
    "discriminator-property-name-changed": (
        {**OBJ, "discriminator": {"propertyName": "id"}},
        {**OBJ, "discriminator": {"propertyName": "kind"}},
    ),
    "discriminator-mapping-added": (
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {}}},
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {"a": "X"}}},
    ),
    "discriminator-mapping-deleted": (
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {"a": "X"}}},
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {}}},
    ),
    "discriminator-mapping-changed": (
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {"a": "X"}}},
        {**OBJ, "discriminator": {"propertyName": "id", "mapping": {"a": "Y"}}},
    ),
}

# Family ids that no schema in an OpenAPI document can reach (kept for the id map).
UNREACHABLE = {"response-header-type-compatible"}


def document(schema: dict[str, Any], prefix: str, xml: bool = False) -> dict[str, Any]:
    """An OpenAPI 3.1 document using ``schema`` where ``prefix`` says."""
    media = "application/xml" if xml else "application/json"
    wrap = {"type": "object", "properties": {"p": schema}}
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if prefix == "request-body":
        op["requestBody"] = {"content": {media: {"schema": schema}}}
    elif prefix == "request-property":
        op["requestBody"] = {"content": {media: {"schema": wrap}}}
    elif prefix == "request-parameter":
        op["parameters"] = [{"name": "q", "in": "query", "schema": schema}]
    elif prefix == "request-parameter-property":
        op["parameters"] = [{"name": "q", "in": "query", "schema": wrap}]
    elif prefix == "request-header-property":
        op["parameters"] = [{"name": "X-Q", "in": "header", "schema": wrap}]
    elif prefix == "response-body":
        op["responses"]["200"]["content"] = {media: {"schema": schema}}
    elif prefix == "response-property":
        op["responses"]["200"]["content"] = {media: {"schema": wrap}}
    elif prefix == "response-header":
        op["responses"]["200"]["headers"] = {"X-H": {"schema": schema}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/r": {"post": op}},
        # What the discriminator mappings point at: a dangling mapping is refused on load.
        "components": {"schemas": {"X": OBJ, "Y": OBJ}},
    }


def family_cases() -> list[Any]:
    cases = []
    for kind, levels in sorted(FAMILIES.items()):
        for prefix in sorted(levels):
            rule_id = f"{prefix}-{kind}"
            if rule_id in RULES and rule_id not in UNREACHABLE:
                cases.append(pytest.param(kind, prefix, id=rule_id))
    return cases


def _ids(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


@pytest.mark.parametrize(("kind", "prefix"), family_cases())
def test_schema_rule_fires(kind: str, prefix: str, run_diff: Callable[..., Report]) -> None:
    """The schema rule fires on its fixture pair where the schema is used."""
    base, revision = SCHEMA_PAIRS[kind]
    xml = kind == "type-compatible"
    report = run_diff(document(base, prefix, xml), document(revision, prefix, xml))
    assert f"{prefix}-{kind}" in _ids(report)


@pytest.mark.parametrize(("kind", "prefix"), family_cases())
def test_schema_rule_quiet_on_documentation_change(
    kind: str, prefix: str, run_diff: Callable[..., Report]
) -> None:
    """A change to descriptions and examples alone fires no schema rule."""
    base, _ = SCHEMA_PAIRS[kind]
    revision = copy.deepcopy(base)
    revision["description"] = "documentation only"
    revision["example"] = "x"
    assert _ids(run_diff(document(base, prefix), document(revision, prefix))) == set()


def test_every_schema_kind_has_a_fixture_pair() -> None:
    """Every kind that registered an id has a fixture pair here."""
    kinds = {k for k, levels in FAMILIES.items() if any(f"{p}-{k}" in RULES for p in levels)}
    assert kinds <= set(SCHEMA_PAIRS)


def test_rule_ids_are_kebab_case_with_a_summary() -> None:
    """Every rule id is stable kebab-case and has a one-line summary."""
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.summary and "\n" not in rule.summary, rule.id


OPPOSITES = [
    ("-increased", "-decreased"),
    ("-added", "-removed"),
    ("became-nullable", "became-not-nullable"),
    ("-widened", "-narrowed"),
    ("-generalized", "-specialized"),
    ("-set", "-unset"),
]


def _opposite(kind: str) -> str | None:
    for a, b in OPPOSITES:
        if kind.endswith(a):
            return kind[: -len(a)] + b
        if kind.endswith(b):
            return kind[: -len(b)] + a
    return None


def symmetry_cases() -> list[Any]:
    cases = []
    for kind in sorted(SCHEMA_PAIRS):
        opposite = _opposite(kind)
        if opposite is None or opposite not in FAMILIES:
            continue
        for prefix in sorted(FAMILIES[opposite]):
            if f"{prefix}-{opposite}" in RULES and prefix in FAMILIES.get(kind, {}):
                cases.append(pytest.param(kind, opposite, prefix, id=f"{prefix}-{kind}"))
    return cases


@pytest.mark.parametrize(("kind", "opposite", "prefix"), symmetry_cases())
def test_reversed_pair_fires_the_opposite_rule(
    kind: str, opposite: str, prefix: str, run_diff: Callable[..., Report]
) -> None:
    """Swapping base and revision turns each change into its opposite (added ↔ removed, ...)."""
    base, revision = SCHEMA_PAIRS[kind]
    ids = _ids(run_diff(document(revision, prefix), document(base, prefix)))
    assert f"{prefix}-{opposite}" in ids
    assert f"{prefix}-{kind}" not in ids
