"""Embedded broker under load: publish throughput and can-i-deploy latency over loopback.

Starts ``contracts broker serve`` on a free port, fills it through its own HTTP API with
N consumer versions × P providers (one pact each, content changing every version) and
V verification results per pact, records every provider's newest version as deployed to
``production``, then measures with Seam's client (``seam.broker``):

- publish: pacts/s, one ``POST /contracts/publish`` per consumer version carrying P pacts
  (the seeding itself), and one pact per request for a fresh consumer;
- can-i-deploy: p50/p99 of ``can_i_deploy(..., to_environment="production")`` for random
  consumer versions; and, command against command on a sample (process start included),
  the official Rust CLI's ``pact broker can-i-deploy`` and ``contracts can-i-deploy``.

    .venv/bin/python bench/broker.py                    # 1,000 × 10, 100,000 results
    .venv/bin/python bench/broker.py --versions 100     # a quick run

The seeded database is kept in bench/.work/ and reused when the sizes match (--reseed
to rebuild it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from seam.broker import (
    BrokerClient,
    PactFile,
    Selector,
    can_i_deploy,
    create_environment,
    links,
    publish,
    record_deployment,
)
from seam.verify._provider import free_port

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
BIN = Path(sys.executable).parent
CONSUMER = "web"


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """Run ``contracts broker serve --db db`` on a free port; yield its URL."""
    port = free_port()
    log = (WORK / "broker-bench.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "contracts"), "broker", "serve", "--db", str(db), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the broker did not start; see bench/.work/broker-bench.log")
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
        log.close()


def pact_doc(consumer: str, provider: str, version: int) -> dict[str, Any]:
    """The benchmarks' pact: one interaction, its content changing with ``version``."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"get thing {version}",
                "request": {"method": "GET", "path": f"/things/{version}"},
                "response": {"status": 200, "body": {"id": version}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def _pact(consumer: str, provider: str, version: int) -> PactFile:
    content = json.dumps(pact_doc(consumer, provider, version)).encode()
    return PactFile(Path(f"{consumer}-{provider}.json"), consumer, provider, content)


def seed(url: str, versions: int, providers: int, per_pact: int, workers: int) -> dict[str, Any]:
    """Fill the broker; return the publish figures measured along the way."""
    names = [f"provider-{i}" for i in range(providers)]
    with BrokerClient(url) as client:
        create_environment(client, "production")
        started = time.perf_counter()
        pact_urls: list[str] = []
        for v in range(versions):
            result = publish(client, [_pact(CONSUMER, p, v) for p in names], f"1.0.{v}")
            pact_urls += [u for _, _, u in result.pacts]
        publish_seconds = time.perf_counter() - started

    rng = random.Random(7)

    def verify(index_url: tuple[int, str]) -> None:
        index, pact_url = index_url
        v = index // providers
        with BrokerClient(url) as c:
            target = links(c.get(pact_url), "pb:publish-verification-results")[0]["href"]
            for k in range(per_pact):
                # Provider version v+k verified consumer version v: each provider version
                # meets several consumer versions, as in a real history. 1 in 10 fails.
                c.post(
                    target,
                    {
                        "success": rng.random() > 0.1 or k == per_pact - 1,
                        "providerApplicationVersion": f"2.0.{v + k}",
                    },
                )

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(verify, enumerate(pact_urls)))
    verify_seconds = time.perf_counter() - started

    deploy_providers(url, versions, providers)
    return {
        "publish_pacts": len(pact_urls),
        "publish_seconds": publish_seconds,
        "verifications": len(pact_urls) * per_pact,
        "verify_seconds": verify_seconds,
    }


def deploy_providers(url: str, versions: int, providers: int) -> None:
    """Put each provider's version 2.0.(N-1) in production: it verified the newest consumers."""
    with BrokerClient(url) as client:
        for i in range(providers):
            record_deployment(client, f"provider-{i}", f"2.0.{versions - 1}", "production")


def single_pact_publish(url: str, count: int) -> float:
    """Pacts/s publishing one pact per request, for a fresh consumer."""
    with BrokerClient(url) as client:
        started = time.perf_counter()
        for i in range(count):
            publish(client, [_pact("mobile", f"provider-{i % 10}", i)], f"3.0.{i}")
        return count / (time.perf_counter() - started)


