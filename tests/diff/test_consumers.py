"""Who a provider change breaks: breaking changes matched against consumer pacts."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.model import Report, Severity
from seam.pactfile import Pact, read_pact

TASK = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
    "required": ["id", "status"],
}


def tasks_api(task: dict[str, Any], parameters: list[Any] | None = None) -> dict[str, Any]:
    op = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ]
        + (parameters or []),
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Task"}}},
            },
            "404": {"description": "missing"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "tasks-api", "version": "1"},
        "paths": {"/tasks/{id}": {"get": op}},
        "components": {"schemas": {"Task": task}},
    }


@pytest.fixture
def pact_file(tmp_path: Path) -> Callable[[str, str, dict[str, Any]], Pact]:
    """Write a one-interaction V3 pact for ``consumer`` and read it back."""

    def _make(consumer: str, description: str, body: dict[str, Any], status: int = 200) -> Pact:
        doc = {
            "consumer": {"name": consumer},
            "provider": {"name": "tasks-api"},
            "interactions": [
                {
                    "description": description,
                    "request": {"method": "GET", "path": "/tasks/1"},
                    "response": {
                        "status": status,
                        "headers": {"Content-Type": "application/json"},
                        "body": body,
                    },
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        path = tmp_path / f"{consumer}-tasks-api.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return read_pact(path)

    return _make


def renamed() -> tuple[dict[str, Any], dict[str, Any]]:
    task = copy.deepcopy(TASK)
    task["properties"]["state"] = task["properties"].pop("status")
    task["required"] = ["id", "state"]
    return tasks_api(TASK), tasks_api(task)


def test_rename_read_by_a_consumer_is_an_error_naming_it(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A renamed response field a consumer reads is an error naming consumer and interaction."""
    web = pact_file("web", "a request for task 1", {"id": 1, "status": "open"})
    (finding,) = [
        f
        for f in run_diff(*renamed(), pacts=[web]).findings
        if f.rule == "response-property-renamed"
    ]
    assert finding.severity is Severity.ERROR
    assert finding.consumers == ("web",)
    assert "breaks web: 'a request for task 1' reads `status`" in finding.message
    assert "`status` → `state`" in finding.message


