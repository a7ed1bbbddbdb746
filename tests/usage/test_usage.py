"""Who uses what of a provider: operations, parameters, request and response fields."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from seam.diff import diff_documents
from seam.errors import InputError
from seam.model import Severity
from seam.openapi import Api
from seam.pactfile import Pact, parse_pact
from seam.usage import Usage, render_usage, usage, usage_files

NODE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    },
}


def _api(server: str = "/api") -> dict[str, Any]:
    task = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "owner": {"type": "object", "properties": {"email": {"type": "string"}}},
            "due": {"type": "string"},
        },
    }
    def json_of(schema: Any) -> dict[str, Any]:
        return {"application/json": {"schema": schema}}

    return {
        "openapi": "3.0.3",
        "info": {"title": "tasks-api", "version": "1"},
        "servers": [{"url": server}],
        "paths": {
            "/tasks": {
                "get": {
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": json_of(
                                {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}
                            ),
                        }
                    },
                },
                "post": {
                    "requestBody": {"content": json_of({"$ref": "#/components/schemas/Task"})},
                    "responses": {"201": {"description": "made"}},
                },
            },
            "/tasks/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": json_of({"$ref": "#/components/schemas/Task"}),
                        },
                        "404": {"description": "gone"},
                        "default": {"description": "error"},
                    },
                }
            },
            "/tree": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": json_of({"$ref": "#/components/schemas/Node"}),
                        }
                    }
                }
            },
        },
        "components": {"schemas": {"Task": task, "Node": NODE}},
    }


def _pact(consumer: str, *interactions: dict[str, Any]) -> Pact:
    return parse_pact(
        {
            "consumer": {"name": consumer},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": [
                {"description": f"call {i}", **interaction}
                for i, interaction in enumerate(interactions)
            ],
        }
    )


WEB = _pact(
    "web",
    {
        "request": {"method": "GET", "path": "/api/tasks", "query": "limit=10"},
        "response": {"status": 200, "body": [{"id": 1, "title": "a"}]},
    },
    {
        "request": {"method": "GET", "path": "/api/tasks/1"},
        "response": {"status": 200, "body": {"id": 1, "owner": {"email": "a@b"}}},
    },
)
MOBILE = _pact(
    "mobile",
    {
        "request": {"method": "GET", "path": "/api/tasks"},
        "response": {"status": 200, "body": [{"id": 1}]},
    },
    {
        "request": {"method": "GET", "path": "/api/tasks/2"},
        "response": {"status": 404},
    },
    {
        "request": {"method": "GET", "path": "/api/tasks/3"},
        "response": {"status": 500},
    },
    {
        "request": {"method": "GET", "path": "/nowhere"},
        "response": {"status": 200},
    },
)


@pytest.fixture
def result() -> Usage:
    """Usage of the tasks API by web and mobile."""
    return usage([WEB, MOBILE], _api(), provider="tasks-api")


def _op(result: Usage, endpoint: str) -> Any:
    return next(op for op in result.operations if op.endpoint == endpoint)


def _field(items: Any, name: str) -> tuple[str, ...]:
    return tuple(next(f for f in items if f.name == name).consumers)


def test_operations_are_routed_through_the_base_path(result: Usage) -> None:
    """Requests under the server's base path reach their operations; an unused one has none."""
    assert _op(result, "GET /tasks").consumers == ("mobile", "web")
    assert _op(result, "GET /tasks/{id}").consumers == ("mobile", "web")
    assert _op(result, "POST /tasks").consumers == ()


def test_parameters_count_only_when_sent(result: Usage) -> None:
    """A query parameter is used by the consumer that sends it; a path one by every caller."""
    op = _op(result, "GET /tasks")
    assert _field(op.parameters, "query limit") == ("web",)
    assert _field(op.parameters, "header X-Trace") == ()
    assert _field(_op(result, "GET /tasks/{id}").parameters, "path id") == ("mobile", "web")


def test_response_fields_are_read_from_the_pact_bodies(result: Usage) -> None:
    """A response field (in array items, nested) is used by the consumers whose pacts read it."""
    (listed,) = _op(result, "GET /tasks").responses
    assert _field(listed.fields, "[].id") == ("mobile", "web")
    assert _field(listed.fields, "[].title") == ("web",)
    assert _field(listed.fields, "[].owner.email") == ()
    one = _op(result, "GET /tasks/{id}").responses[0]
    assert _field(one.fields, "owner.email") == ("web",)


