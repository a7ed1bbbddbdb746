"""The broker's pacts split over ``--shard I/N`` machines and ``--workers``, published once.

A real embedded broker (`contracts broker serve`) and the real Tasks provider, started on
127.0.0.1 for each run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from seam.broker import (
    BrokerClient,
    Selector,
    can_i_deploy,
    create_environment,
    describe_version,
    record_deployment,
)
from seam.cli import main
from seam.errors import InputError
from seam.model import CaseStatus, Report
from seam.pactfile import read_pact
from seam.reporters import render
from seam.verify import BrokerSource, PublishOptions, ShardSpec, merge_reports
from seam.verify._results import case_name

from .conftest import HERE, PACTS, TOKEN, publish_pacts

PACT = str(Path(sys.executable).parent / "pact")  # the Rust Pact CLI (pact-python-cli)
ALL_CASES = sorted(
    case_name(i.description, i.state_names)
    for i in read_pact(PACTS / "web-tasks-api.json").interactions
)


def _main_branch(broker: str, **options: Any) -> BrokerSource:
    return BrokerSource(url=broker, token=TOKEN, selectors=[{"mainBranch": True}], **options)


def _shards(
    tasks: Any,
    source: BrokerSource,
    count: int,
    tmp_path: Path,
    mutation: str = "none",
    lines: list[str] | None = None,
) -> list[Path]:
    """Each shard's JSON report, as N CI machines would write them (progress in ``lines``)."""
    paths = []
    for index in range(1, count + 1):
        report = tasks.verify(
            mutation,
            provider="tasks-api",
            broker=source,
            shard=ShardSpec(index, count),
            progress=lines.append if lines is not None else None,
        )
        path = tmp_path / f"shard-{index}-{uuid.uuid4().hex[:6]}.json"
        path.write_text(render(report, "json"), encoding="utf-8")
        paths.append(path)
    return paths


def _names(report: Report) -> list[str]:
    return sorted(c.name for c in report.cases)


