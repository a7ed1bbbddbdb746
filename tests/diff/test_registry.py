"""The diff rule table: complete on import, one home per rule, and the engine holding each
rule to the ids it registered."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from seam.diff import RULES
from seam.diff.rules._registry import Context, Hit, operation_rule, schema_rule
from seam.graphql import RULES as GRAPHQL_RULES
from seam.model import Registry, RuleIdError, Severity

from .conftest import Differ

_OBJECT = {"type": "object", "properties": {"id": {"type": "string"}}}


def _document(path: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            path: {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }


@pytest.fixture
def scratch_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The diff registry, its tables copied so rules a test adds are gone after it."""
    monkeypatch.setattr(RULES, "_rules", dict(RULES._rules))
    monkeypatch.setattr(RULES, "_emits", {f: set(ids) for f, ids in RULES._emits.items()})
    monkeypatch.setattr(RULES, "_later", list(RULES._later))
    yield RULES


def test_an_operation_rule_cannot_emit_another_rules_id(
    scratch_rules: Registry, run_diff: Differ
) -> None:
    """A rule whose hit carries another rule's id stops the diff with RuleIdError."""

    @operation_rule("test-rogue-operation", Severity.INFO, "paths")
    def rogue(od: Any) -> Iterator[Hit]:
        """Claims another rule's id."""
        yield Hit("endpoint-added", "not mine", od.either.pointer)

    with pytest.raises(RuleIdError, match="rogue emitted 'endpoint-added'"):
        run_diff(_document("/a", _OBJECT), _document("/a", _OBJECT))


def test_an_operation_rule_emits_its_registered_id(
    scratch_rules: Registry, run_diff: Differ
) -> None:
    """The same rule giving its own id reaches the findings under that id."""

    @operation_rule("test-honest-operation", Severity.INFO, "paths")
    def honest(od: Any) -> Iterator[Hit]:
        """Gives its own id."""
        yield Hit("test-honest-operation", "mine", od.either.pointer)

    report = run_diff(_document("/a", _OBJECT), _document("/a", _OBJECT))
    assert [(f.rule, f.path) for f in report.findings] == [("test-honest-operation", "/a")]


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param("response-property-type-changed", id="another-rules-id"),
        pytest.param("type-changed", id="another-rules-kind"),
        pytest.param("no-such-rule", id="neither-id-nor-kind"),
    ],
)
def test_a_schema_rule_cannot_emit_another_rules_id(
    scratch_rules: Registry, run_diff: Differ, wrong: str
) -> None:
    """A schema rule yielding an id (or a kind) it did not register is refused, not dropped."""

    @schema_rule(("test-rogue-schema", Severity.INFO))
    def rogue_schema(node: Any, ctx: Context) -> Iterator[Hit]:
        """Claims another rule's id."""
        yield Hit(wrong, "not mine", node.location)

    changed = {"type": "object", "properties": {"id": {"type": "integer"}}}
    with pytest.raises(RuleIdError, match=wrong):
        run_diff(_document("/a", _OBJECT), _document("/a", changed))


def test_importing_one_area_module_fills_the_whole_table() -> None:
    """Any module of seam.diff.rules, imported alone, brings every rule with it."""
    code = (
        "import json, seam.diff.rules.paths; from seam.diff.rules import RULES; "
        "print(json.dumps(RULES.ids()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == RULES.ids()


def test_every_diff_rule_lives_in_seam_diff_rules() -> None:
    """Each OpenAPI, pact and file rule is a function of a seam.diff.rules module; the
    asyncapi-* rows are declared there too; the graphql-* ones come from seam.graphql."""
    homes = {}
    for rule in RULES:
        if rule.id.startswith("graphql-"):
            homes[rule.id] = GRAPHQL_RULES[rule.id] is rule
        elif rule.area == "asyncapi":
            homes[rule.id] = rule.id.startswith("asyncapi-")
        else:
            homes[rule.id] = rule.func.__module__.startswith("seam.diff.rules.")
    assert homes and all(homes.values()), sorted(r for r, ok in homes.items() if not ok)