def test_change_no_consumer_uses_is_a_warning(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A breaking change to a field no consumer reads is only a warning."""
    notifier = pact_file("notifier", "a task id", {"id": 1})
    (finding,) = [
        f
        for f in run_diff(*renamed(), pacts=[notifier]).findings
        if f.rule == "response-property-renamed"
    ]
    assert finding.severity is Severity.WARNING
    assert finding.consumers == ()


def test_only_consumers_that_read_the_field_are_named(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """Of two consumers, only the one reading the field is named."""
    web = pact_file("web", "a request for task 1", {"id": 1, "status": "open"})
    notifier = pact_file("notifier", "a task id", {"id": 1})
    (finding,) = [
        f
        for f in run_diff(*renamed(), pacts=[web, notifier]).findings
        if f.rule == "response-property-renamed"
    ]
    assert finding.consumers == ("web",)


def test_without_pacts_severity_is_the_rule_default(run_diff: Callable[..., Report]) -> None:
    """With no pacts at hand, findings keep their rule's severity."""
    (finding,) = [f for f in run_diff(*renamed()).findings if f.rule == "response-property-renamed"]
    assert finding.severity is Severity.ERROR
    assert finding.consumers == ()


def test_status_removed_breaks_consumers_expecting_it(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A removed status breaks the consumer whose interaction expects it."""
    missing = pact_file("web", "a missing task", {}, status=404)
    base = tasks_api(TASK)
    revision = copy.deepcopy(base)
    del revision["paths"]["/tasks/{id}"]["get"]["responses"]["404"]
    revision["paths"]["/tasks/{id}"]["get"]["responses"]["400"] = {"description": "bad"}
    (finding,) = [
        f
        for f in run_diff(base, revision, pacts=[missing]).findings
        if f.severity >= Severity.WARNING
    ]
    assert finding.rule == "response-non-success-status-changed"
    assert finding.severity is Severity.ERROR
    assert "expects status 404" in finding.message


def test_new_required_parameter_breaks_consumers_not_sending_it(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A new required query parameter breaks a consumer that does not send it."""
    web = pact_file("web", "a request for task 1", {"id": 1})
    query = [{"name": "fields", "in": "query", "required": True, "schema": {"type": "string"}}]
    (finding,) = [
        f
        for f in run_diff(tasks_api(TASK), tasks_api(TASK, query), pacts=[web]).findings
        if f.severity >= Severity.WARNING
    ]
    assert finding.rule == "new-required-request-parameter"
    assert finding.consumers == ("web",)
    assert "does not send the query parameter `fields`" in finding.message


def test_pacts_of_another_provider_are_not_used(
    run_diff: Callable[..., Report], tmp_path: Path
) -> None:
    """A pact for another provider neither names consumers nor downgrades findings."""
    doc = {
        "consumer": {"name": "web"},
        "provider": {"name": "billing-api"},
        "interactions": [
            {
                "description": "an invoice",
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "web-billing-api.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (finding,) = [
        f
        for f in run_diff(*renamed(), pacts=[read_pact(path)]).findings
        if f.rule == "response-property-renamed"
    ]
    assert finding.severity is Severity.ERROR
    assert finding.consumers == ()


def test_request_field_sent_by_a_consumer(run_diff: Callable[..., Report], tmp_path: Path) -> None:
    """A request property removed while a consumer still sends it names that consumer."""

    def api(props: dict[str, Any]) -> dict[str, Any]:
        body = {"type": "object", "properties": props}
        return {
            "openapi": "3.0.3",
            "info": {"title": "tasks-api", "version": "1"},
            "paths": {
                "/tasks": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": body}}},
                        "responses": {"201": {"description": "made"}},
                    }
                }
            },
        }

    doc = {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": [
            {
                "description": "create a task",
                "request": {
                    "method": "POST",
                    "path": "/tasks",
                    "headers": {"Content-Type": "application/json"},
                    "body": {"title": "x", "colour": "red"},
                },
                "response": {"status": 201},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "web-tasks-api.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    string = {"type": "string"}
    report = run_diff(
        api({"title": string, "colour": string}), api({"title": string}), pacts=[read_pact(path)]
    )
    (finding,) = [f for f in report.findings if f.rule == "request-property-removed"]
    assert finding.severity is Severity.ERROR
    assert "breaks web: 'create a task' sends `colour`" in finding.message


def test_body_became_required_spares_consumers_that_send_one(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A request body made required breaks only consumers that send none."""
    base = tasks_api(TASK)
    base["paths"]["/tasks/{id}"]["get"]["requestBody"] = {
        "content": {"application/json": {"schema": {"type": "object"}}}
    }
    revision = copy.deepcopy(base)
    revision["paths"]["/tasks/{id}"]["get"]["requestBody"]["required"] = True
    web = pact_file("web", "a request for task 1", {"id": 1})
    (finding,) = [
        f
        for f in run_diff(base, revision, pacts=[web]).findings
        if f.rule == "request-body-became-required"
    ]
    assert finding.severity is Severity.ERROR
    assert "sends no request body" in finding.message


@pytest.mark.parametrize(
    ("headers", "broken"),
    [
        pytest.param({}, True, id="no-token"),
        pytest.param({"Authorization": "Bearer t"}, False, id="sends-a-token"),
    ],
)
def test_new_security_breaks_consumers_without_credentials(
    run_diff: Callable[..., Report], tmp_path: Path, headers: dict[str, str], broken: bool
) -> None:
    """A newly required bearer scheme breaks a consumer that sends no Authorization header."""
    base = tasks_api(TASK)
    revision = copy.deepcopy(base)
    revision["components"]["securitySchemes"] = {"token": {"type": "http", "scheme": "bearer"}}
    revision["paths"]["/tasks/{id}"]["get"]["security"] = [{"token": []}]
    doc = {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": [
            {
                "description": "a task",
                "request": {"method": "GET", "path": "/tasks/1", "headers": headers},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "web-tasks-api.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (finding,) = [
        f
        for f in run_diff(base, revision, pacts=[read_pact(path)]).findings
        if f.rule == "api-security-added"
    ]
    assert finding.severity is (Severity.ERROR if broken else Severity.WARNING)
    assert ("sends no Authorization header" in finding.message) is broken


def test_removed_response_header_breaks_only_its_readers(
    run_diff: Callable[..., Report], tmp_path: Path
) -> None:
    """A removed response header breaks the consumer expecting it, not one that ignores it."""
    base = tasks_api(TASK)
    base["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["headers"] = {
        "ETag": {"schema": {"type": "string"}}
    }
    revision = copy.deepcopy(base)
    del revision["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["headers"]
    pacts = []
    for consumer, headers in (("web", {"ETag": "x"}), ("notifier", {})):
        doc = {
            "consumer": {"name": consumer},
            "provider": {"name": "tasks-api"},
            "interactions": [
                {
                    "description": "a task",
                    "request": {"method": "GET", "path": "/tasks/1"},
                    "response": {"status": 200, "headers": headers},
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        path = tmp_path / f"{consumer}-tasks-api.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        pacts.append(read_pact(path))
    (finding,) = [
        f
        for f in run_diff(base, revision, pacts=pacts).findings
        if f.rule == "optional-response-header-removed"
    ]
    assert finding.consumers == ("web",)
    assert "reads the response header `ETag`" in finding.message


def test_removed_media_type_spares_consumers_of_another(
    run_diff: Callable[..., Report], pact_file: Any
) -> None:
    """A response media type removed does not break a consumer that reads JSON."""
    base = tasks_api(TASK)
    base["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]["text/csv"] = {
        "schema": {"type": "string"}
    }
    revision = tasks_api(TASK)
    web = pact_file("web", "a request for task 1", {"id": 1})
    (finding,) = [
        f
        for f in run_diff(base, revision, pacts=[web]).findings
        if f.rule == "response-media-type-removed"
    ]
    assert finding.severity is Severity.WARNING
    assert finding.consumers == ()
