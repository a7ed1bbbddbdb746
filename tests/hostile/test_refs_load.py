"""Dangling and cyclic `$ref`s are refused on load by every command, whatever the analysis reaches.

Issue 16, part 5: `check` against a schema that was only a loop of references passed, and
`diff` of a new endpoint whose schema pointed at nothing exited 0.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from seam.cli import main
from seam.errors import OpenAPIError, RefError
from seam.openapi import load_document

TASK_REF = "#/components/schemas/Task"
API: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tasks-api", "version": "1"},
    "paths": {
        "/tasks/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "the task",
                        "content": {"application/json": {"schema": {"$ref": TASK_REF}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Task": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
            }
        }
    },
}
PACT: dict[str, Any] = {
    "consumer": {"name": "web"},
    "provider": {"name": "tasks-api"},
    "interactions": [
        {
            "description": "a task",
            "request": {"method": "GET", "path": "/tasks/1"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": 1, "title": "write tests"},
            },
        }
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}
NEW_ENDPOINT_POINTER = "#/paths/~1reports/get/responses/200/content/application~1json/schema"


def _api(**schemas: Any) -> dict[str, Any]:
    """The tasks API with extra component schemas."""
    doc = copy.deepcopy(API)
    doc["components"]["schemas"].update(schemas)
    return doc


def _with_new_endpoint(ref: str) -> dict[str, Any]:
    """The tasks API plus GET /reports whose response schema is ``ref``."""
    doc = copy.deepcopy(API)
    response = {"description": "r", "content": {"application/json": {"schema": {"$ref": ref}}}}
    doc["paths"]["/reports"] = {"get": {"responses": {"200": response}}}
    return doc


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _one_error_line(result: Result) -> str:
    """The single line a refused input prints (no traceback)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _check(tmp_path: Path, doc: dict[str, Any]) -> Result:
    """`contracts check` of the one-interaction pact against ``doc``."""
    return _run_check(tmp_path, _write(tmp_path / "api.json", doc))


@pytest.fixture
def dangling(tmp_path: Path) -> Path:
    """A document whose new endpoint's schema points at a component that does not exist."""
    return _write(tmp_path / "dangling.json", _with_new_endpoint("#/components/schemas/Report"))


def _run_check(tmp_path: Path, spec: Path) -> Result:
    pact = _write(tmp_path / "web-tasks-api.json", PACT)
    return CliRunner().invoke(main, ["check", str(pact), "--openapi", str(spec)])


def _run_diff(tmp_path: Path, spec: Path) -> Result:
    base = _write(tmp_path / "base.json", API)
    return CliRunner().invoke(main, ["diff", str(base), str(spec)])


def _run_snapshot_file(tmp_path: Path, spec: Path) -> Result:
    args = ["snapshot", "--file", str(spec), "--provider", "tasks-api"]
    return CliRunner().invoke(main, [*args, "--contracts", str(tmp_path / "contracts")])


