"""Benchmark `contracts diff` on large real OpenAPI pairs (../shared/corpus/specs).

    .venv/bin/python bench/diff_specs.py [--repeat N] [--pairs a,b] [--baseline-src OLD/src]

Each run is a fresh process (`contracts diff BASE REVISION --format json`, the real
command line), timed wall-clock, with its CPU time (user + system) and peak RSS from
wait4 (CPU time is the fairer figure on a busy machine); a pair is run
``--repeat`` times and the outputs' SHA-256 compared, to show they are identical.
oasdiff's figures (from the corpus README, same machine kind) are the anchor.
With --baseline-src (an older checkout's src/, e.g. `git worktree add --detach ../old COMMIT`)
each pair is also run with `PYTHONPATH=OLD/src`, alternating with this checkout run by run,
as a "(baseline)" row, and the two packages' outputs are compared.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPECS = HERE.parent.parent / "shared" / "corpus" / "specs"
WORK = HERE / ".work" / "specs"
CONTRACTS = Path(sys.executable).with_name("contracts")

# oasdiff 1.26.1 `breaking -f json`, from the corpus README (median of 5, peak RSS).
ANCHOR = {
    "github-json-adjacent": ("1.01 s", "108 MB", "0"),
    "github-json-1y": ("1.17 s", "127 MB", "482"),
    "stripe-json-adjacent": ("3.05 s", "172 MB", "0"),
    "stripe-yaml-adjacent": ("2.85 s", "305 MB", "0"),
    "stripe-json-1m": ("20 s (6.5–232 s)", "0.45–11.4 GB", "5,809–404,395"),
    "stripe-yaml-2m": ("12.5 s to >300 s", "≤23.7 GB", "73,750–773,698"),
    "stripe-json-1y": ("22 s to >300 s", "killed at 23.7 GB", "213,997–1,079,189"),
    "stripe-yaml-1y": ("killed after 211 s", "24.3 GB", "—"),
}


def unpack(pair: str) -> tuple[Path, Path]:
    """Decompress one pair into bench/.work/specs (once)."""
    out = WORK / pair
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for side in ("base", "revision"):
        (src,) = sorted((SPECS / pair).glob(f"{side}.*.gz"))
        dst = out / src.name.removesuffix(".gz")
        if not dst.exists():
            with gzip.open(src, "rb") as fin, dst.open("wb") as fout:
                shutil.copyfileobj(fin, fout)
        files.append(dst)
    return files[0], files[1]


def run_once(
    base: Path, revision: Path, env: dict[str, str] | None = None
) -> tuple[float, float, int, bytes, int]:
    """(wall s, CPU s, peak RSS bytes, stdout, exit code) of one `contracts diff` process."""
    cmd = [
        str(CONTRACTS),
        "diff",
        str(base),
        str(revision),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    out_file = WORK / "out.json"
    start = time.perf_counter()
    with out_file.open("wb") as out, open(os.devnull, "wb") as err:
        # Run from bench/.work so no contracts/pacts of the example system is picked up.
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=WORK, env=env)
        # wait4 before Popen reaps the child: its rusage carries the peak RSS.
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss * 1024, out_file.read_bytes(), proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pairs", default=",".join(ANCHOR))
    parser.add_argument(
        "--baseline-src", type=Path, help="an older checkout's src/ to run as the baseline"
    )
    args = parser.parse_args()
    packages: dict[str, dict[str, str] | None] = {"": None}
    if args.baseline_src:
        clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        packages[" (baseline)"] = {**clean, "PYTHONPATH": str(args.baseline_src.resolve())}
    print(
        "| pair | Seam wall (min / median) | Seam CPU (median) | Seam peak RSS (max) "
        "| findings (err/warn/info) | identical runs "
        "| oasdiff wall | oasdiff RSS | oasdiff changes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    same_as_baseline: list[str] = []
    for pair in args.pairs.split(","):
        base, revision = unpack(pair)
        walls: dict[str, list[float]] = {name: [] for name in packages}
        cpus: dict[str, list[float]] = {name: [] for name in packages}
        peaks: dict[str, list[int]] = {name: [] for name in packages}
        digests: dict[str, set[str]] = {name: set() for name in packages}
        summary = dict.fromkeys(packages, "")
        for _ in range(args.repeat):
            for name, env in packages.items():  # alternated, so load swings hit both alike
                wall, cpu, rss, out, code = run_once(base, revision, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
                peaks[name].append(rss)
                digests[name].add(hashlib.sha256(out).hexdigest())
                if out:
                    s = json.loads(out)["summary"]
                    counts = (s["errors"], s["warnings"], s["info"])
                    summary[name] = f"{sum(counts)} ({'/'.join(map(str, counts))})"
                else:
                    summary[name] = f"exit {code}"
        for name in packages:
            w, c = sorted(walls[name]), sorted(cpus[name])
            a = ANCHOR.get(pair, ("?", "?", "?"))
            n = len(digests[name])
            same = "yes" if n == 1 else f"NO ({n} outputs)"
            print(
                f"| {pair}{name} | {w[0]:.2f} / {w[len(w) // 2]:.2f} s "
                f"| {c[len(c) // 2]:.2f} s | {max(peaks[name]) / 1e6:.0f} MB | {summary[name]} "
                f"| {same} ×{args.repeat} | {a[0]} | {a[1]} | {a[2]} |"
            )
        if len(packages) > 1:
            equal = digests[""] == digests[" (baseline)"]
            same_as_baseline.append(f"{pair}: {'identical' if equal else 'DIFFERENT'}")
    if same_as_baseline:
        print("\nOutput against the baseline's: " + "; ".join(same_as_baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
