"""What a session recorded, and how it merges into the pact files already on disk.

Pure stdlib on purpose: the plugin imports this module in every pytest run.

Each recorded interaction carries the node id of the test that declared it in the
Pact V4 ``comments.testname`` field. That is what makes partial runs safe: an
interaction already in the file is dropped only when its own test ran, passed and
no longer declares it, or when that test no longer exists; everything else is kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Conflict",
    "Declared",
    "MergePlan",
    "Recorder",
    "RunFacts",
    "interaction_key",
    "plan_merge",
]

Pair = tuple[str, str]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def interaction_key(interaction: Mapping[str, Any]) -> str:
    """How Pact tells interactions apart: the description and the provider states."""
    states = interaction.get("providerStates")
    if states is None and interaction.get("providerState"):
        states = [{"name": interaction["providerState"]}]
    return _canonical([interaction.get("description", ""), states or []])


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


@dataclass
class Recorder:
    """Everything one pytest process saw; xdist workers send theirs to the controller."""

    # (consumer, provider) → interactions of passing tests, and the pact template
    # (consumer, provider, metadata) pact_ffi wrote for that pair.
    declared: dict[Pair, list[Declared]] = field(default_factory=dict)
    templates: dict[Pair, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # nodeid → passed|failed|skipped
    collected: set[str] = field(default_factory=set)  # item node ids, before deselection
    modules: set[str] = field(default_factory=set)  # module node ids collected cleanly
    deselected: int = 0
    collect_errors: int = 0

    def record(self, pair: Pair, nodeid: str, doc: Mapping[str, Any]) -> None:
        """Keep the interactions of a passing test's pact document."""
        template = {k: v for k, v in doc.items() if k not in ("interactions", "messages")}
        self.templates.setdefault(pair, template)
        bucket = self.declared.setdefault(pair, [])
        for interaction in _interactions(doc):
            bucket.append(Declared(nodeid, dict(interaction)))

    def to_json(self) -> str:
        """Serialise for xdist's ``workeroutput`` (plain JSON crosses execnet)."""
        return json.dumps(
            {
                "declared": [
                    [list(pair), [[d.nodeid, d.interaction] for d in items]]
                    for pair, items in self.declared.items()
                ],
                "templates": [[list(pair), t] for pair, t in self.templates.items()],
                "outcomes": self.outcomes,
                "collected": sorted(self.collected),
                "modules": sorted(self.modules),
                "deselected": self.deselected,
                "collect_errors": self.collect_errors,
            }
        )

    def merge_json(self, text: str) -> None:
        """Add what a worker recorded (see :meth:`to_json`)."""
        data = json.loads(text)
        for pair, items in data["declared"]:
            bucket = self.declared.setdefault((pair[0], pair[1]), [])
            bucket.extend(Declared(nodeid, interaction) for nodeid, interaction in items)
        for pair, template in data["templates"]:
            self.templates.setdefault((pair[0], pair[1]), template)
        self.outcomes.update(data["outcomes"])
        self.collected.update(data["collected"])
        self.modules.update(data["modules"])
        # Every worker collects the whole suite, so counts are the same on each.
        self.deselected = max(self.deselected, data["deselected"])
        self.collect_errors = max(self.collect_errors, data["collect_errors"])


def _interactions(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for key in ("interactions", "messages"):
        value = doc.get(key)
        if isinstance(value, list):
            out.extend(i for i in value if isinstance(i, Mapping))
    return out


@dataclass(frozen=True)
class RunFacts:
    """What decides whether an interaction on disk may be pruned."""

    outcomes: Mapping[str, str]
    collected: frozenset[str]
    modules: frozenset[str]
    rootdir: Path
    complete: bool  # every test ran: no selection, no early stop, no failures


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


def _may_prune(name: str | None, facts: RunFacts) -> bool:
    """Whether an interaction on disk that no test declared this run is stale."""
    if name is None:
        # Without a test name (older or V3 files) only a complete run knows it is stale.
        return facts.complete
    if name in facts.outcomes:
        # Its test ran: passed means it no longer declares it; otherwise keep it.
        return facts.outcomes[name] == "passed"
    if name in facts.collected:
        return False  # deselected, or not reached (-x, a crashed worker)
    module = name.split("::", 1)[0]
    # The test is gone: its module was collected without it, or the file was deleted.
    return module in facts.modules or not (facts.rootdir / module).exists()


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
            description, states = json.loads(key)
            conflicts.append(Conflict(description, _canonical(states), first.nodeid, item.nodeid))
    return chosen, conflicts


def _sort_key(interaction: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(interaction.get("description", "")),
        _canonical(interaction.get("providerStates") or []),
        str(interaction.get("type", "")),
    )


def plan_merge(
    template: Mapping[str, Any],
    declared: Iterable[Declared],
    existing: Mapping[str, Any] | None,
    facts: RunFacts,
    *,
    with_testnames: bool = True,
) -> MergePlan:
    """Merge one pair's declared interactions into its existing pact document.

    Args:
        template: The pact document's non-interaction fields (consumer, provider, metadata).
        declared: Interactions of the tests that passed this run.
        existing: The pact document already on disk, if any.
        facts: What ran, to decide which interactions on disk are stale.
        with_testnames: Record each test's node id in ``comments.testname`` (V4 only).

    Returns:
        The document to write (interactions sorted) and what changed.
    """
    chosen, conflicts = _dedupe(declared)
    old = {interaction_key(i): i for i in _interactions(existing or {})}
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
        if _may_prune(name, facts):
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