def _verifications(broker: str, provider_version: str) -> list[dict[str, Any]]:
    """The matrix rows of web 1.0.0 and ``provider_version``: one per verification result."""
    answer = httpx.get(
        f"{broker}/matrix",
        params=[
            ("q[][pacticipant]", "tasks-api"),
            ("q[][version]", provider_version),
            ("q[][pacticipant]", "web"),
            ("q[][version]", "1.0.0"),
        ],
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    answer.raise_for_status()
    return [row for row in answer.json()["matrix"] if row.get("verificationResult")]


def test_three_shards_verify_each_broker_interaction_exactly_once(
    tasks: Any, broker: str, tmp_path: Path
) -> None:
    """Three machines given the broker's pacts (no local file) replay every interaction once."""
    paths = _shards(tasks, _main_branch(broker), 3, tmp_path)
    shares = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    per_shard = [sorted(c["name"] for c in doc["cases"]) for doc in shares]
    assert sorted(n for names in per_shard for n in names) == ALL_CASES
    assert sum(1 for names in per_shard if names) >= 2  # really split, not all on one
    merged = merge_reports(paths)
    assert _names(merged) == ALL_CASES
    assert {c.status for c in merged.cases} == {CaseStatus.PASSED}
    (record,) = merged.meta["broker_pacts"]
    assert (record["consumer"], record["interactions"], record["failed"]) == ("web", 7, 0)
    assert record["url"].startswith(f"{broker}/pacts/provider/tasks-api/consumer/web/")


@pytest.mark.parametrize(
    ("mutation", "deployable"),
    [pytest.param("none", True, id="passing"), pytest.param("created-200", False, id="failing")],
)
def test_merge_publishes_one_result_per_pact_that_can_i_deploy_reads(
    tasks: Any, broker: str, tmp_path: Path, mutation: str, deployable: bool
) -> None:
    """`verify-merge --publish` posts one verification per pact; can-i-deploy answers from it."""
    version = f"p-{uuid.uuid4().hex[:8]}"
    paths = _shards(tasks, _main_branch(broker), 3, tmp_path, mutation)
    args = ["verify-merge", *map(str, paths), "--publish", "--provider-app-version", version]
    args += ["--provider-version-branch", "main", "-b", broker, "-k", TOKEN]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == (0 if deployable else 1), result.output
    rows = _verifications(broker, version)
    assert [r["verificationResult"]["success"] for r in rows] == [deployable]
    with BrokerClient(broker, token=TOKEN) as client:
        environment = f"prod-{uuid.uuid4().hex[:6]}"
        create_environment(client, environment)
        record_deployment(client, "web", "1.0.0", environment)
        answer = can_i_deploy(
            client, Selector("tasks-api", version=version), to_environment=environment
        )
    assert answer.ok is deployable
    # The Rust Pact CLI reads the same result from the broker and says the same.
    ask = ["can-i-deploy", "-a", "tasks-api", "-e", version, "--to-environment", environment]
    rust = subprocess.run(
        [PACT, "broker", *ask, "-b", broker, "-k", TOKEN],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rust.returncode == (0 if deployable else 1), rust.stdout + rust.stderr


def test_merge_publishes_what_the_rust_verifier_would(
    tasks: Any, broker: str, tmp_path: Path
) -> None:
    """Merged shards publish the same result, with the same keys, as one verifier run does."""
    sharded, whole = f"s-{uuid.uuid4().hex[:8]}", f"w-{uuid.uuid4().hex[:8]}"
    tasks.verify(
        provider="tasks-api",
        broker=_main_branch(broker),
        publish=PublishOptions(provider_version=whole, branch="main"),
    )
    paths = _shards(tasks, _main_branch(broker), 2, tmp_path)
    args = ["verify-merge", *map(str, paths), "--publish", "--provider-app-version", sharded]
    result = CliRunner().invoke(main, [*args, "--branch", "main", "-b", broker, "-k", TOKEN])
    assert result.exit_code == 0, result.output
    headers = {"Authorization": f"Bearer {TOKEN}"}
    docs = []
    for version in (whole, sharded):
        (row,) = _verifications(broker, version)
        href = row["verificationResult"]["_links"]["self"]["href"]
        docs.append(httpx.get(href, headers=headers).json())
    assert [d["success"] for d in docs] == [True, True]
    assert {"success", "providerApplicationVersion", "verifiedBy"} <= set(docs[0]).intersection(
        docs[1]
    )
    assert docs[1]["verifiedBy"]["implementation"] == "Seam"


def test_pending_broker_pact_stays_non_failing_after_merge(
    tasks: Any, broker: str, tmp_path: Path
) -> None:
    """A pending pact's failure, split over two shards, is pending in the merge, not failing."""
    source = _main_branch(broker, include_pending=True, provider_branch="main")
    lines: list[str] = []
    paths = _shards(tasks, source, 2, tmp_path, "created-200", lines)
    # Each shard says why the broker sent the pact, and that it is pending, as pact does.
    assert sum("web: This pact is in pending state" in line for line in lines) == 2
    merged = merge_reports(paths)
    pending = [c.name for c in merged.cases if c.status is CaseStatus.PENDING]
    assert pending == ["a request to create a task (given no tasks)"]
    assert not merged.failed()
    (record,) = merged.meta["broker_pacts"]
    assert (record["pending"], record["failed"]) == (True, 1)
    result = CliRunner().invoke(main, ["verify-merge", *map(str, paths)])
    assert result.exit_code == 0, result.output


def test_two_workers_both_replay_broker_pacts(
    tasks: Any, broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--workers 2 spreads the broker's interactions over both workers, each verified once."""
    monkeypatch.syspath_prepend(str(HERE))  # logged_states, here and in the worker process
    tasks.env["SEAM_STATES_LOG"] = f"{tmp_path}/states-{{worker}}.log"
    report = tasks.verify(
        provider="tasks-api",
        broker=_main_branch(broker),
        workers=2,
        states="logged_states:states",
    )
    assert _names(report) == ALL_CASES
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}
    logs = [tmp_path / f"states-{w}.log" for w in (0, 1)]
    assert all(log.is_file() and log.read_text(encoding="utf-8").strip() for log in logs)
    (record,) = report.meta["broker_pacts"]
    assert (record["interactions"], record["failed"]) == (7, 0)


def test_workers_publish_one_result_per_broker_pact(tasks: Any, broker: str) -> None:
    """--workers 2 --publish (no shards) leaves one result per pact and tags the version."""
    version = f"p-{uuid.uuid4().hex[:8]}"
    report = tasks.verify(
        provider="tasks-api",
        broker=_main_branch(broker),
        workers=2,
        publish=PublishOptions(provider_version=version, tags=["ci"]),
    )
    assert not report.failed()
    assert [r["verificationResult"]["success"] for r in _verifications(broker, version)] == [True]
    with BrokerClient(broker, token=TOKEN) as client:
        assert describe_version(client, "tasks-api", version=version).tags == ("ci",)


def test_merge_refuses_shards_given_other_broker_pacts(tmp_path: Path) -> None:
    """Shards the broker gave different pacts (one published in between) do not merge."""
    paths = []
    for index, urls in ((1, ["http://127.0.0.1:1/pacts/a"]), (2, ["http://127.0.0.1:1/pacts/b"])):
        records = [
            {"url": u, "consumer": "web", "pending": False, "interactions": 0, "failed": 0}
            for u in urls
        ]
        report = Report(
            command="verify",
            meta={"provider": "tasks-api", "shard": f"{index}/2", "broker_pacts": records},
        )
        path = tmp_path / f"shard-{index}.json"
        path.write_text(render(report, "json"), encoding="utf-8")
        paths.append(path)
    with pytest.raises(InputError, match="other pacts than"):
        merge_reports(paths)


def _publish_file(
    broker: str, doc: dict[str, Any], folder: Path, version: str, branch: str
) -> None:
    path = folder / version / "web-tasks-api.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    publish_pacts(broker, path, version, branch)


@pytest.mark.parametrize("broken_first", [True, False], ids=["broken-first", "broken-last"])
def test_a_failure_in_one_of_two_pacts_of_a_consumer_is_never_published_as_success(
    tasks: Any, broker: str, tmp_path: Path, broken_first: bool
) -> None:
    """Two selected pacts of web share an interaction's name: a failure counts for both."""
    good = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    # Another pact than the one the fixture published (one interaction more), so the broker
    # orders the two pacts as they are published here.
    extra = {**good["interactions"][0], "description": "the task list, asked again"}
    good["interactions"].append(extra)
    broken = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    missing = next(
        i for i in broken["interactions"] if i["description"] == "a request for a missing task"
    )
    missing["response"]["status"] = 410  # the provider answers 404: this pact fails
    steps = [(broken, "1.1.0", "main"), (good, "0.9.0", "old")]
    for doc, version, branch in steps if broken_first else steps[::-1]:
        _publish_file(broker, doc, tmp_path, version, branch)
    source = BrokerSource(
        url=broker, token=TOKEN, selectors=[{"mainBranch": True}, {"branch": "old"}]
    )
    merged = merge_reports(_shards(tasks, source, 2, tmp_path))
    assert len(merged.meta["broker_pacts"]) == 2
    assert merged.failed()
    # A broker pact is no file: its findings name none (a GitHub annotation needs a file).
    assert merged.findings and all(f.file is None for f in merged.findings)
    assert merged.meta["pacts"] == []
    # Results do not say which pact an interaction came from, whichever is replayed last:
    # the broken pact is never recorded as passing (the other one counts the failure too).
    assert [r["failed"] for r in merged.meta["broker_pacts"]] == [1, 1]
