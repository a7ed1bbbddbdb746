"""Message interactions against the provider's AsyncAPI document.

A consumer's message pact says "the provider sends me this". Each message interaction is
matched to a message the document says the provider **sends** (2.x ``subscribe``, 3.x
``send``; a document without operations: every channel message), by this rule:

1. When the pact's metadata names a channel (``channel``, ``topic`` or ``destination``),
   only that channel's messages are candidates (by channel id or address).
2. A candidate whose message id, ``name`` or ``title`` equals the interaction's description
   (ignoring case) is the match.
3. Otherwise, with a channel named in the metadata, the channel's first message whose payload
   schema accepts the pact's contents (else its first message) is the match.

No match is ``message.unknown``. A matched message's content type (its own ``contentType``,
else the document's ``defaultContentType``) must match the pact's, and the pact's contents
must be a payload the schema can produce: objects are closed (the provider never sends a
field its schema does not name) and ``required`` is relaxed, exactly as for HTTP response
bodies, and Pact matchers relax values the same way (one ``SchemaCompiler``, one
``BodyRules``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seam.asyncapi import CHANNEL_KEYS, AsyncApi, Message, message_payload
from seam.compat._context import RULES, where
from seam.compat._interaction import _rules
from seam.compat._matchers import BodyRules
from seam.compat._media import find_matching_type
from seam.model import Finding, Severity
from seam.openapi._schemas import Mode, SchemaCompiler
from seam.pactfile import Interaction, is_json, media_essence

__all__ = ["MessageSpec", "check_message"]

Json = Any
ERROR, WARNING = Severity.ERROR, Severity.WARNING


RULES.add(
    "message.unknown",
    severity=ERROR,
    summary="The consumer expects a message the provider's AsyncAPI document never sends.",
    area="message",
)
RULES.add(
    "message.content-type.mismatch",
    severity=ERROR,
    summary="The message's content type is not the one the AsyncAPI document declares.",
    area="message",
)
RULES.add(
    "message.payload.incompatible",
    severity=ERROR,
    summary="The message's contents hold a field or value the document's payload schema cannot.",
    area="message",
)
RULES.add(
    "message.payload.unvalidatable",
    severity=WARNING,
    summary="The message's payload cannot be checked (not JSON, or a non-JSON-Schema format).",
    area="message",
)


class MessageSpec:
    """An AsyncAPI document indexed for ``check``: its sent messages and compiled schemas."""

    def __init__(self, api: AsyncApi) -> None:
        self.api = api
        self.sent = api.sent_messages()
        # AsyncAPI schemas are JSON Schema as written (draft-07 superset): no OpenAPI dialect.
        self.schemas = SchemaCompiler(api.document.data, "3.1")

    @property
    def source(self) -> str:
        return self.api.source

    def problems(self, message: Message, value: Json, rules: BodyRules) -> list[tuple[str, str]]:
        """``(where, complaint)`` for each reason ``value`` cannot be ``message``'s payload."""
        if message.payload is None or not message.json_schema:
            return []
        key = f"{message.pointer}/payload"
        validator = self.schemas.validator(key, message.payload, Mode.RESPONSE)
        if validator.is_valid(value):
            return []
        out = []
        for error in validator.iter_errors(value):
            kind = type(error.kind).__name__
            instance = list(error.instance_path)
            if rules.relaxes(instance, kind):
                continue
            if kind in ("AdditionalProperties", "UnevaluatedProperties"):
                for name in error.kind.as_dict().get("unexpected") or []:
                    out.append(
                        (
                            where([*instance, name]),
                            f"the consumer expects field {name!r} in the payload{where(instance)}"
                            ", but the provider's schema never sends it",
                        )
                    )
                continue
            out.append(
                (
                    where(instance),
                    f"payload{where(instance)} cannot come from the provider: {error.message}",
                )
            )
        return out

    def match(self, ix: Interaction, value: Json, rules: BodyRules) -> Message | str:
        """The sent message ``ix`` stands for, or why there is none (one sentence)."""
        channel = self.api.channel_of(ix.metadata)
        found = self.api.expected(ix.description, ix.metadata)
        if found:
            return next((m for m in found if not self.problems(m, value, rules)), found[0])
        if channel is not None:
            return (
                f"the provider sends nothing called {ix.description!r} on channel {channel!r} "
                f"(it sends on: {_list(self._sent_channels())})"
            )
        wanted = ix.description.casefold()
        received = [m for m in self.api.messages() if any(n.casefold() == wanted for n in m.names)]
        if received:
            return (
                f"message {ix.description!r} is in the document, but the provider only "
                "receives it (no send/subscribe operation lists it)"
            )
        return (
            f"no message the provider sends is called {ix.description!r} (by id, name or "
            f"title) and the pact names no channel in its metadata ({'/'.join(CHANNEL_KEYS)}); "
            f"it sends: {_list(m.name or m.label for m in self.sent)}"
        )

    def _sent_channels(self) -> list[str]:
        return list(dict.fromkeys(m.channel for m in self.sent))


def _list(names: Any) -> str:
    found = list(names)
    return (
        ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
        or "none"
    )


def check_message(
    spec: MessageSpec, ix: Interaction, file: str | None, consumer: str | None
) -> Iterator[Finding]:
    """Every finding for one message interaction against the provider's AsyncAPI document."""

    def finding(rule: str, text: str, location: str, **details: Json) -> Finding:
        return Finding(
            rule=rule,
            severity=RULES[rule].severity,
            message=text,
            path=details.pop("address", None) or details.get("channel") or "",  # as HTTP paths
            location=location,
            file=file,
            consumers=(consumer,) if consumer else (),
            interaction=ix.description,
            details={k: v for k, v in details.items() if v is not None},
        )

    value = message_payload(ix)
    rules = BodyRules(_rules(ix.message_matching_rules).get("body"))
    matched = spec.match(ix, value, rules)
    if isinstance(matched, str):
        yield finding(
            "message.unknown", matched, "message", channel=spec.api.channel_of(ix.metadata)
        )
        return
    address = spec.api.channels[matched.channel].address
    details = {"channel": matched.channel, "address": address, "asyncapi_message": matched.label}
    sent = ix.message.content_type if ix.message is not None else None
    declared = matched.content_type
    if sent and declared and find_matching_type(sent, [declared]) is None:
        yield finding(
            "message.content-type.mismatch",
            f"the message is {media_essence(sent)!r} but the document says "
            f"{matched.label!r} is {media_essence(declared)!r}",
            "message.metadata.contentType",
            **details,
        )
        return
    media = sent or declared or "application/json"
    if value is not None and (not is_json(media) or not matched.json_schema):
        what = media_essence(media) if not is_json(media) else matched.schema_format
        yield finding(
            "message.payload.unvalidatable",
            f"a {what!r} payload of {matched.label!r} cannot be checked against a JSON Schema",
            "message.contents",
            **details,
        )
        return
    for at, problem in spec.problems(matched, value, rules):
        yield finding("message.payload.incompatible", problem, f"message.contents{at}", **details)
