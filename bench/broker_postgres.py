"""The embedded broker on PostgreSQL beside SQLite: can-i-deploy latency, publish throughput.

Issue 12's figures, measured in one run:

- can-i-deploy p50/p99 (Seam's client over loopback, ``to_environment="production"``) at
  N consumer versions × P providers with V verification results per pact (1,000 × 10 ×
  10 = 100,000 results by default), on SQLite and on PostgreSQL holding the *same rows*,
  against the floor: the index (``GET /``, no database) on the same server stack;
- publish throughput on PostgreSQL with 1 and 3 ``contracts broker serve`` instances on
  one database (client processes spread over the instances, one pact per request), and
  SQLite's single instance for reference, with the CPU each side spent per publish
  (brokers, the PostgreSQL server, the clients).

``--instance-cpu FRACTION`` puts each ``broker serve`` process in a cgroup of its own with
that CPU quota (0.25: a quarter of one core), as if each instance ran on a machine of its
own of fixed size; PostgreSQL and the clients stay unconstrained. Without it, every instance
shares the machine's cores with PostgreSQL and the clients, so the machine, not the broker,
bounds what more instances can add. It needs a writable cgroup cpu controller (v1
``/sys/fs/cgroup/cpu``, or v2 with ``cpu`` enabled): root on Linux.

The data is seeded once into ``bench/.work/engines-N×P×V.sqlite`` through the broker's
service (as ``seam.server`` documents for seeding) and copied row for row into a new
PostgreSQL database; ``--postgres`` is a server URL whose user may create databases::

    .venv/bin/python bench/broker_postgres.py --postgres postgresql://postgres@127.0.0.1:5432
    .venv/bin/python bench/broker_postgres.py --postgres URL --versions 100   # a quick run
    .venv/bin/python bench/broker_postgres.py --postgres URL --publish-only --instance-cpu 0.25
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psycopg

from seam.broker import BrokerClient
from seam.server import BrokerService, Storage
from seam.verify._provider import free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from broker import CONSUMER, _pct, can_i_deploy_latency, pact_doc

ROOT = Path(__file__).resolve().parent.parent
PIDS: list[int] = []  # the broker processes serve() runs
WORK = ROOT / "bench" / ".work"
BIN = Path(sys.executable).parent


def seed(path: Path, versions: int, providers: int, per_pact: int) -> None:
    """N consumer versions with a pact for each provider, V results each, providers deployed."""
    storage = Storage(path)
    service = BrokerService(storage)
    rng = random.Random(7)
    env, _ = service.save_environment({"name": "production", "production": True})
    for v in range(versions):
        for i in range(providers):
            provider = f"provider-{i}"
            doc = pact_doc(CONSUMER, provider, v)
            row, _ = service.put_pact(provider, CONSUMER, f"1.0.{v}", doc)
            for k in range(per_pact):
                # Provider version v+k verified consumer version v (1 in 10 fails), as
                # bench/broker.py seeds it over HTTP.
                body = {
                    "success": rng.random() > 0.1 or k == per_pact - 1,
                    "providerApplicationVersion": f"2.0.{v + k}",
                }
                service.record_verification(provider, CONSUMER, row["sha"], body)
    for i in range(providers):
        service.record_deployment(f"provider-{i}", f"2.0.{versions - 1}", env["uuid"], {})
    storage.close()


@contextmanager
def new_database(server: str, *, migrated: bool = True) -> Iterator[str]:
    """A new PostgreSQL database (migrated for the broker), dropped afterwards."""
    name = f"seam_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        if migrated:
            Storage(f"{server}/{name}").close()
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def copy_rows(sqlite_path: Path, url: str) -> int:
    """Copy every broker row from a SQLite database into a migrated PostgreSQL one."""
    source = sqlite3.connect(sqlite_path)
    tables = [
        r[0]
        for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid"
        )
    ]
    copied = 0
    with psycopg.connect(url) as target:
        target.execute("SET session_replication_role = replica")
        for table in tables:
            cursor = source.execute(f'SELECT * FROM "{table}"')
            columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
            with target.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:  # type: ignore[arg-type]
                for row in cursor:
                    copy.write_row(row)
                    copied += 1
            if any(d[0] == "id" for d in cursor.description):
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # type: ignore[arg-type]
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )
        target.execute("ANALYZE")
    source.close()
    return copied


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes have used (Linux /proc): load on the machine aside."""
    return sum(cpu_by_pid(pids).values())


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """Each live process's user + system CPU seconds (a process gone meanwhile is left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy (not idle or waiting), /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def postgres_pids(server: str) -> list[int]:
    """The PostgreSQL server's processes (postmaster and backends), by its port."""
    port = server.rsplit(":", 1)[1].split("/")[0]
    found = subprocess.run(["pgrep", "-f", "--", f"-p {port}"], capture_output=True, text=True)
    roots = [int(p) for p in found.stdout.split()]
    children = (
        subprocess.run(
            ["pgrep", "-P", ",".join(map(str, roots))], capture_output=True, text=True
        ).stdout.split()
        if roots
        else []
    )
    return roots + [int(p) for p in children]