def _run_snapshot_app(tmp_path: Path, spec: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    # A module whose attribute is the document, as `--app module:DOC` reads it.
    name = f"refs_app_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        f"import json\nDOC = json.loads({spec.read_text()!r})\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    args = ["snapshot", "--app", f"{name}:DOC", "--provider", "tasks-api"]
    return CliRunner().invoke(main, [*args, "--contracts", str(tmp_path / "contracts")])


def _run_verify(tmp_path: Path, spec: Path) -> Result:
    # Nothing listens on port 9 of the loopback: the document must be refused before that.
    pact = _write(tmp_path / "web-tasks-api.json", PACT)
    args = ["verify", str(pact), "--base-url", "http://127.0.0.1:9", "--conformance"]
    return CliRunner().invoke(main, [*args, "--openapi", str(spec)])


@pytest.mark.parametrize("command", ["check", "diff", "snapshot-file", "snapshot-app", "verify"])
def test_dangling_ref_is_refused_by_every_command(
    tmp_path: Path, dangling: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check, diff, snapshot (file and app) and verify --conformance exit 2 naming ref and place."""
    runners = {
        "check": lambda: _run_check(tmp_path, dangling),
        "diff": lambda: _run_diff(tmp_path, dangling),
        "snapshot-file": lambda: _run_snapshot_file(tmp_path, dangling),
        "snapshot-app": lambda: _run_snapshot_app(tmp_path, dangling, monkeypatch),
        "verify": lambda: _run_verify(tmp_path, dangling),
    }
    line = _one_error_line(runners[command]())
    assert "$ref '#/components/schemas/Report'" in line
    assert f"at {NEW_ENDPOINT_POINTER} points at nothing (no 'Report')" in line


def test_dangling_ref_in_an_unused_component_fails_check(tmp_path: Path) -> None:
    """A broken component no interaction reaches is still refused, not silently passed."""
    doc = _api(Unused={"type": "array", "items": {"$ref": "#/components/schemas/Gone"}})
    line = _one_error_line(_check(tmp_path, doc))
    assert "$ref '#/components/schemas/Gone' at #/components/schemas/Unused/items" in line


def test_every_broken_ref_is_counted(tmp_path: Path) -> None:
    """The first broken ref in document order is named and the others are counted."""
    doc = _api(
        A={"$ref": "#/components/schemas/Gone"},
        B={"properties": {"x": {"$ref": "#/components/schemas/Gone"}}},
        C={"items": {"$ref": "#/components/schemas/AlsoGone"}},
    )
    line = _one_error_line(_check(tmp_path, doc))
    assert "at #/components/schemas/A points at nothing" in line
    assert line.endswith("(and 2 more broken references)")


@pytest.mark.parametrize(
    ("schemas", "closing"),
    [
        pytest.param(
            {"Task": {"$ref": "#/components/schemas/Alias"}, "Alias": {"$ref": TASK_REF}},
            TASK_REF,
            id="two-refs",
        ),
        pytest.param({"Task": {"$ref": TASK_REF}}, TASK_REF, id="itself"),
        pytest.param(
            {"Task": {"$ref": TASK_REF, "type": "object"}}, TASK_REF, id="itself-with-siblings"
        ),
        pytest.param(
            {"Task": {"allOf": [{"$ref": TASK_REF}], "description": "a task"}},
            TASK_REF + "/allOf/0",
            id="lone-allOf",
        ),
        pytest.param(
            {
                "Task": {"oneOf": [{"$ref": "#/components/schemas/Item"}]},
                "Item": {"anyOf": [{"$ref": TASK_REF}]},
            },
            TASK_REF + "/oneOf/0",
            id="lone-oneOf-anyOf",
        ),
    ],
)
def test_cycle_only_schemas_are_refused(
    tmp_path: Path, schemas: dict[str, Any], closing: str
) -> None:
    """A loop of nodes that only point at each other is refused with the chain spelled out."""
    line = _one_error_line(_check(tmp_path, _api(**schemas)))
    assert f"at {closing} closes a cyclic $ref chain" in line
    assert TASK_REF in line


def test_cyclic_chain_of_responses_is_refused(tmp_path: Path) -> None:
    """Loops are refused for every kind of reusable object, not only schemas."""
    doc = _api()
    doc["components"]["responses"] = {
        "A": {"$ref": "#/components/responses/B"},
        "B": {"$ref": "#/components/responses/A"},
    }
    doc["paths"]["/tasks/{id}"]["get"]["responses"]["404"] = {"$ref": "#/components/responses/A"}
    assert "closes a cyclic $ref chain" in _one_error_line(_check(tmp_path, doc))


@pytest.mark.parametrize(
    "schemas",
    [
        pytest.param(
            {
                "Task": {
                    "type": "object",
                    "properties": {"children": {"type": "array", "items": {"$ref": TASK_REF}}},
                }
            },
            id="tree",
        ),
        pytest.param(
            {
                "Task": {
                    "oneOf": [{"$ref": "#/components/schemas/Bug"}],
                    "discriminator": {"propertyName": "kind"},
                },
                "Bug": {
                    "allOf": [
                        {"$ref": TASK_REF},
                        {"type": "object", "properties": {"kind": {"type": "string"}}},
                    ]
                },
            },
            id="polymorphism",
        ),
        pytest.param(
            {"Task": {"anyOf": [{"$ref": TASK_REF}, {"type": "object"}]}}, id="anyOf-alternative"
        ),
        pytest.param({"Task": {"allOf": [{"$ref": TASK_REF}], "nullable": True}}, id="nullable"),
    ],
)
def test_recursive_schemas_stay_legal(tmp_path: Path, schemas: dict[str, Any]) -> None:
    """Recursion through a constraint (a property, an alternative, nullable) still loads."""
    doc = load_document(_write(tmp_path / "api.json", _api(**schemas)))
    assert doc.resolve(TASK_REF) == schemas["Task"]


def _pets(**mapping: str) -> dict[str, Any]:
    """A tasks API whose Task is a discriminated oneOf of Bug, with ``mapping``."""
    bug = {"type": "object", "properties": {"kind": {"type": "string"}}}
    task = {
        "oneOf": [{"$ref": "#/components/schemas/Bug"}],
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }
    return _api(Task=task, Bug=bug)


@pytest.mark.parametrize(
    ("mapping", "shown"),
    [
        pytest.param(
            {"story": "#/components/schemas/Story"}, "#/components/schemas/Story", id="ref"
        ),
        pytest.param({"story": "Story"}, "#/components/schemas/Story", id="schema-name"),
    ],
)
def test_dangling_discriminator_mapping_is_refused(
    tmp_path: Path, mapping: dict[str, str], shown: str
) -> None:
    """A mapping value naming no schema is a dangling reference too, located at its key."""
    line = _one_error_line(_check(tmp_path, _pets(bug="Bug", **mapping)))
    where = "#/components/schemas/Task/discriminator/mapping/story"
    assert f"discriminator mapping {shown!r} at {where} points at nothing" in line


@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param({"bug": "#/components/schemas/Bug"}, id="ref"),
        pytest.param({"bug": "Bug"}, id="schema-name"),
        pytest.param({"story": "stories.yaml#/Story"}, id="other-file-left-to-the-bundler"),
    ],
)
def test_resolvable_discriminator_mappings_load(tmp_path: Path, mapping: dict[str, str]) -> None:
    """Mappings to existing schemas, by reference or by name, load as before."""
    doc = load_document(_write(tmp_path / "api.json", _pets(**mapping)))
    assert doc.resolve(TASK_REF)["discriminator"]["mapping"] == mapping


@pytest.mark.parametrize(
    "holder",
    [
        pytest.param(lambda v: {"type": "object", "example": v}, id="example"),
        pytest.param(lambda v: {"type": "object", "default": v}, id="default"),
        pytest.param(lambda v: {"enum": [v]}, id="enum"),
        pytest.param(lambda v: {"const": v}, id="const"),
        pytest.param(lambda v: {"type": "object", "x-sample": v}, id="extension"),
    ],
)
def test_ref_keys_in_literal_data_are_not_references(tmp_path: Path, holder: Any) -> None:
    """A `$ref` key inside example, default, enum, const or x- data is data, never resolved."""
    data = {"$ref": "#/components/schemas/NotThere"}
    doc = load_document(_write(tmp_path / "api.json", _api(Sample=holder(data))))
    assert doc.data["components"]["schemas"]["Sample"] == holder(data)


def test_dangling_ref_in_a_bundled_file_names_the_file(tmp_path: Path) -> None:
    """A broken pointer inside a referenced file is reported by that file's name and pointer."""
    (tmp_path / "common.json").write_text(
        json.dumps({"Task": {"properties": {"owner": {"$ref": "#/User"}}}}), encoding="utf-8"
    )
    doc = _api()
    doc["components"]["schemas"]["Task"] = {"$ref": "common.json#/Task"}
    with pytest.raises(RefError) as info:
        load_document(_write(tmp_path / "api.json", doc))
    assert "$ref 'common.json#/User' at common.json#/Task/properties/owner" in str(info.value)


def test_yaml_alias_loop_is_walked_once(tmp_path: Path) -> None:
    """A document whose YAML aliases loop is refused in one line, and the walk ends (the
    depth bound on reading meets the endless structure before the ref check does)."""
    path = tmp_path / "api.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Node: &node\n      <<: {type: object}\n      properties:\n        next: *node\n"
        "    Broken: {$ref: '#/components/schemas/Gone'}\n",
        encoding="utf-8",
    )
    with pytest.raises(OpenAPIError, match=r"nested more than 127 levels deep|points at nothing"):
        load_document(path)
