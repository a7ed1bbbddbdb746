"""merge_interactions: one merge for HTTP and message interactions, pruning as the caller says."""

from __future__ import annotations

from typing import Any

from seam.pactfile import Declared, interaction_key, merge_interactions

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
