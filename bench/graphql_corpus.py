"""Agreement of `contracts diff` with GraphQL Inspector on the GraphQL corpus.

    .venv/bin/python bench/graphql_corpus.py [--corpus DIR] [--inspector BIN] [--details]

The corpus (../shared/corpus/graphql) holds 32 schema pairs (12 from GitHub's public
schema history, 20 hand-written, one per change kind) with Inspector's answers
(`expected.json`). With `--inspector node_modules/.bin/graphql-inspector` the answers
are recomputed side by side instead (same `--onComplete` handler as the corpus README).

Each Inspector change is matched with Seam's findings of the same kind at the same
schema coordinate (`Type.field(arg:)` is Inspector's `Type.field.arg`); the verdicts
compared are breaking (Inspector BREAKING, Seam error) vs not breaking. A Seam error
that no Inspector change matches counts as a disagreement too. Prints a markdown table
per change kind and one line per disagreement saying why.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from seam.graphql import diff_schemas, load_schemas
from seam.model import Finding, Severity

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "corpus" / "graphql"

# Inspector change type → the Seam rules that report that kind of change.
KINDS: dict[str, set[str]] = {
    "TYPE_ADDED": {"graphql-type-added"},
    "TYPE_REMOVED": {"graphql-type-removed"},
    "FIELD_ADDED": {"graphql-field-added", "graphql-field-renamed"},
    "FIELD_REMOVED": {"graphql-field-removed", "graphql-field-renamed"},
    "FIELD_TYPE_CHANGED": {"graphql-field-type-changed", "graphql-field-type-narrowed"},
    "INPUT_FIELD_ADDED": {
        "graphql-input-field-added-required",
        "graphql-input-field-added-optional",
    },
    "INPUT_FIELD_REMOVED": {"graphql-input-field-removed"},
    "INPUT_FIELD_TYPE_CHANGED": {"graphql-input-field-type-changed", "graphql-input-type-relaxed"},
    "FIELD_ARGUMENT_ADDED": {"graphql-arg-added-required", "graphql-arg-added-optional"},
    "FIELD_ARGUMENT_REMOVED": {"graphql-arg-removed"},
    "FIELD_ARGUMENT_TYPE_CHANGED": {"graphql-arg-type-changed", "graphql-input-type-relaxed"},
    "FIELD_ARGUMENT_DEFAULT_CHANGED": {"graphql-arg-default-changed"},
    "ENUM_VALUE_ADDED": {"graphql-enum-value-added"},
    "ENUM_VALUE_REMOVED": {"graphql-enum-value-removed"},
    "UNION_MEMBER_ADDED": {"graphql-union-member-added"},
    "UNION_MEMBER_REMOVED": {"graphql-union-member-removed"},
    "OBJECT_TYPE_INTERFACE_ADDED": {"graphql-interface-added-to-type"},
    "OBJECT_TYPE_INTERFACE_REMOVED": {"graphql-interface-removed-from-type"},
    "DIRECTIVE_REMOVED": {"graphql-directive-removed"},
    "DIRECTIVE_ADDED": {"graphql-directive-added"},
    "FIELD_DEPRECATION_ADDED": {"graphql-deprecation-added"},
    "FIELD_DEPRECATION_REMOVED": {"graphql-deprecation-removed"},
    "ENUM_VALUE_DEPRECATION_REASON_ADDED": {"graphql-deprecation-added"},
}
for _kind in (
    "TYPE_DESCRIPTION_CHANGED",
    "FIELD_DESCRIPTION_ADDED",
    "FIELD_DESCRIPTION_CHANGED",
    "FIELD_DESCRIPTION_REMOVED",
    "INPUT_FIELD_DESCRIPTION_CHANGED",
    "INPUT_FIELD_DESCRIPTION_ADDED",
    "ENUM_VALUE_DESCRIPTION_CHANGED",
    "FIELD_ARGUMENT_DESCRIPTION_CHANGED",
):
    KINDS[_kind] = {"graphql-description-changed"}

# Why a kind of disagreement happens (one line each, printed with the disagreements).
WHY = {
    ("DIRECTIVE_USAGE_FIELD_DEFINITION_REMOVED", "missed"): (
        "Seam (graphql-core) does not compare directive usages on definitions; Inspector "
        "calls the usage removal dangerous, so the binary verdict (not breaking) agrees"
    ),
    ("FIELD_ADDED", "rename"): (
        "Seam reports the removal and this addition as one graphql-field-renamed (error, "
        "filed at the old name); the addition itself is not breaking, as Inspector says"
    ),
}

_ONCOMPLETE = """module.exports = ({ breakingChanges, dangerousChanges, nonBreakingChanges }) =>
  require('fs').writeFileSync(process.env.GQL_OUT, JSON.stringify(
    [...breakingChanges, ...dangerousChanges, ...nonBreakingChanges].map(c => ({
      criticality: c.criticality.level, reason: c.criticality.reason || undefined,
      type: c.type, message: c.message, path: c.path || null, meta: c.meta })), null, 2) + '\\n');
