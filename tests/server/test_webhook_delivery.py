"""Webhook delivery: retries, the delivery log, exactly-once between instances, a killed one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seam.server import BrokerService, DeliverySettings, create_app
from seam.server._storage._migrations_sqlite import MIGRATIONS

from .conftest import Client, Receiver, publish_body

CONTRACTS = str(Path(sys.executable).parent / "contracts")


def _settings(**changes: Any) -> DeliverySettings:
    values: dict[str, Any] = {
        "retry_schedule": (0.05, 0.05),
        "poll_seconds": 0.02,
        "lease_seconds": 10,
        "timeout_seconds": 5,
    }
    values.update(changes)
    return DeliverySettings(**values)


def _hook(service: BrokerService, url: str, headers: dict[str, str] | None = None) -> str:
    row, _ = service.save_webhook(
        {
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": url,
                "headers": headers or {},
                "body": {"version": "${pactbroker.consumerVersionNumber}"},
            },
        }
    )
    uuid: str = row["uuid"]
    return uuid


def _publish(service: BrokerService, consumer: str, provider: str, version: str) -> None:
    service.publish_contracts(publish_body(consumer, version, [provider]))


def _deliveries(service: BrokerService) -> list[dict[str, Any]]:
    with service.storage.read() as conn:
        rows = conn.execute("SELECT * FROM webhook_deliveries ORDER BY id").fetchall()
        return [dict(row) for row in rows]


def _wait(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_failing_receiver_is_retried_then_failed_in_the_log(
    db_path: Path,
    run_app: Callable[..., Client],
    receiver: Receiver,
    unique: Callable[[str], str],
) -> None:
    """A receiver answering 500 gets the first attempt and each retry, then the log says failure."""
    client = run_app(create_app(db_path, webhooks=_settings()))
    service: BrokerService = client.app.state.service
    hook = _hook(service, receiver.url + "/broken", {"Authorization": "Bearer s3cret"})
    receiver.statuses["/broken"] = [500]
    _publish(service, unique("web"), unique("api"), "1.0.0")
    receiver.wait_for(3, "/broken")
    _wait(lambda: _deliveries(service)[0]["status"] == "failure")
    listed = client.get(f"/webhooks/{hook}/triggered-webhooks").json()
    (summary,) = listed["_embedded"]["triggeredWebhooks"]
    assert summary["status"] == "failure" and summary["attemptsMade"] == 3
    assert summary["responseStatus"] == 500
    assert summary["request"]["headers"]["Authorization"] == "**********"
    detail = client.get(summary["_links"]["self"]["href"]).json()
    assert [e["responseStatus"] for e in detail["executions"]] == [500, 500, 500]
    assert detail["executions"][0]["responseBody"] == "answer 500 to /broken"
    logs = client.get(summary["_links"]["pb:logs"]["href"]).json()["logs"]
    assert "attempt 3" in logs and "HTTP 500" in logs
    time.sleep(0.3)  # nothing more after the schedule ran out
    assert len(receiver.wait_for(3, "/broken")) == 3


def test_receiver_that_recovers_gets_the_delivery_on_retry(
    db_path: Path,
    run_app: Callable[..., Client],
    receiver: Receiver,
    unique: Callable[[str], str],
) -> None:
    """A 503 then a 200: the delivery succeeds on its second attempt."""
    client = run_app(create_app(db_path, webhooks=_settings()))
    service: BrokerService = client.app.state.service
    _hook(service, receiver.url + "/flaky")
    receiver.statuses["/flaky"] = [503, 200]
    _publish(service, unique("web"), unique("api"), "1.0.0")
    _wait(lambda: _deliveries(service)[0]["status"] == "success")
    (delivery,) = _deliveries(service)
    assert delivery["attempts"] == 2 and delivery["response_status"] == 200
    assert delivery["claimed_by"] is None


def test_unreachable_receiver_is_logged_as_an_error(
    db_path: Path, run_app: Callable[..., Client], unique: Callable[[str], str]
) -> None:
    """No server at the URL: each attempt logs the connection error, then failure."""
    client = run_app(create_app(db_path, webhooks=_settings(retry_schedule=(0.05,))))
    service: BrokerService = client.app.state.service
    _hook(service, "http://127.0.0.1:9/closed")
    _publish(service, unique("web"), unique("api"), "1.0.0")
    _wait(lambda: _deliveries(service)[0]["status"] == "failure")
    (delivery,) = _deliveries(service)
    assert delivery["attempts"] == 2 and "Connection" in delivery["error"]


def test_two_instances_send_each_delivery_exactly_once(
    db_path: Path,
    run_app: Callable[..., Client],
    receiver: Receiver,
    unique: Callable[[str], str],
) -> None:
    """Two apps with workers on one database: 120 deliveries, each received exactly once."""
    first = create_app(db_path, webhooks=_settings(batch=3, instance="one"))
    service: BrokerService = first.state.service
    _hook(service, receiver.url + "/once")
    consumer, provider = unique("web"), unique("api")
    for number in range(120):
        _publish(service, consumer, provider, f"1.0.{number}")
    run_app(first)
    run_app(create_app(db_path, webhooks=_settings(batch=3, instance="two")))
    got = receiver.wait_for(120, "/once")
    time.sleep(0.5)  # a duplicate would arrive within a poll or two
    versions = Counter(json.loads(r["body"])["version"] for r in receiver.wait_for(120, "/once"))
    assert len(got) == 120 and set(versions.values()) == {1}
    with service.storage.read() as conn:
        by_instance = dict(
            conn.execute("SELECT instance, COUNT(*) FROM webhook_attempts GROUP BY instance")
        )
    assert sum(by_instance.values()) == 120
    print(f"exactly once: 120 deliveries, 120 received, sent by instance {by_instance}")


def test_worker_runs_only_while_the_lifespan_runs(db_path: Path, portal: Any) -> None:
    """The delivery thread starts with the app's lifespan and stops when it ends."""
    app = create_app(db_path, webhooks=_settings())
    with portal.wrap_async_context_manager(app.router.lifespan_context(app)):
        dispatcher = app.state.dispatcher
        assert dispatcher.running
    assert not dispatcher.running


