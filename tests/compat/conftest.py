"""Builders for small OpenAPI documents and pacts, shared by the compat tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

TASK = {
    "type": "object",
    "required": ["id", "title"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "done"]},
        "note": {"type": "string", "nullable": True},
    },
}

TASKS_API: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tasks", "version": "1"},
    "paths": {
        "/tasks/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": "X-Trace", "in": "header", "schema": {"type": "integer"}},
                    {"name": "q", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "the task",
                        "headers": {"X-Rate": {"schema": {"type": "integer"}}},
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Task"}}
                        },
                    },
                    "404": {"description": "no such task"},
                },
            },
            "put": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Task"}}
                    },
                },
                "responses": {"204": {"description": "stored"}},
            },
        },
        "/reports": {
            "get": {
                "responses": {
                    "200": {
                        "description": "csv",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "default": {"description": "anything else"},
                }
            }
        },
        "/upload": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/xml": {"schema": {"type": "object"}},
                        "application/json": {"schema": {"type": "object"}},
                    }
                },
                "responses": {"201": {"description": "stored"}},
            }
        },
        "/ping": {"get": {"responses": {"200": {"description": "pong"}}}},
    },
    "components": {
        "schemas": {"Task": TASK},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
}

AUTH = {"Authorization": "Bearer t0ken"}


def interaction(
    method: str = "GET",
    path: str = "/tasks/1",
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    body: Any = None,
    response_headers: dict[str, str] | None = None,
    response_body: Any = None,
    response_rules: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One V3 HTTP interaction."""
    request: dict[str, Any] = {"method": method, "path": path}
    if headers:
        request["headers"] = headers
    if query:
        request["query"] = query
    if body is not None:
        request["body"] = body
    response: dict[str, Any] = {"status": status}
    if response_headers:
        response["headers"] = response_headers
    if response_body is not None:
        response["body"] = response_body
    if response_rules:
        response["matchingRules"] = response_rules
    return {"description": f"{method} {path} -> {status}", "request": request, "response": response}


def pact_of(*interactions: dict[str, Any], consumer: str = "web") -> dict[str, Any]:
    """A V3 pact document holding ``interactions``."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "tasks-api"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture
def tasks_api() -> dict[str, Any]:
    """A fresh copy of the example OpenAPI 3.0 document (tests may change it)."""
    return copy.deepcopy(TASKS_API)


@pytest.fixture
def codes() -> Callable[..., set[str]]:
    """Finding codes for one interaction against a document (the tasks API by default)."""
    from seam.compat import compare

    def run(item: dict[str, Any], doc: dict[str, Any] | None = None) -> set[str]:
        return {f.rule for f in compare(pact_of(item), doc or copy.deepcopy(TASKS_API))}

    return run
