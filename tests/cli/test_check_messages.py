"""`contracts check` for message pacts against the provider's AsyncAPI document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main

ROOT = Path(__file__).resolve().parents[2]
TASKS_EVENTS = ROOT / "contracts" / "asyncapi" / "tasks-api.yaml"
TASK = {"id": 1, "title": "write", "status": "done", "assignee": None}


def _pact(payload: dict[str, Any], content_type: str = "application/json") -> dict[str, Any]:
    return {
        "consumer": {"name": "notifier"},
        "provider": {"name": "tasks-api"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "task.status_changed",
                "contents": {"content": payload, "contentType": content_type, "encoded": False},
                "metadata": {"contentType": content_type},
            }
        ],
    }


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """A contracts/ folder with the Tasks events document and the notifier's message pact."""
    root = tmp_path / "contracts"
    (root / "pacts").mkdir(parents=True)
    (root / "asyncapi").mkdir()
    shutil.copy(TASKS_EVENTS, root / "asyncapi" / "tasks-api.yaml")
    payload = {"task": TASK, "old_status": "open", "new_status": "done"}
    (root / "pacts" / "notifier-tasks-api.json").write_text(json.dumps(_pact(payload)))
    return root


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", *args])


def test_messages_only_need_no_openapi_document(contracts: Path) -> None:
    """A pact of messages is checked against contracts/asyncapi/<provider>.yaml alone: exit 0."""
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    assert "check: 1 passed, 0 error(s)" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github", "junit"])
def test_a_renamed_field_fails_in_every_format(contracts: Path, fmt: str) -> None:
    """A payload field the document does not send fails the check (exit 1) in every format."""
    pact = contracts / "pacts" / "notifier-tasks-api.json"
    payload = {"task": TASK, "previous_status": "open", "new_status": "done"}
    pact.write_text(json.dumps(_pact(payload)))
    result = _run("--contracts", str(contracts), "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "message.payload.incompatible" in result.output
    assert "previous_status" in result.output


def test_wrong_content_type_is_a_mismatch(contracts: Path) -> None:
    """A message declared as text where the document says JSON is message.content-type.mismatch."""
    pact = contracts / "pacts" / "notifier-tasks-api.json"
    pact.write_text(json.dumps(_pact({"task": TASK}, content_type="text/plain")))
    result = _run("--contracts", str(contracts), "--format", "json")
    assert result.exit_code == 1
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert rules == ["message.content-type.mismatch"]


def test_explicit_asyncapi_file_is_used(contracts: Path, tmp_path: Path) -> None:
    """--asyncapi FILE names the document; a broken one is refused with one line, exit 2."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("asyncapi: 3.0.0\ninfo: {title: t}\n")
    pact = contracts / "pacts" / "notifier-tasks-api.json"
    result = _run(str(pact), "--asyncapi", str(broken))
    assert result.exit_code == 2
    assert "invalid AsyncAPI 3.0.0 document" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_asyncapi_document_is_a_usage_error(contracts: Path) -> None:
    """Pacts of messages only, without any AsyncAPI document: exit 2 and a hint."""
    (contracts / "asyncapi" / "tasks-api.yaml").unlink()
    result = _run("--contracts", str(contracts))
    assert result.exit_code == 2
    assert "--asyncapi FILE" in result.output


def test_help_mentions_asyncapi() -> None:
    """--help documents the --asyncapi option."""
    result = _run("--help")
    assert result.exit_code == 0
    assert "--asyncapi" in result.output


def test_messages_beside_http_without_asyncapi_stay_warnings(contracts: Path) -> None:
    """With HTTP interactions too and no AsyncAPI document, messages are warnings, not errors."""
    (contracts / "asyncapi" / "tasks-api.yaml").unlink()
    (contracts / "openapi").mkdir()
    (contracts / "openapi" / "tasks-api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /tasks:\n    get:\n"
        "      responses: {'200': {description: ok}}\n"
    )
    pact = contracts / "pacts" / "notifier-tasks-api.json"
    doc = json.loads(pact.read_text())
    doc["interactions"].append(
        {
            "type": "Synchronous/HTTP",
            "description": "list tasks",
            "request": {"method": "GET", "path": "/tasks"},
            "response": {"status": 200},
        }
    )
    pact.write_text(json.dumps(doc))
    result = _run("--contracts", str(contracts), "--format", "json")
    assert result.exit_code == 0, result.output
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert rules == ["interaction.type.unsupported"]
