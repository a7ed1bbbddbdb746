"""`contracts verify` vs the official Rust CLI `pact verifier` on 200 interactions.

Run: .venv/bin/python bench/verify_speed.py [--repeat N]

Both tools replay the same pact files against the same running example provider
(providers/tasks, SQLite), end to end as commands, interleaved, median of N runs:

* plain: 200 interactions without provider states (GET /tasks/N, POST /tasks);
* states: the same with a provider state each (``task N exists`` / ``no tasks``), served
  to `pact verifier` by Seam's state server as a --state-change-url, and by
  `contracts verify --states` itself. With --workers 2 each worker gets its own
  provider and database (``--start`` with ``{port}``), so its time includes starting
  two providers; two 2-interaction runs measure that start-up, reported after the table.

Prints a markdown table; scratch files go to bench/.work/verify/.
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

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = ROOT / "bench" / ".work" / "verify"
PROVIDER_DIR = ROOT / "providers" / "tasks"
N = 200

sys.path.insert(0, str(PROVIDER_DIR))
from seam.verify import StateServer, load_states  # noqa: E402
from seam.verify._provider import ProviderProcess, free_port  # noqa: E402

INT = {"combine": "AND", "matchers": [{"match": "integer"}]}
TYPE = {"combine": "AND", "matchers": [{"match": "type"}]}
JSON = {"Content-Type": ["application/json"]}


def _body(value: object) -> dict[str, object]:
    return {"content": value, "contentType": "application/json", "encoded": False}


def _interaction(i: int, with_states: bool) -> dict[str, object]:
    task = {"id": i, "title": f"Task {i}", "status": "open", "assignee": None}
    rules = {"body": {"$.id": INT, "$.title": TYPE}}
    if i % 4 == 3:
        item: dict[str, object] = {
            "description": f"create task {i}",
            "request": {
                "method": "POST",
                "path": "/tasks",
                "headers": JSON,
                "body": _body({"title": f"Task {i}"}),
            },
            "response": {
                "status": 201,
                "headers": JSON,
                "body": _body(task),
                "matchingRules": rules,
            },
        }
        state = {"name": "no tasks"}
    else:
        item = {
            "description": f"get task {i}",
            "request": {"method": "GET", "path": f"/tasks/{i}"},
            "response": {
                "status": 200,
                "headers": JSON,
                "body": _body(task),
                "matchingRules": rules,
            },
        }
        state = {"name": f"task {i} exists", "params": {"title": f"Task {i}"}}
    item["type"] = "Synchronous/HTTP"
    if with_states:
        item["providerStates"] = [state]
    return item


def _write_pact(path: Path, with_states: bool, count: int = N) -> None:
    doc = {
        "consumer": {"name": "bench"},
        "provider": {"name": "tasks-api"},
        "interactions": [_interaction(i, with_states) for i in range(1, count + 1)],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def _timed(cmd: list[str], env: dict[str, str], expect: int = 0) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != expect:
        raise SystemExit(
            f"{' '.join(cmd[:3])}... exited {proc.returncode}:\n{proc.stdout.decode()[-2000:]}"
            f"\n{proc.stderr.decode()[-2000:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    plain, stated, tiny = WORK / "plain.json", WORK / "states.json", WORK / "states-2.json"
    _write_pact(plain, with_states=False)
    _write_pact(stated, with_states=True)
    _write_pact(tiny, with_states=True, count=2)
    env = {
        **os.environ,
        "PYTHONPATH": str(PROVIDER_DIR),
        "PACT_DO_NOT_TRACK": "true",
    }
    plain_db = f"sqlite:///{WORK}/plain.db"
    states_db = f"sqlite:///{WORK}/states.db"
    from tasks_api import db

    db.migrate(plain_db)
    for i in range(1, N + 1):
        db.insert_task(plain_db, id=i, title=f"Task {i}")

    python = sys.executable
    serve = f"{python} -m tasks_api serve"
    p_plain, p_states = free_port(), free_port()
    os.environ["DATABASE_URL"] = states_db  # for the state server the Rust CLI calls
    with (
        ProviderProcess(
            f"{serve} --port {p_plain} --database-url {plain_db}",
            f"http://127.0.0.1:{p_plain}",
            env=env,
        ),
        ProviderProcess(
            f"{serve} --port {p_states} --database-url {states_db}",
            f"http://127.0.0.1:{p_states}",
            env=env,
        ),
        StateServer(load_states("tasks_api.states:states")) as state_server,
    ):
        pact_cli = [
            str(BIN / "pact"),
            "verifier",
            "-h",
            "127.0.0.1",
            "-n",
            "tasks-api",
            "--retries",
            "0",
        ]
        seam = [
            str(BIN / "contracts"),
            "verify",
            "--provider",
            "tasks-api",
            "-q",
            "--format",
            "json",
            "-o",
            os.devnull,
        ]
        states_opts = ["--states", "tasks_api.states:states", "--env", f"DATABASE_URL={states_db}"]
        per_worker = [
            "--start",
            f"{serve} --port {{port}}",
            "--base-url",
            "http://127.0.0.1:{port}",
            "--states",
            "tasks_api.states:states",
            "--env",
            f"DATABASE_URL=sqlite:///{WORK}/w{{worker}}.db",
        ]
        runs = {
            "plain: pact verifier": [*pact_cli, "-f", str(plain), "-p", str(p_plain)],
            "plain: contracts verify --workers 1": [
                *seam,
                str(plain),
                "--base-url",
                f"http://127.0.0.1:{p_plain}",
            ],
            "plain: contracts verify --workers 2": [
                *seam,
                str(plain),
                "--base-url",
                f"http://127.0.0.1:{p_plain}",
                "--workers",
                "2",
            ],
            "states: pact verifier": [
                *pact_cli,
                "-f",
                str(stated),
                "-p",
                str(p_states),
                "--state-change-url",
                state_server.url,
                "--state-change-teardown",
            ],
            "states: contracts verify --workers 1": [
                *seam,
                str(stated),
                "--base-url",
                f"http://127.0.0.1:{p_states}",
                *states_opts,
            ],
            "states: contracts verify --workers 2": [
                *seam,
                str(stated),
                "--workers",
                "2",
                *per_worker,
            ],
        }
        # Fixed costs, outside the table: what `--start` of two providers adds to a run.
        fixed = {
            "2 interactions, --workers 2 --start": [
                *seam,
                str(tiny),
                "--workers",
                "2",
                *per_worker,
            ],
            "2 interactions, running provider": [
                *seam,
                str(tiny),
                "--base-url",
                f"http://127.0.0.1:{p_states}",
                *states_opts,
            ],
        }
        fixed_times: dict[str, list[float]] = {name: [] for name in fixed}
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                times[name].append(_timed(cmd, env))
            for name, cmd in fixed.items():
                fixed_times[name].append(_timed(cmd, env))

    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(
        f"{N} interactions, median of {args.repeat} interleaved runs, "
        "seconds (ratio vs pact verifier)\n"
    )
    print("| run | seconds | ratio |")
    print("|---|---:|---:|")
    for name, seconds in med.items():
        anchor = med[name.split(":")[0] + ": pact verifier"]
        print(f"| {name} | {seconds:.2f} | {seconds / anchor:.2f} |")
    cli_cost = (med["states: pact verifier"] - med["plain: pact verifier"]) / N * 1000
    seam_cost = (
        (med["states: contracts verify --workers 1"] - med["plain: contracts verify --workers 1"])
        / N
        * 1000
    )
    print(
        f"\nstate handlers cost per interaction (states − plain, one worker): "
        f"contracts verify {seam_cost:.1f} ms, pact verifier + Seam state server {cli_cost:.1f} ms"
    )
    fixed_med = {name: statistics.median(ts) for name, ts in fixed_times.items()}
    start_cost = (
        fixed_med["2 interactions, --workers 2 --start"]
        - fixed_med["2 interactions, running provider"]
    )
    like_for_like = med["states: contracts verify --workers 2"] - start_cost
    print(
        "\nstarting two providers (--workers 2 --start) adds "
        f"{start_cost:.2f} s (2-interaction runs: "
        + ", ".join(f"{name} {t:.2f} s" for name, t in fixed_med.items())
        + f"); states --workers 2 without it: {like_for_like:.2f} s, ratio "
        f"{like_for_like / med['states: pact verifier']:.2f}"
    )


if __name__ == "__main__":
    main()
