"""`contracts verify --shard I/N`, `verify-merge` and rerun commands, against the real provider."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.model import Report
from seam.reporters import render

from .test_verify import _args


def test_shards_merge_into_the_report_of_one_run(tmp_path: Path) -> None:
    """Two shards verify disjoint shares; merged, they are the seven cases of one whole run."""
    for name in ("whole", "1", "2"):
        (tmp_path / name).mkdir()  # each run's own databases
    whole = CliRunner().invoke(main, [*_args(tmp_path / "whole"), "--format", "json"])
    assert whole.exit_code == 0, whole.output
    files = []
    for index in (1, 2):
        out = tmp_path / f"shard-{index}.json"
        args = [*_args(tmp_path / str(index)), "--shard", f"{index}/2", "--format", "json"]
        result = CliRunner().invoke(main, [*args, "--output", str(out)])
        assert result.exit_code == 0, result.output
        files.append(out)
    shares = [{c["name"] for c in json.loads(f.read_text())["cases"]} for f in files]
    assert shares[0] and shares[1] and not shares[0] & shares[1]
    merged = CliRunner().invoke(main, ["verify-merge", *map(str, files), "--format", "json"])
    assert merged.exit_code == 0, merged.output
    doc = json.loads(merged.output)
    names = sorted(c["name"] for c in doc["cases"])
    assert names == sorted(c["name"] for c in json.loads(whole.output)["cases"])
    assert doc["meta"]["shards"] == 2 and doc["summary"]["cases"]["passed"] == 7


def test_a_failure_prints_the_command_that_reruns_just_it(tmp_path: Path) -> None:
    """The printed rerun command replays the one failed interaction and fails again."""
    run = CliRunner().invoke(main, [*_args(tmp_path, "created-200"), "--format", "json"])
    assert run.exit_code == 1, run.output
    (finding,) = json.loads(run.output)["findings"]
    command = shlex.split(finding["details"]["rerun"])
    assert command[:2] == ["contracts", "verify"]
    assert command[-4:] == [
        "--consumer",
        "web",
        "--interaction",
        "a request to create a task (given no tasks)",
    ]
    rerun = CliRunner().invoke(main, command[1:])
    assert rerun.exit_code == 1, rerun.output
    assert "FAILED  a request to create a task (given no tasks)" in rerun.output
    assert " ok " not in rerun.output  # only the one interaction was replayed
    assert "verify: 1 failed" in rerun.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            ["--interaction", "no such interaction"],
            "error: no interaction matches --interaction 'no such interaction'",
            id="no-match",
        ),
        pytest.param(["--shard", "3/2"], "error: --shard '3/2': expected I/N", id="bad-shard"),
        pytest.param(
            [
                "--shard",
                "1/2",
                "--broker-base-url",
                "http://127.0.0.1:1",
                "--publish",
                "--provider-app-version",
                "1.0.0",
            ],
            "error: --publish records a verification of every interaction, not of one shard: "
            "publish once with `contracts verify-merge REPORTS... --publish`",
            id="shard-publish",
        ),
    ],
)
def test_bad_selection_is_one_line_exit_2(tmp_path: Path, extra: list[str], message: str) -> None:
    """An interaction that matches nothing or a bad --shard is a usage error before any start."""
    result = CliRunner().invoke(main, [*_args(tmp_path), *extra])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(message)


def test_rerun_command_leaves_out_secrets_and_selection() -> None:
    """Tokens, passwords, conformance headers, shards, publishing and outputs are not printed."""
    from seam.cli._verify import _rerun_prefix

    args = [
        "pacts",
        "--broker-token",
        "s3cret-1",
        "-ks3cret-2",
        "--broker-password=s3cret-3",
        "-p",
        "s3cret-4",
        "--conformance",
        "--conformance-header",
        "Authorization: Bearer s3cret-5",
        "--shard",
        "2/4",
        "--publish",
        "--format",
        "json",
        "-o",
        "out.json",
        "--interaction",
        "old",
        "--base-url",
        "http://127.0.0.1:8000",
        "-q",
    ]
    prefix = _rerun_prefix(args)
    assert prefix == [
        "contracts",
        "verify",
        "pacts",
        "--base-url",
        "http://127.0.0.1:8000",
        "-q",
    ]


def _shard_reports(tmp_path: Path, broker_pacts: list[dict[str, object]] | None) -> list[str]:
    """Two shards' JSON reports, as `verify --shard I/2 --format json` writes them."""
    files = []
    for index in (1, 2):
        meta: dict[str, object] = {"provider": "tasks-api", "shard": f"{index}/2"}
        if broker_pacts is not None:
            meta["broker_pacts"] = broker_pacts
        path = tmp_path / f"shard-{index}.json"
        path.write_text(render(Report(command="verify", meta=meta), "json"), encoding="utf-8")
        files.append(str(path))
    return files


@pytest.mark.parametrize(
    ("extra", "records", "message"),
    [
        pytest.param(
            ["--publish", "-b", "http://127.0.0.1:1"],
            [],
            "error: --publish needs --provider-app-version",
            id="no-version",
        ),
        pytest.param(
            ["--publish", "--provider-app-version", "1.0.0"],
            [],
            "error: --publish needs --broker-base-url",
            id="no-broker",
        ),
        pytest.param(
            ["--provider-app-version", "1.0.0"],
            [],
            "error: --provider-app-version, --branch, --tag and --build-url need --publish",
            id="no-publish",
        ),
        pytest.param(
            ["--publish", "--provider-app-version", "1.0.0", "-b", "http://127.0.0.1:1"],
            None,
            "error: --publish: the shards verified no broker pacts",
            id="local-pacts-only",
        ),
        pytest.param(
            ["--publish", "--provider-app-version", "1.0.0", "-b", "http://127.0.0.1:1"],
            "shard 2 only",
            "error: shard 1/2 missing: give the report of every shard",
            id="shard-missing",
        ),
    ],
)
def test_merge_publish_refuses_what_it_cannot_publish(
    tmp_path: Path, extra: list[str], records: list[dict[str, object]] | str | None, message: str
) -> None:
    """verify-merge --publish without a version, a broker, broker pacts or a shard: exit 2."""
    files = _shard_reports(tmp_path, records if isinstance(records, list) else None)
    if records == "shard 2 only":
        files = files[1:]
    result = CliRunner().invoke(main, ["verify-merge", *files, *extra])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(message)


def test_merge_publish_to_an_absent_broker_fails_the_merge(tmp_path: Path) -> None:
    """A result the broker never took is a publish-failed error: the merge exits 1."""
    record = {
        "url": "http://127.0.0.1:1/pacts/provider/tasks-api/consumer/web/pact-version/0",
        "consumer": "web",
        "pending": False,
        "interactions": 0,
        "failed": 0,
    }
    files = _shard_reports(tmp_path, [record])
    args = ["--publish", "--provider-app-version", "1.0.0", "-b", "http://127.0.0.1:1"]
    result = CliRunner().invoke(main, ["verify-merge", *files, *args, "--format", "json"])
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.output)["findings"]
    assert finding["rule"] == "publish-failed"
    assert "cannot reach the Pact Broker" in finding["message"]
