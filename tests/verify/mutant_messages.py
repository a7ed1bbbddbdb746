"""The Tasks service's message producers with one deliberate bug each: mutant producers.

``--messages mutant_messages:MUTANT`` (with ``tests/verify`` and ``providers/tasks`` on
``PYTHONPATH``). Each mutant is ``tasks_api.messages``, the real producers over the real
database and outbox, with the message it returns changed the way a careless edit of
``tasks_api.events`` would change it; contract verification must catch every one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tasks_api.messages import messages as real

from seam.verify import ProviderMessages

__all__ = ["changed_type", "dropped_field", "renamed_field", "wrong_content_type"]

Change = Callable[[dict[str, Any]], None]


def _mutant(change_body: Change | None = None, content_type: str | None = None) -> ProviderMessages:
    mutant = ProviderMessages()
    for description in real.descriptions:

        def produce(_description: str = description, **values: Any) -> dict[str, Any]:
            message = real.produce(_description, values)
            body = json.loads(message.contents)
            if change_body is not None:
                change_body(body)
            return {
                "body": body,
                "metadata": message.metadata,
                "content_type": content_type or message.content_type,
            }

        mutant.produces(description)(produce)
    return mutant


def _rename_title(body: dict[str, Any]) -> None:
    body["task"]["name"] = body["task"].pop("title")


def _id_as_string(body: dict[str, Any]) -> None:
    body["task"]["id"] = str(body["task"]["id"])


def _drop_status(body: dict[str, Any]) -> None:
    body["task"].pop("status")


renamed_field = _mutant(_rename_title)
changed_type = _mutant(_id_as_string)
dropped_field = _mutant(_drop_status)
wrong_content_type = _mutant(content_type="text/plain")
