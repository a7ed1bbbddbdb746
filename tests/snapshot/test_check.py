"""`check_snapshot`: the committed snapshot against the provider's, as a Report."""

from __future__ import annotations

from pathlib import Path

from seam.model import Severity
from seam.snapshot import check_snapshot
from seam.snapshot._check import DIFF_LINES


def test_an_up_to_date_snapshot_has_no_finding(tmp_path: Path) -> None:
    """The same text on disk gives a report without findings, state up-to-date."""
    target = tmp_path / "api.yaml"
    target.write_text("openapi: 3.0.3\n", encoding="utf-8")
    report = check_snapshot(target, "openapi: 3.0.3\n", provider="api")
    assert (report.findings, report.meta["state"]) == ([], "up-to-date")


def test_a_missing_snapshot_is_one_error_naming_the_command(tmp_path: Path) -> None:
    """No committed file gives one snapshot-missing error on that file."""
    target = tmp_path / "api.yaml"
    report = check_snapshot(target, "openapi: 3.0.3\n", provider="api")
    (finding,) = report.findings
    assert (finding.rule, finding.severity, finding.file) == (
        "snapshot-missing",
        Severity.ERROR,
        str(target),
    )
    assert "contracts snapshot --provider api" in finding.message


def test_a_stale_snapshot_keeps_the_start_of_its_diff(tmp_path: Path) -> None:
    """A long difference is one snapshot-stale error; meta keeps DIFF_LINES lines and the count."""
    target = tmp_path / "api.yaml"
    target.write_text("".join(f"old {n}\n" for n in range(100)), encoding="utf-8")
    report = check_snapshot(target, "".join(f"new {n}\n" for n in range(100)), provider="api")
    assert [f.rule for f in report.findings] == ["snapshot-stale"]
    assert len(report.meta["diff"]) == DIFF_LINES
    assert report.meta["diff_lines"] == 203  # two headers, a hunk line, 100 out, 100 in
    assert report.meta["diff"][0] == f"--- {target} (committed)"