def test_statuses_go_to_the_response_that_describes_them(result: Usage) -> None:
    """A 404 counts for `404`; a status with no key of its own counts for `default`."""
    responses = {r.status: r.consumers for r in _op(result, "GET /tasks/{id}").responses}
    assert responses == {"200": ("web",), "404": ("mobile",), "default": ("mobile",)}


def test_unrouted_interactions_are_listed(result: Usage) -> None:
    """An interaction that reaches no operation is named with its consumer and request."""
    assert result.unrouted == ("mobile: call 3 (GET /nowhere)",)


def test_recursive_schema_is_listed_once(result: Usage) -> None:
    """A schema that contains itself is walked once, not forever."""
    (tree,) = _op(result, "GET /tree").responses
    assert [f.name for f in tree.fields] == ["name", "children"]


def test_counts(result: Usage) -> None:
    """The summary counts used and total elements of each kind."""
    counts = result.counts()
    assert counts["operations"] == {"used": 2, "total": 4}
    assert counts["parameters"] == {"used": 2, "total": 3}
    assert counts["response_fields"]["total"] > counts["response_fields"]["used"] > 0


def test_a_field_no_one_reads_is_what_diff_lets_go() -> None:
    """Usage and diff agree: removing a field usage calls unread is a warning in diff; removing
    one it says web reads is an error that names web."""
    base = _api()
    result = usage([WEB], base)
    (listed,) = _op(result, "GET /tasks").responses
    one = _op(result, "GET /tasks/{id}").responses[0]
    for name, readers in (("title", ("web",)), ("due", ())):
        assert _field(listed.fields, f"[].{name}") == readers
        assert set(_field(one.fields, name)) <= set(readers)
        revision = copy.deepcopy(base)
        del revision["components"]["schemas"]["Task"]["properties"][name]
        findings = diff_documents(Api(base).document, Api(revision).document, pacts=[WEB])
        removed = [f for f in findings if f.rule.endswith("property-removed")]
        assert removed, findings
        if readers:
            assert any(f.severity is Severity.ERROR and f.consumers == readers for f in removed)
        else:
            assert all(f.severity is Severity.WARNING for f in removed)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_renderings_are_deterministic(fmt: str) -> None:
    """The same pacts in any order give the same bytes."""
    assert render_usage(usage([WEB, MOBILE], _api()), fmt) == render_usage(
        usage([MOBILE, WEB], _api()), fmt
    )


def test_text_marks_what_no_consumer_uses(result: Usage) -> None:
    """The text tree names consumers per element and marks unused ones, then sums up."""
    out = render_usage(result, "text")
    assert "POST /tasks" in out and "— no consumer" in out
    line = next(line for line in out.splitlines() if line.strip().startswith("query limit"))
    assert line.split()[-1] == "web"
    assert out.rstrip().splitlines()[-1].startswith("usage: mobile, web use 2 of 4 operations")


def test_json_shape(result: Usage) -> None:
    """JSON has a version, the consumers, a summary and nested operations."""
    doc = json.loads(render_usage(result, "json"))
    assert doc["version"] == 1 and doc["consumers"] == ["mobile", "web"]
    op = next(o for o in doc["operations"] if o["path"] == "/tasks" and o["method"] == "GET")
    assert {"parameter": "query limit", "consumers": ["web"]} in op["parameters"]
    assert doc["summary"]["operations"] == {"used": 2, "total": 4}


def test_markdown_table(result: Usage) -> None:
    """Markdown is one table; unused elements are marked in bold."""
    out = render_usage(result, "markdown")
    assert "| endpoint | element | used by |" in out
    assert "|  | `header X-Trace` | **unused** |" in out


def test_usage_files_without_pacts_is_bad_input(tmp_path: Any) -> None:
    """No pact for the provider is an input error that says where it looked."""
    spec = tmp_path / "tasks-api.json"
    spec.write_text(json.dumps(_api()))
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "web-tasks-api.json").write_text(json.dumps(WEB.raw))
    assert usage_files([pacts], spec).provider == "tasks-api"
    with pytest.raises(InputError, match="no pact files for provider 'other'"):
        usage_files([pacts], spec, provider="other")


def test_fields_stop_at_max_depth() -> None:
    """Nested fields are listed down to `max_depth` levels and no further."""
    shallow = usage([WEB], _api(), max_depth=1)
    (listed,) = _op(shallow, "GET /tasks").responses
    assert [f.name for f in listed.fields] == []  # the array's items are already one level
    one = _op(shallow, "GET /tasks/{id}").responses[0]
    assert "owner" in [f.name for f in one.fields]
    assert "owner.email" not in [f.name for f in one.fields]
