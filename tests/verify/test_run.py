"""verify(): the real Tasks provider passes; every mutant of it fails, naming what broke."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from seam.errors import InputError, PactError, ProviderUnreachable, UsageError
from seam.model import CaseStatus, Report
from seam.verify import BrokerSource, ProviderStates, Tally, verify

PACTS = Path(__file__).resolve().parent / "pacts"
BASE_URL = "http://127.0.0.1:{port}"


def _statuses(report: Report) -> dict[str, CaseStatus]:
    return {case.name: case.status for case in report.cases}


def test_real_provider_passes_with_states_seeding_its_database(
    tasks: Any,
) -> None:
    """Every interaction passes against the real provider, its states written to SQLite."""
    report = tasks.verify()
    assert set(_statuses(report).values()) == {CaseStatus.PASSED}
    assert len(report.cases) == 7
    assert not report.failed()


@pytest.mark.parametrize(
    ("mutation", "interaction", "rule", "needle"),
    [
        pytest.param(
            "renamed-field",
            "a request for a task (given task 42 exists)",
            "response-body-mismatch",
            "missing the following keys: status",
            id="renamed-field",
        ),
        pytest.param(
            "created-200",
            "a request to create a task (given no tasks)",
            "response-status-mismatch",
            "expected status 201, got 200",
            id="201-to-200",
        ),
        pytest.param(
            "missing-field",
            "a request to create a task (given no tasks)",
            "response-body-mismatch",
            "missing the following keys: title",
            id="missing-field",
        ),
        pytest.param(
            "changed-type",
            "a request for a task (given task 42 exists)",
            "response-body-mismatch",
            'got "42"',
            id="changed-type",
        ),
        pytest.param(
            "not-found-400",
            "a request for a missing task (given task 99 does not exist)",
            "response-status-mismatch",
            "expected status 404, got 400",
            id="404-to-400",
        ),
        pytest.param(
            "delete-without-token",
            "a request to delete a task without a token (given task 1 exists)",
            "response-status-mismatch",
            "expected status 401, got 204",
            id="write-without-token",
        ),
    ],
)
def test_mutant_provider_fails_naming_interaction_and_mismatch(
    tasks: Any, mutation: str, interaction: str, rule: str, needle: str
) -> None:
    """A provider with one deliberate bug fails verification at the interaction it breaks."""
    report = tasks.verify(mutation)
    assert report.failed()
    assert _statuses(report)[interaction] is CaseStatus.FAILED
    messages = [
        f.message for f in report.findings if f.interaction == interaction and f.rule == rule
    ]
    assert any(needle in m for m in messages), messages


def test_state_values_reach_provider_state_generators(tasks: Any, tmp_path: Path) -> None:
    """The id a handler returns replaces the pact's /tasks/1 (only task 42 is in the database)."""
    report = tasks.verify(pacts=_single_interaction_pact(tmp_path, "a request for a task"))
    (case,) = report.cases
    assert case.status is CaseStatus.PASSED


def test_raising_handler_fails_its_interaction_with_the_error(tasks: Any, tmp_path: Path) -> None:
    """A handler that raises fails the interaction and the report shows the handler's error."""
    states = ProviderStates()
    states.given("no tasks")(lambda: None)

    @states.given("task {id} exists")
    def broken(id: int, **_: Any) -> None:
        raise RuntimeError(f"cannot seed task {id}")

    pact = _single_interaction_pact(tmp_path, "a request to delete a task without a token")
    report = tasks.verify(pacts=pact, states=states)
    (case,) = report.cases
    assert case.status is CaseStatus.FAILED
    assert [f.rule for f in case.findings] == ["provider-state-failed"]
    assert "RuntimeError: cannot seed task 1" in case.findings[0].message


def test_unknown_state_fails_its_interaction(tasks: Any, tmp_path: Path) -> None:
    """A state no handler knows fails that interaction, naming the state."""
    states = ProviderStates()
    pact = _single_interaction_pact(tmp_path, "a request for a missing task")
    report = tasks.verify(pacts=pact, states=states)
    (case,) = report.cases
    assert case.status is CaseStatus.FAILED
    assert "no handler for provider state 'task 99 does not exist'" in case.findings[0].message


def test_two_workers_report_the_same_outcomes_as_one(tasks: Any) -> None:
    """Sharding across two verifier processes (a provider each) loses and changes nothing."""
    one = tasks.verify("created-200")
    two = tasks.verify("created-200", workers=2)
    assert two.meta["workers"] == 2
    assert _statuses(two) == _statuses(one)


