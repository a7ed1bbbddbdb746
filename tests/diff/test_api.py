"""`seam.diff.diff`: inputs, overrides, ignores, bad input and scale."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.diff import checkout_tree, diff, load_ignore_file, parse_severities
from seam.errors import InputError, OpenAPIError, RefError, UsageError
from seam.model import Report, Severity

Write = Callable[..., Path]


def spec(status_schema: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    task = {"type": "object", "properties": {"id": {"type": "integer"}, "status": status_schema}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "tasks-api", "version": "1"},
        "paths": {
            "/tasks": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Task"}
                                }
                            },
                        }
                    }
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Task"}}
                        }
                    },
                    "responses": {"201": {"description": "made"}},
                },
            }
        },
        "components": {"schemas": {"Task": task, **(extra or {})}},
    }


ENUM = {"type": "string", "enum": ["open", "done"]}
NARROW = {"type": "string", "enum": ["open"]}


def test_shared_component_change_is_reported_once_per_direction(
    run_diff: Callable[..., Report],
) -> None:
    """A change in a component used by two operations is one finding per direction, naming both."""
    report = run_diff(spec(ENUM), spec(NARROW))
    rules = sorted(f.rule for f in report.findings)
    assert rules == ["request-property-enum-value-removed", "response-property-enum-value-removed"]
    assert all(
        f.location == "#/components/schemas/Task/properties/status/enum" for f in report.findings
    )


def test_shared_component_lists_every_endpoint(run_diff: Callable[..., Report]) -> None:
    """A change reached from several endpoints lists them all."""
    base, revision = spec(ENUM), spec(NARROW)
    for doc in (base, revision):
        doc["paths"]["/tasks/{id}"] = copy.deepcopy(doc["paths"]["/tasks"])
    (finding,) = [f for f in run_diff(base, revision).findings if f.rule.startswith("request-")]
    assert finding.details["endpoints"] == ["POST /tasks", "POST /tasks/{id}"]


def test_recursive_schema_change_is_reported_once(run_diff: Callable[..., Report]) -> None:
    """A change inside a schema that refers to itself is one finding, and the diff ends."""
    node = {"$ref": "#/components/schemas/Node"}

    def tree(leaf: Any) -> dict[str, Any]:
        doc = spec(
            {"type": "string"},
            {
                "Node": {
                    "type": "object",
                    "properties": {
                        "value": leaf,
                        "children": {"type": "array", "items": node},
                        "parent": node,
                    },
                }
            },
        )
        doc["components"]["schemas"]["Task"]["properties"]["tree"] = node
        return doc

    report = run_diff(
        tree({"type": "integer", "maximum": 9}), tree({"type": "integer", "maximum": 3})
    )
    assert [f.rule for f in report.findings] == ["request-property-max-decreased"]


def test_severity_override_and_ignore(run_diff: Callable[..., Report], write: Write) -> None:
    """--severity re-grades a rule and an ignore entry drops a finding by rule and endpoint."""
    ignore = write(
        "response-property-enum-value-removed GET /tasks  consumers tolerate it\n", "ignore.txt"
    )
    report = run_diff(
        spec(ENUM),
        spec(NARROW),
        severities=parse_severities(["request-property-enum-value-removed=warning"]),
        ignore=load_ignore_file(ignore),
    )
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("request-property-enum-value-removed", Severity.WARNING)
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        pytest.param("no-such-rule * why", "unknown rule id", id="unknown-rule"),
        pytest.param("endpoint-added GET /x", "a reason is required", id="no-reason"),
    ],
)
def test_bad_ignore_file_is_input_error(write: Write, line: str, problem: str) -> None:
    """An ignore line with an unknown rule or no reason is refused with its line number."""
    with pytest.raises(InputError, match=problem) as info:
        load_ignore_file(write(line + "\n", "ignore.txt"))
    # The message names the file and line 1 (the only line), then the problem.
    assert re.search(r"ignore\.txt:1: ", str(info.value)), str(info.value)


def test_bad_severity_option_is_usage_error() -> None:
    """--severity with an unknown rule id is a usage error."""
    with pytest.raises(UsageError, match="known rule id"):
        parse_severities(["nope=error"])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("openapi: [unclosed", OpenAPIError, id="invalid-yaml"),
        pytest.param("just: a mapping\n", OpenAPIError, id="not-openapi"),
        pytest.param(
            json.dumps({"openapi": "3.0.3", "info": {}, "paths": {"/a": {"$ref": "#/nowhere"}}}),
            RefError,
            id="unresolvable-ref",
        ),
        pytest.param(
            json.dumps(
                {
                    "openapi": "3.0.3",
                    "info": {},
                    "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/x"}}}}},
                    "x": {"$ref": "#/x"},
                }
            ),
            RefError,
            id="cyclic-ref",
        ),
    ],
)
def test_unreadable_input_raises_input_error(
    write: Write, text: str, error: type[Exception]
) -> None:
    """Unreadable documents raise the matching InputError subclass."""
    good = write(spec(ENUM))
    with pytest.raises(error):
        diff(good, write(text, "bad.yaml"))


def test_relative_file_refs_are_followed(tmp_path: Path) -> None:
    """A schema in a sibling file, referenced relatively, is compared like a local one."""
    for side, status in (("base", ENUM), ("revision", NARROW)):
        folder = tmp_path / side
        folder.mkdir()
        doc = spec(status)
        doc["components"]["schemas"]["Task"] = {"$ref": "task.json"}
        (folder / "api.json").write_text(json.dumps(doc))
        (folder / "task.json").write_text(json.dumps(spec(status)["components"]["schemas"]["Task"]))
    report = diff(tmp_path / "base" / "api.json", tmp_path / "revision" / "api.json")
    assert {(f.file, f.location) for f in report.findings} == {
        ((tmp_path / "revision" / "task.json").as_posix(), "#/properties/status/enum")
    }
    assert {f.rule for f in report.findings} == {
        "request-property-enum-value-removed",
        "response-property-enum-value-removed",
    }


def test_swagger_2_documents_are_compared(write: Write) -> None:
    """Swagger 2.0 body parameters and response schemas are diffed like OpenAPI 3."""

    def swagger(required: list[str]) -> dict[str, Any]:
        schema = {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "required": required,
        }
        return {
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/x": {
                    "post": {
                        "parameters": [{"in": "body", "name": "body", "schema": schema}],
                        "responses": {"200": {"description": "ok", "schema": schema}},
                    }
                }
            },
        }

    report = diff(write(swagger(["a"])), write(swagger(["a", "b"])))
    assert {f.rule for f in report.findings} == {
        "request-property-became-required",
        "response-property-became-required",
    }


def test_contracts_trees_are_compared_file_by_file(tmp_path: Path) -> None:
    """Two contracts/ trees: documents diffed pairwise, added and removed files reported."""
    for side, status, extra in (("base", ENUM, "old.yaml"), ("revision", NARROW, "new.yaml")):
        (tmp_path / side / "openapi").mkdir(parents=True)
        (tmp_path / side / "openapi" / "tasks-api.json").write_text(json.dumps(spec(status)))
        (tmp_path / side / "openapi" / extra).write_text(json.dumps(spec(status)))
    report = diff(tmp_path / "base", tmp_path / "revision")
    rules = sorted(f.rule for f in report.findings)
    assert rules == [
        "contract-file-added",
        "contract-file-removed",
        "request-property-enum-value-removed",
        "response-property-enum-value-removed",
    ]


def test_folder_against_file_is_usage_error(tmp_path: Path, write: Write) -> None:
    """Comparing a folder with a file is refused."""
    with pytest.raises(UsageError, match="folder with a file"):
        diff(tmp_path, write(spec(ENUM)))


def test_checkout_tree_reads_the_committed_version(tmp_path: Path) -> None:
    """checkout_tree writes the files as committed at a ref, leaving the work tree alone."""
    repo = tmp_path / "repo"
    (repo / "contracts").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "contracts" / "api.json").write_text(json.dumps(spec(ENUM)))
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "contracts" / "api.json").write_text(json.dumps(spec(NARROW)))
    copy_dir = checkout_tree("HEAD", repo / "contracts", tmp_path / "scratch")
    assert json.loads((copy_dir / "api.json").read_text()) == spec(ENUM)
    assert json.loads((repo / "contracts" / "api.json").read_text()) == spec(NARROW)


def test_checkout_tree_unknown_ref_is_input_error(tmp_path: Path) -> None:
    """An unknown git ref is reported in one line."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    with pytest.raises(InputError, match="git"):
        checkout_tree("no-such-ref", repo, tmp_path / "scratch")


def test_checkout_tree_of_a_folder_new_since_ref_is_empty(tmp_path: Path) -> None:
    """A contracts folder added after the ref compares as empty: everything in it is new."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "README").write_text("x")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "contracts").mkdir()
    (repo / "contracts" / "api.json").write_text(json.dumps(spec(ENUM)))
    copy_dir = checkout_tree("HEAD", repo / "contracts", tmp_path / "scratch")
    assert copy_dir.is_dir() and not any(copy_dir.iterdir())
    assert [f.rule for f in diff(copy_dir, repo / "contracts").findings] == ["contract-file-added"]
