"""What a session recorded, and which interactions on disk it may prune.

Pure stdlib on purpose (``seam.pactfile`` is too): the plugin imports this module in every
pytest run. The merge itself, and how interactions are told apart, live in
``seam.pactfile`` (:func:`~seam.pactfile.merge_interactions`); this module decides what is
stale.

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

from seam.pactfile._merge import (
    Conflict,
    Declared,
    MergePlan,
    interaction_key,
    interactions_of,
    merge_interactions,
)

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
        for interaction in interactions_of(doc):
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


@dataclass(frozen=True)
class RunFacts:
    """What decides whether an interaction on disk may be pruned."""

    outcomes: Mapping[str, str]
    collected: frozenset[str]
    modules: frozenset[str]
    rootdir: Path
    complete: bool  # every test ran: no selection, no early stop, no failures


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


def plan_merge(
    template: Mapping[str, Any],
    declared: Iterable[Declared],
    existing: Mapping[str, Any] | None,
    facts: RunFacts,
    *,
    with_testnames: bool = True,
) -> MergePlan:
    """Merge one pair's declared interactions into its existing pact document.

    :func:`seam.pactfile.merge_interactions`, pruning what :class:`RunFacts` says is stale.
    """
    return merge_interactions(
        template,
        declared,
        existing,
        lambda name: _may_prune(name, facts),
        with_testnames=with_testnames,
    )
