"""``--shard I/N`` and ``--interaction``: which interactions a machine verifies, and merging."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from seam.errors import InputError, UsageError
from seam.model import Case, CaseStatus, Finding, Report, Severity
from seam.pactfile import Interaction, Pact, load_pacts
from seam.reporters import render
from seam.verify import InteractionFilter, ShardSpec, merge_reports, verify
from seam.verify._assemble import with_rerun
from seam.verify._results import case_name
from seam.verify._shards import in_shard, shard_number

PACTS = Path(__file__).resolve().parent / "pacts"


def _pacts(tmp_path: Path, consumers: int = 3, per_pact: int = 40) -> list[Pact]:
    """``consumers`` pacts for one provider, with stated and stateless interactions."""
    for c in range(consumers):
        interactions = [
            {
                "description": f"request {n} of consumer {c}",
                "providerStates": [{"name": f"state {n % 4}"}] if n % 3 else [],
                "request": {"method": "GET", "path": f"/items/{n}"},
                "response": {"status": 200},
            }
            for n in range(per_pact)
        ]
        doc = {
            "consumer": {"name": f"consumer-{c}"},
            "provider": {"name": "items-api"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        (tmp_path / f"consumer-{c}.json").write_text(json.dumps(doc), encoding="utf-8")
    return load_pacts([tmp_path])


def _identity(pair: tuple[Pact, Interaction]) -> tuple[str, str, tuple[str, ...]]:
    pact, interaction = pair
    return (pact.consumer, interaction.description, interaction.state_names)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 200])
def test_shards_partition_the_interactions(tmp_path: Path, count: int) -> None:
    """N shards together hold every interaction exactly once, whatever N."""
    pairs = [(p, i) for p in _pacts(tmp_path) for i in p.interactions]
    shares = [[_identity(x) for x in in_shard(pairs, k, count)] for k in range(1, count + 1)]
    together = [x for share in shares for x in share]
    assert sorted(together) == sorted(_identity(x) for x in pairs)
    assert len(set(together)) == len(together) == 120


def test_shard_of_an_interaction_does_not_depend_on_order(tmp_path: Path) -> None:
    """The shares are the same when the pacts and their interactions come in another order."""
    pairs = [(p, i) for p in _pacts(tmp_path) for i in p.interactions]
    forward = {_identity(x) for x in in_shard(pairs, 2, 4)}
    backward = {_identity(x) for x in in_shard(pairs[::-1], 2, 4)}
    assert forward == backward
    assert 0 < len(forward) < len(pairs)  # a share, not all or nothing


def test_shard_number_is_the_same_in_every_process(tmp_path: Path) -> None:
    """The hash is SHA-256 of the identity, so another machine computes the same share."""
    pact = _pacts(tmp_path, consumers=1, per_pact=2)[0]
    identity = "consumer-0\x1fitems-api\x1frequest 1 of consumer 0\x1fstate 1"
    expected = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big") % 1000 + 1
    # Python's hash() of the same text would differ from process to process (PYTHONHASHSEED).
    assert shard_number(pact, pact.interactions[1], 1000) == expected == 662


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2/4", ShardSpec(2, 4), id="middle"),
        pytest.param("1/1", ShardSpec(1, 1), id="one"),
    ],
)
def test_shard_option_reads_i_of_n(text: str, expected: ShardSpec) -> None:
    """``I/N`` is read as the I-th of N shares, counted from 1."""
    assert ShardSpec.parse(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "2/0", "-1/3"])
def test_bad_shard_option_is_a_usage_error(text: str) -> None:
    """An index outside 1..N or not ``I/N`` at all is refused with an example."""
    with pytest.raises(UsageError, match=r"expected I/N with 1 <= I <= N"):
        ShardSpec.parse(text)


def test_interaction_filter_matches_description_or_case_name() -> None:
    """``--interaction`` takes the description or the name reports print; ``--consumer`` too."""
    by_name = InteractionFilter(interactions=("get a task (given task 1 exists)",))
    assert by_name.matches("web", "get a task", ["task 1 exists"])
    assert not by_name.matches("web", "get a task", ["task 2 exists"])
    by_description = InteractionFilter(consumers=("web",), interactions=("get a task",))
    assert by_description.matches("web", "get a task", ["task 2 exists"])
    assert not by_description.matches("notifier", "get a task", [])
    assert not InteractionFilter()


def _shard_report(shard: str, names: list[str], failed: str | None = None) -> Report:
    cases = []
    findings = []
    for name in names:
        finding = Finding(
            rule="response-status-mismatch",
            severity=Severity.ERROR,
            message="expected status 201, got 200",
            consumers=("web",),
            interaction=name,
        )
        mine = (finding,) if name == failed else ()
        findings.extend(mine)
        status = CaseStatus.FAILED if mine else CaseStatus.PASSED
        cases.append(Case(name=name, status=status, group="web -> tasks", findings=mine))
    meta = {"show_cases": True, "provider": "tasks", "shard": shard, "pacts": ["web.json"]}
    return Report(command="verify", findings=findings, cases=cases, meta=meta)


def _write(tmp_path: Path, report: Report, name: str) -> Path:
    path = tmp_path / name
    path.write_text(render(report, "json"), encoding="utf-8")
    return path


def test_merge_joins_every_shard_into_one_report(tmp_path: Path) -> None:
    """The merged report has every shard's cases and findings; a failure in one fails it."""
    first = _write(tmp_path, _shard_report("1/2", ["a", "b"]), "1.json")
    second = _write(tmp_path, _shard_report("2/2", ["c"], failed="c"), "2.json")
    merged = merge_reports([second, first])
    assert [(c.name, c.status) for c in merged.cases] == [
        ("a", CaseStatus.PASSED),
        ("b", CaseStatus.PASSED),
        ("c", CaseStatus.FAILED),
    ]
    assert [f.interaction for f in merged.findings] == ["c"]
    assert merged.failed()
    assert merged.meta["shards"] == 2 and merged.meta["interactions"] == 3


