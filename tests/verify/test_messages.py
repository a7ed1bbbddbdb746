"""verify(messages=...): message interactions replayed against the provider's producers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from seam.errors import UsageError
from seam.model import CaseStatus, Report
from seam.verify import MessageError, ProviderMessages, ProviderStates, verify
from seam.verify._messages import produced_message

HERE = Path(__file__).resolve().parent
MESSAGES = HERE / "messages"
STATUS_CHANGED = "a task.status_changed event (given task 1 exists)"
CREATED = "a task.created event (given no tasks exist)"


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    """The environment giving the producers and states their own SQLite database."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/tasks-{{worker}}.db"}


@pytest.fixture
def mutants(monkeypatch: pytest.MonkeyPatch) -> None:
    """``mutant_messages`` importable by name, here and in worker processes."""
    monkeypatch.syspath_prepend(str(HERE))


def _statuses(report: Report) -> dict[str, CaseStatus]:
    return {case.name: case.status for case in report.cases}


def _one_message_pact(tmp_path: Path, description: str, states: list[Any]) -> Path:
    doc = json.loads((MESSAGES / "notifier-tasks-api.json").read_text(encoding="utf-8"))
    (message,) = [i for i in doc["interactions"] if i["description"].startswith("a task.created")]
    message = {**message, "description": description, "providerStates": states}
    doc["interactions"] = [message]
    path = tmp_path / "one-message.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_real_producers_pass_without_a_base_url(database: dict[str, str]) -> None:
    """The example producers, over the real outbox, satisfy the notifier's message pact."""
    report = verify(
        [MESSAGES],
        messages="tasks_api.messages:messages",
        states="tasks_api.states:states",
        env=database,
    )
    assert _statuses(report) == {CREATED: CaseStatus.PASSED, STATUS_CHANGED: CaseStatus.PASSED}
    assert report.meta["base_urls"] == []
    assert not report.failed()


@pytest.mark.parametrize(
    ("mutant", "rule", "needle"),
    [
        pytest.param(
            "renamed_field",
            "message-body-mismatch",
            "the message is missing the following keys: title",
            id="renamed-field",
        ),
        pytest.param("changed_type", "message-body-mismatch", 'got "1"', id="changed-type"),
        pytest.param(
            "dropped_field",
            "message-body-mismatch",
            "the message is missing the following keys: status",
            id="dropped-field",
        ),
        pytest.param(
            "wrong_content_type",
            "message-content-type-mismatch",
            "expected application/json, got text/plain",
            id="wrong-content-type",
        ),
    ],
)
def test_mutant_producer_fails_naming_message_and_mismatch(
    database: dict[str, str], mutants: None, mutant: str, rule: str, needle: str
) -> None:
    """A producer with one deliberate bug fails each message it breaks, saying how."""
    report = verify(
        [MESSAGES],
        messages=f"mutant_messages:{mutant}",
        states="tasks_api.states:states",
        env=database,
    )
    assert report.failed()
    assert _statuses(report)[STATUS_CHANGED] is CaseStatus.FAILED
    found = [f for f in report.findings if f.interaction == STATUS_CHANGED and f.rule == rule]
    assert any(needle in f.message for f in found), [f.message for f in report.findings]
    assert all(f.method == "message" and f.path == "a task.status_changed event" for f in found)


def test_v3_message_pacts_verify_with_http_ones(tmp_path: Path, tasks: Any) -> None:
    """A V3 pact keeps HTTP and messages in two lists; both reach the verifier, both pass."""
    doc = json.loads((MESSAGES / "notifier-tasks-api.json").read_text(encoding="utf-8"))
    http = {
        "description": "a request to list tasks",
        "providerStates": [{"name": "no tasks"}],
        "request": {"method": "GET", "path": "/tasks"},
        "response": {"status": 200, "body": []},
    }
    v3 = {
        "consumer": doc["consumer"],
        "provider": doc["provider"],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [http],
        "messages": [
            {
                "description": m["description"],
                "providerStates": m["providerStates"],
                "contents": m["contents"]["content"],
                "metadata": m["metadata"],
                "matchingRules": m["matchingRules"],
            }
            for m in doc["interactions"]
        ],
    }
    pact = tmp_path / "v3.json"
    pact.write_text(json.dumps(v3), encoding="utf-8")
    report = tasks.verify(pacts=pact, messages="tasks_api.messages:messages")
    assert set(_statuses(report).values()) == {CaseStatus.PASSED}
    assert len(report.cases) == 3


def test_workers_share_the_messages(database: dict[str, str], mutants: None) -> None:
    """With two workers each message is replayed once, in whichever process holds it."""
    report = verify(
        [MESSAGES],
        messages="mutant_messages:dropped_field",
        states="tasks_api.states:states",
        env=database,
        workers=2,
    )
    assert report.meta["workers"] == 2
    assert _statuses(report) == {CREATED: CaseStatus.FAILED, STATUS_CHANGED: CaseStatus.FAILED}


