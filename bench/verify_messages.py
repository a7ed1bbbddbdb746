"""`contracts verify --messages` vs the Rust verifier driven by hand-written pact-python.

Run: .venv/bin/python bench/verify_messages.py [--repeat N] [--count 200]

Both rows verify the same pact of COUNT asynchronous message interactions (a body of four
fields with type, integer and regex matchers, and a ``topic`` metadata entry) against the
same producer function, each as a command of its own, interleaved, median of N runs:

* pact-python by hand: ``Verifier(...).message_handler({description: producer, ...})``,
  ``add_source(pact)``, ``verify()`` (this file, ``--anchor``): the anchor;
* contracts verify --messages --workers 1 (the registry is ``messages`` in this file).

Seconds are wall clock; "cpu" is the command's own user+system time, children included.
Prints a markdown table; scratch files go to bench/.work/messages/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = ROOT / "bench" / ".work" / "messages"
PROVIDER = "bench-producer"
STATUS = r"^(open|in_progress|done)$"
TYPE = {"combine": "AND", "matchers": [{"match": "type"}]}


def _interaction(i: int) -> dict[str, Any]:
    return {
        "type": "Asynchronous/Messages",
        "description": f"event {i:04d}",
        "contents": {
            "content": {"id": i, "title": f"Task {i}", "status": "open", "assignee": None},
            "contentType": "application/json",
            "encoded": False,
        },
        "matchingRules": {
            "body": {
                "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                "$.title": TYPE,
                "$.status": {"combine": "AND", "matchers": [{"match": "regex", "regex": STATUS}]},
            }
        },
        "metadata": {"contentType": "application/json", "topic": "task.changed"},
        "pending": False,
    }


def write_pact(count: int) -> Path:
    """A V4 pact of ``count`` message interactions."""
    doc = {
        "consumer": {"name": "bench-consumer"},
        "provider": {"name": PROVIDER},
        "interactions": [_interaction(i) for i in range(count)],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"messages-{count}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def produce(name: str) -> dict[str, Any]:
    """The producer both rows call: the message for ``event NNNN``."""
    i = int(name.split()[-1])
    return {"id": i, "title": f"Task {i}", "status": "done", "assignee": None}


def _seam_registry() -> Any:
    from seam.verify import ProviderMessages

    registry = ProviderMessages()
    for i in range(int(os.environ.get("BENCH_MESSAGES", "200"))):
        name = f"event {i:04d}"
        registry.produces(name)(
            lambda _name=name: {"body": produce(_name), "metadata": {"topic": "task.changed"}}
        )
    return registry


def anchor(pact: Path, count: int) -> None:
    """The hand-written pact-python verification (``--anchor``)."""
    from pact import Verifier

    def handler(name: str) -> dict[str, Any]:
        return {
            "contents": json.dumps(produce(name)).encode(),
            "metadata": {"topic": "task.changed"},
            "content_type": "application/json",
        }

    verifier = Verifier(PROVIDER, host="127.0.0.1")
    verifier.message_handler({f"event {i:04d}": handler for i in range(count)})
    verifier.add_source(pact)
    verifier.verify()  # raises on any failure


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--anchor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.anchor:
        anchor(args.anchor, args.count)
        return
    pact = write_pact(args.count)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "bench"),
        "BENCH_MESSAGES": str(args.count),
        "PACT_DO_NOT_TRACK": "true",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = {
        "pact-python message_handler (anchor)": [
            sys.executable,
            __file__,
            "--count",
            str(args.count),
            "--anchor",
            str(pact),
        ],
        "contracts verify --messages --workers 1": [
            str(BIN / "contracts"),
            "verify",
            str(pact),
            "--messages",
            "verify_messages:messages",
            "--workers",
            "1",
            "-q",
        ],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in rows}
    for command in rows.values():  # warm-up: imports and the page cache
        _timed(command, env)
    for _ in range(args.repeat):
        for name, command in rows.items():
            times[name].append(_timed(command, env))
    base_wall = statistics.median(w for w, _ in times[next(iter(rows))])
    base_cpu = statistics.median(c for _, c in times[next(iter(rows))])
    title = f"{args.count} message interactions, median of {args.repeat}"
    print(f"| {title} | s | cpu s | ratio (s) | ratio (cpu) |")
    print("|---|---:|---:|---:|---:|")
    for name in rows:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(
            f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / base_wall:.2f} | {cpu / base_cpu:.2f} |"
        )


def __getattr__(name: str) -> Any:
    # ``verify_messages:messages`` builds the registry only when contracts verify imports it.
    if name == "messages":
        return _seam_registry()
    raise AttributeError(name)


if __name__ == "__main__":
    main()
