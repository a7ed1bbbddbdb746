"""The normalised model of an AsyncAPI 2.x/3.x document: channels, operations, messages.

One shape for both major versions, from the application's point of view (the document
describes one application, here the provider):

- 2.x ``subscribe`` means other applications subscribe to what this one publishes: the
  provider **sends**. 2.x ``publish`` means others publish to it: the provider **receives**
  (AsyncAPI 2.6 §4.2.8; ``@asyncapi/parser``'s ``isSend()`` is true for ``subscribe``).
- 3.x ``action: send`` / ``receive`` say it directly (AsyncAPI 3.0 §3.2.12).

Each message has its traits merged (2.x: each trait applied over the message, JSON Merge
Patch; 3.x: the message's own fields win) and ``contentType`` falling back to the document's
``defaultContentType``. Payload schemas keep their ``$ref``s (local to :attr:`AsyncApi.document`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seam._files import load_json
from seam.asyncapi._load import load_asyncapi_document, parse_asyncapi_document
from seam.errors import PactError
from seam.openapi import Document
from seam.pactfile import Interaction

__all__ = [
    "CHANNEL_KEYS",
    "AsyncApi",
    "Channel",
    "Message",
    "Operation",
    "load_asyncapi",
    "message_payload",
]

# Metadata keys a message pact names its destination under (pact-python, Pact JVM users).
CHANNEL_KEYS = ("channel", "topic", "destination")

Json = Any

# Payload schema formats that are JSON Schema (or AsyncAPI's superset of it): spec §3.3.
_JSON_SCHEMA_FORMATS = (
    "application/vnd.aai.asyncapi",
    "application/schema+json",
    "application/schema+yaml",
)


@dataclass(frozen=True, slots=True)
class Message:
    """One message a channel carries.

    Attributes:
        id: the 3.x key in the channel's ``messages``; 2.x ``messageId`` (else None).
        channel: the id of the channel it travels on (2.x: the channel's address).
        pointer: where the message is written (after following ``$ref``s), ``#/…``.
        name: ``name``; title: ``title``; content_type: its own or the default content type.
        payload: the payload schema (JSON Schema, local ``$ref``s), None when there is none.
        schema_format: the payload's ``schemaFormat`` when it says one.
        headers: the headers schema, None when there is none.
    """

    id: str | None
    channel: str
    pointer: str
    name: str | None
    title: str | None
    content_type: str | None
    payload: Json
    schema_format: str | None
    headers: Json

    @property
    def label(self) -> str:
        """How findings name the message: its id, name or title, else its pointer."""
        return self.id or self.name or self.title or self.pointer

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a pact's description may use for it: id, name, title."""
        return tuple(n for n in (self.id, self.name, self.title) if n)

    @property
    def json_schema(self) -> bool:
        """Whether the payload is JSON Schema (not Avro, RAML, Protobuf…)."""
        fmt = (self.schema_format or "").split(";")[0].strip().lower()
        return not fmt or fmt.startswith(_JSON_SCHEMA_FORMATS)


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel: its id (2.x: the address), address and messages."""

    id: str
    address: str | None
    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation: what the application does on a channel.

    Attributes:
        action: as written: ``send``/``receive`` (3.x) or ``publish``/``subscribe`` (2.x).
        sends: whether the application (the provider) sends these messages.
    """

    id: str
    action: str
    sends: bool
    channel: str
    messages: tuple[Message, ...]


class AsyncApi:
    """An AsyncAPI document's channels, operations and messages.

    Attributes:
        document: the loaded document (``data``, ``version``, ``source``, ``deref``).
        channels: channel id → :class:`Channel`, in document order.
        operations: every operation, in document order.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.version = document.version
        self.channels: dict[str, Channel] = {}
        self.operations: list[Operation] = []
        if document.version.startswith("2."):
            self._read_v2()
        else:
            self._read_v3()

    @property
    def source(self) -> str:
        return self.document.source

    def sent_messages(self) -> list[Message]:
        """The messages the application sends, each once, in document order.

        A document without any operation describes channels only: all their messages count.
        """
        if not self.operations:
            return [m for c in self.channels.values() for m in c.messages]
        out: dict[tuple[str, str], Message] = {}
        for op in self.operations:
            if op.sends:
                for m in op.messages:
                    out.setdefault((m.channel, m.pointer), m)
        return list(out.values())

    def channel_of(self, metadata: Mapping[str, Any]) -> str | None:
        """The channel a pact message's metadata names (``channel``, ``topic``, ``destination``)."""
        for key in CHANNEL_KEYS:
            value = metadata.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    def expected(self, description: str, metadata: Mapping[str, Any]) -> list[Message]:
        """The sent messages a pact's message interaction may stand for (the one matching rule).

        With a channel in the metadata, only that channel's messages (by id or address);
        among them those whose id, ``name`` or ``title`` equals the description, ignoring
        case; failing that, with a channel named, all of its messages (the payload decides).
        """
        channel = self.channel_of(metadata)
        candidates = self.sent_messages()
        if channel is not None:
            candidates = [
                m for m in candidates if channel in (m.channel, self.channels[m.channel].address)
            ]
        wanted = description.casefold()
        named = [m for m in candidates if any(n.casefold() == wanted for n in m.names)]
        return named or (candidates if channel is not None else [])

    def messages(self) -> Iterator[Message]:
        """Every message of every channel."""
        for channel in self.channels.values():
            yield from channel.messages

    # -- 2.x ---------------------------------------------------------------------------------

    def _read_v2(self) -> None:
        data = self.document.data
        default_type = data.get("defaultContentType")
        for address, raw in _mapping(data.get("channels")).items():
            channel = _mapping(self.document.deref(raw))
            messages: list[Message] = []
            for action in ("publish", "subscribe"):
                op = _mapping(self.document.deref(channel.get(action)))
                if not op:
                    continue
                at = f"#/channels/{_escape(address)}/{action}/message"
                found = [
                    self._message_v2(node, where, address, default_type)
                    for node, where in self._message_nodes_v2(op.get("message"), at)
                ]
                messages.extend(found)
                op_id = op.get("operationId")
                self.operations.append(
                    Operation(
                        id=op_id if isinstance(op_id, str) else f"{action} {address}",
                        action=action,
                        sends=action == "subscribe",
                        channel=address,
                        messages=tuple(found),
                    )
                )
            self.channels[address] = Channel(address, address, tuple(messages))

    def _message_nodes_v2(self, node: Json, at: str) -> Iterator[tuple[Json, str]]:
        pointer, node = self._follow(node, at)
        if isinstance(node, dict) and isinstance(node.get("oneOf"), list):
            for i, item in enumerate(node["oneOf"]):
                yield self._follow(item, f"{pointer}/oneOf/{i}")[::-1]
        elif isinstance(node, dict):
            yield node, pointer

    def _message_v2(self, node: Json, pointer: str, channel: str, default_type: Json) -> Message:
        merged = dict(node)
        for trait in node.get("traits") or []:
            trait = self.document.deref(trait)
            if isinstance(trait, dict):
                merged = _merge_patch(merged, trait)  # 2.x: the trait applies over the message
        message_id = merged.get("messageId")
        if not isinstance(message_id, str):
            # As the parser: a message written under components.messages is known by its key.
            prefix = "#/components/messages/"
            message_id = _unescape(pointer[len(prefix) :]) if pointer.startswith(prefix) else None
        return _message(
            merged,
            message_id,
            channel,
            pointer,
            default_type,
            self.document,
        )

    # -- 3.x ---------------------------------------------------------------------------------

    def _read_v3(self) -> None:
        data = self.document.data
        default_type = data.get("defaultContentType")
        by_pointer: dict[str, Message] = {}
        for channel_id, raw in _mapping(data.get("channels")).items():
            at = f"#/channels/{_escape(channel_id)}"
            _, channel = self._follow(raw, at)
            channel = _mapping(channel)
            messages = []
            for key, node in _mapping(channel.get("messages")).items():
                where = f"{at}/messages/{_escape(key)}"
                pointer, resolved = self._follow(node, where)
                merged = _mapping(resolved)
                for trait in merged.get("traits") or []:
                    trait = self.document.deref(trait)
                    if isinstance(trait, dict):
                        # 3.x §3.3.20: the message's own fields win over its traits'.
                        merged = {**trait, **merged}
                merged.pop("traits", None)
                message = _message(merged, key, channel_id, pointer, default_type, self.document)
                by_pointer[where] = message
                messages.append(message)
            address = channel.get("address")
            self.channels[channel_id] = Channel(
                channel_id, address if isinstance(address, str) else None, tuple(messages)
            )
        for op_id, raw in _mapping(data.get("operations")).items():
            op = _mapping(self.document.deref(raw))
            channel_ref = _mapping(op.get("channel")).get("$ref")
            channel_id = (
                _unescape(channel_ref.split("/")[2])
                if isinstance(channel_ref, str) and channel_ref.startswith("#/channels/")
                else ""
            )
            refs = [_mapping(m).get("$ref") for m in op.get("messages") or []]
            channel = self.channels.get(channel_id)
            if "messages" in op:
                listed = tuple(
                    by_pointer[r] for r in refs if isinstance(r, str) and r in by_pointer
                )
            else:  # no list: every message of the channel (3.0 §3.3.5)
                listed = channel.messages if channel else ()
            action = str(op.get("action", ""))
            self.operations.append(Operation(op_id, action, action == "send", channel_id, listed))

    def _follow(self, node: Json, at: str) -> tuple[str, Json]:
        """The pointer where ``node`` is really written and its value, through ``$ref``s."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 64:
            at = node["$ref"]
            node = self.document.resolve(at)
            seen += 1
        return at, node


def _message(
    node: dict[str, Json],
    message_id: str | None,
    channel: str,
    pointer: str,
    default_type: Json,
    document: Document,
) -> Message:
    payload = node.get("payload")
    schema_format = node.get("schemaFormat")
    resolved = document.deref(payload)
    # 3.x multi-format schema object: {schemaFormat, schema}. A plain schema keeps its $ref,
    # so findings and the schema compiler can name it.
    if isinstance(resolved, dict) and "schemaFormat" in resolved and "schema" in resolved:
        schema_format = resolved.get("schemaFormat")
        payload = resolved["schema"]
    content_type = node.get("contentType", default_type)
    name, title = node.get("name"), node.get("title")
    headers = node.get("headers")
    return Message(
        id=message_id,
        channel=channel,
        pointer=pointer,
        name=name if isinstance(name, str) else None,
        title=title if isinstance(title, str) else None,
        content_type=content_type if isinstance(content_type, str) else None,
        payload=payload,
        schema_format=schema_format if isinstance(schema_format, str) else None,
        headers=headers,
    )


def message_payload(interaction: Interaction) -> Json:
    """A message interaction's contents as the JSON value a payload schema judges.

    A JSON string recorded as text is parsed; other text, and base64 contents, stay as they are.

    Raises:
        PactError: the string is JSON but out of bounds (too deep, a huge integer).
    """
    body = interaction.message
    value = body.value if body is not None else None
    if isinstance(value, str) and body is not None and not body.encoded:
        with contextlib.suppress(json.JSONDecodeError):
            value = load_json(value, what="a JSON string in the pact", error=PactError)
    return value


def _merge_patch(target: Json, patch: Json) -> Json:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge_patch(out.get(key), value)
    return out


def _mapping(value: Json) -> dict[str, Json]:
    return value if isinstance(value, dict) else {}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def load_asyncapi(
    path: str | Path, *, allow_remote_refs: bool = False, validate: bool = True
) -> AsyncApi:
    """Load, validate and model an AsyncAPI 2.x/3.x file.

    Raises:
        AsyncAPIError: see :func:`seam.asyncapi.load_asyncapi_document`.
        InputError: the file is missing, unreadable or too large.
    """
    return AsyncApi(
        load_asyncapi_document(path, allow_remote_refs=allow_remote_refs, validate=validate)
    )


def asyncapi_from_data(data: dict[str, Json], *, source: str = "<asyncapi>") -> AsyncApi:
    """Model an AsyncAPI document held as data (validated like a file)."""
    return AsyncApi(parse_asyncapi_document(data, source=source))
