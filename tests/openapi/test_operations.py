"""The one operation model and router: templates, base paths, specificity, normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from seam.errors import OpenAPIError
from seam.openapi import Api


def _doc(paths: list[str], **extra: Any) -> dict[str, Any]:
    ok = {"responses": {"200": {"description": "ok"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {p: {"get": ok} for p in paths},
        **extra,
    }


def _routed(doc: dict[str, Any], path: str, method: str = "GET") -> str | None:
    found = Api(doc).route(method, path)
    return found.operation.path if found else None


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
    op = Api(doc).all_operations()[0]
    assert [p["schema"]["type"] for p in op.parameter_nodes] == ["integer"]
    assert op.parameters[("path", "#0")].schema == {"type": "integer"}


@pytest.mark.parametrize("doc", [{"paths": {}}, {"openapi": "2.5"}, ["not", "a", "mapping"]])
def test_not_openapi(doc: Any) -> None:
    """Something that is not an OpenAPI document is refused with OpenAPIError."""
    with pytest.raises(OpenAPIError):
        Api(doc).operations()


def test_server_variables_take_their_defaults() -> None:
    """A templated server URL contributes its base path with each variable's default."""
    server = {
        "url": "https://{host}/{base}",
        "variables": {"host": {"default": "api.example.com"}, "base": {"default": "v2"}},
    }
    doc = _doc(["/tasks"], servers=[server])
    assert _routed(doc, "/v2/tasks") == "/tasks"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        pytest.param("https://api.example.com/api", "/api/articles/7", id="absolute"),
        pytest.param("/api/v1", "/api/v1/articles/7", id="relative"),
        pytest.param("https://api.example.com/api/", "/api/articles/7", id="trailing-slash"),
        pytest.param("//cdn.example.com/api", "/api/articles/7", id="scheme-relative"),
    ],
)
def test_server_base_paths_in_all_forms(url: str, path: str) -> None:
    """A request under any form of server URL reaches the template, and its base path is told."""
    found = Api(_doc(["/articles/{id}"], servers=[{"url": url}])).route("GET", path)
    assert found is not None
    assert (found.operation.path, found.params) == ("/articles/{id}", {"id": "7"})
    assert found.base_path == path.removesuffix("/articles/7")


def test_percent_encoded_literal_segment() -> None:
    """A percent-encoded request path reaches a template written with the plain character."""
    doc = _doc(["/files/read me", "/files/{name}"])
    assert _routed(doc, "/files/read%20me") == "/files/read me"
    assert _routed(doc, "/files/other") == "/files/{name}"


def test_most_specific_of_several_templates() -> None:
    """Of two templates a path fits, the one with fewer parameters wins, whatever the order."""
    doc = _doc(["/{kind}/{id}", "/tasks/{id}", "/{kind}/export"])
    assert _routed(doc, "/tasks/7") == "/tasks/{id}"
    assert _routed(doc, "/users/export") == "/{kind}/export"
    assert _routed(doc, "/users/7") == "/{kind}/{id}"


def test_segment_with_text_around_a_parameter() -> None:
    """A segment like `{name}.json` matches only paths with that suffix."""
    doc = _doc(["/reports/{name}.json"])
    found = Api(doc).route("GET", "/reports/q3.json")
    assert found is not None and found.params == {"name": "q3"}
    assert _routed(doc, "/reports/q3.xml") is None


def test_swagger_body_and_form_parameters_become_a_request_body() -> None:
    """Swagger 2.0 `in: body` and `formData` parameters are the operation's request body."""
    doc = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "consumes": ["application/json"],
        "paths": {
            "/a": {
                "post": {
                    "parameters": [
                        {"name": "b", "in": "body", "required": True, "schema": {"type": "object"}}
                    ],
                    "responses": {"201": {"description": "made", "schema": {"type": "object"}}},
                }
            },
            "/f": {
                "post": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{"name": "x", "in": "formData", "type": "string"}],
                    "responses": {"204": {"description": "ok"}},
                }
            },
        },
    }
    ops = Api(doc).operations()
    body = ops[("post", "/a")].body
    assert body == {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    assert ops[("post", "/a")].responses["201"]["content"] == {
        "application/json": {"schema": {"type": "object"}}
    }
    form = ops[("post", "/f")].body
    assert form is not None and list(form["content"]) == ["multipart/form-data"]
    assert ops[("post", "/f")].parameters == {}


def test_routing_many_paths_uses_the_tree() -> None:
    """Routing among 20,000 templates finds each one, deepest literal first."""
    paths = [f"/r{i}/items/{{id}}" for i in range(10_000)] + [
        f"/r{i}/items/special" for i in range(10_000)
    ]
    api = Api(_doc(paths))
    assert api.route("GET", "/r9999/items/special").operation.path == "/r9999/items/special"  # type: ignore[union-attr]
    assert api.route("GET", "/r4242/items/9").operation.path == "/r4242/items/{id}"  # type: ignore[union-attr]
