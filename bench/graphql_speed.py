"""`contracts diff` vs GraphQL Inspector on GitHub's ~1 MB schema, side by side.

    npm install --prefix /work/npm-inspector @graphql-inspector/cli@7 graphql@16
    .venv/bin/python bench/graphql_speed.py \
        --inspector /work/npm-inspector/node_modules/.bin/graphql-inspector \
        [--corpus DIR] [--rounds 3] [--pairs far_1_month far_1_year]

Each cell is a whole CLI process (start-up and SDL parsing included, as the corpus README
timed Inspector): `contracts diff OLD NEW --format json` and `graphql-inspector diff OLD NEW`,
run alternately, round by round. Wall time and CPU time (user + sys of the child) are
reported as medians; on a shared machine the CPU ratio is the steadier figure.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "corpus" / "graphql"


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspector", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairs", nargs="+", default=["far_1_month", "far_1_year"])
    args = parser.parse_args()
    contracts = shutil.which("contracts") or str(Path(sys.executable).parent / "contracts")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        "| pair | size (old → new) | Seam wall | Inspector wall | wall ratio "
        "| Seam CPU | Inspector CPU | CPU ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="seam-gql-speed-") as tmp:
        for name in args.pairs:
            files = []
            for side in ("old", "new"):
                target = Path(tmp) / name / f"{side}.graphql"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(
                    gzip.decompress(
                        (args.corpus / "real" / name / f"{side}.graphql.gz").read_bytes()
                    )
                )
                files.append(str(target))
            seam_cmd = [contracts, "diff", *files, "--format", "json"]
            insp_cmd = [str(args.inspector), "diff", *files]
            seam, insp = [], []
            for _ in range(args.rounds):
                seam.append(timed(seam_cmd))
                insp.append(timed(insp_cmd))
            sw, sc = (statistics.median(x[i] for x in seam) for i in (0, 1))
            iw, ic = (statistics.median(x[i] for x in insp) for i in (0, 1))
            sizes = " → ".join(f"{Path(f).stat().st_size / 1e6:.2f} MB" for f in files)
            print(
                f"| {name} | {sizes} | {sw:.2f} s | {iw:.2f} s | **{sw / iw:.2f}** "
                f"| {sc:.2f} s | {ic:.2f} s | **{sc / ic:.2f}** |"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
