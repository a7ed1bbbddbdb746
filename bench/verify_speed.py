"""`contracts verify` vs the floor and the official Rust CLI `pact verifier`.

Run: .venv/bin/python bench/verify_speed.py [--repeat N] [--sizes 200,2000]
     [--cert-dir both|set|unset] [--rust-sizes 200,2000]

Every row replays the same pact file against the same running example provider
(providers/tasks, SQLite), end to end as a command, interleaved, median of N runs:

* floor: the same requests from one httpx client in a loop (bench/verify_floor.py,
  a process of its own like every other row), with the same state handlers called in-process;
* pact verifier: the Rust CLI; its provider states come from Seam's state server
  (the same handlers) in this process as a --state-change-url;
* contracts verify --workers 1 / 2 against the running provider.

plain: interactions without provider states (3 in 4 ``GET /tasks/N``, 1 in 4
``POST /tasks``); states: the same with a state each (``task N exists`` / ``no tasks``).
Each size runs with ``SSL_CERT_DIR=/etc/ssl/certs`` (as on many machines and CI images)
and without it. Seconds are wall clock; "cpu" is the command's own user+system time
(its children included, the provider's not: it runs before the clock).

Prints markdown tables; scratch files go to bench/.work/verify/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
CERT_DIR = "/etc/ssl/certs"

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


def _write_pact(path: Path, with_states: bool, count: int) -> None:
    doc = {
        "consumer": {"name": "bench"},
        "provider": {"name": "tasks-api"},
        "interactions": [_interaction(i, with_states) for i in range(1, count + 1)],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def _timed(cmd: list[str], env: dict[str, str], expect: int = 0) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != expect:
        raise SystemExit(
            f"{' '.join(cmd[:3])}... exited {proc.returncode}:\n{proc.stdout.decode()[-2000:]}"
            f"\n{proc.stderr.decode()[-2000:]}"
        )
    return elapsed, cpu


def _cert_envs(mode: str) -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_DIR",)}
    base.update({"PYTHONPATH": str(PROVIDER_DIR), "PACT_DO_NOT_TRACK": "true"})
    envs = {
        f"SSL_CERT_DIR={CERT_DIR}": {**base, "SSL_CERT_DIR": CERT_DIR},
        "no SSL_CERT_DIR": base,
    }
    if mode == "set":
        envs.pop("no SSL_CERT_DIR")
    elif mode == "unset":
        envs.pop(f"SSL_CERT_DIR={CERT_DIR}")
    return envs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="200,2000")
    parser.add_argument("--rust-sizes", default="200,2000", help="sizes with pact verifier rows")
    parser.add_argument("--cert-dir", choices=("both", "set", "unset"), default="both")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also run --workers 1 with the seam package from this src folder (an older commit)",
    )
    parser.add_argument("--baseline-sizes", default="200", help="sizes with baseline rows")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder")
    args = parser.parse_args()

    sizes = [int(n) for n in args.sizes.split(",")]
    rust_sizes = {int(n) for n in args.rust_sizes.split(",") if n}
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for n in sizes:
        _write_pact(work / f"plain-{n}.json", with_states=False, count=n)
        _write_pact(work / f"states-{n}.json", with_states=True, count=n)
    plain_db = f"sqlite:///{work}/plain.db"
    states_db = f"sqlite:///{work}/states.db"
    from tasks_api import db

    db.migrate(plain_db)
    for i in range(1, max(sizes) + 1):
        db.insert_task(plain_db, id=i, title=f"Task {i}")

    python = sys.executable
    serve = f"{python} -m tasks_api serve"
    p_plain, p_states = free_port(), free_port()
    envs = _cert_envs(args.cert_dir)
    any_env = next(iter(envs.values()))
    os.environ["DATABASE_URL"] = states_db  # for the state server the Rust CLI calls
    with (
        ProviderProcess(
            f"{serve} --port {p_plain} --database-url {plain_db}",
            f"http://127.0.0.1:{p_plain}",
            env=any_env,
        ),
        ProviderProcess(
            f"{serve} --port {p_states} --database-url {states_db}",
            f"http://127.0.0.1:{p_states}",
            env=any_env,
        ),
        StateServer(load_states("tasks_api.states:states")) as state_server,
    ):
        plain_url, states_url = f"http://127.0.0.1:{p_plain}", f"http://127.0.0.1:{p_states}"
        pact_cli = [str(BIN / "pact"), "verifier", "-h", "127.0.0.1", "-n", "tasks-api"]
        pact_cli += ["--retries", "0"]
        seam = [str(BIN / "contracts"), "verify", "--provider", "tasks-api", "-q"]
        seam += ["--format", "json", "-o", os.devnull]
        states_opts = ["--states", "tasks_api.states:states", "--env", f"DATABASE_URL={states_db}"]
        me = [python, str(Path(__file__).resolve().parent / "verify_floor.py")]
        runs: dict[tuple[str, int, str], list[str]] = {}
        for n in sizes:
            plain, stated = str(work / f"plain-{n}.json"), str(work / f"states-{n}.json")
            runs[("plain", n, "floor (httpx loop)")] = [
                *me, plain, plain_url,
            ]  # fmt: skip
            if n in rust_sizes:
                runs[("plain", n, "pact verifier")] = [*pact_cli, "-f", plain, "-p", str(p_plain)]
            for w in (1, 2):
                runs[("plain", n, f"contracts verify --workers {w}")] = [
                    *seam, plain, "--base-url", plain_url, "--workers", str(w),
                ]  # fmt: skip
            runs[("states", n, "floor (httpx loop + handlers)")] = [
                *me, stated, states_url, "tasks_api.states:states",
            ]  # fmt: skip
            if n in rust_sizes:
                runs[("states", n, "pact verifier")] = [
                    *pact_cli, "-f", stated, "-p", str(p_states),
                    "--state-change-url", state_server.url, "--state-change-teardown",
                ]  # fmt: skip
            # One provider and database shared by both workers, as for the anchor.
            runs[("states", n, "contracts verify --workers 1")] = [
                *seam, stated, "--base-url", states_url, *states_opts,
            ]  # fmt: skip
        extra_env: dict[tuple[str, int, str], dict[str, str]] = {}
        if args.baseline_src:
            old = {"PYTHONPATH": f"{args.baseline_src.resolve()}{os.pathsep}{PROVIDER_DIR}"}
            for (kind, n, tool), cmd in list(runs.items()):
                if tool == "contracts verify --workers 1" and str(n) in args.baseline_sizes.split(
                    ","
                ):
                    runs[(kind, n, f"{tool} (baseline)")] = cmd
                    extra_env[(kind, n, f"{tool} (baseline)")] = old
        times: dict[tuple[str, str, int, str], list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            for env_name, env in envs.items():
                for (kind, n, tool), cmd in runs.items():
                    extra = extra_env.get((kind, n, tool), {})
                    sample = _timed(cmd, {**env, "DATABASE_URL": states_db, **extra})
                    times.setdefault((env_name, kind, n, tool), []).append(sample)

    print(f"median of {args.repeat} interleaved runs; ratios against the floor of the same table")
    for env_name in envs:
        for n in sizes:
            print(f"\n{n} interactions, {env_name}\n")
            print("| run | seconds | cpu s | ms/interaction (cpu) | × floor | × pact verifier |")
            print("|---|---:|---:|---:|---:|---:|")
            for kind in ("plain", "states"):
                rows = {
                    tool: (
                        statistics.median(w for w, _ in ts),
                        statistics.median(c for _, c in ts),
                    )
                    for (e, k, size, tool), ts in times.items()
                    if (e, k, size) == (env_name, kind, n)
                }
                base = next(v for t, v in rows.items() if t.startswith("floor"))
                rust = rows.get("pact verifier")
                for tool, (wall, cpu) in rows.items():
                    vs_rust = f"{wall / rust[0]:.2f}" if rust else "-"
                    print(
                        f"| {kind}: {tool} | {wall:.2f} | {cpu:.2f} | {cpu / n * 1000:.1f} "
                        f"| {wall / base[0]:.2f} | {vs_rust} |"
                    )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\nper extra interaction, {small} to {large} (start-up cancels out), ms wall/cpu\n")
        print("| run | " + " | ".join(envs) + " |")
        print("|---|" + "---:|" * len(envs))
        tools = dict.fromkeys((k, t) for (_, k, size, t) in times if size == large)
        for kind, tool in tools:
            cells = []
            for env_name in envs:
                a = times.get((env_name, kind, small, tool))
                b = times.get((env_name, kind, large, tool))
                if not a or not b:
                    cells.append("-")
                    continue
                dw = statistics.median(w for w, _ in b) - statistics.median(w for w, _ in a)
                dc = statistics.median(c for _, c in b) - statistics.median(c for _, c in a)
                span = large - small
                cells.append(f"{dw / span * 1000:.2f} / {dc / span * 1000:.2f}")
            print(f"| {kind}: {tool} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
