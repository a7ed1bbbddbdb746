"""Every Pact and OpenAPI version is read: Swagger 2.0 specifics, Pact V2 and V4 shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seam.compat import compare

from .conftest import AUTH, TASKS_API, interaction, pact_of

Codes = Callable[..., set[str]]

SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "tasks", "version": "1"},
    "basePath": "/api",
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "paths": {
        "/tasks": {
            "post": {
                "parameters": [
                    {
                        "in": "body",
                        "name": "task",
                        "required": True,
                        "schema": {
                            "type": "object",
                            "required": ["title"],
                            "properties": {"title": {"type": "string"}},
                        },
                    }
                ],
                "responses": {
                    "201": {
                        "description": "made",
                        "schema": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "note": {"type": "string", "x-nullable": True},
                            },
                        },
                    }
                },
            }
        },
        "/upload": {
            "post": {
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    {"in": "formData", "name": "n", "type": "integer", "required": True}
                ],
                "responses": {"204": {"description": "stored"}},
            }
        },
    },
}

JSON = {"Content-Type": "application/json"}


def _codes(item: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    return {f.rule for f in compare(pact_of(item), doc)}


def test_swagger_body_parameter() -> None:
    """A Swagger 2.0 body parameter's schema checks the request body."""
    good = interaction("POST", "/api/tasks", status=201, headers=JSON, body={"title": "t"})
    bad = interaction("POST", "/api/tasks", status=201, headers=JSON, body={"name": "t"})
    assert _codes(good, SWAGGER) == set()
    assert "request.body.incompatible" in _codes(bad, SWAGGER)


def test_swagger_response_schema_and_x_nullable() -> None:
    """A Swagger 2.0 response `schema` is closed; `x-nullable` allows null."""
    ok = interaction(
        "POST",
        "/api/tasks",
        status=201,
        headers=JSON,
        body={"title": "t"},
        response_body={"id": 1, "note": None},
    )
    extra = interaction(
        "POST",
        "/api/tasks",
        status=201,
        headers=JSON,
        body={"title": "t"},
        response_body={"id": 1, "owner": "ann"},
    )
    assert _codes(ok, SWAGGER) == set()
    assert "response.body.incompatible" in _codes(extra, SWAGGER)


@pytest.mark.parametrize(("body", "fits"), [("n=3", True), ("n=three", False)])
def test_swagger_form_data(body: str, fits: bool) -> None:
    """formData parameters check an urlencoded body, values read as their types."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    found = _codes(
        interaction("POST", "/api/upload", status=204, headers=headers, body=body), SWAGGER
    )
    assert ("request.body.incompatible" not in found) is fits


def test_swagger_operation_consumes_wins() -> None:
    """An operation's `consumes` replaces the document's."""
    item = interaction("POST", "/api/upload", status=204, headers=JSON, body={"n": 1})
    assert "request.content-type.incompatible" in _codes(item, SWAGGER)


def test_pact_v2_matching_rules() -> None:
    """V2 `$.body...` matching rules count like V3 ones."""
    item = interaction(headers=AUTH, response_body={"id": 1, "status": "archived"})
    item["response"]["matchingRules"] = {"$.body.status": {"match": "type"}}
    doc = pact_of(item)
    doc["metadata"] = {"pactSpecification": {"version": "2.0.0"}}
    assert compare(doc, TASKS_API) == []


def test_pact_v4_bodies() -> None:
    """V4 bodies (`content`, `contentType`, `encoded`) are read as their JSON values."""
    item = interaction(headers=AUTH)
    item["type"] = "Synchronous/HTTP"
    item["response"]["body"] = {
        "content": {"id": 1, "owner": "ann"},
        "contentType": "application/json",
        "encoded": False,
    }
    doc = pact_of(item)
    doc["metadata"] = {"pactSpecification": {"version": "4.0"}}
    assert {f.rule for f in compare(doc, TASKS_API)} == {"response.body.incompatible"}


def test_pact_v1_query_string() -> None:
    """A V1/V2 query string is split into parameters."""
    item = interaction(headers=AUTH)
    item["request"]["query"] = "q=abc"
    doc = pact_of(item)
    doc["metadata"] = {"pactSpecification": {"version": "1.0.0"}}
    assert {f.rule for f in compare(doc, TASKS_API)} == {"request.query.incompatible"}
