"""Two versions of an AsyncAPI document: what changed for the applications on each side.

Messages are paired across versions by channel (address, else id) and by message name
(else id, else title), so a 2.x → 3.x migration that keeps topics and message names pairs
up; a message the provider sends that has no partner is ``asyncapi-message-removed``.
Payloads are compared by the same structural schema diff as HTTP bodies
(:class:`~seam.diff._schemas_diff.SchemaDiffer`, its rename detection included) and judged
by direction, as oasdiff judges requests and responses:

- a message the provider **sends** is read by consumers: a field removed, renamed, retyped
  or made optional, or a new enum value, can break them;
- a message the provider **receives** is written by others: a field made required, a type
  changed, or an enum value removed, can break them.

With consumer pacts, breaking findings about sent messages are blamed on the consumers
whose message interactions (matched by :meth:`seam.asyncapi.AsyncApi.expected`, the rule
``check`` uses) read what changed (:func:`seam.pactfile.has_field`); when none does, the
finding becomes a warning saying why ("no consumer affected: …"), as for HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from seam.asyncapi import AsyncApi, Message, message_payload
from seam.diff._schemas_diff import SchemaDiff, SchemaDiffer
from seam.diff.rules import RULES
from seam.model import Finding, Severity
from seam.openapi import Api
from seam.pactfile import Pact, dotted, has_field, media_essence

__all__ = ["diff_asyncapi"]


@dataclass(frozen=True, slots=True)
class _Change:
    """One finding, with what a consumer must read for it to break them."""

    finding: Finding
    message: Message | None  # the base message it is about (None: a channel)
    field: tuple[str, ...] | None  # a payload field path; None: the whole message


def _finding(rule: str, text: str, location: str, file: str | None, **details: Any) -> Finding:
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        message=text,
        path=str(details.get("channel") or ""),
        location=location,
        file=file,
        details={k: v for k, v in details.items() if v is not None},
    )


def _channel_key(api: AsyncApi, message: Message) -> str:
    channel = api.channels[message.channel]
    return channel.address or channel.id


def _identity(message: Message) -> str:
    return message.name or message.id or message.title or message.pointer


def _index(api: AsyncApi, messages: Sequence[Message]) -> dict[tuple[str, str], Message]:
    out: dict[tuple[str, str], Message] = {}
    for m in messages:
        out.setdefault((_channel_key(api, m), _identity(m)), m)
    return out


def diff_asyncapi(
    base: AsyncApi,
    revision: AsyncApi,
    *,
    pacts: Sequence[Pact] = (),
    base_file: str | None = None,
    revision_file: str | None = None,
) -> list[Finding]:
    """Every change between two AsyncAPI documents, judged against the consumers' pacts.

    Args:
        base: the document before the change.
        revision: the document after it.
        pacts: the provider's consumer pacts; their message interactions decide who breaks.
        base_file, revision_file: names for the findings' ``file``.

    Returns:
        Findings in a stable order.
    """
    rfile = revision_file or revision.source
    changes = list(_changes(base, revision, rfile))
    if not pacts:
        return [c.finding for c in changes]
    return [_judge(c, base, pacts) for c in changes]


def _changes(base: AsyncApi, revision: AsyncApi, file: str) -> Iterator[_Change]:
    b_channels = {c.address or c.id: c for c in base.channels.values()}
    r_channels = {c.address or c.id: c for c in revision.channels.values()}
    b_sent_channels = {_channel_key(base, m) for m in base.sent_messages()}
    for gone in sorted(set(b_channels) - set(r_channels)):
        if gone in b_sent_channels:
            yield _Change(
                _finding(
                    "asyncapi-channel-removed",
                    f"channel {gone!r} was removed",
                    f"#/channels/{b_channels[gone].id}",
                    file,
                    channel=gone,
                ),
                None,
                None,
            )
    for new_channel in sorted(set(r_channels) - set(b_channels)):
        yield _Change(
            _finding(
                "asyncapi-channel-added",
                f"channel {new_channel!r} was added",
                new_channel,
                file,
                channel=new_channel,
            ),
            None,
            None,
        )
    differ = SchemaDiffer(Api(base.document), Api(revision.document))
    pairs: list[tuple[Message, Message, bool]] = []
    for sends in (True, False):
        b_msgs = _index(base, _direction(base, sends))
        r_msgs = _index(revision, _direction(revision, sends))
        for key, old in sorted(b_msgs.items()):
            new = r_msgs.get(key) or _unique_by_name(r_msgs, key[1])
            if new is None:
                if sends and key[0] in r_channels:
                    yield _Change(
                        _finding(
                            "asyncapi-message-removed",
                            f"message {key[1]!r} is no longer sent on {key[0]!r}",
                            old.pointer,
                            file,
                            channel=key[0],
                            message=key[1],
                        ),
                        old,
                        None,
                    )
                continue
            pairs.append((old, new, sends))
        if sends:
            b_keys = set(b_msgs)
            for key in sorted(set(r_msgs) - b_keys):
                if key[0] in b_channels and _unique_by_name(b_msgs, key[1]) is None:
                    yield _Change(
                        _finding(
                            "asyncapi-message-added",
                            f"message {key[1]!r} is now sent on {key[0]!r}",
                            r_msgs[key].pointer,
                            file,
                            channel=key[0],
                            message=key[1],
                        ),
                        None,
                        None,
                    )
    roots = []
    for old, new, sends in pairs:
        channel, label = _channel_key(base, old), _identity(old)
        if (
            sends
            and old.content_type
            and new.content_type
            and media_essence(old.content_type) != media_essence(new.content_type)
        ):
            yield _Change(
                _finding(
                    "asyncapi-message-content-type-changed",
                    f"message {label!r} changed content type from "
                    f"{old.content_type!r} to {new.content_type!r}",
                    new.pointer,
                    file,
                    channel=channel,
                    message=label,
                ),
                old,
                None,
            )
        if old.payload is None or new.payload is None or not (old.json_schema and new.json_schema):
            continue
        node = differ.pair(
            old.payload, f"{old.pointer}/payload", new.payload, f"{new.pointer}/payload"
        )
        if node is not None:
            roots.append((node, old, sends, channel, label))
    differ.finish()
    for node, old, sends, channel, label in roots:
        yield from _payload_changes(differ, node, old, sends, channel, label, file)


def _direction(api: AsyncApi, sends: bool) -> list[Message]:
    if sends:
        return api.sent_messages()
    sent = {(m.channel, m.pointer) for m in api.sent_messages()}
    seen: dict[tuple[str, str], Message] = {}
    for op in api.operations:
        for m in op.messages:
            if not op.sends and (m.channel, m.pointer) not in sent:
                seen.setdefault((m.channel, m.pointer), m)
    return list(seen.values())


def _unique_by_name(index: dict[tuple[str, str], Message], name: str) -> Message | None:
    """The one message of that name on any channel (a channel renamed, a 2.x → 3.x id)."""
    found = [m for (_, n), m in index.items() if n == name]
    return found[0] if len(found) == 1 else None


def _payload_changes(
    differ: SchemaDiffer,
    root: SchemaDiff,
    message: Message,
    sends: bool,
    channel: str,
    label: str,
    file: str,
) -> Iterator[_Change]:
    """Walk the schema diff graph below one payload, each node once, with its field path."""
    side = "sent" if sends else "received"
    stack: list[tuple[SchemaDiff, tuple[str, ...]]] = [(root, ())]
    seen: set[int] = set()

    def change(
        kind: str, text: str, field: tuple[str, ...], where: str, **details: Any
    ) -> Iterator[_Change]:
        rule = f"asyncapi-{side}-{kind}"
        if rule not in RULES:
            return
        shown = dotted(field) or "(the payload)"
        yield _Change(
            _finding(
                rule,
                f"message {label!r}: {text.format(field=shown)}",
                where,
                file,
                channel=channel,
                message=label,
                field=dotted(field) or None,
                **details,
            ),
            message,
            field,
        )

    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        at = node.location
        for name in sorted(node.removed):
            yield from change("property-removed", "field {field} was removed", (*path, name), at)
        for old, new in node.renamed:
            yield from change(
                "property-renamed",
                f"field {{field}} was renamed to {dotted((*path, new))}",
                (*path, old),
                at,
                renamed_to=dotted((*path, new)),
            )
        for name in sorted(node.added):
            yield from change("property-added", "field {field} was added", (*path, name), at)
        if "type" in node.keywords:
            (bt, bf), (rt, rf) = node.keywords["type"]
            yield from change(
                "property-type-changed",
                f"{{field}} changed type from {_type(bt, bf)} to {_type(rt, rf)}",
                path,
                at,
            )
        renamed_old = {old for old, _ in node.renamed}
        renamed_new = {new for _, new in node.renamed}
        # A removed or renamed field has its own finding; its `required` entry went with it.
        for name in sorted(
            node.base_required - node.revision_required - renamed_old - set(node.removed)
        ):
            yield from change(
                "property-became-optional", "field {field} is no longer required", (*path, name), at
            )
        for name in sorted(node.revision_required - node.base_required - renamed_new):
            yield from change(
                "property-became-required", "field {field} became required", (*path, name), at
            )
        if "enum" in node.keywords:
            bv, rv = node.keywords["enum"]
            before = bv if isinstance(bv, list) else []
            after = rv if isinstance(rv, list) else []
            if isinstance(bv, list) and isinstance(rv, list):
                gone = [v for v in before if v not in after]
                more = [v for v in after if v not in before]
                if gone:
                    yield from change(
                        "enum-value-removed",
                        f"{{field}} no longer allows {gone!r}",
                        path,
                        at,
                        removed=gone,
                    )
                if more:
                    yield from change(
                        "enum-value-added", f"{{field}} now allows {more!r}", path, at, added=more
                    )
        for step, child in node.children:
            stack.append((child, (*path, *_tokens(step))))
        stack.extend((child, path) for child in _lone_alternatives(differ, node))


def _lone_alternatives(differ: SchemaDiffer, node: SchemaDiff) -> list[SchemaDiff]:
    """One inline ``allOf``/``oneOf``/``anyOf`` entry removed and one added: the same entry,
    changed. The shared differ pairs entries by reference, content, title or type; an inline
    part without a ``type`` (``allOf: [{properties: …}, {$ref: …}]``) pairs by none of them,
    and a payload's fields would change unseen. Compared here, once, as a pair."""
    out = []
    for key, added in node.subschemas_added.items():
        removed = node.subschemas_removed.get(key, [])
        if len(added) == 1 and len(removed) == 1:
            (i, old), (j, new) = removed[0], added[0]
            pair = differ.pair(
                old, f"{node.base_location}/{key}/{i}", new, f"{node.location}/{key}/{j}"
            )
            if pair is not None:
                differ.finish()
                out.append(pair)
    return out


