"""Several broker instances on one PostgreSQL database, as teams run them behind a balancer.

Three ``contracts broker serve`` processes share a database; clients are spread over them.
Writes racing on different instances must neither lose nor duplicate anything, every
instance must give the same answers, and killing one must cost only its in-flight request.
"""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from ..conftest import new_postgres_database
from .conftest import BrokerProcess

PACT = str(Path(sys.executable).parent / "pact")
HAL = {"Accept": "application/hal+json", "Content-Type": "application/json"}


@contextmanager
def _three(server: str, logs: Path) -> Iterator[list[BrokerProcess]]:
    with new_postgres_database(server, "seam_instances") as url:
        started = [BrokerProcess(url, logs / f"broker-{i}.log") for i in range(3)]
        try:
            # Started together, as a deployment rolls out: they race to migrate (one does).
            with ThreadPoolExecutor(3) as pool:
                list(pool.map(BrokerProcess.start, started))
            yield started
        finally:
            for instance in started:
                instance.kill()


@pytest.fixture(scope="module")
def instances(
    postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[BrokerProcess]]:
    """Three broker processes on one new PostgreSQL database (each links to itself)."""
    with _three(postgres_server, tmp_path_factory.mktemp("instances")) as started:
        yield started


@pytest.fixture
def own_instances(postgres_server: str, tmp_path: Path) -> Iterator[list[BrokerProcess]]:
    """Three broker processes of this test's own (it kills one)."""
    with _three(postgres_server, tmp_path) as started:
        yield started


def _pact(consumer: str, provider: str, description: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/things/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def _body(consumer: str, version: str, provider: str, description: str) -> dict[str, Any]:
    pact = _pact(consumer, provider, description)
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(pact).encode()).decode(),
            }
        ],
    }


def _path(href: str) -> str:
    """The path (and query) of an absolute href, to send it to another instance."""
    return "/" + href.split("://", 1)[1].split("/", 1)[1]


def _counts(url: str, names: list[str]) -> dict[str, int]:
    """Rows of each table that belong to the pacticipants ``names``."""
    queries = {
        "pacticipants": "SELECT COUNT(*) FROM pacticipants WHERE name = ANY(%(n)s)",
        "versions": "SELECT COUNT(*) FROM versions v JOIN pacticipants p "
        "ON p.id = v.pacticipant_id WHERE p.name = ANY(%(n)s)",
        "branch_versions": "SELECT COUNT(*) FROM branch_versions bv JOIN versions v "
        "ON v.id = bv.version_id JOIN pacticipants p ON p.id = v.pacticipant_id "
        "WHERE p.name = ANY(%(n)s)",
        "pact_publications": "SELECT COUNT(*) FROM pact_publications pp JOIN versions v "
        "ON v.id = pp.consumer_version_id JOIN pacticipants p ON p.id = v.pacticipant_id "
        "WHERE p.name = ANY(%(n)s)",
        "pact_versions": "SELECT COUNT(*) FROM pact_versions pv JOIN pacticipants p "
        "ON p.id = pv.consumer_id WHERE p.name = ANY(%(n)s)",
    }
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(sql, {"n": names}).fetchone()[0]  # type: ignore[index]
            for table, sql in queries.items()
        }


def test_two_hundred_concurrent_publishes_over_three_instances(
    instances: list[BrokerProcess], unique: Callable[[str], str]
) -> None:
    """200 publishes spread over 3 instances, half repeating others: nothing lost or doubled."""
    consumers = [unique("web"), unique("mobile")]
    provider = unique("api")
    # 100 different (consumer, version) pairs, each published twice, on different instances.
    jobs = [(c, f"1.0.{i}") for c in consumers for i in range(50)] * 2
    urls = itertools.cycle([p.url for p in instances])
    work = [(next(urls), consumer, version) for consumer, version in jobs]

    def send(job: tuple[str, str, str]) -> int:
        url, consumer, version = job
        body = _body(consumer, version, provider, "get thing")
        response = httpx.post(f"{url}/contracts/publish", json=body, headers=HAL, timeout=60)
        return response.status_code

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(send, work))
    assert set(statuses) == {200}, statuses
    assert _counts(str(instances[0].db), [*consumers, provider]) == {
        "pacticipants": 3,
        "versions": 100,
        "branch_versions": 100,
        "pact_publications": 100,
        "pact_versions": 2,
    }


def test_concurrent_verifications_get_distinct_numbers(
    instances: list[BrokerProcess], unique: Callable[[str], str]
) -> None:
    """Verification results posted at once to every instance each get their own number."""
    consumer, provider = unique("web"), unique("api")
    published = httpx.post(
        f"{instances[0].url}/contracts/publish",
        json=_body(consumer, "1.0.0", provider, "get thing"),
        headers=HAL,
        timeout=30,
    )
    assert published.status_code == 200
    pact = httpx.get(
        f"{instances[1].url}/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0",
        headers=HAL,
        timeout=30,
    ).json()
    target = _path(pact["_links"]["pb:publish-verification-results"]["href"])

    def verify(index: int) -> int:
        url = instances[index % 3].url
        body = {"success": True, "providerApplicationVersion": f"2.0.{index}"}
        response = httpx.post(url + target, json=body, headers=HAL, timeout=60)
        assert response.status_code == 201, response.text
        return int(response.json()["_links"]["self"]["href"].rsplit("/", 1)[1])

    with ThreadPoolExecutor(30) as pool:
        numbers = list(pool.map(verify, range(60)))
    assert sorted(numbers) == list(range(1, 61))


