"""Reading AsyncAPI documents: versions, formats, hostile input, validation and the model."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from seam.asyncapi import load_asyncapi, load_asyncapi_document, validation_problems
from seam.errors import AsyncAPIError, InputError

V3 = """\
asyncapi: 3.0.0
info: {{title: Orders, version: 1.0.0}}
defaultContentType: application/json
channels:
  orders:
    address: orders.{suffix}
    messages:
      orderCreated:
        $ref: '#/components/messages/orderCreated'
operations:
  publishOrder:
    action: send
    channel: {{$ref: '#/channels/orders'}}
    messages: [{{$ref: '#/channels/orders/messages/orderCreated'}}]
components:
  messages:
    orderCreated:
      name: order.created
      title: Order created
      traits: [{{$ref: '#/components/messageTraits/common'}}]
      payload: {{$ref: '#/components/schemas/Order'}}
  messageTraits:
    common:
      contentType: application/cloudevents+json
      headers: {{type: object, properties: {{traceId: {{type: string}}}}}}
  schemas:
    Order:
      type: object
      properties:
        id: {{type: integer}}
        lines: {{type: array, items: {{$ref: '#/components/schemas/Order'}}}}
"""

V2 = """\
asyncapi: 2.6.0
info: {{title: Orders, version: 1.0.0}}
channels:
  orders/{{suffix}}:
    subscribe:
      operationId: onOrder
      message:
        messageId: orderCreated
        contentType: application/json
        payload: {{type: object, properties: {{id: {{type: integer}}}}}}
        examples: [{{payload: {{id: {example}}}}}]
    publish:
      message: {{payload: {{type: string}}}}
"""


def _write(tmp_path: Path, text: str, suffix: str = ".yaml") -> Path:
    path = tmp_path / f"doc-{uuid.uuid4().hex[:8]}{suffix}"
    path.write_text(text)
    return path


def test_v3_model_merges_traits_and_says_who_sends(tmp_path: Path) -> None:
    """A 3.0 send operation's message carries its name, title and its trait's content type."""
    api = load_asyncapi(_write(tmp_path, V3.format(suffix=uuid.uuid4().hex[:6])))
    (message,) = api.sent_messages()
    assert (message.id, message.name, message.title) == (
        "orderCreated",
        "order.created",
        "Order created",
    )
    assert message.content_type == "application/cloudevents+json"
    assert message.payload == {"$ref": "#/components/schemas/Order"}
    assert [(op.id, op.action, op.sends, op.channel) for op in api.operations] == [
        ("publishOrder", "send", True, "orders")
    ]


def test_v2_subscribe_is_the_application_sending(tmp_path: Path) -> None:
    """In 2.x the provider sends what others subscribe to, and receives what they publish."""
    api = load_asyncapi(_write(tmp_path, V2.format(example=1)))
    sent = api.sent_messages()
    assert [m.id for m in sent] == ["orderCreated"]
    assert {op.action: op.sends for op in api.operations} == {"subscribe": True, "publish": False}
    assert api.channels["orders/{suffix}"].address == "orders/{suffix}"


def test_json_and_yaml_read_the_same(tmp_path: Path) -> None:
    """The same document written as JSON models the same messages as its YAML."""
    import json

    import yaml

    text = V3.format(suffix="x")
    as_json = _write(tmp_path, json.dumps(yaml.safe_load(text)), ".json")
    assert [m.name for m in load_asyncapi(as_json).messages()] == [
        m.name for m in load_asyncapi(_write(tmp_path, text)).messages()
    ]


def test_example_that_does_not_fit_its_payload_is_refused(tmp_path: Path) -> None:
    """A 2.x message example that breaks its payload schema is an error, as in the parser."""
    with pytest.raises(AsyncAPIError, match="example 0 of message 'orderCreated'"):
        load_asyncapi(_write(tmp_path, V2.format(example='"one"')))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "asyncapi: 4.0.0\ninfo: {title: t, version: '1'}\n",
            "unsupported AsyncAPI version '4.0.0'",
            id="version",
        ),
        pytest.param("openapi: 3.0.0\n", "not an AsyncAPI document", id="not-asyncapi"),
        pytest.param("asyncapi: 3.0.0\n", '"info" is a required property', id="schema"),
        pytest.param("asyncapi: 3.0.0\ninfo: [\n", "invalid YAML", id="yaml"),
        pytest.param(
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
            "channels: {a: {messages: {m: {$ref: '#/components/messages/none'}}}}\n",
            "points at nothing",
            id="dangling-ref",
        ),
        pytest.param(
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
            "channels: {a: {messages: {m: {$ref: 'https://example.com/m.yaml'}}}}\n",
            "remote $ref",
            id="remote-ref",
        ),
        pytest.param(
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
            "channels: {a: {messages: {m: {payload: {type: string}}}}, b: {messages: {n: {}}}}\n"
            "operations: {o: {action: send, channel: {$ref: '#/channels/a'},"
            " messages: [{$ref: '#/channels/b/messages/n'}]}}\n",
            "is not a message of its channel",
            id="operation-message-not-in-channel",
        ),
    ],
)
def test_bad_documents_are_refused_with_one_line(tmp_path: Path, text: str, expected: str) -> None:
    """Each kind of broken document is refused with a message saying what is wrong."""
    with pytest.raises(AsyncAPIError) as caught:
        load_asyncapi_document(_write(tmp_path, text))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    """YAML aliases that expand without bound are refused before anything walks them."""
    lines = ["asyncapi: 3.0.0", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    with pytest.raises(AsyncAPIError, match="alias"):
        load_asyncapi_document(_write(tmp_path, "\n".join(lines) + "\n"))


def test_oversized_document_is_refused(tmp_path: Path) -> None:
    """A file over the size bound is refused as input, naming the limit."""
    path = _write(tmp_path, "asyncapi: 3.0.0\n" + "#" * 2000 + "\n")
    with pytest.raises(InputError, match="limit"):
        load_asyncapi_document(path, max_bytes=1000)


def test_validation_problems_lists_every_schema_complaint() -> None:
    """The validator reports each problem of the official schema, one line each."""
    problems = validation_problems({"asyncapi": "3.0.0", "info": {"title": "t"}, "channels": []})
    assert len(problems) == 2
    assert any("'version' is a required property" in p.replace('"', "'") for p in problems)
