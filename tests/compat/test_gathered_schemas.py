"""Body schemas gathered into one validator per mode give the verdicts of one each."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from seam.compat import compare
from seam.errors import OpenAPIError
from seam.openapi import Api
from seam.openapi._schemas import GATHER_AFTER, Mode, SchemaCompiler

OPERATIONS = GATHER_AFTER + 4  # more bodies than are ever compiled one by one

ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "format": "int32"},
        "name": {"type": "string", "nullable": True},
        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
    },
    "required": ["id"],
}
TAG = {"type": "object", "properties": {"label": {"type": "string", "maxLength": 3}}}


def _body(i: int) -> dict[str, Any]:
    # Each operation's body differs (a list wrapper with its own field), as Stripe's do.
    return {
        "type": "object",
        "properties": {
            f"field{i}": {"type": "string"},
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
        },
    }


def _document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for i in range(OPERATIONS):
        content = {"application/json": {"schema": _body(i)}}
        paths[f"/r{i}"] = {
            "get": {"responses": {"200": {"description": "ok", "content": content}}},
            "post": {
                "requestBody": {"content": copy.deepcopy(content)},
                "responses": {"204": {"description": "stored"}},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "gathered", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Item": ITEM, "Tag": TAG}},
    }


def _values(i: int) -> list[Any]:
    return [
        {f"field{i}": "x", "data": [{"id": 1, "name": None, "tags": [{"label": "ab"}]}]},
        {f"field{i}": 5, "data": [{"id": 2**40, "extra": 1, "tags": [{"label": "long"}]}]},
        {"data": [{"name": "n"}], "other": True},
        [],
        None,
    ]


def _errors(validator: Any, value: Any) -> list[tuple[str, list[Any], str]]:
    return sorted(
        (e.message, list(e.instance_path), type(e.kind).__name__)
        for e in validator.iter_errors(value)
    )


@pytest.mark.parametrize("mode", [Mode.RESPONSE, Mode.REQUEST])
def test_gathered_validators_agree_with_single_ones(mode: Mode) -> None:
    """Past the threshold a mode's bodies share one validator, with the same errors and paths."""
    doc = _document()
    api = Api(doc)
    alone = SchemaCompiler(doc, "3.0.3")
    for i in range(OPERATIONS):
        schema = _body(i)
        key = f"#/paths/~1r{i}/body"
        gathered, single = (
            api.schemas.validator(key, schema, mode),
            alone.validator(key, schema, mode),
        )
        for value in _values(i):
            assert gathered.is_valid(value) == single.is_valid(value)
            assert _errors(gathered, value) == _errors(single, value)
    assert api.schemas.gathered == {mode}
    assert alone.gathered == frozenset()


def test_findings_through_gathered_bodies_name_the_field() -> None:
    """`contracts check` findings on the last bodies (gathered) locate the offending field."""
    interactions = [
        {
            "description": f"get r{i}",
            "request": {"method": "GET", "path": f"/r{i}"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"data": [{"id": 1, "tags": [{"label": "x", "colour": "red"}]}]},
            },
        }
        for i in range(OPERATIONS)
    ]
    pact = {
        "consumer": {"name": "web"},
        "provider": {"name": "gathered"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    api = Api(_document())
    findings = compare(pact, api)
    assert [f.location for f in findings] == ["response.body.data[0].tags[0].colour"] * OPERATIONS
    assert api.schemas.gathered == {Mode.RESPONSE}


def test_a_broken_body_keeps_each_schema_alone() -> None:
    """A body JSON Schema rejects leaves the others checked one by one, and is reported."""
    doc = _document()
    broken = {"type": "string", "pattern": "(unclosed"}
    doc["paths"]["/r0"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = broken
    api = Api(doc)
    for i in range(1, OPERATIONS):
        validator = api.schemas.validator(f"#/r{i}", _body(i), Mode.RESPONSE)
        assert not validator.is_valid({"data": [{"id": "one"}]})
    assert api.schemas.gathered == frozenset()
    with pytest.raises(OpenAPIError, match="not valid JSON Schema"):
        api.schemas.validator("#/r0", broken, Mode.RESPONSE)
