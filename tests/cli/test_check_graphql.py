"""`contracts check --graphql`: exit codes, the default schema, formats, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main

FIXTURES = Path(__file__).parent.parent / "graphql" / "fixtures"
SCHEMA = FIXTURES / "users-api.graphql"
PACT = FIXTURES / "web-users-api.json"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", *args])


@pytest.fixture
def contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A contracts folder with users-api's schema and web's pact, as the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "contracts" / "graphql").mkdir(parents=True)
    (tmp_path / "contracts" / "pacts").mkdir()
    shutil.copy(SCHEMA, tmp_path / "contracts" / "graphql" / "users-api.graphql")
    shutil.copy(PACT, tmp_path / "contracts" / "pacts" / "web-users-api.json")
    return tmp_path / "contracts"


def broken(contracts: Path) -> Path:
    """Make web's first GraphQL request select a field User does not have."""
    pact = contracts / "pacts" / "web-users-api.json"
    doc = json.loads(pact.read_text())
    doc["interactions"][0]["request"]["body"]["query"] = '{ user(id: "1") { email } }'
    pact.write_text(json.dumps(doc, indent=2))
    return pact


def test_valid_pact_exits_0(tmp_path: Path) -> None:
    """Every GraphQL request of the fixture pact fits the schema: exit 0."""
    result = run(str(PACT), "--graphql", str(SCHEMA))
    assert result.exit_code == 0, result.output
    assert "7 passed, 0 error(s)" in result.output


def test_invalid_operation_exits_1_naming_the_code(contracts: Path) -> None:
    """An operation that does not validate fails the run with graphql.operation.invalid."""
    pact = broken(contracts)
    result = run(str(pact), "--graphql", str(SCHEMA))
    assert result.exit_code == 1
    assert "graphql.operation.invalid" in result.output
    assert "Cannot query field 'email' on type 'User'" in result.output


def test_schema_found_in_the_contracts_folder(contracts: Path) -> None:
    """Without options the provider's contracts/graphql/<provider>.graphql is used."""
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["meta"]["graphql"] == str(
        Path("contracts") / "graphql" / "users-api.graphql"
    )


def test_schema_found_beside_a_given_openapi_document(contracts: Path) -> None:
    """--openapi given, the GraphQL requests still go to the provider's default schema."""
    spec = contracts / "openapi" / "users-api.json"
    spec.parent.mkdir()
    spec.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "u", "version": "1"}, "paths": {}})
    )
    result = run("--openapi", str(spec), "--format", "json")
    assert result.exit_code == 0, result.output
    meta = json.loads(result.output)["meta"]
    assert meta["openapi"] == str(spec) and meta["graphql"].endswith("users-api.graphql")


def test_github_format_annotates_the_interaction_line(contracts: Path) -> None:
    """GitHub annotations point at the pact file and the interaction's line."""
    pact = broken(contracts)
    line = next(
        n
        for n, text in enumerate(pact.read_text().splitlines(), 1)
        if "web reads a user with an alias" in text
    )
    result = run("--format", "github")
    assert result.exit_code == 1
    assert f"::error file={pact.relative_to(contracts.parent)},line={line}" in result.output


def test_junit_has_one_case_per_interaction(contracts: Path) -> None:
    """JUnit output holds a test case per interaction, the broken one failed."""
    broken(contracts)
    result = run("--format", "junit")
    assert result.exit_code == 1
    assert result.output.count("<testcase ") == 7
    assert result.output.count("<failure") == 1


def test_list_rules_names_the_graphql_codes() -> None:
    """--list-rules lists the graphql.* codes beside the OpenAPI ones."""
    result = run("--list-rules")
    assert result.exit_code == 0
    for code in (
        "graphql.request.malformed",
        "graphql.operation.invalid",
        "graphql.variables.invalid",
        "graphql.response.incompatible",
        "request.path-or-method.unknown",
    ):
        assert f"\n{code}\t" in f"\n{result.output}"


def test_invalid_schema_exits_2_on_one_line(tmp_path: Path) -> None:
    """An SDL that does not build is bad input: exit 2, one line naming the file, no traceback."""
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query {\n  user: Nope\n}\n")
    result = run(str(PACT), "--graphql", str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert str(bad) in line and "Unknown type 'Nope'" in line


def test_no_document_found_exits_2_naming_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No OpenAPI document and no GraphQL schema for the provider: exit 2 saying where it looked."""
    monkeypatch.chdir(tmp_path)
    result = run(str(PACT))
    assert result.exit_code == 2
    assert "contracts/graphql/users-api.graphql" in result.output
    assert "--graphql FILE" in result.output


def test_help_documents_the_option() -> None:
    """--help describes --graphql and its default."""
    result = run("--help")
    assert result.exit_code == 0
    assert "--graphql" in result.output and "contracts/graphql/<provider>.graphql" in result.output
