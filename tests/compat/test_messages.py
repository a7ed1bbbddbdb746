"""Message interactions checked against the provider's AsyncAPI document: the rule table."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from seam.asyncapi import asyncapi_from_data
from seam.compat import RULES, check
from seam.model import Severity
from seam.pactfile import parse_pact

DOC: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "events", "version": "1"},
    "defaultContentType": "application/json",
    "channels": {
        "created": {
            "address": "task.created",
            "messages": {"created": {"$ref": "#/components/messages/created"}},
        },
        "incoming": {"address": "task.commands", "messages": {"command": {"payload": {}}}},
        "avro": {
            "address": "task.avro",
            "messages": {
                "avro": {
                    "name": "task.avro",
                    "payload": {
                        "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                        "schema": {"type": "record", "name": "T", "fields": []},
                    },
                }
            },
        },
    },
    "operations": {
        "sendCreated": {
            "action": "send",
            "channel": {"$ref": "#/channels/created"},
            "messages": [{"$ref": "#/channels/created/messages/created"}],
        },
        "sendAvro": {"action": "send", "channel": {"$ref": "#/channels/avro"}},
        "receiveCommand": {"action": "receive", "channel": {"$ref": "#/channels/incoming"}},
    },
    "components": {
        "messages": {
            "created": {
                "name": "task.created",
                "title": "Task created",
                "payload": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
                },
            }
        }
    },
}


def message(
    description: str = "task.created",
    contents: Any = None,
    content_type: str = "application/json",
    metadata: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A V4 asynchronous message interaction."""
    item: dict[str, Any] = {
        "type": "Asynchronous/Messages",
        "description": description,
        "contents": {
            "content": {"id": 1, "title": "t"} if contents is None else contents,
            "contentType": content_type,
            "encoded": False,
        },
        "metadata": {"contentType": content_type, **(metadata or {})},
    }
    if rules:
        item["matchingRules"] = {"body": rules}
    return item


def codes(item: dict[str, Any], doc: dict[str, Any] | None = None) -> set[str]:
    """The rule ids one message interaction gets against ``doc``."""
    pact = parse_pact(
        {
            "consumer": {"name": "notifier"},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [item],
        }
    )
    api = asyncapi_from_data(copy.deepcopy(doc or DOC))
    return {f.rule for f in check([pact], None, asyncapi=api).findings}


# rule → (an interaction that makes it fire, the nearest one that must not)
TABLE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "message.unknown": (message("task.deleted"), message("Task Created")),
    "message.content-type.mismatch": (
        message(content_type="text/plain", contents="hello"),
        message(content_type="application/json"),
    ),
    "message.payload.incompatible": (message(contents={"id": "one"}), message(contents={"id": 2})),
    "message.payload.unvalidatable": (message("task.avro"), message("task.created")),
}


def test_every_message_rule_is_in_the_table() -> None:
    """Each message.* rule has a firing and a quiet interaction here."""
    assert {r for r in RULES.ids() if r.startswith("message.")} == set(TABLE)


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_fires(rule: str) -> None:
    """The rule reports its own code on the interaction built to break it."""
    assert rule in codes(TABLE[rule][0])


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_stays_quiet(rule: str) -> None:
    """The rule does not report on the nearest interaction that honours the document."""
    assert rule not in codes(TABLE[rule][1])


def test_a_field_the_provider_never_sends_is_incompatible() -> None:
    """An extra field in the consumer's expected payload cannot come from a closed schema."""
    assert codes(message(contents={"id": 1, "priority": 3})) == {"message.payload.incompatible"}


def test_a_message_the_provider_only_receives_is_unknown() -> None:
    """A message of a receive operation is not one the provider sends."""
    pact = message("command", contents={})
    assert codes(pact) == {"message.unknown"}


def test_a_channel_in_the_metadata_finds_the_message() -> None:
    """Without a matching description, the channel named in the metadata picks the message."""
    assert codes(message("whatever happened", metadata={"topic": "task.created"})) == set()
    assert codes(message("whatever", metadata={"channel": "task.nowhere"})) == {"message.unknown"}


def test_matchers_relax_the_example_values() -> None:
    """A type matcher over a value makes the example's own value irrelevant, as for HTTP."""
    doc = copy.deepcopy(DOC)
    doc["components"]["messages"]["created"]["payload"]["properties"]["title"]["enum"] = ["a"]
    plain = message(contents={"id": 1, "title": "b"})
    relaxed = message(
        contents={"id": 1, "title": "b"}, rules={"$.title": {"matchers": [{"match": "type"}]}}
    )
    assert codes(plain, doc) == {"message.payload.incompatible"}
    assert codes(relaxed, doc) == set()


def test_without_an_asyncapi_document_messages_are_reported_not_judged() -> None:
    """With no AsyncAPI document a message stays an interaction.type.unsupported warning."""
    pact = parse_pact(
        {
            "consumer": {"name": "notifier"},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [message()],
        }
    )
    findings = check([pact], None).findings
    assert [(f.rule, f.severity) for f in findings] == [
        ("interaction.type.unsupported", Severity.WARNING)
    ]
    assert "without an AsyncAPI document" in findings[0].message


def test_v3_message_pacts_are_checked_too() -> None:
    """A Pact V3 `messages` array is checked like V4 asynchronous messages."""
    pact = parse_pact(
        {
            "consumer": {"name": "notifier"},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "messages": [
                {
                    "description": "task.created",
                    "contents": {"id": "x"},
                    "metadata": {"contentType": "application/json"},
                }
            ],
        }
    )
    api = asyncapi_from_data(copy.deepcopy(DOC))
    findings = check([pact], None, asyncapi=api).findings
    assert [f.rule for f in findings] == ["message.payload.incompatible"]
    assert findings[0].path == "task.created"
