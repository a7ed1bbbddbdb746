"""`contracts diff` on GraphQL schemas: the OpenAPI diff's formats, PR mode, ignore and severity."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main

OLD = "type Query {\n  user(id: ID!): User\n}\n\ntype User {\n  id: ID!\n  login: String!\n}\n"
NEW = OLD.replace("  login: String!\n", "")  # User.login removed


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["diff", *args])


@pytest.fixture
def schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A base SDL and a revision that removes User.login (run where no contracts/pacts is)."""
    monkeypatch.chdir(tmp_path)
    old, new = tmp_path / "old.graphql", tmp_path / "new.graphqls"
    old.write_text(OLD)
    new.write_text(NEW)
    return old, new


def test_breaking_change_exits_1_with_the_rule(schemas: tuple[Path, Path]) -> None:
    """A removed field fails the run and names graphql-field-removed and the coordinate."""
    result = run(str(schemas[0]), str(schemas[1]))
    assert result.exit_code == 1
    assert "graphql-field-removed [User.login]" in result.output


def test_github_annotation_has_file_and_line(schemas: tuple[Path, Path]) -> None:
    """--format github annotates the revision file on the line of the type that lost the field."""
    result = run(str(schemas[0]), str(schemas[1]), "--format", "github")
    assert f"::error file={schemas[1]},line=5,title=graphql-field-removed::" in result.output


def test_json_report_has_the_stable_shape(schemas: tuple[Path, Path]) -> None:
    """The JSON report carries the rule, severity, coordinate and line."""
    doc = json.loads(run(str(schemas[0]), str(schemas[1]), "--format", "json").output)
    (f,) = doc["findings"]
    assert (f["rule"], f["severity"], f["path"], f["line"]) == (
        "graphql-field-removed",
        "error",
        "User.login",
        5,
    )


def test_ignore_file_by_coordinate(schemas: tuple[Path, Path], tmp_path: Path) -> None:
    """An ignore line `RULE Type.field reason` drops that finding and the run passes."""
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("graphql-field-removed User.login no client reads it\n")
    result = run(str(schemas[0]), str(schemas[1]), "--ignore-file", str(ignore))
    assert result.exit_code == 0, result.output
    assert "User.login" not in result.output


def test_ignore_file_other_coordinate_keeps_finding(
    schemas: tuple[Path, Path], tmp_path: Path
) -> None:
    """An ignore line for another coordinate leaves the finding in."""
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("graphql-field-removed User.name not this one\n")
    assert run(str(schemas[0]), str(schemas[1]), "--ignore-file", str(ignore)).exit_code == 1


def test_severity_override(schemas: tuple[Path, Path]) -> None:
    """--severity graphql-field-removed=warning makes the run pass."""
    result = run(str(schemas[0]), str(schemas[1]), "--severity", "graphql-field-removed=warning")
    assert result.exit_code == 0
    assert "warning graphql-field-removed" in " ".join(result.output.split())


def test_invalid_sdl_exits_2_on_one_line(tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    """Broken SDL exits 2 with one line naming the file and line, no traceback."""
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query {\n  a: \n}\n")
    result = run(str(schemas[0]), str(bad))
    assert result.exit_code == 2
    assert "bad.graphql:3: not a valid GraphQL schema" in result.output
    assert "Traceback" not in result.output


def test_list_rules_includes_graphql() -> None:
    """--list-rules lists the GraphQL rules beside the OpenAPI ones."""
    out = run("--list-rules").output
    assert "graphql-arg-added-required\terror\tgraphql" in out
    assert "response-property-renamed\terror" in out


def test_base_ref_compares_committed_sdl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--base HEAD diffs contracts/graphql/*.graphql as committed with the working tree."""
    sdl = tmp_path / "contracts" / "graphql" / "users.graphql"
    sdl.parent.mkdir(parents=True)
    sdl.write_text(OLD)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    sdl.write_text(NEW)
    monkeypatch.chdir(tmp_path)
    result = run("--base", "HEAD", "--format", "github")
    assert result.exit_code == 1
    assert "::error file=contracts/graphql/users.graphql,line=5,title=graphql-field-removed::" in (
        result.output
    )


def test_unattached_pacts_say_how_to_name_the_schema(tmp_path: Path) -> None:
    """Pacts of another provider leave a warning telling how a schema names its provider."""
    old, new = tmp_path / "old.graphql", tmp_path / "users-api.graphql"
    old.write_text(OLD)
    new.write_text(OLD)
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "web-tasks-api.json").write_text(
        json.dumps(
            {
                "consumer": {"name": "web"},
                "provider": {"name": "tasks-api"},
                "interactions": [],
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    result = run(str(old), str(new), "--pacts", str(pacts))
    assert "pacts-not-attached" in result.output
    assert "name the schema file after its provider" in " ".join(result.output.split())


def test_help_mentions_graphql() -> None:
    """--help says GraphQL schemas are read and how pacts judge them."""
    out = " ".join(run("--help").output.split())
    assert "GraphQL schemas (.graphql/.graphqls SDL, or introspection JSON)" in out
