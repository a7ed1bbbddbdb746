"""Score `contracts diff` against oasdiff's answers on the corpus (../shared/corpus/diff).

    .venv/bin/python bench/diff_corpus.py [--corpus DIR] [--details]

Recall of oasdiff's ERR and WARN findings, matched on (kind of change, path, method)
through the id map (a Seam id stands for itself and for the oasdiff ids in
OASDIFF_EQUIVALENTS); false alarms are Seam errors on the cases where oasdiff finds
nothing breaking. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from seam.diff import diff
from seam.diff._catalogue import OASDIFF_EQUIVALENTS
from seam.errors import SeamError
from seam.model import Finding, Severity

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "corpus" / "diff"
_PARAM = re.compile(r"\{[^}/]*\}")


def _key(path: str) -> str:
    return _PARAM.sub("{}", path)


def covered(f: Finding) -> set[tuple[str, str, str]]:
    """(oasdiff id, method, path) triples a Seam finding stands for."""
    ids = {f.rule, *OASDIFF_EQUIVALENTS.get(f.rule, ())}
    endpoints = f.details.get("endpoints") or [f"{f.method} {f.path}"]
    out = set()
    for endpoint in endpoints:
        method, _, path = str(endpoint).partition(" ")
        out |= {(i, method, _key(path)) for i in ids}
    return out


def score(corpus: Path, details: bool) -> int:
    cases = sorted(p for p in (corpus / "cases").iterdir() if p.is_dir())
    total = matched = 0
    quiet_cases = alarms = 0
    missed: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    hit_level: Counter[str] = Counter()
    alarm_lines: list[str] = []
    seam_breaking = unmatched_breaking = 0
    extra_lines: list[str] = []
    errors: list[str] = []
    for case in cases:
        expected = json.loads((case / "expected.json").read_text())
        breaking = [e for e in expected if e["level"] in ("ERR", "WARN")]
        try:
            report = diff(case / "base.yaml", case / "revision.yaml")
        except SeamError as exc:
            errors.append(f"{case.name}: {exc}")
            continue
        got: set[tuple[str, str, str]] = set()
        for f in report.findings:
            got |= covered(f)
        for e in breaking:
            total += 1
            by_level[e["level"]] += 1
            if (e["id"], e["method"], _key(e["path"])) in got:
                matched += 1
                hit_level[e["level"]] += 1
            else:
                missed[e["id"]] += 1
                if details:
                    print(
                        f"missed {case.name}: {e['id']} {e['method']} {e['path']}", file=sys.stderr
                    )
        # Seam's errors and warnings that stand for nothing oasdiff reports at any level.
        known = {(e["id"], e["method"], _key(e["path"])) for e in expected}
        for f in report.findings:
            if f.severity >= Severity.WARNING:
                seam_breaking += 1
                if not covered(f) & known:
                    unmatched_breaking += 1
                    extra_lines.append(
                        f"{case.name}: {f.severity.label} {f.rule} {f.method} {f.path}"
                    )
        if not breaking:
            quiet_cases += 1
            errs = [f for f in report.findings if f.severity is Severity.ERROR]
            if errs:
                alarms += 1
                alarm_lines += [f"{case.name}: {f.rule} {f.method} {f.path}" for f in errs]
    print("| measure | value |")
    print("|---|---|")
    print(f"| cases | {len(cases)} |")
    print(
        f"| oasdiff ERR+WARN findings | {total} (ERR {by_level['ERR']}, WARN {by_level['WARN']}) |"
    )
    print(f"| matched by Seam | {matched} (ERR {hit_level['ERR']}, WARN {hit_level['WARN']}) |")
    print(f"| **recall** | **{matched / max(total, 1):.1%}** |")
    print(f"| cases where oasdiff finds nothing breaking | {quiet_cases} |")
    print(f"| of those, cases where Seam reports an error | {alarms} |")
    print(f"| unreadable cases | {len(errors)} |")
    print(f"| Seam errors+warnings | {seam_breaking} |")
    print(f"| of those, standing for nothing oasdiff reports (any level) | {unmatched_breaking} |")
    if missed:
        print("\nMissed, by oasdiff id:\n")
        for rule, n in sorted(missed.items(), key=lambda x: (-x[1], x[0])):
            print(f"- `{rule}`: {n}")
    if alarm_lines:
        print("\nSeam errors where oasdiff finds nothing breaking:\n")
        for line in alarm_lines:
            print(f"- {line}")
    if extra_lines and details:
        print("\nSeam errors and warnings oasdiff does not report:\n")
        for line in extra_lines:
            print(f"- {line}")
    for line in errors:
        print(f"- unreadable: {line}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--details", action="store_true", help="list every miss on stderr")
    args = parser.parse_args()
    return score(args.corpus, args.details)


if __name__ == "__main__":
    sys.exit(main())
