"""Pacts from a broker: the embedded broker (`contracts broker serve`) as a real process."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from seam.errors import BrokerError
from seam.model import CaseStatus
from seam.verify import (
    BrokerSource,
    InteractionFilter,
    ProviderStates,
    PublishOptions,
    load_states,
)
from seam.verify._provider import ProviderProcess

from .conftest import PACTS, TOKEN, publish_pacts


def test_broker_pacts_verify_and_results_are_published(tasks: Any, broker: str) -> None:
    """Pacts selected from the broker are replayed and the results reach the broker."""
    version = f"p-{uuid.uuid4().hex[:8]}"
    source = BrokerSource(url=broker, token=TOKEN, selectors=[{"mainBranch": True}])
    report = tasks.verify(
        provider="tasks-api", broker=source, publish=PublishOptions(provider_version=version)
    )
    assert len(report.cases) == 7
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    pact = httpx.get(f"{broker}/pacts/provider/tasks-api/consumer/web/latest", headers=headers)
    latest = pact.json()["_links"]["pb:latest-verification-results"]["href"]
    result = httpx.get(latest, headers=headers).json()
    assert (result["providerApplicationVersion"], result["success"]) == (version, True)


def test_refused_broker_token_is_a_broker_error(tasks: Any, broker: str) -> None:
    """A token the broker refuses is a BrokerError (exit 2), not an empty passing run."""
    source = BrokerSource(url=broker, token="wrong", selectors=[{"mainBranch": True}])
    with pytest.raises(BrokerError, match="401"):
        tasks.verify(provider="tasks-api", broker=source)


def test_pending_pact_failures_are_reported_but_never_fail(tasks: Any, broker: str) -> None:
    """A pact the provider never verified is pending: its failures are shown, the run passes."""
    source = BrokerSource(
        url=broker,
        token=TOKEN,
        selectors=[{"mainBranch": True}],
        include_pending=True,
        provider_branch="main",
    )
    report = tasks.verify("created-200", provider="tasks-api", broker=source)
    pending = [c for c in report.cases if c.status is CaseStatus.PENDING]
    assert [c.name for c in pending] == ["a request to create a task (given no tasks)"]
    assert pending[0].findings[0].rule == "response-status-mismatch"
    assert not report.failed()


def test_failed_publication_is_an_error(
    tasks: Any, broker_process: tuple[str, ProviderProcess], tmp_path: Path
) -> None:
    """A broker gone before the results are posted fails the run (pact-python only logs it)."""
    url, process = broker_process
    states = load_states(tasks.states)
    stopping = ProviderStates()

    @stopping.given("{name}")
    def stop_broker_then_seed(name: str, **params: Any) -> dict[str, Any]:
        process.stop()  # the pacts are fetched already; only the publication is left
        return states.setup(name, params)

    source = BrokerSource(url=url, token=TOKEN, selectors=[{"mainBranch": True}])
    report = tasks.verify(
        provider="tasks-api",
        broker=source,
        states=stopping,
        publish=PublishOptions(provider_version="1.2.3"),
    )
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}
    failures = [f for f in report.findings if f.rule == "publish-failed"]
    assert failures and "Publishing of verification results failed" in failures[0].message
    assert report.failed()


def test_wip_pacts_are_verified_as_pending(tasks: Any, broker: str, tmp_path: Path) -> None:
    """A pact only on a feature branch comes in as work in progress: shown, never failing."""
    doc = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    gone = next(
        i for i in doc["interactions"] if i["description"] == "a request for a missing task"
    )
    gone["description"], gone["response"]["status"] = "a request for a gone task", 410
    doc["interactions"] = [gone]
    feature = tmp_path / "web-tasks-api.json"
    feature.write_text(json.dumps(doc), encoding="utf-8")
    publish_pacts(broker, feature, "1.1.0", "feat")
    source = BrokerSource(
        url=broker,
        token=TOKEN,
        selectors=[{"mainBranch": True}],
        include_wip_since="2020-01-01",
        provider_branch="main",
    )
    report = tasks.verify(provider="tasks-api", broker=source)
    statuses = {c.name: c.status for c in report.cases}
    assert (
        statuses["a request for a gone task (given task 99 does not exist)"] is CaseStatus.PENDING
    )
    assert not report.failed()


@pytest.mark.parametrize(
    ("interaction", "expected"),
    [
        pytest.param(
            "a request for a task (given task 42 exists)",
            "a request for a task (given task 42 exists)",
            id="case-name",
        ),
        pytest.param(
            "a request to delete a task",
            "a request to delete a task (given task 1 exists)",
            id="description",
        ),
    ],
)
def test_interaction_filter_reruns_one_broker_interaction(
    tasks: Any, broker: str, interaction: str, expected: str
) -> None:
    """--interaction filters the broker's pacts too, exactly: '... without a token' stays out."""
    source = BrokerSource(url=broker, token=TOKEN, selectors=[{"mainBranch": True}])
    only = InteractionFilter(consumers=("web",), interactions=(interaction,))
    report = tasks.verify(provider="tasks-api", broker=source, only=only)
    assert [(c.name, c.status) for c in report.cases] == [(expected, CaseStatus.PASSED)]
