"""Merging a session's interactions into the pact on disk (seam.pytest_plugin._record)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seam.pytest_plugin._record import Declared, Recorder, RunFacts, plan_merge

TEMPLATE = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "metadata": {}}


def interaction(description: str, test: str | None = None, body: Any = 1) -> dict[str, Any]:
    """A minimal HTTP interaction, optionally carrying its test name."""
    item: dict[str, Any] = {
        "description": description,
        "providerStates": [{"name": "s"}],
        "request": {"method": "GET", "path": "/x"},
        "response": {"status": 200, "body": body},
    }
    if test:
        item["comments"] = {"testname": test}
    return item


def facts(tmp_path: Path, **kwargs: Any) -> RunFacts:
    """Run facts over ``tmp_path``; by default nothing ran and nothing was collected."""
    values: dict[str, Any] = {
        "outcomes": {},
        "collected": frozenset(),
        "modules": frozenset(),
        "rootdir": tmp_path,
        "complete": False,
    }
    values.update(kwargs)
    return RunFacts(**values)


def existing(*items: dict[str, Any]) -> dict[str, Any]:
    """A pact document on disk holding ``items``."""
    return {**TEMPLATE, "interactions": list(items)}


def names(plan_doc: dict[str, Any]) -> list[str]:
    """Descriptions in a planned document."""
    return [i["description"] for i in plan_doc["interactions"]]


def test_passed_test_that_stopped_declaring_is_pruned(tmp_path: Path) -> None:
    """An interaction whose test ran and passed without declaring it again is removed."""
    (tmp_path / "t.py").write_text("")
    plan = plan_merge(
        TEMPLATE,
        [],
        existing(interaction("old", "t.py::a")),
        facts(tmp_path, outcomes={"t.py::a": "passed"}),
    )
    assert names(plan.doc) == [] and plan.removed == ["'old' given s"]


def test_failed_test_keeps_its_interaction(tmp_path: Path) -> None:
    """An interaction whose test failed this run stays."""
    (tmp_path / "t.py").write_text("")
    plan = plan_merge(
        TEMPLATE,
        [],
        existing(interaction("old", "t.py::a")),
        facts(tmp_path, outcomes={"t.py::a": "failed"}),
    )
    assert names(plan.doc) == ["old"] and plan.kept == [("'old' given s", "t.py::a")]


def test_deselected_test_keeps_its_interaction(tmp_path: Path) -> None:
    """An interaction whose test was collected but did not run stays."""
    (tmp_path / "t.py").write_text("")
    run = facts(tmp_path, collected=frozenset({"t.py::a"}), modules=frozenset({"t.py"}))
    plan = plan_merge(TEMPLATE, [], existing(interaction("old", "t.py::a")), run)
    assert names(plan.doc) == ["old"]


def test_test_removed_from_collected_module_is_pruned(tmp_path: Path) -> None:
    """An interaction whose test no longer exists in a module that was collected is removed."""
    (tmp_path / "t.py").write_text("")
    run = facts(tmp_path, modules=frozenset({"t.py"}))
    plan = plan_merge(TEMPLATE, [], existing(interaction("old", "t.py::gone")), run)
    assert names(plan.doc) == []


def test_uncollected_module_keeps_its_interactions(tmp_path: Path) -> None:
    """An interaction from a module this run did not collect (a narrower path) stays."""
    (tmp_path / "other.py").write_text("")
    plan = plan_merge(TEMPLATE, [], existing(interaction("old", "other.py::a")), facts(tmp_path))
    assert names(plan.doc) == ["old"]


def test_deleted_module_is_pruned(tmp_path: Path) -> None:
    """An interaction whose test module was deleted is removed."""
    plan = plan_merge(TEMPLATE, [], existing(interaction("old", "deleted.py::a")), facts(tmp_path))
    assert names(plan.doc) == []


@pytest.mark.parametrize(
    ("complete", "kept"),
    [pytest.param(True, [], id="complete"), pytest.param(False, ["old"], id="partial")],
)
def test_interaction_without_test_name_pruned_only_by_complete_runs(
    tmp_path: Path, complete: bool, kept: list[str]
) -> None:
    """Interactions without a test name (V3, older files) go only when every test ran."""
    plan = plan_merge(
        TEMPLATE, [], existing(interaction("old")), facts(tmp_path, complete=complete)
    )
    assert names(plan.doc) == kept


def test_same_declaration_from_two_tests_is_one_interaction(tmp_path: Path) -> None:
    """Identical interactions from two tests merge, named after the first test by node id."""
    same = interaction("same")
    declared = [Declared("t.py::b", same), Declared("t.py::a", same)]
    plan = plan_merge(TEMPLATE, declared, None, facts(tmp_path))
    assert not plan.conflicts
    assert [i["comments"]["testname"] for i in plan.doc["interactions"]] == ["t.py::a"]


def test_different_declarations_from_two_tests_conflict(tmp_path: Path) -> None:
    """One description + states declared differently by two tests is a conflict naming both."""
    declared = [
        Declared("t.py::b", interaction("x", body=2)),
        Declared("t.py::a", interaction("x")),
    ]
    plan = plan_merge(TEMPLATE, declared, None, facts(tmp_path))
    assert [(c.first, c.second) for c in plan.conflicts] == [("t.py::a", "t.py::b")]


def test_changed_interaction_is_reported(tmp_path: Path) -> None:
    """A redeclared interaction with new content counts as changed, not added."""
    plan = plan_merge(
        TEMPLATE,
        [Declared("t.py::a", interaction("x", body=2))],
        existing(interaction("x", "t.py::a")),
        facts(tmp_path),
    )
    assert (plan.added, plan.changed) == ([], ["'x' given s"])


def test_recorder_round_trips_through_workeroutput() -> None:
    """A worker's recorder serialised and merged on the controller loses nothing."""
    worker = Recorder()
    worker.record(("c", "p"), "t.py::a", {**TEMPLATE, "interactions": [interaction("x")]})
    worker.outcomes["t.py::a"] = "passed"
    worker.collected.add("t.py::a")
    worker.modules.add("t.py")
    controller = Recorder()
    controller.merge_json(worker.to_json())
    assert controller.declared == worker.declared
    assert (controller.outcomes, controller.collected, controller.modules) == (
        worker.outcomes,
        worker.collected,
        worker.modules,
    )
