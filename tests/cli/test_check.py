"""`contracts check`: exit codes, defaults from the contracts folder, formats."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from seam.cli import main

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tasks", "version": "1"},
    "paths": {
        "/tasks/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "a task",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "title": {"type": "string"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def _pact(consumer: str, body: dict[str, Any], provider: str = "tasks-api") -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"{consumer} reads a task",
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """A contracts/ folder with the provider's spec and one compatible pact."""
    root = tmp_path / "contracts"
    (root / "pacts").mkdir(parents=True)
    (root / "openapi").mkdir()
    (root / "openapi" / "tasks-api.yaml").write_text(yaml.safe_dump(copy.deepcopy(SPEC)))
    (root / "pacts" / "web-tasks-api.json").write_text(json.dumps(_pact("web", {"id": 1})))
    return root


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", *args])


def test_compatible_pacts_exit_0(contracts: Path) -> None:
    """With no pact files given, contracts/pacts is checked against contracts/openapi."""
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    assert "0 error" in result.output


def test_incompatible_pact_exits_1(contracts: Path) -> None:
    """A consumer expecting a field the spec never sends fails the check."""
    bad = contracts / "pacts" / "mobile-tasks-api.json"
    bad.write_text(json.dumps(_pact("mobile", {"id": 1, "owner": "ann"})))
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 1
    assert "response.body.incompatible" in result.output
    assert "mobile reads a task" in result.output


