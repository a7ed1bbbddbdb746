"""`contracts usage` on the command line: defaults, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "notes-api", "version": "1"},
    "paths": {
        "/notes/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "text": {"type": "string"},
                                        "pinned": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    }
                },
            },
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    },
}
PACT = {
    "consumer": {"name": "reader"},
    "provider": {"name": "notes-api"},
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
    "interactions": [
        {
            "description": "read a note",
            "request": {"method": "GET", "path": "/notes/7"},
            "response": {"status": 200, "body": {"text": "hi"}},
        }
    ],
}


@pytest.fixture
def contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A contracts/ folder with one pact and the provider's document, as the working dir."""
    (tmp_path / "contracts" / "pacts").mkdir(parents=True)
    (tmp_path / "contracts" / "openapi").mkdir()
    (tmp_path / "contracts" / "pacts" / "reader-notes-api.json").write_text(json.dumps(PACT))
    (tmp_path / "contracts" / "openapi" / "notes-api.yaml").write_text(json.dumps(SPEC))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "contracts"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["usage", *args])


def test_defaults_read_the_contracts_folder(contracts: Path) -> None:
    """Without arguments the pacts and the provider's document come from contracts/."""
    result = run()
    assert result.exit_code == 0, result.output
    lines = {" ".join(line.split()) for line in result.output.splitlines()}
    assert "GET /notes/{id} reader" in lines
    assert "DELETE /notes/{id} — no consumer" in lines
    assert "text reader" in lines and "pinned — no consumer" in lines


def test_json_and_markdown(contracts: Path, tmp_path: Path) -> None:
    """`--format json` is the documented shape; `--format markdown -o` writes the table."""
    doc = json.loads(run("--format", "json", "--provider", "notes-api").output)
    assert doc["provider"] == "notes-api"
    assert doc["summary"]["operations"] == {"used": 1, "total": 2}
    out = tmp_path / "usage.md"
    assert run("--format", "markdown", "-o", str(out)).exit_code == 0
    assert "| `DELETE /notes/{id}` | operation | **unused** |" in out.read_text()


def test_html_page_to_a_file(contracts: Path, tmp_path: Path) -> None:
    """`--format html -o` writes one page naming the unused operation."""
    out = tmp_path / "usage.html"
    result = run("--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<code>DELETE /notes/{id}</code> (the whole operation)" in page


def test_missing_document_exits_2_with_one_line(contracts: Path) -> None:
    """A provider without a document is bad input: exit 2, one line saying what to pass."""
    result = run("--provider", "other-api")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "no pact files match" in result.output


def test_help() -> None:
    """`--help` describes the command and its options."""
    result = run("--help")
    assert result.exit_code == 0
    assert "which consumers use each operation" in result.output
    assert "--openapi" in result.output