@contextmanager
def serve(db: str, count: int = 1, cap: CpuCap | None = None) -> Iterator[list[str]]:
    """Run ``count`` ``contracts broker serve`` processes on ``db``; yield their URLs.

    ``PIDS`` holds the processes' ids while they run; with ``cap``, each runs in a cgroup of
    its own under its CPU quota.
    """
    with ExitStack() as stack:
        if cap is not None:
            stack.callback(cap.close)
        urls, procs = [], []
        for index in range(count):
            port = free_port()
            log = stack.enter_context((WORK / f"broker-pg-{index}.log").open("wb"))
            procs.append(
                subprocess.Popen(
                    [str(BIN / "contracts"), "broker", "serve", "--db", db, "--port", str(port)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
            if cap is not None:
                cap.add(procs[-1].pid)
        try:
            for url, proc in zip(urls, procs, strict=True):
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if httpx.get(url + "/", timeout=1).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the broker did not start; see {WORK}/broker-pg-*.log")
                    time.sleep(0.1)
            PIDS[:] = [p.pid for p in procs]
            yield urls
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                proc.wait(15)


class CpuCap:
    """Cgroups of their own, each with a CPU quota, for processes; removed by :meth:`close`.

    Args:
        fraction: The CPU each process may use, in cores (0.25: 25 ms in every 100 ms).

    Raises:
        SystemExit: No writable cgroup cpu controller (one line saying so).
    """

    PERIOD_US = 100_000

    def __init__(self, fraction: float) -> None:
        if not 0.01 <= fraction <= (os.cpu_count() or 1):
            raise SystemExit(
                f"--instance-cpu {fraction}: give a fraction of one core, from 0.01 "
                f"to {(os.cpu_count() or 1)} (e.g. 0.25)"
            )
        self.quota_us = round(fraction * self.PERIOD_US)
        self.version, self.parent = _cpu_cgroup()
        self.made: list[Path] = []

    def add(self, pid: int) -> None:
        """Move process ``pid`` (all its threads) into a new cgroup with the quota."""
        group = self.parent / f"seam-bench-{os.getpid()}-{len(self.made)}"
        group.mkdir()
        self.made.append(group)
        if self.version == 1:
            (group / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(self.quota_us))
        else:
            (group / "cpu.max").write_text(f"{self.quota_us} {self.PERIOD_US}")
        (group / "cgroup.procs").write_text(str(pid))

    def close(self) -> None:
        """Remove the cgroups (anything still in one goes back to the parent first)."""
        for group in self.made:
            with contextlib.suppress(OSError):
                for pid in (group / "cgroup.procs").read_text().split():
                    (self.parent / "cgroup.procs").write_text(pid)
            with contextlib.suppress(OSError):
                group.rmdir()
        self.made.clear()


def _cpu_cgroup() -> tuple[int, Path]:
    """The cgroup version and the writable folder new cpu cgroups go in (this process's own)."""
    own = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path.lstrip("/")
    v1 = Path("/sys/fs/cgroup/cpu") / own.get("cpu", "")
    if (v1 / "cpu.cfs_quota_us").is_file() and os.access(v1, os.W_OK):
        return 1, v1
    for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        v2 = mount / own.get("", "")
        controllers = v2 / "cgroup.controllers"
        if not controllers.is_file() or "cpu" not in controllers.read_text().split():
            continue
        with contextlib.suppress(OSError):
            if "cpu" not in (v2 / "cgroup.subtree_control").read_text().split():
                (v2 / "cgroup.subtree_control").write_text("+cpu")
            if os.access(v2, os.W_OK):
                return 2, v2
    raise SystemExit(
        "--instance-cpu needs a writable cgroup cpu controller (v1 /sys/fs/cgroup/cpu or v2 "
        "with cpu enabled), which this machine does not offer; run as root on Linux or "
        "leave the option out"
    )


def floor_latency(url: str, queries: int) -> list[float]:
    """Seconds per ``GET /`` (the index: routing, HAL and HTTP, no database)."""
    timings = []
    with BrokerClient(url) as client:
        for _ in range(queries):
            started = time.perf_counter()
            client.get("/")
            timings.append(time.perf_counter() - started)
    return timings


def _publish_many(job: tuple[list[str], int, int]) -> tuple[float, float, int, float]:
    """One client process: ``count`` publishes of one pact, round robin over ``urls``.

    Returns when it started and ended, how many succeeded and the CPU it spent.
    """
    urls, client_index, count = job
    import base64
    import json

    clients = [httpx.Client(base_url=u, timeout=60) for u in urls]
    consumer = f"publisher-{client_index}"
    ok = 0
    started, cpu = time.monotonic(), time.process_time()
    for n in range(count):
        provider = f"provider-{n % 10}"
        content = json.dumps(pact_doc(consumer, provider, n)).encode()
        body = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": f"1.0.{n}",
            "branch": "main",
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": provider,
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(content).decode(),
                }
            ],
        }
        response = clients[(n + client_index) % len(clients)].post("/contracts/publish", json=body)
        ok += response.status_code == 200
    ended, cpu = time.monotonic(), time.process_time() - cpu
    for client in clients:
        client.close()
    return started, ended, ok, cpu


