"""merge_pacts and merge_interactions: one interaction identity; HTTP and messages alike."""

from __future__ import annotations

from typing import Any

import pytest

from seam.errors import PactConflict
from seam.pactfile import Declared, interaction_key, merge_interactions, merge_pacts

V4 = {
    "consumer": {"name": "c"},
    "provider": {"name": "p"},
    "metadata": {"pactSpecification": {"version": "4.0"}},
}
V3 = {**V4, "metadata": {"pactSpecification": {"version": "3.0.0"}}}


def _http(description: str) -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": description,
        "request": {"method": "GET", "path": "/"},
        "response": {"status": 200},
    }


def _message(description: str, topic: str = "t") -> dict[str, Any]:
    return {
        "type": "Asynchronous/Messages",
        "description": description,
        "contents": {"content": {"id": 1}},
        "metadata": {"topic": topic},
    }


def test_messages_and_http_merge_into_one_sorted_list() -> None:
    """V4 keeps every kind in ``interactions``, sorted by description, each with its test."""
    declared = [Declared("t.py::b", _message("b event")), Declared("t.py::a", _http("a get"))]
    plan = merge_interactions(V4, declared, None, lambda name: True)
    assert [i["description"] for i in plan.doc["interactions"]] == ["a get", "b event"]
    assert plan.doc["interactions"][1]["comments"] == {"testname": "t.py::b"}
    assert "messages" not in plan.doc


def test_v3_messages_go_to_their_own_list() -> None:
    """A V3 pact keeps messages under ``messages``, as the V3 message specification does."""
    declared = [Declared("t.py::b", _message("b event")), Declared("t.py::a", _http("a get"))]
    plan = merge_interactions(V3, declared, None, lambda name: True, with_testnames=False)
    assert [i["description"] for i in plan.doc["interactions"]] == ["a get"]
    assert [i["description"] for i in plan.doc["messages"]] == ["b event"]


def test_the_caller_decides_what_is_stale() -> None:
    """An undeclared message on disk is dropped or kept as ``may_prune`` answers for its test."""
    old = {**V4, "interactions": [{**_message("old"), "comments": {"testname": "t.py::old"}}]}
    dropped = merge_interactions(V4, [], old, lambda name: name == "t.py::old")
    kept = merge_interactions(V4, [], old, lambda name: False)
    assert (dropped.removed, dropped.doc["interactions"]) == (["'old'"], [])
    assert kept.kept == [("'old'", "t.py::old")]


def test_same_identity_with_other_content_is_a_conflict() -> None:
    """Two tests declaring one message (description + states) differently conflict."""
    declared = [
        Declared("t.py::x", _message("ev", topic="x")),
        Declared("t.py::y", _message("ev", topic="y")),
    ]
    plan = merge_interactions(V4, declared, None, lambda name: True)
    (conflict,) = plan.conflicts
    assert (conflict.description, conflict.first, conflict.second) == ("ev", "t.py::x", "t.py::y")
    assert interaction_key(declared[0].interaction) == interaction_key(declared[1].interaction)


def _v2(description: str, state: str | None, status: int = 200) -> dict[str, Any]:
    interaction: dict[str, Any] = {
        "description": description,
        "request": {"method": "GET", "path": "/tasks"},
        "response": {"status": status},
    }
    if state is not None:
        interaction["providerState"] = state
    return interaction


def _pact(version: str, **lists: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "api"},
        "metadata": {"pactSpecification": {"version": version}},
        **lists,
    }


def test_merge_pacts_v2_tells_interactions_apart_by_provider_state() -> None:
    """V2: the same description under another ``providerState`` is appended after the stored."""
    stored = _pact("2.0.0", interactions=[_v2("list", "no tasks")])
    merged = merge_pacts(stored, _pact("2.0.0", interactions=[_v2("list", "two tasks")]))
    assert [i["providerState"] for i in merged["interactions"]] == ["no tasks", "two tasks"]


def test_merge_pacts_keeps_an_identical_interaction_once() -> None:
    """Publishing the same interaction again leaves the stored pact as it was."""
    stored = _pact("2.0.0", interactions=[_v2("list", "no tasks")])
    assert merge_pacts(stored, _pact("2.0.0", interactions=[_v2("list", "no tasks")])) == stored


def test_merge_pacts_refuses_other_content_under_one_identity() -> None:
    """The same description and state with another response is a PactConflict."""
    stored = _pact("2.0.0", interactions=[_v2("list", "no tasks")])
    changed = _pact("2.0.0", interactions=[_v2("list", "no tasks", status=500)])
    with pytest.raises(PactConflict, match=r"^cannot merge: an interaction with the same"):
        merge_pacts(stored, changed)


def test_merge_pacts_compares_provider_states_as_written() -> None:
    """A V2 ``providerState`` and a V3 one-state list are two identities, as the broker has it."""
    v3 = {**_v2("list", None), "providerStates": [{"name": "no tasks"}]}
    merged = merge_pacts(
        _pact("2.0.0", interactions=[_v2("list", "no tasks")]),
        _pact("3.0.0", interactions=[v3]),
    )
    assert len(merged["interactions"]) == 2
    assert interaction_key(_v2("list", "no tasks")) != interaction_key(v3)


def test_merge_pacts_v3_merges_messages_in_their_own_list() -> None:
    """V3: ``messages`` merge beside ``interactions``; the stored fields and order stay."""
    event = {"description": "task created", "contents": {"id": 1}, "providerStates": []}
    other = {**event, "description": "task deleted"}
    stored = _pact("3.0.0", interactions=[_v2("list", None)], messages=[event])
    new = _pact("3.0.0", messages=[other, event])
    merged = merge_pacts(stored, new)
    assert merged["interactions"] == [_v2("list", None)]
    assert [m["description"] for m in merged["messages"]] == ["task created", "task deleted"]
    assert stored["messages"] == [event]  # the stored document is not changed


def test_merge_pacts_v4_tells_kinds_apart_by_type() -> None:
    """V4: an HTTP interaction, an async and a sync message of one description stay three."""
    http = _http("task")
    asynchronous = _message("task")
    synchronous = {
        "type": "Synchronous/Messages",
        "description": "task",
        "request": {"contents": {"content": {"id": 1}}},
        "response": [{"contents": {"content": {"ok": True}}}],
    }
    merged = merge_pacts(
        _pact("4.0", interactions=[http]), _pact("4.0", interactions=[asynchronous, synchronous])
    )
    assert [i["type"] for i in merged["interactions"]] == [
        "Synchronous/HTTP",
        "Asynchronous/Messages",
        "Synchronous/Messages",
    ]


def test_merge_pacts_keeps_entries_that_are_not_objects() -> None:
    """A malformed entry is its own identity: merged like the others, never a crash."""
    stored = _pact("4.0", interactions=["odd"])
    merged = merge_pacts(stored, _pact("4.0", interactions=["odd", 7]))
    assert merged["interactions"] == ["odd", 7]


def test_plugin_merge_keeps_an_http_interaction_and_a_message_of_one_description() -> None:
    """The plugin writes an HTTP interaction and a message named alike: their types differ."""
    declared = [Declared("t.py::a", _http("task")), Declared("t.py::b", _message("task"))]
    plan = merge_interactions(V4, declared, None, lambda name: True)
    assert plan.conflicts == []
    assert [i["type"] for i in plan.doc["interactions"]] == [
        "Asynchronous/Messages",
        "Synchronous/HTTP",
    ]
