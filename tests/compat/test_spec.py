"""Routing a pact request to an operation: templates, base paths, specificity."""

from __future__ import annotations

from typing import Any

import pytest

from seam.compat import build_spec
from seam.errors import OpenAPIError


def _doc(paths: list[str], **extra: Any) -> dict[str, Any]:
    ok = {"responses": {"200": {"description": "ok"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {p: {"get": ok} for p in paths},
        **extra,
    }


def _routed(doc: dict[str, Any], path: str, method: str = "GET") -> str | None:
    found = build_spec(doc).route(method, path)
    return found[0].template if found else None


def test_static_path_beats_template() -> None:
    """`/tasks/mine` routes to its own operation, not to `/tasks/{id}`."""
    doc = _doc(["/tasks/{id}", "/tasks/mine"])
    assert _routed(doc, "/tasks/mine") == "/tasks/mine"
    assert _routed(doc, "/tasks/7") == "/tasks/{id}"


def test_template_never_spans_segments() -> None:
    """A path parameter matches one segment only."""
    assert _routed(_doc(["/tasks/{id}"]), "/tasks/7/comments") is None


def test_unknown_method() -> None:
    """A method the path does not offer does not route."""
    assert _routed(_doc(["/tasks"]), "/tasks", "DELETE") is None


def test_trailing_slash_is_a_different_path() -> None:
    """`/tasks/` is not `/tasks` (as the comparator reads them)."""
    assert _routed(_doc(["/tasks"]), "/tasks/") is None


def test_query_in_path_does_not_route() -> None:
    """A query string belongs in the pact's `query`, not in its path."""
    assert _routed(_doc(["/tasks"]), "/tasks?a=1") is None


def test_swagger_base_path_is_required() -> None:
    """Swagger 2.0 paths sit under `basePath`."""
    doc = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "basePath": "/api",
        "paths": {"/tasks": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    assert _routed(doc, "/api/tasks") == "/tasks"
    assert _routed(doc, "/tasks") is None


def test_servers_base_path_is_optional() -> None:
    """OpenAPI 3 paths route with or without the server URL's path."""
    doc = _doc(["/tasks"], servers=[{"url": "https://api.example.com/v1"}])
    assert _routed(doc, "/v1/tasks") == "/tasks"
    assert _routed(doc, "/tasks") == "/tasks"


def test_path_level_parameters_are_merged() -> None:
    """Path-item parameters apply to each operation; the operation's own win."""
    doc = _doc(["/tasks/{id}"])
    doc["paths"]["/tasks/{id}"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    doc["paths"]["/tasks/{id}"]["get"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    op = build_spec(doc).operations[0]
    assert [p["schema"]["type"] for p in op.parameters] == ["integer"]


@pytest.mark.parametrize("doc", [{"paths": {}}, {"openapi": "2.5"}, ["not", "a", "mapping"]])
def test_not_openapi(doc: Any) -> None:
    """Something that is not an OpenAPI document is refused with OpenAPIError."""
    with pytest.raises(OpenAPIError):
        build_spec(doc)


def test_server_variables_take_their_defaults() -> None:
    """A templated server URL contributes its base path with each variable's default."""
    server = {
        "url": "https://{host}/{base}",
        "variables": {"host": {"default": "api.example.com"}, "base": {"default": "v2"}},
    }
    doc = _doc(["/tasks"], servers=[server])
    assert _routed(doc, "/v2/tasks") == "/tasks"
