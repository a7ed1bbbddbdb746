"""The committed contracts of the GraphQL example hold against this provider."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from projects_api.states import states

from seam.model import CaseStatus
from seam.verify import verify

PROVIDER_ROOT = Path(__file__).resolve().parents[1]
PACTS = PROVIDER_ROOT.parents[1] / "contracts" / "pacts"


def test_dashboard_pact_verifies_against_the_running_provider(tmp_path: Path) -> None:
    """The dashboard's GraphQL interactions replay green against a real server, states seeded."""
    path = os.pathsep.join(filter(None, [str(PROVIDER_ROOT), os.environ.get("PYTHONPATH")]))
    report = verify(
        [PACTS / "dashboard-projects-api.json"],
        provider="projects-api",
        base_url="http://127.0.0.1:{port}",
        start=f"{sys.executable} -m projects_api serve --port {{port}}",
        states=states,
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/projects.db", "PYTHONPATH": path},
    )
    assert len(report.cases) == 4
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}, [
        (c.name, [f.message for f in c.findings]) for c in report.cases
    ]
