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


class Write:
    """A write transaction run in a thread: ``entered`` once it holds its locks; it commits
    when ``release`` is set, then sets ``done``."""

    def __init__(self, storage: Storage, keys: list[str], *, hold: bool) -> None:
        self.entered, self.release, self.done = (threading.Event() for _ in range(3))
        if not hold:
            self.release.set()
        self.thread = threading.Thread(target=self._run, args=(storage, keys), daemon=True)
        self.thread.start()

    def _run(self, storage: Storage, keys: list[str]) -> None:
        with storage.write(keys=keys) as conn:
            conn.execute("SELECT 1")
            self.entered.set()
            self.release.wait(30)
        self.done.set()


@pytest.fixture
def writes(pg_storages: tuple[Storage, Storage]) -> Iterator[Callable[..., Write]]:
    """Start writes in threads; all are released and finished before the storages close."""
    started: list[Write] = []

    def start(storage: Storage, keys: list[str], *, hold: bool = False) -> Write:
        started.append(Write(storage, keys, hold=hold))
        return started[-1]

    yield start
    for write in started:
        write.release.set()
    for write in started:
        write.thread.join(30)


def test_writers_with_no_key_in_common_run_at_once(
    pg_storages: tuple[Storage, Storage], writes: Callable[..., Write]
) -> None:
    """While one instance's write holds key a, another's write naming only b commits."""
    first, second = pg_storages
    assert writes(first, ["pacticipant:a"], hold=True).entered.wait(30)
    assert writes(second, ["pacticipant:b"]).done.wait(10)


def test_writers_naming_one_key_take_turns(
    pg_storages: tuple[Storage, Storage], writes: Callable[..., Write]
) -> None:
    """A write naming a held key waits until the holder commits, then commits."""
    first, second = pg_storages
    holder = writes(first, ["pacticipant:a", "pacticipant:b"], hold=True)
    assert holder.entered.wait(30)
    waiting = writes(second, ["pacticipant:b"])
    waited = not waiting.done.wait(1)
    holder.release.set()
    assert waited and waiting.done.wait(10)


def test_a_write_naming_no_key_runs_alone(
    pg_storages: tuple[Storage, Storage], writes: Callable[..., Write]
) -> None:
    """A keyless write waits for a keyed one, and keyed writes wait for it in turn."""
    first, second = pg_storages
    keyed = writes(first, ["pacticipant:a"], hold=True)
    assert keyed.entered.wait(30)
    alone = writes(second, [], hold=True)
    blocked_by_keyed = not alone.entered.wait(1)
    keyed.release.set()
    assert blocked_by_keyed and alone.entered.wait(10)
    later = writes(first, ["pacticipant:b"])
    blocked_by_alone = not later.done.wait(1)
    alone.release.set()
    assert blocked_by_alone and later.done.wait(10)


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
