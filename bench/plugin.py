"""The seam pytest plugin's overhead on a 200-test consumer suite.

Anchor: the same 200 tests with the fixture most pact-python users hand-write — a fresh
``Pact`` per test and ``pact.write_file(dir)`` after it (pact_ffi merges into one file).
Both suites run as separate pytest processes, interleaved round by round, serially and
with ``-n 2``; the table shows the median wall time of the rounds and the ratios.

    .venv/bin/python bench/plugin.py [--tests 200] [--rounds 3] [--client per-test|shared]
                                     [--fresh]

Plugins that take no part (schemathesis, hypothesis, anyio, randomly, cacheprovider) are
disabled in both suites alike so that the figures measure the fixtures, not start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "plugin"
QUIET = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio"]
QUIET += ["-p", "no:randomly", "-p", "no:cacheprovider", "-q"]

TEST = """
def test_{n:03d}(pact):
    (pact.upon_receiving("a request for task {n}").given("task {n} exists", id={n})
        .with_request("GET", "/tasks/{n}")
        .will_respond_with(200)
        .with_body({{"id": match.int({n}), "title": match.str("task {n}"), "assignee": None}},
                   content_type="application/json"))
    with pact.serve() as server, {client} as client:
        assert client.get(f"{{server.url}}/tasks/{n}").json()["id"] == {n}
"""

# The example consumers build an httpx client per test (it loads the CA bundle, ~80 ms);
# a suite may instead share one module-level client.
CLIENTS = {"per-test": "httpx.Client()", "shared": "contextlib.nullcontext(CLIENT)"}

HEADER = """
import contextlib

import httpx
from pact import match

CLIENT = httpx.Client()
"""

HAND_WRITTEN = '''
"""The anchor: a hand-written per-test Pact fixture that writes with pact_ffi."""
import pytest
from pact import Pact

PACTS = "{pacts}"


@pytest.fixture
def pact():
    built = Pact("bench-consumer", "tasks-api")
    yield built
    built.write_file(PACTS)
'''


def make_suite(folder: Path, tests: int, hand_written: bool, client: str) -> None:
    """Write a suite of ``tests`` tests (in 4 modules) into ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        '[tool.seam]\nconsumer = "bench-consumer"\nprovider = "tasks-api"\n'
    )
    if hand_written:
        (folder / "conftest.py").write_text(HAND_WRITTEN.format(pacts=folder / "pacts"))
    per_module = max(1, tests // 4)
    for start in range(0, tests, per_module):
        body = "".join(
            TEST.format(n=n, client=CLIENTS[client])
            for n in range(start, min(tests, start + per_module))
        )
        (folder / f"test_tasks_{start:03d}.py").write_text(HEADER + body)


def run(folder: Path, workers: int, hand_written: bool, fresh: bool) -> tuple[float, str]:
    """Wall time of one pytest process over the suite, and its last output line."""
    if fresh:
        shutil.rmtree(folder / "pacts", ignore_errors=True)
        shutil.rmtree(folder / "contracts", ignore_errors=True)
    args = [sys.executable, "-m", "pytest", *QUIET]
    if workers:
        args += ["-n", str(workers)]
    if hand_written:
        args += ["-p", "no:seam"]
    start = time.perf_counter()
    proc = subprocess.run(
        args, cwd=folder, capture_output=True, text=True, env={**os.environ}, check=False
    )
    elapsed = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if " in " in line and "passed" in line]
    return elapsed, (lines[-1] if lines else proc.stdout.strip().splitlines()[-1])


def interactions(folder: Path) -> int:
    """How many interactions the run left in its pact file."""
    files = list(folder.glob("pacts/*.json")) + list(folder.glob("contracts/pacts/*.json"))
    return sum(len(json.loads(f.read_text())["interactions"]) for f in files)


def main() -> None:
    """Run the rounds and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--client", choices=sorted(CLIENTS), default="per-test")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the written files before every run (default: keep them, as a CI run "
        "over committed contracts does; one warm-up run per suite writes them first)",
    )
    options = parser.parse_args()
    suites = {"seam plugin": WORK / "seam", "hand-written fixture": WORK / "hand"}
    for name, folder in suites.items():
        make_suite(folder, options.tests, hand_written=name != "seam plugin", client=options.client)
    for name, folder in suites.items():
        run(folder, 0, hand_written=name != "seam plugin", fresh=True)  # warm-up
    times: dict[tuple[str, int], list[float]] = {}
    notes: dict[tuple[str, int], str] = {}
    counts: dict[tuple[str, int], int] = {}
    for _ in range(options.rounds):
        for workers in (0, 2):
            for name, folder in suites.items():
                elapsed, note = run(
                    folder, workers, hand_written=name != "seam plugin", fresh=options.fresh
                )
                times.setdefault((name, workers), []).append(elapsed)
                notes[(name, workers)] = note
                counts[(name, workers)] = interactions(folder)
    print(
        f"{options.tests} tests, httpx client {options.client}, "
        f"{'fresh files every run' if options.fresh else 'files kept between runs'}, "
        f"median of {options.rounds} rounds (wall seconds)\n"
    )
    print("| suite | serial | -n 2 | -n 2 / serial | interactions written (serial, -n 2) |")
    print("|---|---|---|---|---|")
    med = {key: statistics.median(values) for key, values in times.items()}
    for name in suites:
        serial, parallel = med[(name, 0)], med[(name, 2)]
        print(
            f"| {name} | {serial:.2f} | {parallel:.2f} | {parallel / serial:.2f} | "
            f"{counts[(name, 0)]}, {counts[(name, 2)]} |"
        )
    for workers, label in ((0, "serial"), (2, "-n 2")):
        ratio = med[("seam plugin", workers)] / med[("hand-written fixture", workers)]
        print(f"\nplugin / hand-written, {label}: {ratio:.3f}")
    print("\nlast lines:")
    for key, note in sorted(notes.items()):
        print(f"- {key[0]}, {'-n 2' if key[1] else 'serial'}: {note}")


if __name__ == "__main__":
    main()