def test_explicit_files_and_json_format(contracts: Path) -> None:
    """PACT_FILES and --openapi override the defaults; --format json is parseable."""
    result = _run(
        str(contracts / "pacts" / "web-tasks-api.json"),
        "--openapi",
        str(contracts / "openapi" / "tasks-api.yaml"),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["command"] == "check"
    assert report["summary"]["cases"]["passed"] == 1


def test_fail_on_warning(contracts: Path) -> None:
    """--fail-on warning makes a warning (an undeclared request header) fail the run."""
    doc = _pact("web", {"id": 1})
    doc["interactions"][0]["request"]["headers"] = {"X-Debug": "1"}
    (contracts / "pacts" / "web-tasks-api.json").write_text(json.dumps(doc))
    assert _run("--contracts", str(contracts)).exit_code == 0
    assert _run("--contracts", str(contracts), "--fail-on", "warning").exit_code == 1


def test_fail_on_never(contracts: Path) -> None:
    """--fail-on never reports but always exits 0."""
    (contracts / "pacts" / "web-tasks-api.json").write_text(json.dumps(_pact("web", {"nope": 1})))
    assert _run("--contracts", str(contracts), "--fail-on", "never").exit_code == 0


def test_output_file(contracts: Path, tmp_path: Path) -> None:
    """--output writes the report to a file instead of standard output."""
    out = tmp_path / "report.xml"
    result = _run("--contracts", str(contracts), "--format", "junit", "--output", str(out))
    assert result.exit_code == 0
    assert out.read_text().startswith("<?xml")


def test_provider_filter_finds_its_spec(contracts: Path) -> None:
    """--provider picks that provider's pacts and its contracts/openapi document."""
    (contracts / "pacts" / "web-billing.json").write_text(
        json.dumps(_pact("web", {}, provider="billing"))
    )
    result = _run("--contracts", str(contracts), "--provider", "tasks-api")
    assert result.exit_code == 0, result.output


def test_each_provider_is_checked_against_its_own_document(contracts: Path) -> None:
    """Pacts of two providers and no document named: each against its own, in one report."""
    billing = copy.deepcopy(SPEC)
    billing["info"]["title"] = "billing"
    del billing["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]
    (contracts / "openapi" / "billing.yaml").write_text(yaml.safe_dump(billing))
    (contracts / "pacts" / "web-billing.json").write_text(
        json.dumps(_pact("web", {"id": 1}, provider="billing"))
    )
    result = _run("--contracts", str(contracts), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    cases = report["summary"]["cases"]
    assert (cases["passed"], cases["failed"]) == (1, 1)
    (failed,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert failed["file"].endswith("web-billing.json")
    documents = report["meta"]["openapi"]
    assert "billing.yaml" in documents and "tasks-api.yaml" in documents


def test_a_provider_without_a_document_is_named(contracts: Path) -> None:
    """Pacts of a second provider that has no document: exit 2, naming it and what to pass."""
    (contracts / "pacts" / "web-billing.json").write_text(
        json.dumps(_pact("web", {}, provider="billing"))
    )
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 2
    assert "'billing'" in result.output and "--openapi" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="broken-json"),
        pytest.param('{"interactions": []}', "consumer", id="not-a-pact"),
    ],
)
def test_bad_pact_exits_2(contracts: Path, content: str, message: str) -> None:
    """An unreadable pact is one clear line and exit 2, no traceback."""
    (contracts / "pacts" / "web-tasks-api.json").write_text(content)
    result = _run(
        str(contracts / "pacts" / "web-tasks-api.json"),
        "--openapi",
        str(contracts / "openapi" / "tasks-api.yaml"),
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_openapi_exits_2(contracts: Path) -> None:
    """A missing OpenAPI document is exit 2 with the path named."""
    result = _run("--contracts", str(contracts), "--openapi", str(contracts / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


def test_remote_ref_is_refused(contracts: Path) -> None:
    """A remote $ref is not fetched unless --allow-remote-refs is given: exit 2."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "https://example.invalid/task.yaml"}
    (contracts / "openapi" / "tasks-api.yaml").write_text(yaml.safe_dump(spec))
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 2
    assert "remote $ref 'https://example.invalid/task.yaml' is not fetched" in result.output
    assert "--allow-remote-refs" in result.output


def test_no_pacts_exit_2(tmp_path: Path) -> None:
    """An empty contracts folder is a usage error that says what to pass."""
    result = _run("--contracts", str(tmp_path))
    assert result.exit_code == 2
    assert "no pact files" in result.output


def _incompatible(contracts: Path) -> None:
    (contracts / "pacts" / "web-tasks-api.json").write_text(
        json.dumps(_pact("web", {"id": 1, "owner": "ann"}))
    )


def test_severity_override(contracts: Path) -> None:
    """--severity RULE=warning turns that rule's errors into warnings (exit 0)."""
    _incompatible(contracts)
    args = ["--contracts", str(contracts)]
    assert _run(*args).exit_code == 1
    result = _run(*args, "--severity", "response.body.incompatible=warning")
    assert result.exit_code == 0, result.output
    assert "warning response.body.incompatible" in result.output


def test_ignore_rule(contracts: Path) -> None:
    """--ignore RULE leaves that rule's findings out of the report."""
    _incompatible(contracts)
    result = _run("--contracts", str(contracts), "--ignore", "response.body.incompatible")
    assert result.exit_code == 0
    assert "response.body.incompatible" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--ignore", "response.body.nope"], id="unknown-rule"),
        pytest.param(["--severity", "response.body.incompatible"], id="no-level"),
        pytest.param(["--severity", "response.body.incompatible=fatal"], id="bad-level"),
    ],
)
def test_bad_overrides_exit_2(contracts: Path, args: list[str]) -> None:
    """A misspelt rule id or severity is a usage error naming what to fix."""
    result = _run("--contracts", str(contracts), *args)
    assert result.exit_code == 2
    assert "error:" in result.output


def test_list_rules() -> None:
    """--list-rules prints every rule with its severity and summary."""
    from seam.compat import RULES

    result = _run("--list-rules")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == RULES.ids()


REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not list((REPO / "contracts" / "pacts").glob("*-tasks-api.json")),
    reason="the example consumers' pacts are not in contracts/pacts",
)
def test_example_contracts_are_compatible() -> None:
    """The example consumers' committed pacts fit the provider's committed snapshot."""
    result = _run("--contracts", str(REPO / "contracts"), "--provider", "tasks-api")
    assert result.exit_code == 0, result.output
    assert " 0 error" in result.output
