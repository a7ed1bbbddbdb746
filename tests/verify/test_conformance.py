"""--conformance: schemathesis against the provider's own OpenAPI joins the verify report."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from seam.model import CaseStatus
from seam.verify import ConformanceOptions
from seam.verify._options import conformance_spec

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


def test_conformance_reads_the_openapi_of_the_configured_contracts_folder(tmp_path: Path) -> None:
    """With [tool.seam] contracts moved, --conformance finds <contracts>/openapi/<provider>.yaml."""
    contracts = tmp_path / f"api-contracts-{uuid.uuid4().hex[:6]}"
    (contracts / "openapi").mkdir(parents=True)
    document = contracts / "openapi" / "orders.yaml"
    document.write_text("openapi: 3.0.3\n", encoding="utf-8")
    moved = ConformanceOptions(contracts=contracts)
    assert conformance_spec(moved, "orders", "http://127.0.0.1:9") == str(document)
    elsewhere = ConformanceOptions(contracts=tmp_path / "none")
    assert conformance_spec(elsewhere, "orders", "http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/openapi.json"
    )
