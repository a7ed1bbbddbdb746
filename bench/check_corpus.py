"""Score `contracts check` against PactFlow's comparator on the whole compat corpus.

Runs every case of ../shared/corpus/compat/cases (628 pact/OpenAPI pairs with the reference
answers of @pactflow/openapi-pact-comparator@2.3.1) and prints a markdown report:
exact code-set agreement, compatible/incompatible agreement, per-code TP/FP/FN, and the
cases where Seam differs, grouped by the deliberate difference that explains them.

    .venv/bin/python bench/check_corpus.py [--corpus DIR] [--show-misses N]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

from seam.compat import compare
from seam.errors import SeamError
from seam.model import Severity
from seam.openapi import load_document
from seam.pactfile import read_pact

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "compat"


def run_case(case: Path) -> tuple[set[str], bool, str | None]:
    """Seam's codes and verdict for one case, read the way `contracts check` reads files."""
    spec_file = next(p for p in case.iterdir() if p.name.startswith("openapi."))
    try:
        findings = compare(read_pact(case / "pact.json"), load_document(spec_file))
    except SeamError as exc:
        return set(), True, f"{type(exc).__name__}: {exc}"
    codes = {f.rule for f in findings if f.rule != "interaction.type.unsupported"}
    compatible = not any(f.severity >= Severity.ERROR for f in findings)
    return codes, compatible, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()

    cases = sorted((args.corpus / "cases").iterdir())
    # Where the two PactFlow tools disagree, whom does Seam side with?
    split = {"opc": 0, "smv": 0, "neither": 0}
    exact = agree = 0
    per_code: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: list[tuple[str, set[str], set[str], str | None]] = []
    errors = 0
    started = time.perf_counter()
    for case in cases:
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        want = set(expected["codes"])
        got, compatible, error = run_case(case)
        errors += error is not None
        if error is not None and expected["opc_exception"]:
            split["opc"] += expected["smv_14_5_0"]["codes"] is not None
            # Both tools refused the input: that is agreement, whatever the reference's codes.
            exact += 1
            agree += 1
            continue
        exact += got == want
        agree += compatible == expected["compatible"]
        smv = expected["smv_14_5_0"]["codes"]
        if smv is None:  # SMV threw on this input
            if not expected["opc_exception"]:
                split["smv" if error else "opc" if got == want else "neither"] += 1
        elif set(smv) != want:
            split["opc" if got == want else "smv" if got == set(smv) else "neither"] += 1
        for code in want | got:
            per_code[code][
                "tp" if code in want and code in got else "fn" if code in want else "fp"
            ] += 1
        if got != want:
            misses.append((case.name, want, got, error))
    seconds = time.perf_counter() - started
    n = len(cases)
    print(f"## contracts check vs @pactflow/openapi-pact-comparator@2.3.1 ({n} cases)\n")
    print("| measure | agreement |\n|---|---|")
    print(f"| exact code set | {exact}/{n} = {exact / n:.1%} |")
    print(f"| compatible / incompatible | {agree}/{n} = {agree / n:.1%} |")
    print(f"| cases Seam refused as bad input | {errors} |")
    print(f"| time for all cases | {seconds:.2f} s |")
    print(
        f"| where comparator and swagger-mock-validator 14.5 disagree ({sum(split.values())}) "
        f"| Seam sides with the comparator {split['opc']}, with SMV {split['smv']}, "
        f"neither {split['neither']} |\n"
    )
    print("| code | TP | FP | FN |\n|---|---|---|---|")
    for code in sorted(per_code):
        c = per_code[code]
        print(f"| `{code}` | {c['tp']} | {c['fp']} | {c['fn']} |")
    if misses:
        print("\n### cases where Seam's code set differs\n")
        for name, want, got, error in misses[: args.show_misses or len(misses)]:
            print(
                f"- {name}: missing {sorted(want - got)} extra {sorted(got - want)}"
                + (f" ({error})" if error else "")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
