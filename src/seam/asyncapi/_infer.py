"""Infer an AsyncAPI 3.0 document of the messages a consumer expects, from its pact.

The message counterpart of :func:`seam.openapi.infer_openapi`, written beside it as
``asyncapi/<consumer>-<provider>.yaml`` (:class:`seam._layout.Layout`). It describes the
**provider** as the consumer uses it, so each message sits in a ``send`` operation:

* A message's channel is the one its pact metadata names (``channel``, ``topic`` or
  ``destination``: the channel id is that name made safe, its ``address`` the name as
  written); a message without one gets a channel of its own named after its description.
* Each message is named by the interaction's description (``name``), the same key
  ``contracts check`` matches message interactions by, so ``check(pact, snapshot(pact))``
  is clean. Interactions sharing a description (other provider states) merge their schemas.
* Payload schemas come from the examples and matching rules exactly as the OpenAPI
  snapshot's bodies do (one inference, :mod:`seam.openapi._infer_schema`), then are written as
  plain JSON Schema (``nullable`` becomes a ``null`` type).

The output is deterministic: the same pact always gives the same document.
"""

from __future__ import annotations

import re
from typing import Any

from seam.asyncapi._model import CHANNEL_KEYS
from seam.openapi._infer_schema import body_schema, media_type, merge_all, without_markers
from seam.pactfile import Interaction, Pact

__all__ = ["ASYNCAPI_VERSION", "infer_asyncapi"]

ASYNCAPI_VERSION = "3.0.0"
# Component and channel keys allowed by the AsyncAPI 3.0 schema (`^[\w\d\.\-_]+$`).
_UNSAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def _key(text: str, taken: dict[str, str], owner: str) -> str:
    """A schema-safe key for ``text``, unique among ``taken`` (key → owner)."""
    base = _UNSAFE_KEY.sub("-", text).strip("-") or "message"
    key, n = base, 2
    while taken.get(key, owner) != owner:
        key, n = f"{base}-{n}", n + 1
    taken[key] = owner
    return key


def _channel_of(interaction: Interaction) -> str | None:
    for name in CHANNEL_KEYS:
        value = interaction.metadata.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable`` as JSON Schema: ``{type: [T, "null"]}``."""
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        kind = out.get("type")
        out["type"] = [kind, "null"] if isinstance(kind, str) else "null"
    return out


def _payload(interactions: list[Interaction]) -> tuple[str | None, Any]:
    """The content type and merged payload schema of one message's interactions."""
    media: str | None = None
    schemas = []
    for i in interactions:
        if i.message is None or i.message.value is None:
            continue
        media = media or media_type(i.message.content_type, i.message)
        rules = {"body": i.message_matching_rules.get("body", {})}
        schemas.append(body_schema(i.message, media, rules))
    if not schemas:
        return media, None
    return media, _json_schema(without_markers(merge_all(schemas)))


def infer_asyncapi(pact: Pact) -> dict[str, Any] | None:
    """An AsyncAPI 3.0 document of the messages a pact expects its provider to send.

    Args:
        pact: a normalised pact (:func:`seam.pactfile.read_pact`).

    Returns:
        The document (deterministic; it passes :func:`seam.asyncapi.validation_problems`),
        or None when the pact has no message interactions.
    """
    messages = sorted(
        (i for i in pact.interactions if i.kind == "message"),
        key=lambda i: (
            i.description,
            repr([(s.name, sorted(s.params.items())) for s in i.provider_states]),
        ),
    )
    if not messages:
        return None
    by_description: dict[str, list[Interaction]] = {}
    for i in messages:
        by_description.setdefault(i.description, []).append(i)
    channel_keys: dict[str, str] = {}
    message_keys: dict[str, str] = {}
    channels: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for description, group in sorted(by_description.items()):
        address = next((c for c in map(_channel_of, group) if c), None)
        channel_id = _key(address or description, channel_keys, address or f"\0{description}")
        key = _key(description, message_keys, description)
        media, payload = _payload(group)
        message: dict[str, Any] = {"name": description}
        if media:
            message["contentType"] = media
        if payload is not None:
            message["payload"] = payload
        components[key] = message
        channel = channels.setdefault(channel_id, {"messages": {}})
        if address:
            channel["address"] = address
        channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    operations = {
        f"send-{channel_id}": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{key}"} for key in channel["messages"]
            ],
        }
        for channel_id, channel in channels.items()
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": f"{pact.provider} as used by {pact.consumer}",
            "version": f"pact-{pact.specification}",
            "description": (
                f"The messages {pact.consumer} expects {pact.provider} to send, inferred by "
                f"Seam from {pact.consumer}'s pact. Generated: do not edit; run the "
                "consumer's tests."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": components},
    }