def test_every_instance_answers_alike(
    instances: list[BrokerProcess], unique: Callable[[str], str]
) -> None:
    """can-i-deploy and pacts-for-verification are the same document from every instance."""
    consumer, provider = unique("web"), unique("api")
    first = instances[0].url
    for version, description in (("1.0.0", "get thing"), ("1.0.1", "get other thing")):
        response = httpx.post(
            f"{first}/contracts/publish",
            json=_body(consumer, version, provider, description),
            headers=HAL,
            timeout=30,
        )
        assert response.status_code == 200
    pact = httpx.get(
        f"{instances[1].url}/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0",
        headers=HAL,
        timeout=30,
    ).json()
    target = _path(pact["_links"]["pb:publish-verification-results"]["href"])
    verified = httpx.post(
        instances[2].url + target,
        json={"success": True, "providerApplicationVersion": "2.0.0"},
        headers=HAL,
        timeout=30,
    )
    assert verified.status_code == 201
    # can-i-deploy as the Rust CLI asks it (--latest: against the provider's latest version).
    question = [
        ("q[][pacticipant]", consumer),
        ("q[][version]", "1.0.0"),
        ("latestby", "cvpv"),
        ("latest", "true"),
    ]
    selection = {"consumerVersionSelectors": [{"branch": "main", "latest": False}]}
    answers = []
    for instance in instances:
        deploy = httpx.get(f"{instance.url}/matrix", params=question, headers=HAL, timeout=30)
        pacts = httpx.post(
            f"{instance.url}/pacts/provider/{provider}/for-verification",
            json=selection,
            headers=HAL,
            timeout=30,
        )
        # Each instance links to its own address; the documents are otherwise the same.
        same = [json.loads(r.text.replace(instance.url, "http://broker")) for r in (deploy, pacts)]
        answers.append((deploy.status_code, same[0], pacts.status_code, same[1]))
    assert answers[0][1]["summary"]["deployable"] is True
    assert len(answers[0][3]["_embedded"]["pacts"]) == 2
    assert answers[1] == answers[0] and answers[2] == answers[0]


def test_sigkill_of_one_instance_loses_no_acknowledged_write(
    own_instances: list[BrokerProcess], unique: Callable[[str], str]
) -> None:
    """One instance SIGKILLed mid-burst: every acknowledged publish is stored, the rest serve."""
    instances = own_instances
    consumer, provider = unique("web"), unique("api")
    failures: list[str] = []
    acknowledged: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    enough = threading.Event()
    stop = threading.Event()

    def publisher(instance: BrokerProcess) -> None:
        with httpx.Client(timeout=10, headers=HAL) as client:
            while not stop.is_set():
                version = f"1.0.{next(counter)}"
                body = _body(consumer, version, provider, "get thing")
                try:
                    response = client.post(f"{instance.url}/contracts/publish", json=body)
                except httpx.TransportError as exc:
                    # The killed instance's in-flight request is unacknowledged; any other
                    # instance failing to answer is a failure.
                    if instance is not instances[0]:
                        failures.append(f"{instance.url}: {exc!r}")
                    return
                if response.status_code != 200:
                    failures.append(f"{instance.url}: {response.status_code} {response.text}")
                    return
                with lock:
                    acknowledged.append(version)
                    if len(acknowledged) >= 30:
                        enough.set()

    threads = [threading.Thread(target=publisher, args=(i,)) for i in instances for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(60), "the instances did not acknowledge 30 publishes"
        instances[0].kill()
        after = len(acknowledged)
        deadline = threading.Event()
        deadline.wait(1.0)  # the survivors go on publishing after the kill
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert failures == []
    assert len(acknowledged) > after, "the surviving instances stopped serving"
    survivor = instances[1].url
    stored = {
        version
        for version in acknowledged
        if httpx.get(
            f"{survivor}/pacts/provider/{provider}/consumer/{consumer}/version/{version}",
            headers=HAL,
            timeout=30,
        ).status_code
        == 200
    }
    assert set(acknowledged) - stored == set()


def test_rust_cli_end_to_end_over_three_instances(
    instances: list[BrokerProcess], unique: Callable[[str], str], tmp_path: Path
) -> None:
    """The official `pact broker` CLI publishes, records and asks can-i-deploy across instances."""
    consumer, provider, env = unique("web"), unique("api"), unique("prod")
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / f"{consumer}-{provider}.json").write_text(json.dumps(_pact(consumer, provider, "a")))
    first, second, third = (i.url for i in instances)

    def pact_cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PACT, "broker", *args, "-b", url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    published = pact_cli("publish", str(pacts), "-a", "1.0.0", "--branch", "main", url=first)
    assert published.returncode == 0, published.stdout + published.stderr
    created = pact_cli("create-environment", "--name", env, url=second)
    assert created.returncode == 0, created.stdout + created.stderr
    pact = httpx.get(
        f"{third}/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0",
        headers=HAL,
        timeout=30,
    ).json()
    verified = httpx.post(
        third + _path(pact["_links"]["pb:publish-verification-results"]["href"]),
        json={"success": True, "providerApplicationVersion": "2.0.0"},
        headers=HAL,
        timeout=30,
    )
    assert verified.status_code == 201
    deployed = pact_cli(
        "record-deployment", "-a", provider, "-e", "2.0.0", "--environment", env, url=first
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    answer = pact_cli(
        "can-i-deploy", "-a", consumer, "-e", "1.0.0", "--to-environment", env, url=second
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "Computer says yes" in answer.stdout