def _tokens(step: str) -> tuple[str, ...]:
    """A child step of the schema diff as field-path tokens (compositions add none)."""
    if step.startswith("properties/"):
        return (step[len("properties/") :],)
    if step == "items":
        return ("[]",)
    if step == "additionalProperties":
        return ("*",)
    return ()


def _type(types: Any, fmt: Any) -> str:
    text = "|".join(sorted(types)) if types else "any"
    return f"{text} ({fmt})" if fmt else text


# -- consumers ----------------------------------------------------------------------------


def _judge(change: _Change, base: AsyncApi, pacts: Sequence[Pact]) -> Finding:
    """Blame a breaking change on the consumers that read it, or say why none is affected."""
    f = change.finding
    if f.severity < Severity.WARNING or change.message is None:
        return f
    readers: list[tuple[str, str]] = []
    expecting: list[str] = []
    for pact in pacts:
        for ix in pact.interactions:
            if ix.kind != "message":
                continue
            if change.message not in base.expected(ix.description, ix.metadata):
                continue
            expecting.append(pact.consumer)
            if change.field is None or has_field(message_payload(ix), change.field):
                readers.append((pact.consumer, ix.description))
    if not readers:
        what = dotted(change.field) if change.field else None
        if not expecting:
            why = f"no message pact expects {_identity(change.message)!r}"
        else:
            who = ", ".join(sorted(set(expecting)))
            why = f"{who} expects it but reads no {what}" if what else f"{who} expects it"
        return replace(
            f,
            severity=Severity.WARNING,
            message=f"{f.message} — no consumer affected: {why}",
            details={**f.details, "consumers": "none affected", "unaffected": why},
        )
    names = tuple(sorted({c for c, _ in readers}))
    consumer, description = sorted(readers)[0]
    reads = f"reads {dotted(change.field)}" if change.field else "expects it"
    more = f" (and {len(names) - 1} more consumer(s))" if len(names) > 1 else ""
    return replace(
        f,
        severity=Severity.ERROR,
        message=f"{f.message} — breaks {consumer}: '{description}' {reads}{more}",
        consumers=names,
        interaction=description,
        details={**f.details, "broken_interactions": [f"{c}: {d}" for c, d in sorted(readers)]},
    )
