"""Reading the Rust verifier's JSON results into cases and findings."""

from __future__ import annotations

import pytest

from seam.model import CaseStatus, Severity
from seam.pactfile import parse_pact
from seam.verify._results import RULES, build_cases, parse_duration

PACT = parse_pact(
    {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "get a task",
                "providerStates": [{"name": "task 1 exists"}],
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {"status": 200},
            }
        ],
    },
    source="web-tasks-api.json",
)


def _result(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "consumer": "web",
        "description": "get a task",
        "providerStates": ["task 1 exists"],
        "duration": "12ms",
        "pending": False,
        "result": "Ok",
        "mismatch": None,
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("120ms", 0.12), ("2m 7s 23ms", 127.023), ("1.5s", 1.5), ("", 0.0)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    """The verifier's human durations become seconds."""
    assert parse_duration(text) == pytest.approx(seconds)


def test_passed_result_is_a_passed_case_with_no_findings() -> None:
    """An Ok result gives a passed case named after the interaction and its states."""
    cases, findings = build_cases([PACT], [_result()], [], provider="tasks-api")
    assert [(c.name, c.status) for c in cases] == [
        ("get a task (given task 1 exists)", CaseStatus.PASSED)
    ]
    assert findings == []


def test_body_mismatch_names_path_expected_and_actual() -> None:
    """A body mismatch becomes a finding at its JSON path, with the endpoint from the pact."""
    mismatch = {
        "type": "mismatches",
        "mismatches": [
            {
                "type": "BodyMismatch",
                "path": "$.status",
                "expected": '"open"',
                "actual": '"done"',
                "mismatch": "Expected 'done' (String) to be equal to 'open' (String)",
            }
        ],
    }
    cases, findings = build_cases(
        [PACT], [_result(result="Error", mismatch=mismatch)], [], provider="tasks-api"
    )
    (finding,) = findings
    assert (finding.rule, finding.location, finding.method, finding.path) == (
        "response-body-mismatch",
        "$.status",
        "GET",
        "/tasks/1",
    )
    assert finding.message == 'expected "open", got "done"'
    assert cases[0].status is CaseStatus.FAILED


def test_pending_failure_is_pending_and_a_warning() -> None:
    """A failure of a pending pact is reported as pending and never as an error."""
    mismatch = {"type": "error", "message": "connection refused"}
    cases, findings = build_cases(
        [PACT], [_result(result="Error", mismatch=mismatch, pending=True)], [], provider="p"
    )
    assert cases[0].status is CaseStatus.PENDING
    assert [f.severity for f in findings] == [Severity.WARNING]


def test_state_change_failure_shows_the_handler_error() -> None:
    """The verifier's generic state-change error is replaced by the handler's own message."""
    mismatch = {
        "type": "error",
        "message": "One or more of the setup state change handlers has failed",
    }
    errors = [{"state": "task 1 exists", "params": {}, "action": "setup", "error": "boom: locked"}]
    _, findings = build_cases(
        [PACT], [_result(result="Error", mismatch=mismatch)], errors, provider="p"
    )
    assert [(f.rule, f.message) for f in findings] == [("provider-state-failed", "boom: locked")]


def test_every_rule_has_a_summary() -> None:
    """Each verify rule id is registered with a one-line summary."""
    assert all(rule.summary for rule in RULES)
    assert "response-status-mismatch" in RULES
