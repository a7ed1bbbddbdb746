"""`contracts diff` on the command line: exit codes, formats, PR mode."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main


def api(status: dict[str, Any]) -> dict[str, Any]:
    task = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "status": status},
        "required": ["id", "status"],
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "tasks-api", "version": "1"},
        "paths": {
            "/tasks/{id}": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": task}},
                        }
                    }
                }
            }
        },
    }


SAME = {"type": "string"}
WIDER = {"type": "string", "nullable": True}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A base document, a breaking revision and a harmless revision."""
    paths = []
    for name, status in (
        ("base", SAME),
        ("breaking", WIDER),
        ("harmless", {**SAME, "description": "docs"}),
    ):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(api(status)))
        paths.append(p)
    return paths[0], paths[1], paths[2]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["diff", *args])


def test_help_lists_the_options() -> None:
    """--help shows usage and the shared options."""
    result = run("--help")
    assert result.exit_code == 0
    for option in ("--base", "--fail-on", "--ignore", "--ignore-file", "--severity", "--format"):
        assert option in result.output


def test_breaking_change_exits_1(pair: tuple[Path, Path, Path]) -> None:
    """A breaking change exits 1 and names the rule."""
    result = run(str(pair[0]), str(pair[1]))
    assert result.exit_code == 1
    assert "response-property-became-nullable" in result.output


def test_harmless_change_exits_0(pair: tuple[Path, Path, Path]) -> None:
    """A documentation-only change exits 0."""
    result = run(str(pair[0]), str(pair[2]))
    assert result.exit_code == 0
    assert "0 error(s)" in result.output


def test_fail_on_never_exits_0(pair: tuple[Path, Path, Path]) -> None:
    """--fail-on never reports but exits 0."""
    assert run(str(pair[0]), str(pair[1]), "--fail-on", "never").exit_code == 0


def test_severity_override_changes_exit_code(pair: tuple[Path, Path, Path]) -> None:
    """Downgrading the only error to a warning exits 0 at the default --fail-on."""
    result = run(
        str(pair[0]), str(pair[1]), "--severity", "response-property-became-nullable=warning"
    )
    assert result.exit_code == 0


@pytest.mark.parametrize("fmt", ["json", "markdown", "github", "junit"])
def test_formats_are_stable(pair: tuple[Path, Path, Path], fmt: str) -> None:
    """Every format renders, and the same input gives the same bytes."""
    first = run(str(pair[0]), str(pair[1]), "--format", fmt)
    second = run(str(pair[0]), str(pair[1]), "--format", fmt)
    assert first.exit_code == 1
    assert first.output == second.output
    assert "became-nullable" in first.output


