"""OpenAPI schema dialects are read as PactFlow reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest

from seam.errors import OpenAPIError, RefError
from seam.openapi._schemas import Mode, SchemaCompiler, split_pointer

from .conftest import AUTH, interaction

Codes = Callable[..., set[str]]


def _valid(
    schema: dict[str, Any],
    value: Any,
    mode: Mode = Mode.REQUEST,
    version: str = "3.0",
    doc: dict[str, Any] | None = None,
) -> bool:
    compiler = SchemaCompiler(doc or {}, version)
    return bool(compiler.validator("#/test", schema, mode).is_valid(value))


def test_nullable_allows_null_in_3_0() -> None:
    """`nullable: true` adds null to the type (OAS 3.0)."""
    assert _valid({"type": "string", "nullable": True}, None)


def test_null_needs_nullable() -> None:
    """Without `nullable`, null is not a string."""
    assert not _valid({"type": "string"}, None)


def test_boolean_exclusive_minimum() -> None:
    """OAS 3.0's boolean `exclusiveMinimum` excludes the bound itself."""
    schema = {"type": "integer", "minimum": 1, "exclusiveMinimum": True}
    assert not _valid(schema, 1)
    assert _valid(schema, 2)


def test_int32_range() -> None:
    """`format: int32` bounds an integer to 32 bits."""
    assert not _valid({"type": "integer", "format": "int32"}, 2**31)


def test_response_objects_are_closed() -> None:
    """A response object without additionalProperties rejects fields it does not name."""
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert not _valid(schema, {"a": "x", "b": 1}, Mode.RESPONSE)
    assert _valid(schema, {"a": "x", "b": 1}, Mode.REQUEST)


def test_response_required_is_dropped() -> None:
    """A consumer may read a subset of a response's fields."""
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
    assert _valid(schema, {}, Mode.RESPONSE)
    assert not _valid(schema, {}, Mode.REQUEST)


def test_all_of_is_a_union_of_objects() -> None:
    """allOf of two closed-in-response objects accepts fields from both (OpenAPI's meaning)."""
    doc = {
        "components": {
            "schemas": {
                "Base": {"type": "object", "properties": {"id": {"type": "integer"}}},
                "Named": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {"type": "object", "properties": {"name": {"type": "string"}}},
                    ]
                },
            }
        }
    }
    schema = {"$ref": "#/components/schemas/Named"}
    assert _valid(schema, {"id": 1, "name": "n"}, Mode.RESPONSE, doc=doc)
    assert not _valid(schema, {"id": 1, "other": 1}, Mode.RESPONSE, doc=doc)


def test_recursive_schemas_compile() -> None:
    """A schema that refers to itself validates nested values."""
    doc = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        }
                    },
                }
            }
        }
    }
    schema = {"$ref": "#/components/schemas/Node"}
    assert _valid(schema, {"children": [{"children": []}]}, Mode.RESPONSE, doc=doc)
    assert not _valid(schema, {"children": [{"x": 1}]}, Mode.RESPONSE, doc=doc)


def test_one_of_with_discriminator(tasks_api: dict[str, Any], codes: Codes) -> None:
    """The discriminator's tag picks the one branch a body is checked against."""
    schemas = tasks_api["components"]["schemas"]
    schemas["Cat"] = {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["cat"]}, "purrs": {"type": "boolean"}},
    }
    schemas["Dog"] = {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["dog"]}, "barks": {"type": "boolean"}},
    }
    content = tasks_api["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]
    content["application/json"]["schema"] = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    good = interaction(headers=AUTH, response_body={"kind": "dog", "barks": True})
    bad = interaction(headers=AUTH, response_body={"kind": "dog", "purrs": True})
    assert "response.body.incompatible" not in codes(good, tasks_api)
    assert "response.body.incompatible" in codes(bad, tasks_api)


def test_discriminator_picks_one_of_two_fitting_branches(
    tasks_api: dict[str, Any], codes: Codes
) -> None:
    """A body that fits both oneOf branches is fine when its tag names one (no ambiguity)."""
    schemas = tasks_api["components"]["schemas"]
    for name in ("Cat", "Dog"):
        schemas[name] = {
            "type": "object",
            "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
        }
    content = tasks_api["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]
    content["application/json"]["schema"] = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "petType"},
    }
    item = interaction(headers=AUTH, response_body={"petType": "Cat", "name": "tom"})
    unknown = interaction(headers=AUTH, response_body={"petType": "Cow", "name": "daisy"})
    assert "response.body.incompatible" not in codes(item, tasks_api)
    assert "response.body.incompatible" in codes(unknown, tasks_api)