def test_state_values_reach_the_producer(tmp_path: Path) -> None:
    """The producer receives the state's params and what its handler returned (which win)."""
    states = ProviderStates()
    messages = ProviderMessages()
    seen: list[dict[str, Any]] = []

    @states.given("an order exists")
    def order(**params: Any) -> dict[str, Any]:
        return {"id": 7, "seeded": True}

    @messages.produces("an order event")
    def order_event(id: int, **values: Any) -> dict[str, Any]:
        seen.append({"id": id, **values})
        return {"task": {"id": id, "title": "t", "assignee": None, "status": "open"}}

    pact = _one_message_pact(
        tmp_path, "an order event", [{"name": "an order exists", "params": {"id": 1, "n": 2}}]
    )
    report = verify([pact], messages=messages, states=states)
    assert seen == [{"id": 7, "n": 2, "seeded": True}]
    assert _statuses(report) == {"an order event (given an order exists)": CaseStatus.FAILED}
    # The pact's metadata asks for a topic this producer does not send.
    assert {f.rule for f in report.findings} == {"message-metadata-mismatch"}


def test_missing_producer_fails_that_message_naming_the_known_ones(tmp_path: Path) -> None:
    """A message with no producer fails by itself, and the finding lists the registered ones."""
    messages = ProviderMessages()
    messages.produces("something else")(lambda: {"x": 1})
    pact = _one_message_pact(tmp_path, "an unknown event", [])
    report = verify([pact], messages=messages)
    (finding,) = report.findings
    assert finding.rule == "message-producer-failed"
    assert finding.message == (
        "no producer for message 'an unknown event' (known: 'something else')"
    )


def test_producer_exception_is_reported_with_its_message(tmp_path: Path) -> None:
    """A producer that raises fails its message with the exception and where it was raised."""
    messages = ProviderMessages()

    @messages.produces("a broken event")
    def broken() -> None:
        raise RuntimeError("the outbox is empty")

    report = verify([_one_message_pact(tmp_path, "a broken event", [])], messages=messages)
    (finding,) = report.findings
    assert finding.rule == "message-producer-failed"
    assert "raised RuntimeError: the outbox is empty (" in finding.message
    assert "test_messages.py:" in finding.message


def test_messages_are_skipped_without_a_registry(tmp_path: Path) -> None:
    """Without --messages a message-only pact has nothing to verify: bad input, said so."""
    with pytest.raises(Exception, match="no HTTP interactions"):
        verify([MESSAGES], base_url="http://127.0.0.1:1")


def test_http_interactions_still_need_a_base_url() -> None:
    """--messages does not make --base-url optional for pacts that hold HTTP interactions."""
    with pytest.raises(UsageError, match=r"--base-url is required: the pacts hold 7 HTTP"):
        verify([HERE / "pacts"], messages=ProviderMessages())


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        pytest.param("tasks_api.messages", "expects MODULE:ATTR", id="no-colon"),
        pytest.param("no_such_module_h13:messages", "cannot import", id="no-module"),
        pytest.param("tasks_api.states:states", "found ProviderStates", id="wrong-type"),
    ],
)
def test_bad_messages_spec_is_a_usage_error(spec: str, needle: str) -> None:
    """A --messages that does not name a ProviderMessages fails before anything runs."""
    with pytest.raises(UsageError, match=needle):
        verify([MESSAGES], messages=spec)


def test_workers_need_the_registry_by_name() -> None:
    """A registry object cannot reach worker processes: asking for two workers says so."""
    with pytest.raises(UsageError, match="needs the messages as 'module:object'"):
        verify([MESSAGES], messages=ProviderMessages(), workers=2)


def test_two_producers_for_one_message_are_refused() -> None:
    """Registering a second producer for a description is an error at import time."""
    messages = ProviderMessages()
    messages.produces("an event")(lambda: {})
    with pytest.raises(ValueError, match="two producers"):
        messages.produces("an event")(lambda: {})


@dataclass(frozen=True)
class _Event:
    body: dict[str, Any] = field(default_factory=lambda: {"id": 1})
    metadata: dict[str, Any] = field(default_factory=lambda: {"topic": "t"})
    content_type: str = "application/vnd.example+json"


@pytest.mark.parametrize(
    ("returned", "contents", "metadata", "content_type"),
    [
        pytest.param({"id": 1}, b'{"id": 1}', {}, "application/json", id="bare-json-body"),
        pytest.param(
            {"body": {"id": 1}, "metadata": {"topic": "t"}},
            b'{"id": 1}',
            {"topic": "t"},
            "application/json",
            id="mapping",
        ),
        pytest.param(
            _Event(),
            b'{"id": 1}',
            {"topic": "t"},
            "application/vnd.example+json",
            id="object-with-attributes",
        ),
        pytest.param(b"\x00\x01", b"\x00\x01", {}, None, id="bytes"),
        pytest.param(
            {"contents": "hi", "content_type": "text/plain"},
            b"hi",
            {},
            "text/plain",
            id="text-contents",
        ),
    ],
)
def test_what_a_producer_may_return(
    returned: Any, contents: bytes, metadata: dict[str, Any], content_type: str | None
) -> None:
    """A body alone, a mapping or an object with body/metadata/content_type all become messages."""
    message = produced_message("m", returned)
    assert (message.contents, message.metadata, message.content_type) == (
        contents,
        metadata,
        content_type,
    )


def test_a_body_that_is_not_json_is_refused() -> None:
    """A body JSON cannot write is a producer error naming the message."""
    with pytest.raises(MessageError, match="message 'm': the producer's body cannot be written"):
        produced_message("m", {"body": {"when": object()}})