def test_unreadable_input_exits_2_with_one_line(
    pair: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Invalid YAML exits 2 with one line and no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [unclosed\n")
    result = run(str(pair[0]), str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "invalid YAML" in result.output


def test_missing_argument_exits_2() -> None:
    """One path without --base is a usage error."""
    result = run("only-one.yaml")
    assert result.exit_code == 2
    assert "expected BASE and REVISION" in result.output


def test_list_rules() -> None:
    """--list-rules prints every rule with its severity."""
    result = run("--list-rules")
    assert result.exit_code == 0
    assert "response-property-renamed\terror" in result.output


def test_base_ref_compares_with_the_committed_contracts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--base HEAD compares contracts/ as committed with the working tree."""
    (tmp_path / "contracts" / "openapi").mkdir(parents=True)
    spec = tmp_path / "contracts" / "openapi" / "tasks-api.json"
    spec.write_text(json.dumps(api(SAME)))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    spec.write_text(json.dumps(api(WIDER)))
    monkeypatch.chdir(tmp_path)
    result = run("--base", "HEAD", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["meta"]["base"] == "HEAD:contracts"
    assert [f["rule"] for f in doc["findings"]] == ["response-property-became-nullable"]


def test_base_ref_findings_name_work_tree_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In PR mode a removal (found in the base copy) is annotated on the work-tree file."""
    (tmp_path / "contracts").mkdir()
    spec = tmp_path / "contracts" / "tasks-api.json"
    spec.write_text(json.dumps(api(SAME)))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    doc = api(SAME)
    doc["paths"]["/other"] = doc["paths"].pop("/tasks/{id}")
    spec.write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    result = run("--base", "HEAD", "--format", "github")
    assert "::error file=contracts/tasks-api.json,line=" in result.output


def test_github_annotations_carry_file_and_line(tmp_path: Path) -> None:
    """--format github annotates the file and line of each change (the base for removals)."""
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      responses:\n        '200': {description: ok}\n"
    )
    base.write_text(text + "  /b:\n    get:\n      responses:\n        '200': {description: ok}\n")
    revision.write_text(
        text + "  /c:\n    get:\n      responses:\n        '200': {description: ok}\n"
    )
    result = run(str(base), str(revision), "--format", "github")
    assert (
        f"::error file={base},line=9,title=api-path-removed-without-deprecation::" in result.output
    )
    assert f"::notice file={revision},line=9,title=endpoint-added::" in result.output


def test_ignore_file_drops_a_finding(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """An --ignore-file entry for the only error makes the run pass."""
    ignore = tmp_path / "ignore.txt"
    ignore.write_text(
        "# accepted\nresponse-property-became-nullable GET /tasks/{id} clients handle null\n"
    )
    result = run(str(pair[0]), str(pair[1]), "--ignore-file", str(ignore))
    assert result.exit_code == 0
    assert "became-nullable" not in result.output


def test_ignore_rule_id_drops_that_rule(pair: tuple[Path, Path, Path]) -> None:
    """--ignore RULE_ID leaves that rule's findings out, as check's --ignore does."""
    result = run(str(pair[0]), str(pair[1]), "--ignore", "response-property-became-nullable")
    assert result.exit_code == 0, result.output
    assert "became-nullable" not in result.output
    assert result.stderr == ""


def test_ignore_with_a_file_is_the_deprecated_ignore_file(
    pair: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """--ignore FILE (the old spelling) still reads the file, and says to write --ignore-file."""
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("response-property-became-nullable * clients handle null\n")
    result = run(str(pair[0]), str(pair[1]), "--ignore", str(ignore))
    assert result.exit_code == 0, result.output
    assert "became-nullable" not in result.stdout
    assert result.stderr == (
        f"warning: --ignore {ignore} as a file is deprecated: write --ignore-file {ignore} "
        "(--ignore takes a RULE_ID, as in contracts check)\n"
    )


def test_trees_use_the_revision_pacts(tmp_path: Path) -> None:
    """Two contracts/ trees: the revision's pacts/ say which consumer a change breaks."""
    pact = {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": [
            {
                "description": "a task",
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "status": "x"},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    for side, status in (("base", SAME), ("revision", WIDER)):
        (tmp_path / side / "openapi").mkdir(parents=True)
        (tmp_path / side / "pacts").mkdir()
        (tmp_path / side / "openapi" / "tasks-api.json").write_text(json.dumps(api(status)))
        (tmp_path / side / "pacts" / "web-tasks-api.json").write_text(json.dumps(pact))
    result = run(str(tmp_path / "base"), str(tmp_path / "revision"), "--format", "json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)["findings"]
    assert finding["consumers"] == ["web"]
    assert finding["interaction"] == "a task"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                for p, c in zip("abcdef", "bcdefg", strict=True)
            ),
            "alias bomb",
            id="yaml-alias-bomb",
        ),
        pytest.param(
            '{"openapi": "3.0.3", "paths": {"/a": {"$ref": "#/b"}}, "b": {"$ref": "#/b"}}',
            "cyclic",
            id="cyclic-ref",
        ),
        pytest.param('{"info": {}}', "not an OpenAPI document", id="not-openapi"),
    ],
)
def test_bad_documents_exit_2_with_one_line(
    pair: tuple[Path, Path, Path], tmp_path: Path, text: str, expected: str
) -> None:
    """Alias bombs, cyclic $refs and non-OpenAPI files exit 2 with one line saying so."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = run(str(pair[0]), str(bad))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert expected in result.output


def test_include_info_lists_info_in_markdown(tmp_path: Path) -> None:
    """`--format markdown` counts an added endpoint; `--include-info` lists it."""
    base, revision = tmp_path / "base.json", tmp_path / "revision.json"
    doc = api(SAME)
    base.write_text(json.dumps(doc))
    doc["paths"]["/tags"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    revision.write_text(json.dumps(doc))
    counted = run(str(base), str(revision), "--format", "markdown")
    listed = run(str(base), str(revision), "--format", "markdown", "--include-info")
    assert counted.exit_code == listed.exit_code == 0
    assert "1 info finding not listed" in counted.output
    assert "`GET /tags` `endpoint-added`" in listed.output