# The CPU a publish round spent, by side: what says which side was the bottleneck.
SIDES = ("brokers", "database", "clients", "machine")


def publish_rate(
    urls: list[str], clients: int, per_client: int, server: str
) -> tuple[float, int, dict[str, float]]:
    """Pacts per second for ``clients`` processes publishing at once.

    Returns:
        The rate, how many publishes succeeded, and the cores each side kept busy meanwhile
        (CPU seconds / wall seconds; ``machine``: every process, other users' too).
    """
    with ProcessPoolExecutor(clients) as pool:
        # Start the workers first, so process start-up is not counted.
        list(pool.map(abs, range(clients)))
        brokers, database = cpu_by_pid(PIDS), cpu_by_pid(postgres_pids(server))
        machine, wall = machine_busy_seconds(), time.monotonic()
        results = list(pool.map(_publish_many, [(urls, i, per_client) for i in range(clients)]))
        wall, machine = time.monotonic() - wall, machine_busy_seconds() - machine
        after = cpu_by_pid(PIDS), cpu_by_pid(postgres_pids(server))
    first = min(r[0] for r in results)
    last = max(r[1] for r in results)
    ok = sum(r[2] for r in results)
    # A backend the pool opened during the run counts from zero.
    spent = [
        sum(now - before.get(pid, 0.0) for pid, now in later.items())
        for before, later in ((brokers, after[0]), (database, after[1]))
    ]
    cores = {
        "brokers": spent[0] / wall,
        "database": spent[1] / wall,
        "clients": sum(r[3] for r in results) / wall,
        "machine": machine / wall,
    }
    return ok / (last - first), ok, cores


def measure_latency(args: argparse.Namespace, server: str) -> None:
    """can-i-deploy p50/p99 on SQLite and PostgreSQL holding the same rows; prints the table."""
    key = f"{args.versions}x{args.providers}x{args.per_pact}"
    seeded = WORK / f"engines-{key}.sqlite"
    if not seeded.exists():
        print(f"seeding {seeded} (once) ...", file=sys.stderr)
        partial = seeded.with_suffix(".partial")
        for stale in WORK.glob(f"{partial.name}*"):
            stale.unlink()
        seed(partial, args.versions, args.providers, args.per_pact)
        partial.rename(seeded)

    latency: dict[str, dict[str, list[float]]] = {}
    cpu: dict[str, list[float]] = {}
    with new_database(server) as url:
        rows = copy_rows(seeded, url)
        for engine, db in (("SQLite", str(seeded)), ("PostgreSQL", url)):
            with serve(db) as (broker,):
                can_i_deploy_latency(broker, args.versions, args.per_pact, 20)  # warm caches
                floor_latency(broker, 50)
                watched = PIDS + (postgres_pids(server) if engine == "PostgreSQL" else [])
                before = cpu_seconds(PIDS), cpu_seconds(watched)
                seam, _ = can_i_deploy_latency(broker, args.versions, args.per_pact, args.queries)
                after = cpu_seconds(PIDS), cpu_seconds(watched)
                spent = zip(after, before, strict=True)
                cpu[engine] = [(a - b) * 1000 / args.queries for a, b in spent]
                latency[engine] = {"can-i-deploy": seam, "floor": floor_latency(broker, 300)}

    results = args.versions * args.providers * args.per_pact
    print(
        f"Embedded broker, {args.versions} consumer versions × {args.providers} providers, "
        f"{results:,} verification results ({rows:,} rows copied to PostgreSQL)\n"
    )
    print(
        "| engine | can-i-deploy p50 | p99 | floor p50 (GET /) | p50 − floor "
        "| CPU per can-i-deploy: broker | broker + database server |"
    )
    print("|---|---|---|---|---|---|---|")
    for engine, found in latency.items():
        p50, p99 = _pct(found["can-i-deploy"], 0.5), _pct(found["can-i-deploy"], 0.99)
        floor = _pct(found["floor"], 0.5)
        own, whole = cpu[engine]
        print(
            f"| {engine} | {p50:.1f} ms | {p99:.1f} ms | {floor:.1f} ms | {p50 - floor:.1f} ms "
            f"| {own:.1f} ms | {whole:.1f} ms |"
        )
    pg, lite = latency["PostgreSQL"]["can-i-deploy"], latency["SQLite"]["can-i-deploy"]
    print(f"\nPostgreSQL p50 / SQLite p50: {_pct(pg, 0.5) / _pct(lite, 0.5):.2f}\n")


