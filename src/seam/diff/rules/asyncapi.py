"""Rules about two versions of an AsyncAPI document, one row each: id, severity, summary.

:func:`seam.diff._asyncapi.diff_asyncapi` pairs channels and messages and walks payload
diffs; it emits these ids (``asyncapi-sent-*`` for what the provider sends,
``asyncapi-received-*`` for what it receives) and no other.
"""

from __future__ import annotations

from seam.diff.rules._registry import RULES
from seam.model import Severity

__all__: list[str] = []

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_RULES = {
    "asyncapi-channel-removed": (E, "A channel the provider sends on was removed."),
    "asyncapi-channel-added": (INFO, "A channel was added."),
    "asyncapi-message-removed": (E, "A message the provider sends is no longer sent."),
    "asyncapi-message-added": (INFO, "The provider sends a new message."),
    "asyncapi-message-content-type-changed": (E, "A sent message's content type changed."),
    "asyncapi-sent-property-removed": (E, "A field of a sent message's payload was removed."),
    "asyncapi-sent-property-renamed": (
        E,
        "A field of a sent message's payload was renamed (removed and added, same schema).",
    ),
    "asyncapi-sent-property-type-changed": (E, "A field of a sent message changed type."),
    "asyncapi-sent-property-became-optional": (
        W,
        "A field of a sent message is no longer required: consumers may not get it.",
    ),
    "asyncapi-sent-property-became-required": (INFO, "A sent message now always carries a field."),
    "asyncapi-sent-enum-value-added": (
        W,
        "A sent message's enum gained a value its consumers may not handle.",
    ),
    "asyncapi-sent-enum-value-removed": (INFO, "A sent message's enum lost a value (narrowed)."),
    "asyncapi-sent-property-added": (INFO, "A sent message's payload gained a field."),
    "asyncapi-received-property-became-required": (
        E,
        "A message the provider receives now requires a field its senders may not send.",
    ),
    "asyncapi-received-enum-value-removed": (
        E,
        "A message the provider receives no longer accepts an enum value (narrowed).",
    ),
    "asyncapi-received-property-type-changed": (
        E,
        "A field of a message the provider receives changed type.",
    ),
    "asyncapi-received-property-removed": (
        W,
        "A field of a message the provider receives was removed from its schema.",
    ),
}
for _id, (_severity, _summary) in _RULES.items():
    RULES.add(_id, severity=_severity, summary=_summary, area="asyncapi")
