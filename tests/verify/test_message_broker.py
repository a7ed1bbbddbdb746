"""Message pacts through the embedded broker: published, verified with results, gating deploys."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from seam.model import CaseStatus
from seam.verify import BrokerSource, PublishOptions, verify
from seam.verify._provider import ProviderProcess, free_port

HERE = Path(__file__).resolve().parent
MESSAGES = HERE / "messages"
TOKEN = "broker-token"
CONTRACTS = str(Path(sys.executable).parent / "contracts")


def _contracts(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTRACTS, *args, "-b", url, "-k", TOKEN], capture_output=True, text=True, check=False
    )


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """An embedded broker holding the notifier's message pact as notifier 1.0.0 on main."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = tmp_path / "broker.db"
    command = f"{CONTRACTS} broker serve --db {database} --port {port} --token {TOKEN}"
    with ProviderProcess(command, url, ready_timeout=20):
        published = _contracts(url, "publish", str(MESSAGES), "-a", "1.0.0", "--branch", "main")
        assert published.returncode == 0, published.stdout + published.stderr
        created = _contracts(url, "create-environment", "--name", "production", "--production")
        assert created.returncode == 0, created.stdout + created.stderr
        yield url


def _verify_and_publish(broker: str, messages: str, version: str, tmp_path: Path) -> None:
    report = verify(
        [],
        provider="tasks-api",
        broker=BrokerSource(url=broker, token=TOKEN, selectors=[{"mainBranch": True}]),
        publish=PublishOptions(provider_version=version, branch="main"),
        messages=messages,
        states="tasks_api.states:states",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/tasks-{version}.db"},
    )
    assert len(report.cases) == 2
    assert not [f for f in report.findings if f.rule == "publish-failed"]
    deployed = _contracts(
        broker, "record-deployment", "-a", "tasks-api", "-e", version, "--environment", "production"
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr


def _can_deploy_notifier(broker: str) -> subprocess.CompletedProcess[str]:
    return _contracts(
        broker, "can-i-deploy", "-a", "notifier", "-e", "1.0.0", "--to-environment", "production"
    )


def test_verified_message_pact_lets_the_consumer_deploy(broker: str, tmp_path: Path) -> None:
    """The broker's message pact verified with --messages alone publishes a success."""
    assert _can_deploy_notifier(broker).returncode == 1  # nothing verified yet
    _verify_and_publish(broker, "tasks_api.messages:messages", "p-good", tmp_path)
    result = _can_deploy_notifier(broker)
    assert result.returncode == 0, result.stdout + result.stderr


def test_failed_message_verification_blocks_the_consumer(
    broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A producer that breaks the message publishes a failure, and can-i-deploy says no."""
    monkeypatch.syspath_prepend(str(HERE))
    _verify_and_publish(broker, "mutant_messages:dropped_field", "p-bad", tmp_path)
    result = _can_deploy_notifier(broker)
    assert result.returncode == 1
    assert "notifier" in result.stdout + result.stderr


def test_broker_message_cases_pass_without_a_base_url(broker: str, tmp_path: Path) -> None:
    """Message interactions fetched from the broker are replayed with no provider running."""
    report = verify(
        [],
        provider="tasks-api",
        broker=BrokerSource(url=broker, token=TOKEN, selectors=[{"mainBranch": True}]),
        messages="tasks_api.messages:messages",
        states="tasks_api.states:states",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/tasks.db"},
    )
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}
    assert report.meta["base_urls"] == []
