"""Write locking by key (seam.server._locks): who waits for whom, and the races keys prevent.

Two storages on one database stand for two broker instances. The races run on both engines:
SQLite serialises every writer anyway, PostgreSQL only the writers naming a common key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from seam.server import BrokerService, Storage

from .conftest import publish_body

Services = tuple[BrokerService, BrokerService]


@pytest.fixture
def two_instances(broker_database: str | Path) -> Iterator[Services]:
    """Two services, each on its own storage of one database (two broker instances)."""
    storages = [Storage(broker_database), Storage(broker_database)]
    try:
        yield BrokerService(storages[0]), BrokerService(storages[1])
    finally:
        for storage in storages:
            storage.close()


@pytest.fixture
def pg_storages(broker_postgres: str) -> Iterator[tuple[Storage, Storage]]:
    """Two PostgreSQL storages on one database."""
    first, second = Storage(broker_postgres), Storage(broker_postgres)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def _holding(storage: Storage, keys: list[str]) -> tuple[threading.Event, threading.Event]:
    """Open a write naming ``keys`` in a thread and keep it open; returns (entered, release)."""
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with storage.write(keys=keys):
            entered.set()
            release.wait(30)

    threading.Thread(target=hold, daemon=True).start()
    assert entered.wait(30)
    return entered, release


def _finishes(storage: Storage, keys: list[str], within: float) -> bool:
    """Whether a write naming ``keys`` commits within ``within`` seconds."""
    done = threading.Event()

    def write() -> None:
        with storage.write(keys=keys) as conn:
            conn.execute("SELECT 1")
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(within)


def test_writers_with_no_key_in_common_run_at_once(pg_storages: tuple[Storage, Storage]) -> None:
    """While one instance's write holds key a, another's write naming only b commits."""
    first, second = pg_storages
    _, release = _holding(first, ["pacticipant:a"])
    try:
        assert _finishes(second, ["pacticipant:b"], within=10)
    finally:
        release.set()


def test_writers_naming_one_key_take_turns(pg_storages: tuple[Storage, Storage]) -> None:
    """A write naming a held key waits until the holder commits, then commits."""
    first, second = pg_storages
    _, release = _holding(first, ["pacticipant:a", "pacticipant:b"])
    done = threading.Event()

    def write() -> None:
        with second.write(keys=["pacticipant:b"]):
            pass
        done.set()

    threading.Thread(target=write, daemon=True).start()
    waited = not done.wait(1)
    release.set()
    assert waited and done.wait(10)


def test_a_write_naming_no_key_runs_alone(pg_storages: tuple[Storage, Storage]) -> None:
    """A keyless write waits for a keyed one, and keyed writes wait for it in turn."""
    first, second = pg_storages
    _, release = _holding(first, ["pacticipant:a"])
    alone_done = threading.Event()
    alone_entered, alone_release = threading.Event(), threading.Event()

    def alone() -> None:
        with second.write():
            alone_entered.set()
            alone_release.wait(30)
        alone_done.set()

    threading.Thread(target=alone, daemon=True).start()
    blocked_by_keyed = not alone_entered.wait(1)
    release.set()
    assert blocked_by_keyed and alone_entered.wait(10)
    try:
        assert not _finishes(first, ["pacticipant:b"], within=1)
    finally:
        alone_release.set()
    assert alone_done.wait(10)


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job at once from its own thread; returns their results in order."""
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        start.wait(30)
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_one_consumer_version_published_to_two_providers_at_once(
    two_instances: Services, unique: Callable[[str], str]
) -> None:
    """Publishes of one new consumer version, to two providers, on two instances: one version."""
    consumer, providers = unique("web"), [unique("api"), unique("auth")]
    jobs = [
        (
            lambda s=service, p=provider: s.publish_contracts(
                publish_body(consumer, "1.0.0", [p], branch="main", tags=["prod"])
            )
        )
        for service in two_instances
        for provider in providers
    ] * 4
    results = _race(jobs)
    assert sum(r["version_created"] for r in results) == 1
    service = two_instances[0]
    version = service.get_version(consumer, "1.0.0")
    assert sorted(p["provider"] for p in version["pacts"]) == sorted(providers)
    assert [t["name"] for t in version["tags"]] == ["prod"]
    assert [b["name"] for b in version["branches"]] == ["main"]


def test_new_pacticipants_named_in_opposite_orders_at_once(
    two_instances: Services, unique: Callable[[str], str]
) -> None:
    """Two consumers each naming the other and a new provider, in either order: all stored."""
    trios = [(unique("web"), unique("mobile"), unique("api")) for _ in range(4)]
    jobs: list[Callable[[], Any]] = []
    for first, second, shared in trios:
        jobs += [
            lambda a=first, b=second, c=shared: two_instances[0].publish_contracts(
                publish_body(a, "1", [c, b])
            ),
            lambda a=first, b=second, c=shared: two_instances[1].publish_contracts(
                publish_body(b, "1", [a, c])
            ),
        ]
    _race(jobs * 2)
    names = {p["name"] for p in two_instances[0].list_pacticipants()}
    for first, second, shared in trios:
        assert {first, second, shared} <= names
        assert len(two_instances[1].pact_versions(shared, first)) == 1


def test_one_version_deployed_to_one_instance_at_once(
    two_instances: Services, unique: Callable[[str], str]
) -> None:
    """Deployments of two versions to one application instance, raced: exactly one is current."""
    service = two_instances[0]
    name = unique("api")
    env, _ = service.save_environment({"name": unique("production")})
    for number in ("1", "2"):
        service.save_version(name, number, {})
    jobs = [
        (lambda s=s, n=n: s.record_deployment(name, n, env["uuid"], {"applicationInstance": "a"}))
        for s in two_instances
        for n in ("1", "2")
    ] * 3
    _race(jobs)
    _, current = service.currently_deployed(env["uuid"], name)
    assert len(current) == 1


def test_one_version_released_at_once(
    two_instances: Services, unique: Callable[[str], str]
) -> None:
    """Releases of one version to one environment, raced: one record, created once."""
    service = two_instances[0]
    name = unique("api")
    env, _ = service.save_environment({"name": unique("production")})
    service.save_version(name, "1", {})
    jobs = [(lambda s=s: s.record_release(name, "1", env["uuid"])) for s in two_instances] * 4
    created = [made for _, made in _race(jobs)]
    _, current = service.currently_supported(env["uuid"], name)
    assert created.count(True) == 1 and len(current) == 1