def test_unreachable_base_url_is_provider_unreachable(tmp_path: Path) -> None:
    """Nothing listening at --base-url raises ProviderUnreachable (exit 3), before replaying."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ProviderUnreachable, match="nothing answers"):
        verify([PACTS], base_url=f"http://127.0.0.1:{port}")


def test_start_command_that_exits_reports_its_log(tmp_path: Path) -> None:
    """A --start command that dies before answering is ProviderUnreachable with its last output."""
    with pytest.raises(ProviderUnreachable, match=r"exited with code 3.*no database here"):
        verify([PACTS], base_url=BASE_URL, start="echo no database here; exit 3 # {port}")


def test_started_provider_is_stopped_afterwards(tasks: Any) -> None:
    """After verify returns, nothing answers any more where --start served the provider."""
    report = tasks.verify(base_url="http://127.0.0.1:{port}")
    assert report.cases
    url = report.meta["base_urls"][0]
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_malformed_pact_is_a_pact_error(tmp_path: Path) -> None:
    """A pact file that is not JSON fails before any provider starts."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PactError):
        verify([bad], base_url="http://127.0.0.1:1", start="exit 1")


def test_missing_pact_folder_is_input_error(tmp_path: Path) -> None:
    """A pact path that does not exist is bad input, named in the message."""
    with pytest.raises(InputError, match="no such file"):
        verify([tmp_path / "nope"], base_url="http://127.0.0.1:1")


def test_states_and_state_url_together_are_a_usage_error() -> None:
    """--states and --state-url are alternatives."""
    with pytest.raises(UsageError, match="cannot be used together"):
        verify([PACTS], base_url="http://127.0.0.1:1", states="m:o", state_url="http://x/")


def _single_interaction_pact(tmp_path: Path, description: str) -> Path:
    doc = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    doc["interactions"] = [i for i in doc["interactions"] if i["description"] == description]
    out = tmp_path / "one.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def test_example_consumers_pacts_verify_against_the_example_provider(tasks: Any) -> None:
    """contracts/pacts (web and notifier, HTTP and messages) all pass, states seeded."""
    contracts = Path(__file__).resolve().parents[2] / "contracts" / "pacts"
    report = tasks.verify(
        pacts=contracts, provider="tasks-api", workers=2, messages="tasks_api.messages:messages"
    )
    groups = {c.group for c in report.cases}
    assert groups == {"web -> tasks-api", "notifier -> tasks-api"}
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}


def test_progress_reports_every_tenth_of_the_run() -> None:
    """Long runs print a progress line per tenth of the expected state setups, no more."""
    from seam.verify._run import _Progress

    lines: list[str] = []
    tick = _Progress(lines.append, expected=100, total=200)
    for _ in range(120):  # more setups than expected (retries) never print past the end
        tick()
    assert len(lines) == 10
    assert lines[0].endswith("about 20 of 200 interactions replayed")
    assert lines[-1].endswith("about 200 of 200 interactions replayed")


def test_state_url_speaks_the_standard_protocol(tasks: Any) -> None:
    """--state-url: the verifier posts {state, params, action} to an endpoint Seam did not start."""
    from seam.verify import StateServer, load_states

    # The handlers read DATABASE_URL when called: verify sets it here for its one worker.
    with StateServer(load_states(tasks.states)) as server:
        report = tasks.verify(states=None, state_url=server.url)
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}


def test_message_interactions_are_listed_as_skipped(tasks: Any, tmp_path: Path) -> None:
    """An asynchronous message in a V4 pact is reported as skipped; the HTTP ones are replayed."""
    doc = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    message = {
        "type": "Asynchronous/Messages",
        "description": "a task created event",
        "contents": {"content": {"id": 1}, "contentType": "application/json"},
    }
    doc["interactions"] = [doc["interactions"][0], message]
    pact = tmp_path / "mixed.json"
    pact.write_text(json.dumps(doc), encoding="utf-8")
    report = tasks.verify(pacts=pact)
    assert _statuses(report) == {
        "a request for a task (given task 42 exists)": CaseStatus.PASSED,
        "a task created event": CaseStatus.SKIPPED,
    }
    assert not report.failed()


