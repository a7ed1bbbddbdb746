"""The embedded broker on PostgreSQL beside SQLite: can-i-deploy latency, publish throughput.

Issue 12's figures, measured in one run:

- can-i-deploy p50/p99 (Seam's client over loopback, ``to_environment="production"``) at
  N consumer versions × P providers with V verification results per pact (1,000 × 10 ×
  10 = 100,000 results by default), on SQLite and on PostgreSQL holding the *same rows*,
  against the floor: the index (``GET /``, no database) on the same server stack;
- publish throughput on PostgreSQL with 1 and 3 ``contracts broker serve`` instances on
  one database (client processes spread over the instances, one pact per request), and
  SQLite's single instance for reference.

The data is seeded once into ``bench/.work/engines-N×P×V.sqlite`` through the broker's
service (as ``seam.server`` documents for seeding) and copied row for row into a new
PostgreSQL database; ``--postgres`` is a server URL whose user may create databases::

    .venv/bin/python bench/broker_postgres.py --postgres postgresql://postgres@127.0.0.1:5432
    .venv/bin/python bench/broker_postgres.py --postgres URL --versions 100   # a quick run
"""

from __future__ import annotations

import argparse
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
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


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
def serve(db: str, count: int = 1) -> Iterator[list[str]]:
    """Run ``count`` ``contracts broker serve`` processes on ``db``; yield their URLs.

    ``PIDS`` holds the processes' ids while they run.
    """
    with ExitStack() as stack:
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


def floor_latency(url: str, queries: int) -> list[float]:
    """Seconds per ``GET /`` (the index: routing, HAL and HTTP, no database)."""
    timings = []
    with BrokerClient(url) as client:
        for _ in range(queries):
            started = time.perf_counter()
            client.get("/")
            timings.append(time.perf_counter() - started)
    return timings


def _publish_many(job: tuple[list[str], int, int]) -> tuple[float, float, int]:
    """One client process: ``count`` publishes of one pact, round robin over ``urls``."""
    urls, client_index, count = job
    import base64
    import json

    clients = [httpx.Client(base_url=u, timeout=60) for u in urls]
    consumer = f"publisher-{client_index}"
    ok = 0
    started = time.monotonic()
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
    ended = time.monotonic()
    for client in clients:
        client.close()
    return started, ended, ok


def publish_rate(urls: list[str], clients: int, per_client: int) -> tuple[float, int]:
    """Pacts per second for ``clients`` processes publishing at once; and how many succeeded."""
    with ProcessPoolExecutor(clients) as pool:
        # Start the workers first, so process start-up is not counted.
        list(pool.map(abs, range(clients)))
        results = list(pool.map(_publish_many, [(urls, i, per_client) for i in range(clients)]))
    first = min(r[0] for r in results)
    last = max(r[1] for r in results)
    ok = sum(r[2] for r in results)
    return ok / (last - first), ok


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
    args = parser.parse_args()
    server = args.postgres.rstrip("/")

    WORK.mkdir(parents=True, exist_ok=True)
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

    rates: dict[str, list[float]] = {"SQLite, 1 instance": [], "1 instance": [], "3 instances": []}
    for _ in range(args.rounds):
        sqlite_db = WORK / f"publish-{uuid.uuid4().hex[:8]}.sqlite"
        with serve(str(sqlite_db)) as urls:
            rates["SQLite, 1 instance"].append(publish_rate(urls, args.clients, args.publishes)[0])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)
        for count, label in ((1, "1 instance"), (3, "3 instances")):
            with new_database(server) as url, serve(url, count) as urls:
                rate, ok = publish_rate(urls, args.clients, args.publishes)
                assert ok == args.clients * args.publishes, f"{ok} publishes succeeded"
                rates[label].append(rate)

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
    print(
        f"| publish ({args.clients} client processes × {args.publishes}, 1 pact each) "
        "| pacts/s per round | best |"
    )
    print("|---|---|---|")
    for label, values in rates.items():
        shown = ", ".join(f"{v:.0f}" for v in values)
        engine = label if label.startswith("SQLite") else f"PostgreSQL, {label}"
        print(f"| {engine} | {shown} | {max(values):.0f} |")
    ratios = [
        three / one for one, three in zip(rates["1 instance"], rates["3 instances"], strict=True)
    ]
    print(
        "\n3 instances / 1 instance (same round): "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"; best / best {max(rates['3 instances']) / max(rates['1 instance']):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
