"""Infer a consumer snapshot from every pact in the shared corpus; count the valid ones.

Every ``*.json`` under the corpus that ``seam.pactfile.read_pact`` accepts (V1–V4, the
compat cases and the broker pacts) goes through ``infer_openapi``; the snapshot must pass
openapi-spec-validator and dump to the same bytes twice, and ``contracts check`` of the
pact against its own snapshot (``seam.compat.compare``) must find no error. Prints a
markdown table.

    .venv/bin/python bench/plugin_infer_corpus.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

from seam.compat import compare
from seam.errors import SeamError
from seam.model import Severity
from seam.openapi import dump_yaml, infer_openapi, validate_document
from seam.pactfile import read_pact

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> None:
    """Run the corpus and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    options = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    interactions = 0
    start = time.perf_counter()
    for path in sorted(options.corpus.rglob("*.json")):
        try:
            pact = read_pact(path)
        except SeamError:
            counts["not a pact"] += 1
            continue
        counts["pacts"] += 1
        interactions += len(pact.interactions)
        try:
            snapshot = infer_openapi(pact)
            validate_document(snapshot, source=str(path))
        except SeamError as exc:
            failures.append(f"{path.relative_to(options.corpus)}: {str(exc)[:160]}")
            continue
        counts["valid"] += 1
        if dump_yaml(snapshot) == dump_yaml(infer_openapi(pact)):
            counts["byte-stable"] += 1
        # The snapshot describes what the pact uses, so checking the pact against it
        # (`contracts check`) must find nothing wrong.
        if not any(f.severity >= Severity.ERROR for f in compare(pact, snapshot)):
            counts["self-check clean"] += 1
    elapsed = time.perf_counter() - start
    print(
        "| pacts | interactions | snapshots valid | byte-stable | check(pact, snapshot) clean "
        "| seconds |"
    )
    print("|---|---|---|---|---|---|")
    total = counts["pacts"]
    print(
        f"| {total} | {interactions} | {counts['valid']} / {total} | "
        f"{counts['byte-stable']} / {total} | {counts['self-check clean']} / {total} "
        f"| {elapsed:.1f} |"
    )
    print(f"\n{counts['not a pact']} other JSON files (expected results, metadata) skipped")
    for line in failures:
        print(f"- {line}")


if __name__ == "__main__":
    main()
