"""--conformance: schemathesis against the provider's own OpenAPI joins the verify report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seam.model import CaseStatus
from seam.verify import ConformanceOptions

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "contracts" / "openapi" / "tasks-api.yaml"
TOKEN = ("Authorization: Bearer dev-token",)


def _conformance(seed: int) -> ConformanceOptions:
    # The coverage phase is left out to keep the suite quick; it adds inputs, not checks.
    return ConformanceOptions(
        openapi=SPEC, max_examples=2, seed=seed, headers=TOKEN, phases=("examples", "fuzzing")
    )


def test_real_provider_conforms_to_its_spec(tasks: Any) -> None:
    """The real provider answers every generated request as its OpenAPI document says."""
    report = tasks.verify(conformance=_conformance(seed=1))
    conformance = [c for c in report.cases if c.group == "conformance"]
    assert conformance
    assert {c.status for c in conformance} == {CaseStatus.PASSED}


def test_response_outside_the_spec_is_a_conformance_failure(tasks: Any) -> None:
    """A provider sending `id` as a string fails conformance on the operations returning tasks."""
    report = tasks.verify("changed-type", conformance=_conformance(seed=2))
    failed = {
        c.name for c in report.cases if c.group == "conformance" and c.status is CaseStatus.FAILED
    }
    assert {"POST /tasks", "GET /tasks/{id}"} <= failed
    messages = [f.message for f in report.findings if f.rule == "conformance-failed"]
    assert any('is not of type "integer"' in m for m in messages), messages