def test_openapi_3_1_type_arrays(tasks_api: dict[str, Any], codes: Codes) -> None:
    """OAS 3.1 schemas are JSON Schema 2020-12: `type: [string, "null"]` allows null."""
    tasks_api["openapi"] = "3.1.0"
    tasks_api["components"]["schemas"]["Task"]["properties"]["note"] = {"type": ["string", "null"]}
    item = interaction(headers=AUTH, response_body={"id": 1, "note": None})
    assert codes(item, tasks_api) == set()


def test_pointer_unescaping() -> None:
    """JSON pointers unescape `~1` and `~0` (RFC 6901)."""
    assert split_pointer("#/paths/~1a~1{id}/x~0y") == ["paths", "/a/{id}", "x~y"]


def test_remote_refs_are_not_followed() -> None:
    """A `$ref` to another document is refused, never fetched."""
    with pytest.raises(RefError, match="only local references"):
        split_pointer("https://example.com/schemas.yaml#/Task")


def test_dangling_ref_is_an_openapi_error(tasks_api: dict[str, Any], codes: Codes) -> None:
    """A reference to a missing component fails with RefError, not a crash."""
    content = tasks_api["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]
    content["application/json"]["schema"] = {"$ref": "#/components/schemas/Missing"}
    with pytest.raises(RefError, match="points at nothing"):
        codes(interaction(headers=AUTH, response_body={"id": 1}), tasks_api)


def test_refs_outside_components_resolve(tasks_api: dict[str, Any], codes: Codes) -> None:
    """A `$ref` into another operation (not components) is followed like any other."""
    get = tasks_api["paths"]["/tasks/{id}"]["get"]
    put = tasks_api["paths"]["/tasks/{id}"]["put"]
    put["responses"]["200"] = {
        "description": "the stored task",
        "content": {
            "application/json": {
                "schema": {
                    "$ref": "#/paths/~1tasks~1{id}/get/responses/200/content/"
                    "application~1json/schema"
                }
            }
        },
    }
    assert get["responses"]["200"]["content"]["application/json"]["schema"]
    body = {"Content-Type": "application/json"}
    good = interaction("PUT", headers=body, body={"id": 1, "title": "t"}, response_body={"id": 1})
    bad = interaction("PUT", headers=body, body={"id": 1, "title": "t"}, response_body={"x": 1})
    assert "response.body.incompatible" not in codes(good, tasks_api)
    assert "response.body.incompatible" in codes(bad, tasks_api)


def test_shared_and_embedded_validators_agree() -> None:
    """A component schema gives the same verdicts through the shared registry and embedded."""
    doc = {
        "components": {
            "schemas": {
                "Task": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "next": {"$ref": "#/components/schemas/Task"},
                    },
                }
            }
        }
    }
    compiler = SchemaCompiler(doc, "3.0")
    shared = compiler.validator("#/a", {"$ref": "#/components/schemas/Task"}, Mode.RESPONSE)
    embedded = jsonschema_rs.Draft201909Validator(
        compiler.prepared({"$ref": "#/components/schemas/Task"}, Mode.RESPONSE)
    )
    for value in ({"id": 1}, {"id": "x"}, {"next": {"id": 2, "z": 1}}, {"next": {"next": {}}}):
        assert shared.is_valid(value) == embedded.is_valid(value)


def test_invalid_schema_is_one_line(tasks_api: dict[str, Any], codes: Codes) -> None:
    """A schema JSON Schema rejects (a broken regex) is an OpenAPIError on one line."""
    tasks_api["components"]["schemas"]["Task"]["properties"]["title"]["pattern"] = "(unclosed"
    with pytest.raises(OpenAPIError) as caught:
        codes(interaction(headers=AUTH, response_body={"id": 1}), tasks_api)
    assert "\n" not in str(caught.value)
    assert "(unclosed" in str(caught.value)