def measure_publish(args: argparse.Namespace, server: str, cap: CpuCap | None) -> None:
    """Publish throughput, 1 and 3 PostgreSQL instances in each round; prints the table."""
    labels = ("SQLite, 1 instance", "PostgreSQL, 1 instance", "PostgreSQL, 3 instances")
    rates: dict[str, list[float]] = {label: [] for label in labels}
    cores: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    for _ in range(args.rounds):
        sqlite_db = WORK / f"publish-{uuid.uuid4().hex[:8]}.sqlite"
        with serve(str(sqlite_db), cap=cap) as urls:
            rate, _, busy = publish_rate(urls, args.clients, args.publishes, server)
            rates[labels[0]].append(rate)
            cores[labels[0]].append(busy)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)
        for count, label in ((1, labels[1]), (3, labels[2])):
            with new_database(server) as url, serve(url, count, cap) as urls:
                rate, ok, busy = publish_rate(urls, args.clients, args.publishes, server)
                assert ok == args.clients * args.publishes, f"{ok} publishes succeeded"
                rates[label].append(rate)
                cores[label].append(busy)

    capped = f", each instance capped at {args.instance_cpu} core" if cap else ""
    print(
        f"| publish ({args.clients} client processes × {args.publishes}, 1 pact each{capped}) "
        "| pacts/s per round | best | cores busy: brokers | PostgreSQL | clients "
        "| whole machine |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, values in rates.items():
        shown = ", ".join(f"{v:.0f}" for v in values)
        # The mean over the rounds: how much of the machine each side took.
        busy = {side: sum(c[side] for c in cores[label]) / len(values) for side in SIDES}
        print(
            f"| {label} | {shown} | {max(values):.0f} | "
            + " | ".join(f"{busy[side]:.2f}" for side in SIDES)
            + " |"
        )
    one, three = rates[labels[1]], rates[labels[2]]
    ratios = [b / a for a, b in zip(one, three, strict=True)]
    print(
        "\n3 instances / 1 instance (same round): "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"; best / best {max(three) / max(one):.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="server URL (no database name)")
    parser.add_argument("--versions", type=int, default=1000, help="consumer versions")
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--per-pact", type=int, default=10, help="verification results per pact")
    parser.add_argument("--queries", type=int, default=300, help="can-i-deploy calls to time")
    parser.add_argument("--clients", type=int, default=6, help="publishing client processes")
    parser.add_argument("--publishes", type=int, default=60, help="publishes per client")
    parser.add_argument("--rounds", type=int, default=2, help="1- and 3-instance rounds")
    parser.add_argument(
        "--instance-cpu",
        type=float,
        metavar="FRACTION",
        help="cap each broker process at this much of one core (its own cgroup), e.g. 0.25",
    )
    parser.add_argument(
        "--publish-only", action="store_true", help="skip can-i-deploy (and its seeding)"
    )
    args = parser.parse_args()
    server = args.postgres.rstrip("/")
    # Checked first: a machine without cgroups is told before any seeding.
    cap = CpuCap(args.instance_cpu) if args.instance_cpu is not None else None

    WORK.mkdir(parents=True, exist_ok=True)
    if not args.publish_only:
        measure_latency(args, server)
    measure_publish(args, server, cap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