@pytest.mark.parametrize(
    ("broker", "message"),
    [
        pytest.param(
            BrokerSource(url="http://127.0.0.1:1", selectors=[{"mainbranch": True}]),
            "selector key 'mainbranch' is unknown",
            id="selector-key",
        ),
        pytest.param(
            BrokerSource(url="http://127.0.0.1:1", include_wip_since="last week"),
            "expected a date",
            id="wip-date",
        ),
    ],
)
def test_broker_options_are_checked_before_anything_starts(
    broker: BrokerSource, message: str
) -> None:
    """A misspelt selector or a bad WIP date is a usage error, not a broker round trip."""
    with pytest.raises(UsageError, match=message):
        verify([], provider="p", base_url="http://127.0.0.1:1", broker=broker)


def test_bad_states_module_fails_before_the_provider_starts() -> None:
    """An unimportable --states is a usage error even when the provider could not start."""
    with pytest.raises(UsageError, match=r"cannot import 'seam_no_such_states'"):
        verify(
            [PACTS],
            base_url=BASE_URL,
            start="exit 1 # {port}",
            states="seam_no_such_states:states",
        )


def test_provider_dying_mid_run_is_reported_with_its_log(tasks: Any) -> None:
    """A started provider that exits during the run fails it, with its exit code and log."""
    report = tasks.verify("crash-on-create")
    messages = [f.message for f in report.findings if f.rule == "verification-error"]
    assert any(
        "exited with code 70 during the run" in m and "simulated crash" in m for m in messages
    )
    assert report.failed()


def _repeated_pact(tmp_path: Path, copies: int) -> Path:
    """The web pact's interactions ``copies`` times over, each description made unique."""
    doc = json.loads((PACTS / "web-tasks-api.json").read_text(encoding="utf-8"))
    doc["interactions"] = [
        {**item, "description": f"{item['description']} #{n}"}
        for n in range(copies)
        for item in doc["interactions"]
    ]
    out = tmp_path / f"repeated-{copies}.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def test_shards_are_written_in_chunks_in_pact_order(tmp_path: Path) -> None:
    """Each worker's share of a pact goes into files of at most ``chunk`` interactions, in order."""
    from seam.pactfile import load_pacts
    from seam.verify._shards import write_shards as _write_shards

    pacts = load_pacts([_repeated_pact(tmp_path, 5)])  # 35 interactions
    replayable = [(p, i) for p in pacts for i in p.interactions]
    shards = _write_shards(pacts, replayable, 2, tmp_path / "shards", 4)
    for w, files in enumerate(shards):
        chunks = [json.loads(Path(f).read_text(encoding="utf-8"))["interactions"] for f in files]
        assert all(1 <= len(chunk) <= 4 for chunk in chunks)
        written = [item["description"] for chunk in chunks for item in chunk]
        assert written == [i.description for _, i in replayable[w::2]]


def test_chunked_run_reports_exactly_as_one_file(
    tasks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 4 give the same cases, order, statuses and findings as one 28-interaction file."""
    import seam.verify._run as run

    pact = _repeated_pact(tmp_path, 4)
    monkeypatch.setattr(run, "CHUNK", 10_000)
    whole = tasks.verify("created-200", pacts=pact)
    monkeypatch.setattr(run, "CHUNK", 4)
    chunked = tasks.verify("created-200", pacts=pact)
    assert len(chunked.cases) == 28
    assert [(c.name, c.status) for c in chunked.cases] == [(c.name, c.status) for c in whole.cases]
    assert [(f.interaction, f.rule, f.message) for f in chunked.findings] == [
        (f.interaction, f.rule, f.message) for f in whole.findings
    ]
    assert {c.status for c in chunked.cases} == {CaseStatus.PASSED, CaseStatus.FAILED}


def test_tally_counts_every_interaction_without_states(tasks: Any) -> None:
    """With a tally and no --states, a counting state server reports each interaction."""
    tallies: list[Tally] = []
    report = tasks.verify(states=None, tally=tallies.append)
    total = len(report.cases)
    failed = sum(1 for c in report.cases if c.status is CaseStatus.FAILED)
    done = [t.done for t in tallies]
    assert done[0] == 0 and done == sorted(done) and len(set(done)) == total + 1
    assert tallies[-1] == Tally(total, failed, total, tallies[-1].seconds)
    assert failed > 0  # no states were set up, so the seeded tasks are missing


def test_tally_estimate_is_the_pace_so_far() -> None:
    """The estimate is the seconds per interaction so far times those remaining."""
    assert Tally(done=4, failed=1, total=10, seconds=2.0).estimate() == pytest.approx(3.0)
    assert Tally(done=0, failed=0, total=10, seconds=2.0).estimate() is None
    assert Tally(done=10, failed=0, total=10, seconds=2.0).remaining == 0