def test_app_without_settings_runs_no_worker(db_path: Path, portal: Any) -> None:
    """create_app without webhook settings leaves deliveries to instances that run a worker."""
    app = create_app(db_path)
    with portal.wrap_async_context_manager(app.router.lifespan_context(app)):
        assert app.state.dispatcher is None


@pytest.fixture
def serve_processes(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start `contracts broker serve` processes; each is stopped after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(db: Path, *extra: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [CONTRACTS, "broker", "serve", "--db", str(db), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None
        assert "listening on" in proc.stdout.readline()
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)
        if proc.stdout is not None:
            proc.stdout.close()


def test_delivery_claimed_by_a_killed_instance_is_sent_by_another(
    db_path: Path,
    receiver: Receiver,
    unique: Callable[[str], str],
    serve_processes: Callable[..., subprocess.Popen[str]],
) -> None:
    """SIGKILL the instance holding two claims: after the lease another instance sends both."""
    seeding = create_app(db_path)
    service: BrokerService = seeding.state.service
    _hook(service, receiver.url + "/slow")  # answered only after the kill
    _hook(service, receiver.url + "/fast")  # claimed in the same batch, never sent by A
    receiver.hold.add("/slow")
    _publish(service, unique("web"), unique("api"), "1.0.0")
    options = ("--webhook-lease", "3", "--webhook-poll", "0.05")
    doomed = serve_processes(db_path, *options)
    receiver.wait_for(1, "/slow")
    claimed = _deliveries(service)
    assert len(claimed) == 2
    assert all(f":{doomed.pid}:" in (d["claimed_by"] or "") for d in claimed)
    lease_end = max(d["claimed_until"] for d in claimed)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(10)
    killed_at = time.monotonic()
    assert receiver.wait_for(0, "/fast") == []  # claimed by the killed instance, not sent
    survivor = serve_processes(db_path, *options)
    receiver.wait_for(1, "/fast")
    resent_after = time.monotonic() - killed_at
    _wait(lambda: all(d["status"] == "success" for d in _deliveries(service)))
    time.sleep(0.3)
    assert len(receiver.wait_for(1, "/fast")) == 1
    assert len(receiver.wait_for(2, "/slow")) == 2  # the in-flight one, unanswered, and the resend
    with service.storage.read() as conn:
        attempts = [
            dict(r) for r in conn.execute("SELECT instance, started_at FROM webhook_attempts")
        ]
    assert len(attempts) == 2  # the killed instance recorded nothing
    assert all(f":{survivor.pid}:" in a["instance"] for a in attempts)
    assert all(a["started_at"] >= lease_end for a in attempts)  # not before the lease ran out
    print(
        f"killed before sending: 2 claimed by the killed instance, /fast sent once "
        f"{resent_after:.1f} s after the kill (lease 3 s), /slow resent once"
    )
    service.storage.close()


def test_webhook_stored_before_the_upgrade_fires_after_it(
    db_path: Path,
    run_app: Callable[..., Client],
    receiver: Receiver,
    unique: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A schema-2 database's webhooks fire once migration 3 has added the outbox."""
    monkeypatch.setattr("seam.server._storage._migrations_sqlite.MIGRATIONS", MIGRATIONS[:2])
    old = create_app(db_path)
    request = {
        "method": "POST",
        "url": receiver.url + "/upgraded",
        "body": {"version": "${pactbroker.consumerVersionNumber}"},
    }
    # Written as schema 2 stored webhooks (today's code writes columns added later).
    with old.state.service.storage.write() as conn:
        conn.execute(
            "INSERT INTO webhooks (uuid, events, request, enabled, created_at, updated_at) "
            "VALUES (?, ?, ?, 1, '', '')",
            (unique("hook"), json.dumps([{"name": "contract_published"}]), json.dumps(request)),
        )
    assert old.state.service.storage.schema_version() == 2
    old.state.service.storage.close()
    monkeypatch.undo()
    client = run_app(create_app(db_path, webhooks=_settings()))
    assert client.app.state.service.storage.schema_version() == MIGRATIONS[-1][0]
    _publish(client.app.state.service, unique("web"), unique("api"), "1.0.0")
    (got,) = receiver.wait_for(1, "/upgraded")
    assert json.loads(got["body"]) == {"version": "1.0.0"}
