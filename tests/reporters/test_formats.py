"""The built-in reporters."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from seam.model import Case, CaseStatus, Finding, Report, Severity
from seam.reporters import REPORTERS, render


def _report() -> Report:
    removed = Finding(
        "response-property-removed",
        Severity.ERROR,
        "property `status` removed, 100%: done",
        path="/tasks/{id}",
        method="GET",
        location="responses/200/status",
        file="contracts/openapi/tasks-api.yaml",
        line=12,
        consumers=("web",),
    )
    added = Finding("endpoint-added", Severity.INFO, "new endpoint", path="/tags", method="POST")
    warn = Finding(
        "request-parameter-removed",
        Severity.WARNING,
        "query `q` removed",
        path="/tasks",
        method="GET",
    )
    return Report(
        "diff",
        findings=[added, removed, warn],
        cases=[
            Case("get task", CaseStatus.FAILED, group="web -> tasks-api", findings=(removed,)),
            Case("list tasks", CaseStatus.PASSED, group="web -> tasks-api"),
            Case("pending one", CaseStatus.PENDING, group="web -> tasks-api"),
        ],
    )


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_output_is_deterministic(fmt: str) -> None:
    """The same report gives the same bytes, whatever order findings were added in."""
    report = _report()
    shuffled = _report()
    shuffled.findings.reverse()
    assert render(report, fmt) == render(shuffled, fmt)


def test_text_groups_by_endpoint() -> None:
    """Text output has one heading per endpoint, in path order, then a summary with the counts."""
    out = render(_report(), "text")
    assert out.index("POST /tags\n") < out.index("GET /tasks\n") < out.index("GET /tasks/{id}\n")
    assert "consumers: web" in out
    assert out.rstrip().endswith("1 error(s), 1 warning(s), 1 info")


def test_json_shape() -> None:
    """JSON carries the schema version, counts, sorted findings and cases."""
    doc = json.loads(render(_report(), "json"))
    assert doc["version"] == 1
    assert doc["summary"]["errors"] == 1
    assert doc["summary"]["cases"] == {"failed": 1, "passed": 1, "pending": 1, "skipped": 0}
    assert [f["rule"] for f in doc["findings"]] == [
        "endpoint-added",
        "request-parameter-removed",
        "response-property-removed",
    ]
    assert doc["findings"][2]["consumers"] == ["web"]


def test_github_annotations_escape_and_map_levels() -> None:
    """Severities map to error/warning/notice; file, line and message are escaped."""
    lines = render(_report(), "github").splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert "file=contracts/openapi/tasks-api.yaml,line=12" in error
    assert "100%25%3A done" not in error  # ':' is only escaped in properties
    assert error.endswith("100%25: done")
    assert any(line.startswith("::warning ") for line in lines)
    assert any(line.startswith("::notice ") for line in lines)


def test_junit_is_valid_xml_with_failures_and_skips() -> None:
    """JUnit output parses and counts one failure and one skipped (pending) case."""
    root = ET.fromstring(render(_report(), "junit"))
    suite = root.find("testsuite")
    assert suite is not None
    assert (
        suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    )
    failure = suite.find("testcase/failure")
    assert failure is not None and "status" in (failure.get("message") or "")


def test_junit_without_cases_uses_endpoints() -> None:
    """A report without cases gets one JUnit case per endpoint, failed when it has an error."""
    report = _report()
    report.cases.clear()
    suite = ET.fromstring(render(report, "junit")).find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "3" and suite.get("failures") == "1"


def test_failed_threshold() -> None:
    """`failed` honours the threshold, failed cases, and `None` (never)."""
    report = Report("diff", findings=[Finding("w", Severity.WARNING, "m")])
    assert not report.failed(Severity.ERROR)
    assert report.failed(Severity.WARNING)
    assert not report.failed(None)
    report.cases.append(Case("c", CaseStatus.FAILED))
    assert report.failed(Severity.ERROR)


def test_text_in_colour_paints_verdicts_and_only_adds_escapes() -> None:
    """Coloured text: errors red, warnings yellow, ok green; less the escapes, the plain text."""
    report = _report()
    report.meta["show_cases"] = True
    plain = render(report, "text")
    coloured = render(report, "text", color=True)
    assert "\x1b[31merror  \x1b[0m response-property-removed" in coloured
    assert "\x1b[33mwarning\x1b[0m request-parameter-removed" in coloured
    assert "\x1b[32mok     \x1b[0m list tasks" in coloured
    assert "\x1b[31mFAILED \x1b[0m get task" in coloured
    assert coloured.splitlines()[-1].startswith("\x1b[31mdiff:")  # an error: a red summary
    assert "\x1b" not in plain
    for escape in ("\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[0m"):
        coloured = coloured.replace(escape, "")
    assert coloured == plain


@pytest.mark.parametrize("fmt", sorted(set(REPORTERS) - {"text"}))
def test_colour_is_text_only(fmt: str) -> None:
    """Machine formats never carry colour, whatever the caller asks."""
    assert render(_report(), fmt, color=True) == render(_report(), fmt)
