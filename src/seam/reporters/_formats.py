"""The built-in report formats. Every function here is pure: same report, same bytes."""

from __future__ import annotations

import json
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from seam.model import Case, CaseStatus, Finding, Report, Severity

JSON_SCHEMA_VERSION = 1


def _endpoint(f: Finding) -> str:
    if f.path or f.method:
        return f"{f.method} {f.path}".strip()
    return "(document)"


def _grouped(report: Report) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in report.sorted_findings():
        groups[_endpoint(f)].append(f)
    return dict(groups)


def _summary_line(report: Report) -> str:
    parts = [
        f"{report.count(Severity.ERROR)} error(s)",
        f"{report.count(Severity.WARNING)} warning(s)",
        f"{report.count(Severity.INFO)} info",
    ]
    if report.cases:
        by = {s: sum(1 for c in report.cases if c.status is s) for s in CaseStatus}
        parts.insert(0, ", ".join(f"{n} {s.value}" for s, n in by.items() if n))
    return f"{report.command}: " + ", ".join(parts)


_MARK = {
    CaseStatus.PASSED: "ok     ",
    CaseStatus.FAILED: "FAILED ",
    CaseStatus.PENDING: "pending",
    CaseStatus.SKIPPED: "skipped",
}


def _case_lines(report: Report) -> list[str]:
    """One line per case under its group (``meta.show_cases``: verify lists every interaction)."""
    lines: list[str] = []
    group = None
    for case in report.cases:
        if case.group != group:
            group = case.group
            lines.append(group or report.command)
        lines.append(f"  {_MARK[case.status]} {case.name}")
    if lines:
        lines.append("")
    return lines


def text(report: Report) -> str:
    """Findings grouped by endpoint, one line each, then a summary line."""
    cases = _case_lines(report) if report.meta.get("show_cases") else []
    lines: list[str] = []
    for endpoint, findings in _grouped(report).items():
        lines.append(endpoint)
        for f in findings:
            where = f" [{f.location}]" if f.location else ""
            lines.append(f"  {f.severity.label:<7} {f.rule}{where}: {f.message}")
            if f.interaction:
                lines.append(f"          interaction: {f.interaction!r}")
            if f.consumers:
                lines.append(f"          consumers: {', '.join(f.consumers)}")
    if lines:
        lines.append("")
    lines = cases + lines
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def json_report(report: Report) -> str:
    """``{"version", "command", "summary", "findings", "cases", "meta"}``, keys sorted."""
    doc = {
        "version": JSON_SCHEMA_VERSION,
        "command": report.command,
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
            "cases": {s.value: sum(1 for c in report.cases if c.status is s) for s in CaseStatus},
        },
        "findings": [f.to_dict() for f in report.sorted_findings()],
        "cases": [_case_dict(c) for c in report.cases],
        "meta": report.meta,
    }
    return json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n"


def _case_dict(case: Case) -> dict[str, object]:
    return {
        "name": case.name,
        "group": case.group,
        "status": case.status.value,
        "duration": round(case.duration, 4),
        "findings": [f.to_dict() for f in case.findings],
    }


_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}


def markdown(report: Report) -> str:
    """A pull-request comment: a summary, then one table per endpoint."""
    lines = [f"### Seam {report.command}", "", _summary_line(report), ""]
    for endpoint, findings in _grouped(report).items():
        lines += [f"#### `{endpoint}`", "", "| | rule | message | consumers |", "|---|---|---|---|"]
        for f in findings:
            msg = f.message.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {_ICON[f.severity]} | `{f.rule}` | {msg} | {', '.join(f.consumers)} |")
        lines.append("")
    return "\n".join(lines)


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_escape(value: str, *, prop: bool = False) -> str:
    # GitHub workflow command escaping (actions/toolkit command.ts).
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(report: Report) -> str:
    """GitHub workflow commands: ``::error file=F,line=N,title=RULE::message``."""
    out = []
    for f in report.sorted_findings():
        props = []
        if f.file:
            props.append(f"file={_gh_escape(f.file, prop=True)}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={_gh_escape(f.rule, prop=True)}")
        where = f"{_endpoint(f)}: " if f.path or f.method else ""
        if f.interaction:
            where += f"{f.interaction!r}: "
        out.append(f"::{_GH_LEVEL[f.severity]} {','.join(props)}::{_gh_escape(where + f.message)}")
    out.append(_summary_line(report))
    return "\n".join(out) + "\n"


def junit(report: Report) -> str:
    """JUnit XML: one testcase per case, or per endpoint when the report has no cases."""
    cases = report.cases or [
        Case(
            name=endpoint,
            status=CaseStatus.FAILED
            if any(f.severity is Severity.ERROR for f in fs)
            else CaseStatus.PASSED,
            findings=tuple(fs),
        )
        for endpoint, fs in _grouped(report).items()
    ]
    failures = sum(1 for c in cases if c.status is CaseStatus.FAILED)
    skipped = sum(1 for c in cases if c.status in (CaseStatus.SKIPPED, CaseStatus.PENDING))
    total = sum(c.duration for c in cases)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<testsuites name={quoteattr("seam " + report.command)} tests="{len(cases)}" '
        f'failures="{failures}" errors="0" skipped="{skipped}" time="{total:.3f}">',
        f'  <testsuite name={quoteattr("seam " + report.command)} tests="{len(cases)}" '
        f'failures="{failures}" errors="0" skipped="{skipped}" time="{total:.3f}">',
    ]
    for c in cases:
        classname = quoteattr(c.group or report.command)
        lines.append(
            f'    <testcase classname={classname} name={quoteattr(c.name)} time="{c.duration:.3f}">'
        )
        body = "\n".join(f"{f.severity.label} {f.rule}: {f.message}" for f in c.findings)
        if c.status is CaseStatus.FAILED:
            first = c.findings[0].message if c.findings else "failed"
            lines.append(f"      <failure message={quoteattr(first)}>{escape(body)}</failure>")
        elif c.status in (CaseStatus.SKIPPED, CaseStatus.PENDING):
            lines.append(f"      <skipped message={quoteattr(c.status.value)}/>")
        if body and c.status is not CaseStatus.FAILED:
            lines.append(f"      <system-out>{escape(body)}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"
