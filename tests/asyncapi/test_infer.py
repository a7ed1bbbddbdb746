"""The AsyncAPI 3.0 snapshot inferred from a pact's message interactions."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from seam.asyncapi import (
    asyncapi_from_data,
    infer_asyncapi,
    validation_problems,
)
from seam.compat import check
from seam.openapi import dump_yaml
from seam.pactfile import Pact, parse_pact


def _pact(*messages: dict[str, Any]) -> Pact:
    return parse_pact(
        {
            "consumer": {"name": "notifier"},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": list(messages),
        }
    )


def _message(description: str, content: Any, **metadata: Any) -> dict[str, Any]:
    return {
        "type": "Asynchronous/Messages",
        "description": description,
        "contents": {"content": content, "contentType": "application/json", "encoded": False},
        "metadata": {"contentType": "application/json", **metadata},
    }


def test_http_only_pact_has_no_asyncapi_snapshot() -> None:
    """A pact without message interactions infers nothing."""
    assert infer_asyncapi(_pact()) is None


def test_messages_become_sent_messages_on_their_channels() -> None:
    """Each description is a message named after it, on the channel its metadata names."""
    doc = infer_asyncapi(
        _pact(
            _message("task.created", {"task": {"id": 1, "assignee": None}}, topic="task.created"),
            _message("task gone", {"id": 1}),
        )
    )
    assert doc is not None
    assert validation_problems(doc) == []
    api = asyncapi_from_data(doc)
    sent = {m.name: api.channels[m.channel].address for m in api.sent_messages()}
    assert sent == {"task.created": "task.created", "task gone": None}
    task = doc["components"]["messages"]["task.created"]["payload"]["properties"]["task"]
    assert task["properties"]["assignee"] == {"type": "null"}


def test_interactions_sharing_a_description_merge_their_schemas() -> None:
    """Two provider states of one message give one message whose schema admits both."""
    first = _message("task.changed", {"id": 1, "note": None})
    second = {**_message("task.changed", {"id": 2, "note": "x"}), "providerStates": [{"name": "s"}]}
    doc = infer_asyncapi(_pact(first, second))
    assert doc is not None
    payload = doc["components"]["messages"]["task.changed"]["payload"]
    assert payload["properties"]["note"] == {"type": ["string", "null"]}


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.text("abc", min_size=1, max_size=2), inner, max_size=2)
    ),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b.c", "d e"]), st.dictionaries(st.sampled_from("xyz"), _JSON)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_inferred_snapshot_validates_and_checks_clean(messages: list[tuple[str, Any]]) -> None:
    """Any message pact's snapshot is valid AsyncAPI and its own pact checks clean against it."""
    pact = _pact(
        *(
            {**_message(d, c), "providerStates": [{"name": f"s{i}"}]}
            for i, (d, c) in enumerate(messages)
        )
    )
    doc = infer_asyncapi(pact)
    assert doc is not None
    assert validation_problems(doc) == []
    assert dump_yaml(doc) == dump_yaml(infer_asyncapi(pact))
    findings = check([pact], None, asyncapi=asyncapi_from_data(doc)).findings
    assert [f for f in findings if f.rule.startswith("message.")] == []
