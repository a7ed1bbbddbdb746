"""Merging interactions into a pact document: how Pact tells them apart, and what wins.

One identity for every merge (:func:`interaction_key`): the description, the provider
states as written (V3/V4 ``providerStates`` list, else V2 ``providerState``) and the V4
``type``, so an HTTP interaction and a message that share a description stay two. Two
merges use it:

* :func:`merge_pacts` — a pact published again for the same consumer version is merged
  into the stored one (the embedded broker, ``publish --merge``): new interactions are
  appended, identical ones kept once, and one that differs under the same identity is a
  :class:`~seam.errors.PactConflict`.
* :func:`merge_interactions` — the pytest plugin merges what a session's tests declared
  into the pact on disk; the decision which interactions on disk are stale (their test ran
  and no longer declares them) is the caller's, passed in as ``may_prune``. HTTP and
  message interactions merge alike.

Pure standard library: the plugin imports this in every pytest run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from seam.errors import PactConflict

__all__ = [
    "Conflict",
    "Declared",
    "MergePlan",
    "interaction_key",
    "interactions_of",
    "merge_interactions",
    "merge_pacts",
    "testname",
]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def interaction_key(interaction: Any) -> str:
    """How Pact tells interactions apart: the description, the provider states and the type.

    The provider states are compared as written: a V2 ``providerState`` string and a V3
    ``[{"name": ...}]`` list are different identities, as the Pact Broker compares them.
    Anything that is not an object (a malformed entry) is its own identity.

    Args:
        interaction: One entry of a pact's ``interactions`` or ``messages``.

    Returns:
        A string equal for two interactions exactly when they have one identity.
    """
    if not isinstance(interaction, Mapping):
        return _canonical(interaction)
    states = interaction.get("providerStates", interaction.get("providerState"))
    return _canonical([interaction.get("description"), states, interaction.get("type")])


def _states(interaction: Mapping[str, Any]) -> Any:
    """The provider states as a V3 list, for messages (a V2 string becomes one state)."""
    states = interaction.get("providerStates")
    if states is None and interaction.get("providerState"):
        states = [{"name": interaction["providerState"]}]
    return states or []


_CONFLICT = (
    "cannot merge: an interaction with the same description and provider state already "
    "exists with different content; publish a new version"
)


def merge_pacts(existing: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge the pact ``new`` into ``existing``, interaction by interaction.

    ``interactions`` and ``messages`` merge separately: an interaction of ``new`` whose
    identity (:func:`interaction_key`) is new is appended, in order; one equal to the
    stored one is kept once. Every other field is ``existing``'s.

    Args:
        existing: The stored pact document.
        new: The pact document published again.

    Returns:
        The merged document (``existing`` is not changed).

    Raises:
        PactConflict: an interaction has the identity of a stored one and other content.
    """
    merged = dict(existing)
    for field_name in ("interactions", "messages"):
        old_items = list(existing.get(field_name) or [])
        index = {interaction_key(item): pos for pos, item in enumerate(old_items)}
        for item in new.get(field_name) or []:
            key = interaction_key(item)
            if key in index:
                if old_items[index[key]] != item:
                    raise PactConflict(_CONFLICT)
                continue
            index[key] = len(old_items)
            old_items.append(item)
        if field_name in existing or field_name in new:
            merged[field_name] = old_items
    return merged


def _content(interaction: Mapping[str, Any]) -> str:
    """The interaction without Seam's bookkeeping: what two tests must agree on."""
    return _canonical({k: v for k, v in interaction.items() if k != "comments"})


def testname(interaction: Mapping[str, Any]) -> str | None:
    """The node id of the test that declared ``interaction`` (Pact V4 comments)."""
    comments = interaction.get("comments")
    name = comments.get("testname") if isinstance(comments, dict) else None
    return name if isinstance(name, str) else None


@dataclass(frozen=True)
class Declared:
    """One interaction a passing test declared."""

    nodeid: str
    interaction: dict[str, Any]