"""


def inspector_path(f: Finding) -> str:
    """Seam's coordinate in Inspector's dotted form (`Type.field(arg:)` → `Type.field.arg`)."""
    c = str(f.details.get("coordinate", f.path))
    if c.endswith(":)"):
        head, _, arg = c[:-2].partition("(")
        return f"{head}.{arg}"
    return c


def pairs(
    corpus: Path, scratch: Path, groups: tuple[str, ...] = ("real", "kinds")
) -> list[tuple[str, Path, Path, Path]]:
    """(name, old, new, expected) for every pair, real ones unzipped into ``scratch``."""
    out = []
    for group in groups:
        for case in sorted(p for p in (corpus / group).iterdir() if p.is_dir()):
            if group == "real":
                files = []
                for side in ("old", "new"):
                    target = scratch / case.name / f"{side}.graphql"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(gzip.decompress((case / f"{side}.graphql.gz").read_bytes()))
                    files.append(target)
                old, new = files
            else:
                old, new = case / "old.graphql", case / "new.graphql"
            out.append((f"{group}/{case.name}", old, new, case / "expected.json"))
    return out


def run_inspector(binary: Path, old: Path, new: Path, scratch: Path) -> list[dict[str, Any]]:
    handler = scratch / "onComplete.js"
    handler.write_text(_ONCOMPLETE)
    out = scratch / "inspector.json"
    env = {**os.environ, "NO_COLOR": "1", "GQL_OUT": str(out)}
    subprocess.run(
        [str(binary), "diff", str(old), str(new), "--onComplete", str(handler)],
        env=env,
        capture_output=True,
        check=False,
    )
    result: list[dict[str, Any]] = json.loads(out.read_text()) if out.exists() else []
    out.unlink(missing_ok=True)
    return result


def compare(
    expected: list[dict[str, Any]], findings: list[Finding]
) -> tuple[list[tuple[str, bool, bool, str]], list[Finding]]:
    """Per Inspector change: (kind, inspector breaking, seam breaking, note); Seam-only findings."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_path[inspector_path(f)].append(f)
        if f.rule == "graphql-field-renamed":
            t = str(f.details["coordinate"]).split(".")[0]
            by_path[f"{t}.{f.details['new']}"].append(f)
    used: set[int] = set()
    rows = []
    for change in expected:
        kind, path = change["type"], str(change["path"] or "").removesuffix(".@deprecated")
        rules = KINDS.get(kind, set())
        mine = [f for f in by_path.get(path, []) if f.rule in rules]
        used.update(id(f) for f in mine)
        note = "" if mine else "missed"
        if kind == "FIELD_ADDED" and any(f.rule == "graphql-field-renamed" for f in mine):
            # The rename is the removal's verdict; the addition half is not breaking.
            rows.append((kind, change["criticality"] == "BREAKING", False, "rename"))
            continue
        seam_breaking = any(f.severity is Severity.ERROR for f in mine)
        rows.append((kind, change["criticality"] == "BREAKING", seam_breaking, note))
    extra = [f for f in findings if id(f) not in used]
    return rows, extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--inspector", type=Path, help="run this graphql-inspector binary live")
    parser.add_argument("--details", action="store_true", help="print every disagreement")
    parser.add_argument("--group", choices=("real", "kinds"), help="only these pairs")
    args = parser.parse_args()
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    lines: list[str] = []
    only: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="seam-gql-") as tmp:
        scratch = Path(tmp)
        groups = (args.group,) if args.group else ("real", "kinds")
        for name, old, new, expected_file in pairs(args.corpus, scratch, groups):
            if args.inspector:
                expected = run_inspector(args.inspector, old, new, scratch)
            else:
                expected = json.loads(expected_file.read_text())
            # As `contracts diff` reads them: unchanged definitions stubbed (seam.graphql._reduce).
            findings = diff_schemas(*load_schemas(old, new))
            rows, extra = compare(expected, findings)
            for kind, theirs, ours, note in rows:
                c = per_kind[kind]
                c["total"] += 1
                c["agree"] += theirs == ours
                c["reported"] += note in ("", "rename")
                c["inspector_breaking"] += theirs
                c["seam_breaking"] += ours
                if theirs != ours or note:
                    why = WHY.get((kind, note), "")
                    verdict = f"Inspector {'breaking' if theirs else 'not breaking'}, Seam "
                    verdict += (
                        "breaking" if ours else f"not breaking{' (' + note + ')' if note else ''}"
                    )
                    lines.append(f"- {name} {kind}: {verdict}" + (f" — {why}" if why else ""))
            for f in extra:
                if f.severity is not Severity.ERROR:
                    # Not a disagreement on breaking; listed so nothing Seam adds is hidden.
                    only[f"{f.rule} ({f.severity.label})"] += 1
                    lines.append(
                        f"- {name} {f.rule} {f.path}: Seam {f.severity.label}, "
                        "Inspector reports nothing"
                    )
                    continue
                c = per_kind[f"(Seam only) {f.rule}"]
                c["total"] += 1
                c["seam_breaking"] += 1
                lines.append(
                    f"- {name} {f.rule} {f.path}: Seam breaking, Inspector reports nothing"
                )
    total = sum(c["total"] for c in per_kind.values())
    agree = sum(c["agree"] for c in per_kind.values())
    print(
        "| change kind | changes | Inspector breaking | Seam breaking | Seam reports it | agree |"
    )
    print("|---|---|---|---|---|---|")
    for kind in sorted(per_kind):
        c = per_kind[kind]
        print(
            f"| {kind} | {c['total']} | {c['inspector_breaking']} | {c['seam_breaking']} | "
            f"{c['reported']} | {c['agree']}/{c['total']} |"
        )
    print(f"\n**Agreement on breaking / not breaking: {agree}/{total} = {agree / total:.1%}**")
    if only:
        listed = ", ".join(f"{k} x{v}" for k, v in sorted(only.items()))
        print(f"\nSeam-only findings that are not errors (no verdict to compare): {listed}")
    shown = [line for line in lines if args.details or "not breaking (missed)" not in line]
    print(f"\nDisagreements and notes ({len(lines)}; --details for all):")
    seen: Counter[str] = Counter()
    for line in shown:
        key = line.split(": ", 1)[0].split(" ", 1)[1] if not args.details else line
        seen[key] += 1
        if args.details or seen[key] <= 3:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
