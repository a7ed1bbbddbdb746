"""compat's rules run in registration order, and each may only emit its registered id."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from seam.compat import RULES, compare
from seam.model import Finding, Registry, RuleIdError, Severity

from .conftest import AUTH, TASKS_API, interaction, pact_of


@pytest.fixture
def scratch_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The check registry, its tables copied so rules a test adds are gone after it."""
    monkeypatch.setattr(RULES, "_rules", dict(RULES._rules))
    monkeypatch.setattr(RULES, "_emits", {f: set(ids) for f, ids in RULES._emits.items()})
    monkeypatch.setattr(RULES, "_later", list(RULES._later))
    yield RULES


def _compare() -> list[Finding]:
    return compare(pact_of(interaction(headers=AUTH)), copy.deepcopy(TASKS_API))


def test_a_rule_cannot_emit_another_rules_id(scratch_rules: Registry) -> None:
    """A request rule whose finding carries another rule's id stops the check."""

    @RULES.rule("test.rogue.request", severity=Severity.WARNING, area="request", kind="request")
    def rogue(ctx: Any) -> Iterator[Finding]:
        """Claims another rule's id."""
        yield ctx.finding("request.query.unknown", "not mine", "request.query")

    with pytest.raises(RuleIdError, match=re.escape("rogue emitted 'request.query.unknown'")):
        _compare()


def test_rules_run_in_registration_order(scratch_rules: Registry) -> None:
    """Two response rules added z before a report in that order, each under its own id."""

    @RULES.rule("test.z.response", severity=Severity.INFO, area="response", kind="response")
    def z_rule(ctx: Any) -> Iterator[Finding]:
        """Registered first."""
        yield ctx.finding("test.z.response", "first", "response")

    @RULES.rule("test.a.response", severity=Severity.INFO, area="response", kind="response")
    def a_rule(ctx: Any) -> Iterator[Finding]:
        """Registered second."""
        yield ctx.finding("test.a.response", "second", "response")

    assert [f.rule for f in _compare()] == ["test.z.response", "test.a.response"]
