"""Reading Pact V1–V4 into one view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seam.errors import InputError, PactError
from seam.pactfile import load_pacts, parse_pact, read_pact


def _pact(interactions: list[Any], version: str = "2.0.0", **extra: Any) -> dict[str, Any]:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": version}},
        **extra,
    }


def test_v2_query_string_and_flat_matching_rules_are_normalised() -> None:
    """A V2 query string becomes a dict of lists and `$.body.x` rules move to the body category."""
    doc = _pact(
        [
            {
                "description": "list tasks",
                "providerState": "tasks exist",
                "request": {"method": "get", "path": "/tasks", "query": "status=open&x=1&x=2"},
                "response": {
                    "status": 200,
                    "body": [{"id": 1}],
                    "matchingRules": {
                        "$.body": {"min": 1},
                        "$.body[*].id": {"match": "type"},
                        "$.headers.Content-Type": {"match": "regex", "regex": "json"},
                    },
                },
            }
        ]
    )
    pact = parse_pact(doc)
    (i,) = pact.interactions
    assert i.request is not None and i.response is not None
    assert i.request.method == "GET"
    assert i.request.query == {"status": ["open"], "x": ["1", "2"]}
    assert i.state_names == ("tasks exist",)
    rules = i.response.matching_rules
    assert set(rules["body"]) == {"$", "$[*].id"}
    assert rules["body"]["$[*].id"]["matchers"] == [{"match": "type"}]
    assert rules["header"]["Content-Type"]["matchers"][0]["regex"] == "json"


def test_v4_body_wrapper_and_states_with_params() -> None:
    """A V4 `{content, contentType, encoded}` body is unwrapped; state params are kept."""
    doc = _pact(
        [
            {
                "type": "Synchronous/HTTP",
                "description": "get task",
                "providerStates": [{"name": "task 1 exists", "params": {"id": 1}}],
                "pending": True,
                "request": {"method": "GET", "path": "/tasks/1", "headers": {"Accept": ["a/b"]}},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {
                        "content": {"id": 1},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                },
            }
        ],
        version="4.0",
    )
    (i,) = parse_pact(doc).interactions
    assert i.response is not None and i.response.body is not None
    assert i.response.body.value == {"id": 1}
    assert i.response.content_type == "application/json"
    assert i.provider_states[0].params == {"id": 1}
    assert i.pending is True
    assert i.request is not None and i.request.header("accept") == ["a/b"]


def test_v3_messages_are_read_as_message_interactions() -> None:
    """A V3 `messages` list yields `message` interactions with their contents."""
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "messages": [{"description": "task created", "contents": {"id": 1}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    (i,) = parse_pact(doc).interactions
    assert i.kind == "message"
    assert i.message is not None and i.message.value == {"id": 1}


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        pytest.param([], "expected a JSON object", id="not-an-object"),
        pytest.param({"provider": {"name": "p"}, "interactions": []}, "consumer", id="no-consumer"),
        pytest.param(_pact("nope"), "'interactions' must be a list", id="interactions-not-list"),
        pytest.param(_pact([{"description": "x"}]), "missing 'request'", id="no-request"),
        pytest.param(
            _pact([{"description": "x", "request": {"path": "/"}, "response": {}}]),
            "no 'method'",
            id="no-method",
        ),
        pytest.param(
            _pact(
                [
                    {
                        "description": "x",
                        "request": {"method": "GET", "path": "/"},
                        "response": {"status": "two hundred"},
                    }
                ]
            ),
            "status must be an integer",
            id="bad-status",
        ),
    ],
)
def test_malformed_pacts_are_refused_with_one_line(doc: Any, fragment: str) -> None:
    """Each malformed pact raises PactError with a one-line message naming the problem."""
    with pytest.raises(PactError) as info:
        parse_pact(doc, source="x.json")
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_invalid_json_file(tmp_path: Path) -> None:
    """A file that is not JSON is a PactError naming the file."""
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PactError, match=r"broken\.json: not valid JSON"):
        read_pact(path)


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is an InputError, not a traceback."""
    with pytest.raises(InputError, match="no such pact file"):
        read_pact(tmp_path / "absent.json")


def test_load_pacts_filters_by_provider_in_path_order(tmp_path: Path) -> None:
    """A folder is expanded to its *.json files, sorted, and filtered by provider."""
    for consumer, provider in [("b", "tasks-api"), ("a", "tasks-api"), ("c", "other")]:
        doc = _pact([])
        doc["consumer"]["name"] = consumer
        doc["provider"]["name"] = provider
        (tmp_path / f"{consumer}-{provider}.json").write_text(json.dumps(doc), encoding="utf-8")
    pacts = load_pacts([tmp_path], provider="tasks-api")
    assert [p.consumer for p in pacts] == ["a", "b"]


def test_every_corpus_pact_reads_except_the_malformed_one(corpus: Path) -> None:
    """Every compat-corpus and broker pact reads, except the one missing a response."""
    files = sorted(corpus.glob("compat/cases/*/pact.json")) + sorted(corpus.glob("broker/*.json"))
    failed = []
    for f in files:
        try:
            read_pact(f)
        except PactError:
            failed.append(f.parent.name)
    assert len(files) > 600
    assert failed == ["bdct__parameters__i13"]
