"""The graphql-* table: rows and walk rules register once, and a walk may only emit its id."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from seam.graphql import RULES, diff_schemas, parse_schema
from seam.graphql.rules import Change, CoreRule, Pair
from seam.graphql.rules._registry import walk_rule
from seam.graphql.rules.core import CORE_TABLE
from seam.model import Registry, RuleIdError, Severity


@pytest.fixture
def scratch_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The GraphQL registry, its tables copied so rules a test adds are gone after it."""
    monkeypatch.setattr(RULES, "_rules", dict(RULES._rules))
    monkeypatch.setattr(RULES, "_emits", {f: set(ids) for f, ids in RULES._emits.items()})
    yield RULES


def _diff() -> list[str]:
    old = parse_schema("type Query { a: Int }")
    new = parse_schema("type Query { a: Int, b: Int }")
    return [f.rule for f in diff_schemas(old, new)]


def test_a_walk_rule_cannot_emit_another_rules_id(scratch_rules: Registry) -> None:
    """A walk rule whose change carries another rule's id stops the diff."""

    @walk_rule("graphql-test-rogue", Severity.INFO)
    def rogue(pair: Pair) -> Iterator[Change]:
        """Claims another rule's id."""
        yield Change("graphql-type-added", "Query", "not mine")

    with pytest.raises(RuleIdError, match="rogue emitted 'graphql-type-added'"):
        _diff()


def test_a_walk_rule_emits_its_registered_id(scratch_rules: Registry) -> None:
    """The same walk giving its own id is reported under it."""

    @walk_rule("graphql-test-honest", Severity.INFO)
    def honest(pair: Pair) -> Iterator[Change]:
        """Gives its own id."""
        yield Change("graphql-test-honest", "Query", "mine")

    assert "graphql-test-honest" in _diff()


def test_every_row_is_registered_under_its_id_as_a_core_rule() -> None:
    """Each CORE_TABLE row is the registered rule of its id, in table order."""
    rows = [rule.func for rule in RULES.rules("core")]
    assert rows == list(CORE_TABLE)
    assert all(isinstance(row, CoreRule) and RULES[row.id].func is row for row in rows)


@pytest.mark.parametrize("row", CORE_TABLE, ids=lambda row: row.id)
def test_each_row_names_what_its_message_and_subject_need(row: CoreRule) -> None:
    """A row's pattern has the groups its coordinate and message template use."""
    groups = set(re.compile(row.pattern).groupindex)
    needs = {"type"} | {
        "value": {"value"},
        "field": {"field"},
        "arg": {"field", "arg"},
        "directive-arg": {"arg"},
    }.get(row.subject, set())
    used = set(re.findall(r"\{(\w+)\}", row.message)) - {"c", "d", "hint"}
    assert needs | used <= groups
    assert (row.hint is not None) == ("{hint}" in row.message)
