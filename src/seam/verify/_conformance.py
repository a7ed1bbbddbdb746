"""``--conformance``: schemathesis against the provider, from the provider's own OpenAPI.

Pacts cover what consumers use; this covers the rest of what the provider promises.
Seam runs schemathesis's own command (``python -m schemathesis.cli run``) — its
generation, shrinking and stateful link-following stay exactly schemathesis's — and
reads its JUnit report: one case per operation, a finding per failure, in the same
report as the pact replay.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from seam.errors import InputError, UsageError
from seam.model import Case, CaseStatus, Finding, Severity

__all__ = ["CHECKS", "run_conformance"]

# What conformance is for: a response the spec does not allow, or a server error on
# generated input. Checks about negative data and auth are left out on purpose:
# they judge the input validation policy, not the contract.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PHASES = ("examples", "coverage", "fuzzing", "stateful")
_FAILURE = re.compile(r"^- (ST\d+|[A-Z][A-Za-z ]+?)\s+(.+)$")


def _command(
    spec: str,
    base_url: str,
    report: Path,
    *,
    max_examples: int,
    seed: int | None,
    headers: Sequence[str],
    request_timeout: float,
    phases: Sequence[str],
) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        spec,
        "--url",
        base_url,
        "--checks",
        ",".join(CHECKS),
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",
        "--request-timeout",
        str(request_timeout),
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    # Deterministic either way: the seed given, or schemathesis's deterministic mode.
    cmd += ["--seed", str(seed)] if seed is not None else ["--generation-deterministic"]
    for header in headers:
        cmd += ["--header", header]
    return cmd


def _findings(name: str, text: str) -> list[Finding]:
    """Each ``- STxxx Title`` block of a failure, with its first detail line."""
    method, _, path = name.partition(" ")
    lines = [line.strip() for line in text.splitlines()]
    out: list[Finding] = []
    for i, line in enumerate(lines):
        m = _FAILURE.match(line)
        if not m:
            continue
        detail = next((x for x in lines[i + 1 :] if x), "")
        code, title = m.group(1), m.group(2)
        message = f"{code} {title}: {detail}" if detail else f"{code} {title}"
        out.append(
            Finding(
                rule="conformance-failed",
                severity=Severity.ERROR,
                message=message,
                path=path,
                method=method,
                details={"schemathesis": code, "report": text.strip()[:4000]},
            )
        )
    if not out:
        out.append(
            Finding(
                rule="conformance-failed",
                severity=Severity.ERROR,
                message=text.strip().splitlines()[0] if text.strip() else "failed",
                path=path,
                method=method,
            )
        )
    return out


def _parse(report: Path) -> tuple[list[Case], list[Finding]]:
    root = ET.parse(report).getroot()
    cases: list[Case] = []
    findings: list[Finding] = []
    for testcase in root.iter("testcase"):
        name = testcase.get("name", "")
        problems = [*testcase.findall("failure"), *testcase.findall("error")]
        skipped = testcase.find("skipped") is not None
        case_findings: list[Finding] = []
        for problem in problems:
            case_findings += _findings(name, problem.text or problem.get("message") or "")
        status = (
            CaseStatus.FAILED
            if problems
            else (CaseStatus.SKIPPED if skipped else CaseStatus.PASSED)
        )
        cases.append(
            Case(
                name=name,
                status=status,
                group="conformance",
                duration=float(testcase.get("time") or 0.0),
                findings=tuple(case_findings),
            )
        )
        findings += case_findings
    return cases, findings


def run_conformance(
    spec: str,
    base_url: str,
    *,
    max_examples: int = 10,
    seed: int | None = None,
    headers: Sequence[str] = (),
    request_timeout: float = 5.0,
    phases: Sequence[str] = PHASES,
) -> tuple[list[Case], list[Finding]]:
    """Run schemathesis against ``base_url`` from ``spec`` (a file or a URL).

    Returns:
        One case per API operation (group ``conformance``) and the findings.

    Raises:
        InputError: schemathesis could not load the document or produced no report.
        UsageError: ``max_examples`` is below 1.
    """
    if max_examples < 1:
        raise UsageError(f"--max-examples {max_examples}: expected 1 or more")
    with tempfile.TemporaryDirectory(prefix="seam-conformance-") as tmp:
        report = Path(tmp) / "junit.xml"
        cmd = _command(
            spec,
            base_url,
            report,
            max_examples=max_examples,
            seed=seed,
            headers=headers,
            request_timeout=request_timeout,
            phases=phases,
        )
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if not report.exists():
            tail = " | ".join(
                line.strip() for line in (proc.stdout + proc.stderr).strip().splitlines()[-4:]
            )
            raise InputError(f"schemathesis could not test {spec} (exit {proc.returncode}): {tail}")
        return _parse(report)
