"""Pact content identity and merging for the broker (``merge=true`` publications).

Kept as it was in the service: ``seam.pactfile`` is becoming the one home of pact merging,
and the broker switches to it later.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from seam.server._errors import Conflict

__all__ = ["merge_pacts", "pact_sha"]


def pact_sha(content: dict[str, Any]) -> str:
    """Return the content hash that identifies a pact version (same content, same sha)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def _interaction_key(interaction: Any) -> str:
    if not isinstance(interaction, dict):
        return json.dumps(interaction, sort_keys=True)
    states = interaction.get("providerStates", interaction.get("providerState"))
    return json.dumps(
        [interaction.get("description"), states, interaction.get("type")], sort_keys=True
    )


def merge_pacts(existing: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge ``new`` into ``existing`` by interaction description and provider states.

    Raises:
        Conflict: An interaction with the same description and states differs.
    """
    merged = dict(existing)
    for field in ("interactions", "messages"):
        old_items = list(existing.get(field) or [])
        index = {_interaction_key(item): pos for pos, item in enumerate(old_items)}
        for item in new.get(field) or []:
            key = _interaction_key(item)
            if key in index:
                if old_items[index[key]] != item:
                    raise Conflict(
                        "cannot merge: an interaction with the same description and provider "
                        "state already exists with different content; publish a new version"
                    )
                continue
            index[key] = len(old_items)
            old_items.append(item)
        if field in existing or field in new:
            merged[field] = old_items
    return merged
