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


def _rerun(f: Finding) -> str | None:
    """The command that reruns just this finding's interaction (verify), if it has one."""
    command = f.details.get("rerun")
    return command if isinstance(command, str) and command else None


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


# ANSI SGR colours for a terminal (ECMA-48 8.3.117): errors red, warnings yellow, ok green.
_RED, _YELLOW, _GREEN, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[0m"
_SEVERITY_COLOR = {Severity.ERROR: _RED, Severity.WARNING: _YELLOW}
_CASE_COLOR = {CaseStatus.PASSED: _GREEN, CaseStatus.FAILED: _RED, CaseStatus.PENDING: _YELLOW}


def _paint(value: str, color: str | None) -> str:
    return f"{color}{value}{_RESET}" if color else value


def _case_lines(report: Report, color: bool = False) -> list[str]:
    """One line per case under its group (``meta.show_cases``: verify lists every interaction)."""
    lines: list[str] = []
    group = None
    for case in report.cases:
        if case.group != group:
            group = case.group
            lines.append(group or report.command)
        mark = _paint(_MARK[case.status], _CASE_COLOR.get(case.status) if color else None)
        lines.append(f"  {mark} {case.name}")
    if lines:
        lines.append("")
    return lines


def _summary_color(report: Report) -> str:
    if report.count(Severity.ERROR) or any(c.status is CaseStatus.FAILED for c in report.cases):
        return _RED
    return _YELLOW if report.count(Severity.WARNING) else _GREEN


def text(report: Report, *, color: bool = False) -> str:
    """Findings grouped by endpoint, one line each, then a summary line.

    With ``color``, severities, case marks and the summary carry ANSI colours (for a
    terminal); without, the bytes are plain text.
    """
    cases = _case_lines(report, color) if report.meta.get("show_cases") else []
    lines: list[str] = []
    for endpoint, findings in _grouped(report).items():
        lines.append(endpoint)
        for f in findings:
            where = f" [{f.location}]" if f.location else ""
            tint = _SEVERITY_COLOR.get(f.severity) if color else None
            label = _paint(f"{f.severity.label:<7}", tint)
            lines.append(f"  {label} {f.rule}{where}: {f.message}")
            if f.interaction:
                lines.append(f"          interaction: {f.interaction!r}")
            if f.consumers:
                lines.append(f"          consumers: {', '.join(f.consumers)}")
            if _rerun(f):
                lines.append(f"          rerun: {_rerun(f)}")
    if lines:
        lines.append("")
    lines = cases + lines
    lines.append(_paint(_summary_line(report), _summary_color(report) if color else None))
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

# GitHub refuses an issue or pull-request comment body over 65,536 characters.
GITHUB_COMMENT_LIMIT = 65_536
# The hidden first line a bot looks for to update its one comment in place.
MARKDOWN_MARKER = "<!-- seam-report -->"
# One finding is one line; a pathological message must not eat the whole comment.
_MAX_LINE = 1_000
_PLURAL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info finding"}


def _plural(severity: Severity, n: int) -> str:
    noun = _PLURAL[severity]
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _md_text(value: str) -> str:
    # One line, no table pipes, and no `<` that GitHub could read as the start of an HTML tag
    # (a stray `<details>` in a message would swallow the rest of the comment).
    value = " ".join(value.split())
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_line(f: Finding) -> str:
    endpoint = _endpoint(f).replace("`", "'")
    who = ""
    if f.severity is Severity.ERROR and f.consumers:
        # The consumers it breaks lead the line: that is who the reviewer has to talk to.
        who = "**breaks " + ", ".join(_md_text(c) for c in f.consumers) + "** · "
    line = f"- {_ICON[f.severity]} {who}`{endpoint}` `{f.rule}`: {_md_text(f.message)}"
    if len(line) > _MAX_LINE:
        line = line[: _MAX_LINE - 1] + "…"
    rerun = _rerun(f)
    if rerun:
        # After the cut: a command cut short would rerun something else.
        line += " · rerun: `" + rerun.replace("`", "'").replace("\n", " ") + "`"
    return line


def markdown(
    report: Report,
    *,
    include_info: bool = False,
    limit: int = GITHUB_COMMENT_LIMIT,
    marker: str | None = MARKDOWN_MARKER,
) -> str:
    """A pull-request comment people read, under GitHub's comment size limit.

    A hidden marker line (``<!-- seam-report -->``) lets a bot find and update its
    comment in place. Errors come first, one line each with the endpoint and the
    consumers they break; warnings are collapsed in ``<details>``; info findings are
    counted but listed only with ``include_info``. When the lines do not fit in
    ``limit`` characters, the last ones are replaced by "N more in the job summary".

    Args:
        report: what to render.
        include_info: list info findings too (collapsed like warnings).
        limit: the most characters the comment may have (GitHub's limit by default).
        marker: the hidden first line, or None (a second report in the same comment).
    """
    icon = _ICON[Severity.ERROR] if report.count(Severity.ERROR) else "✅"
    head = [f"### {icon} Seam {report.command}", "", _summary_line(report), ""]
    if marker is not None:
        head.insert(0, marker)
    findings = report.sorted_findings()
    by_severity = {s: [f for f in findings if f.severity is s] for s in Severity}
    shown = [Severity.ERROR, Severity.WARNING] + ([Severity.INFO] if include_info else [])
    # (opening lines, finding lines, closing lines) per section; errors are never collapsed.
    sections: list[tuple[list[str], list[str], list[str]]] = []
    for severity in shown:
        items = by_severity[severity]
        if not items:
            continue
        lines = [_md_line(f) for f in items]
        if severity is Severity.ERROR:
            sections.append(([f"**{_plural(severity, len(items))}**", ""], lines, [""]))
        else:
            summary = f"<summary>{_ICON[severity]} {_plural(severity, len(items))}</summary>"
            sections.append((["<details>", summary, ""], lines, ["", "</details>", ""]))
    tail: list[str] = []
    hidden_info = 0 if include_info else len(by_severity[Severity.INFO])
    if hidden_info:
        count = _plural(Severity.INFO, hidden_info)
        tail = [f"{count} not listed (`--include-info` lists them).", ""]
    return _fit(head, sections, tail, limit)


def _fit(
    head: list[str],
    sections: list[tuple[list[str], list[str], list[str]]],
    tail: list[str],
    limit: int,
) -> str:
    """Join the comment, dropping finding lines from the end until it fits in ``limit``."""

    def size(lines: list[str]) -> int:
        return sum(len(line) + 1 for line in lines)

    total = sum(len(s[1]) for s in sections)
    more_line = f"**{total} more in the job summary.**"  # the longest it can be
    # Every opening and closing line is kept, so the markup stays balanced.
    budget = limit - size(head) - size(tail) - len(more_line) - 2
    budget -= sum(size(opening) + size(closing) for opening, _, closing in sections)
    out = list(head)
    dropped = 0
    for opening, lines, closing in sections:
        kept: list[str] = []
        for line in lines:
            if dropped or len(line) + 1 > budget:
                dropped += 1
                continue
            budget -= len(line) + 1
            kept.append(line)
        if kept:
            out += opening + kept + closing
    if dropped:
        out += [f"**{dropped} more in the job summary.**", ""]
    out += tail
    return "\n".join(out)


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
        rerun = f"\nrerun: {_rerun(f)}" if _rerun(f) else ""
        message = _gh_escape(where + f.message + rerun)
        out.append(f"::{_GH_LEVEL[f.severity]} {','.join(props)}::{message}")
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
        body = "\n".join(
            f"{f.severity.label} {f.rule}: {f.message}"
            + (f"\n  rerun: {_rerun(f)}" if _rerun(f) else "")
            for f in c.findings
        )
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