def can_i_deploy_latency(
    url: str, versions: int, per_pact: int, queries: int
) -> tuple[list[float], Counter[str]]:
    """Seconds per can-i-deploy call (Seam's client, one keep-alive connection), and verdicts.

    Half the questions are about the newest consumer versions, which the provider version
    in production has verified (deployable); half about any version (mostly unknown).
    """
    rng = random.Random(11)
    timings = []
    verdicts: Counter[str] = Counter()
    with BrokerClient(url) as client:
        for i in range(queries):
            low = versions - per_pact if i % 2 else 0
            selector = Selector(CONSUMER, version=f"1.0.{rng.randrange(low, versions)}")
            started = time.perf_counter()
            result = can_i_deploy(client, selector, to_environment="production")
            timings.append(time.perf_counter() - started)
            verdicts[{True: "yes", False: "no"}.get(result.deployable, "unknown")] += 1
    return timings, verdicts


def command_latency(url: str, versions: int, queries: int) -> dict[str, list[float]]:
    """Seconds per can-i-deploy *command* (process start included), Rust CLI and Seam's.

    The two commands alternate on the same random versions, so the comparison is like
    for like: both pay for starting a process (and Seam for Python importing httpx).
    """
    rng = random.Random(13)
    commands = {
        "rust": [str(BIN / "pact"), "broker", "can-i-deploy", "--retries", "0"],
        "seam": [str(BIN / "contracts"), "can-i-deploy"],
    }
    question = ["-a", CONSUMER, "--to-environment", "production", "-b", url]
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(queries):
        version = f"1.0.{rng.randrange(versions)}"
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(
                [*command, *question, "-e", version],
                capture_output=True,
                check=False,
            )
            timings[name].append(time.perf_counter() - started)
    return timings


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000, help="consumer versions")
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--per-pact", type=int, default=10, help="verification results per pact")
    parser.add_argument("--queries", type=int, default=500, help="can-i-deploy calls to time")
    parser.add_argument("--rust-queries", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="threads seeding verifications")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    key = f"{args.versions}x{args.providers}x{args.per_pact}"
    seeded = WORK / f"broker-{key}.sqlite"
    db = WORK / "broker-run.sqlite"
    figures: dict[str, Any] = {}
    if args.reseed or not seeded.exists():
        for stale in WORK.glob(f"broker-{key}.sqlite*"):
            stale.unlink()
        with serve(seeded) as url:
            figures = seed(url, args.versions, args.providers, args.per_pact, args.workers)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(seeded, db)

    with serve(db) as url:
        deploy_providers(url, args.versions, args.providers)  # idempotent: replaces the last
        can_i_deploy_latency(url, args.versions, args.per_pact, 20)  # warm the page cache
        seam, verdicts = can_i_deploy_latency(url, args.versions, args.per_pact, args.queries)
        commands = command_latency(url, args.versions, args.rust_queries)
        rust = commands["rust"]
        single = single_pact_publish(url, 200)

    print(
        f"Embedded broker: {args.versions} consumer versions × {args.providers} providers, "
        f"{args.versions * args.providers * args.per_pact:,} verification results\n"
    )
    print("| measure | value | target |")
    print("|---|---|---|")
    answers = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
    print(f"| can-i-deploy answers ({args.queries} questions) | {answers} | |")
    print(f"| can-i-deploy p50, Seam client over loopback | {_pct(seam, 0.5):.1f} ms | ≤ 20 ms |")
    print(f"| can-i-deploy p99, Seam client over loopback | {_pct(seam, 0.99):.1f} ms | ≤ 100 ms |")
    print(
        f"| can-i-deploy p50, Rust `pact broker` CLI (process start included) "
        f"| {_pct(rust, 0.5):.1f} ms | (anchor) |"
    )
    print(
        "| ratio Seam client p50 / Rust CLI p50 (not like for like: an in-process call "
        f"against a whole process) | {_pct(seam, 0.5) / _pct(rust, 0.5):.2f} | |"
    )
    seam_cli = _pct(commands["seam"], 0.5)
    print(
        f"| can-i-deploy p50, `contracts can-i-deploy` command (process start included) "
        f"| {seam_cli:.1f} ms | |"
    )
    print(f"| ratio command / command, Seam / Rust CLI | {seam_cli / _pct(rust, 0.5):.2f} | |")
    print(f"| publish, 1 pact per request | {single:.0f} pacts/s | ≥ 100 pacts/s |")
    if figures:
        rate = figures["publish_pacts"] / figures["publish_seconds"]
        print(
            f"| publish, {args.providers} pacts per request (seeding) | {rate:.0f} pacts/s "
            "| ≥ 100 pacts/s |"
        )
        vrate = figures["verifications"] / figures["verify_seconds"]
        print(f"| verification results, {args.workers} thread(s) (seeding) | {vrate:.0f} /s | |")
    else:
        print("| publish, many pacts per request | (seeded earlier; run with --reseed) | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
