"""Reliability: concurrent publishes all land; a broker killed mid-publish reopens consistent."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from seam.broker import BrokerClient, collect_pact_files, publish
from seam.errors import BrokerError, BrokerUnreachable

PROVIDERS = ("api", "billing", "search")


def _stored(client: BrokerClient, consumer: str, version: str) -> set[str]:
    """The providers the broker holds a pact for, for this consumer version."""
    found = set()
    for provider in PROVIDERS:
        pact = client.get_or_none(
            f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
        )
        if pact is not None:
            found.add(provider)
    return found


def test_fifty_concurrent_publishes_are_all_stored(
    broker_process: Any, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """50 publishes of distinct versions at once: every version and pact is stored."""
    url = broker_process.url
    consumer = unique("web")
    pacts = collect_pact_files([write_pact(consumer, p) for p in PROVIDERS])
    versions = [f"1.0.{i}" for i in range(50)]

    def send(version: str) -> None:
        with BrokerClient(url, timeout=60) as client:
            publish(client, pacts, version)

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(send, versions))
    with BrokerClient(url) as client:
        missing = {v: set(PROVIDERS) - _stored(client, consumer, v) for v in versions}
    assert {v: m for v, m in missing.items() if m} == {}


def test_sigkill_mid_publish_reopens_consistent(
    broker_process: Any, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """After SIGKILL during publishing, every acknowledged publish is whole and the DB is sound."""
    proc = broker_process
    url = proc.url
    consumer = unique("web")
    pacts = collect_pact_files([write_pact(consumer, p) for p in PROVIDERS])
    acknowledged: list[str] = []
    attempted: list[str] = []
    enough = threading.Event()

    def publisher() -> None:
        with BrokerClient(url, timeout=10) as client:
            for i in range(10_000):
                version = f"2.0.{i}"
                attempted.append(version)
                try:
                    publish(client, pacts, version)
                except (BrokerUnreachable, BrokerError):
                    return
                acknowledged.append(version)
                if len(acknowledged) == 20:
                    enough.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    assert enough.wait(60), "the broker did not acknowledge 20 publishes"
    proc.kill()
    thread.join(30)

    db = proc.db
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    url = proc.start()
    with BrokerClient(url) as client:
        lost = [v for v in acknowledged if _stored(client, consumer, v) != set(PROVIDERS)]
        # The publish in flight at the kill is all there or not there at all.
        torn = [v for v in attempted if _stored(client, consumer, v) not in (set(), set(PROVIDERS))]
    assert (lost, torn) == ([], [])