@pytest.mark.parametrize(
    ("reports", "message"),
    [
        pytest.param([("1/3", ["a"]), ("3/3", ["b"])], r"shard 2/3 missing", id="missing"),
        pytest.param([("1/2", ["a"]), ("1/2", ["b"])], r"shard 1/2 is also", id="twice"),
        pytest.param([("1/2", ["a"]), ("2/2", ["a"])], r"'a' was verified by", id="overlap"),
        pytest.param([("1/2", ["a"]), ("2/3", ["b"])], r"different splits", id="other-n"),
    ],
)
def test_merge_refuses_an_incomplete_or_overlapping_set(
    tmp_path: Path, reports: list[tuple[str, list[str]]], message: str
) -> None:
    """A missing shard, a shard twice or an interaction in two shards is an input error."""
    paths = [
        _write(tmp_path, _shard_report(shard, names), f"{n}.json")
        for n, (shard, names) in enumerate(reports)
    ]
    with pytest.raises(InputError, match=message):
        merge_reports(paths)


def test_merge_refuses_a_report_that_is_not_a_shard(tmp_path: Path) -> None:
    """A diff report, or a verify report of an unsharded run, says what was expected."""
    diff = _write(tmp_path, Report(command="diff"), "diff.json")
    with pytest.raises(InputError, match=r"not a report of `contracts verify --format json`"):
        merge_reports([diff])
    whole = _write(tmp_path, Report(command="verify"), "whole.json")
    with pytest.raises(InputError, match=r"not the report of a `verify --shard I/N` run"):
        merge_reports([whole])


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown", "junit"])
def test_every_format_prints_the_rerun_command(fmt: str) -> None:
    """A failure's rerun command (with its interaction quoted for the shell) is in each format."""
    report = with_rerun(_shard_report("1/1", ["a", "it's b"], failed="it's b"), ["contracts"])
    out = render(report, fmt)
    command = "contracts --consumer web --interaction 'it'\"'\"'s b'"
    expected = {
        "text": f"\n          rerun: {command}\n",
        "github": f"%0Arerun: {command}\n",
        "markdown": f" · rerun: `{command}`",
        "junit": f"\n  rerun: {command}</failure>",
    }
    if fmt == "json":
        assert json.loads(out)["findings"][0]["details"]["rerun"] == command
    else:
        assert expected[fmt] in out


def test_a_shard_with_nothing_to_replay_passes_without_starting_anything() -> None:
    """More machines than interactions: an empty share is a passing report, no provider needed."""
    pacts = load_pacts([PACTS])
    pairs = [(p, i) for p in pacts for i in p.interactions]
    count = 50
    empty = next(k for k in range(1, count + 1) if not in_shard(pairs, k, count))
    lines: list[str] = []
    report = verify(
        [PACTS],
        base_url="http://127.0.0.1:1",  # nothing answers here: it must not be asked
        shard=ShardSpec(empty, count),
        progress=lines.append,
    )
    assert report.cases == [] and not report.failed()
    assert report.meta["shard"] == f"{empty}/{count}"
    assert lines == [
        f"shard {empty}/{count}: none of the interactions falls in this share; nothing to replay"
    ]


def test_rerun_command_shows_no_password_of_a_url() -> None:
    """A URL's userinfo in the command (a --base-url or an --env value) is redacted."""
    command = ["contracts", "verify", "--env", "DATABASE_URL=postgresql://app:pw-123@127.0.0.1/db"]
    report = with_rerun(_shard_report("1/1", ["a"], failed="a"), command)
    rerun = report.findings[0].details["rerun"]
    assert "pw-123" not in rerun
    assert "postgresql://app:***@127.0.0.1/db" in rerun


def test_shards_and_workers_together_verify_each_interaction_once(tasks: Any) -> None:
    """Two shards of two workers each replay disjoint shares that make up the whole pact."""
    names = []
    for index in (1, 2):
        report = tasks.verify(workers=2, shard=ShardSpec(index, 2))
        assert {c.status for c in report.cases} == {CaseStatus.PASSED}
        names.append([c.name for c in report.cases])
    whole = [i for p in load_pacts([PACTS]) for i in p.interactions]
    assert sorted(names[0] + names[1]) == sorted(
        case_name(i.description, i.state_names) for i in whole
    )