def interactions_of(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The interactions of a pact document: V4 ``interactions`` and V3 ``messages``."""
    out: list[Mapping[str, Any]] = []
    for key in ("interactions", "messages"):
        value = doc.get(key)
        if isinstance(value, list):
            out.extend(i for i in value if isinstance(i, Mapping))
    return out


@dataclass(frozen=True)
class Conflict:
    """Two tests declared the same description + provider states differently."""

    description: str
    states: str
    first: str
    second: str


@dataclass
class MergePlan:
    """The pact file to write for one pair, and what changed against the old one."""

    doc: dict[str, Any]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[tuple[str, str | None]] = field(default_factory=list)  # (description, testname)
    conflicts: list[Conflict] = field(default_factory=list)


def _describe(interaction: Mapping[str, Any]) -> str:
    description = str(interaction.get("description", ""))
    states = interaction.get("providerStates") or []
    names = [str(s.get("name")) for s in states if isinstance(s, Mapping)]
    return f"{description!r}" + (f" given {', '.join(names)}" if names else "")


def _dedupe(declared: Iterable[Declared]) -> tuple[dict[str, Declared], list[Conflict]]:
    chosen: dict[str, Declared] = {}
    conflicts: list[Conflict] = []
    # Sorted so that the same suite picks the same test name in any order and with -n.
    for item in sorted(declared, key=lambda d: (d.nodeid, _canonical(d.interaction))):
        key = interaction_key(item.interaction)
        first = chosen.get(key)
        if first is None:
            chosen[key] = item
        elif first.nodeid != item.nodeid and _content(first.interaction) != _content(
            item.interaction
        ):
            description = str(item.interaction.get("description", ""))
            states = _canonical(_states(item.interaction))
            conflicts.append(Conflict(description, states, first.nodeid, item.nodeid))
    return chosen, conflicts


def _sort_key(interaction: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(interaction.get("description", "")),
        _canonical(interaction.get("providerStates") or []),
        str(interaction.get("type", "")),
    )


def merge_interactions(
    template: Mapping[str, Any],
    declared: Iterable[Declared],
    existing: Mapping[str, Any] | None,
    may_prune: Callable[[str | None], bool],
    *,
    with_testnames: bool = True,
) -> MergePlan:
    """Merge one pair's declared interactions into its existing pact document.

    Args:
        template: The pact document's non-interaction fields (consumer, provider, metadata).
        declared: Interactions of the tests that passed this run.
        existing: The pact document already on disk, if any.
        may_prune: Whether an interaction on disk that nobody declared, recorded by the
            test with this node id (``None``: no name recorded), is stale.
        with_testnames: Record each test's node id in ``comments.testname`` (V4 only).

    Returns:
        The document to write (interactions sorted) and what changed.
    """
    chosen, conflicts = _dedupe(declared)
    old = {interaction_key(i): i for i in interactions_of(existing or {})}
    plan = MergePlan(doc={}, conflicts=conflicts)
    result: dict[str, dict[str, Any]] = {}
    for key, item in chosen.items():
        interaction = dict(item.interaction)
        if with_testnames:
            comments = dict(interaction.get("comments") or {})
            comments["testname"] = item.nodeid
            interaction["comments"] = comments
        result[key] = interaction
        previous = old.get(key)
        if previous is None:
            plan.added.append(_describe(interaction))
        elif _content(previous) != _content(interaction):
            plan.changed.append(_describe(interaction))
    for key, previous in old.items():
        if key in result:
            continue
        name = testname(previous)
        if may_prune(name):
            plan.removed.append(_describe(previous))
        else:
            result[key] = dict(previous)
            plan.kept.append((_describe(previous), name))
    doc = {k: v for k, v in template.items() if k not in ("interactions", "messages")}
    http = [i for i in result.values() if not _is_v3_message(i, template)]
    messages = [i for i in result.values() if _is_v3_message(i, template)]
    doc["interactions"] = sorted(http, key=_sort_key)
    if messages:
        doc["messages"] = sorted(messages, key=_sort_key)
    plan.doc = doc
    return plan


def _is_v3_message(interaction: Mapping[str, Any], template: Mapping[str, Any]) -> bool:
    # V3 keeps messages in their own list; V4 puts every kind in "interactions" with a type.
    version = str(template.get("metadata", {}).get("pactSpecification", {}).get("version", ""))
    return not version.startswith("4") and "request" not in interaction
