"""Two versions of one pact: what the consumer added, dropped or newly expects."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seam.diff import diff
from seam.model import Severity


def pact(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def interaction(description: str, status: int = 200, body: Any = None) -> dict[str, Any]:
    return {
        "description": description,
        "request": {"method": "GET", "path": "/tasks/1"},
        "response": {
            "status": status,
            "headers": {"Content-Type": "application/json"},
            "body": body or {"id": 1},
        },
    }


def _rules(write: Callable[..., Path], base: dict[str, Any], revision: dict[str, Any]) -> list[str]:
    report = diff(write(base, "a/web-tasks-api.json"), write(revision, "b/web-tasks-api.json"))
    assert all(f.severity is Severity.INFO for f in report.findings)
    return [f.rule for f in report.findings]


def test_added_and_removed_interactions(write: Callable[..., Path]) -> None:
    """Interactions are matched by description: one gone, one new."""
    rules = _rules(write, pact(interaction("old")), pact(interaction("new")))
    assert sorted(rules) == ["pact-interaction-added", "pact-interaction-removed"]


def test_newly_read_field_and_status(write: Callable[..., Path]) -> None:
    """A consumer that now reads another field and expects another status says so."""
    rules = _rules(
        write,
        pact(interaction("a task")),
        pact(interaction("a task", status=201, body={"id": 1, "status": "open"})),
    )
    assert sorted(rules) == ["pact-response-field-expected", "pact-response-status-changed"]


def test_dropped_field(write: Callable[..., Path]) -> None:
    """A field the consumer stopped reading is reported."""
    rules = _rules(
        write, pact(interaction("a task", body={"id": 1, "x": 2})), pact(interaction("a task"))
    )
    assert rules == ["pact-response-field-dropped"]


def test_changed_request(write: Callable[..., Path]) -> None:
    """A changed request path is reported."""
    moved = interaction("a task")
    moved["request"]["path"] = "/tasks/2"
    assert _rules(write, pact(interaction("a task")), pact(moved)) == ["pact-request-changed"]


def test_unchanged_pact_has_no_findings(write: Callable[..., Path]) -> None:
    """A pact compared with itself has no findings."""
    doc = pact(interaction("a task"))
    assert _rules(write, doc, json.loads(json.dumps(doc))) == []


def message(description: str, content: Any, **metadata: Any) -> dict[str, Any]:
    return {
        "description": description,
        "contents": content,
        "metadata": {"contentType": "application/json", **metadata},
    }


def message_pact(*messages: dict[str, Any]) -> dict[str, Any]:
    return {**pact(), "interactions": [], "messages": list(messages)}


def test_message_fields_read_and_dropped(write: Callable[..., Path]) -> None:
    """A message pact whose consumer reads a new field and drops another says both."""
    rules = _rules(
        write,
        message_pact(message("task.changed", {"id": 1, "old": "open"})),
        message_pact(message("task.changed", {"id": 1, "new": "done"})),
    )
    assert sorted(rules) == ["pact-message-field-dropped", "pact-message-field-expected"]


def test_message_metadata_changed(write: Callable[..., Path]) -> None:
    """A message that moved to another channel is reported; the same message is quiet."""
    same = message_pact(message("task.changed", {"id": 1}, topic="a"))
    moved = message_pact(message("task.changed", {"id": 1}, topic="b"))
    assert _rules(write, same, same) == []
    assert _rules(write, same, moved) == ["pact-message-metadata-changed"]
