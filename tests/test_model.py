"""`seam.model`: the one rule registry (each id declared once, registration order as run
order, a rule held to the ids it registered) and the one `RULE_ID=LEVEL` parser."""

from __future__ import annotations

import pytest

from seam.errors import SeamError, UsageError
from seam.model import Registry, RuleIdError, Severity, parse_severities


def _table() -> tuple[Registry, object, object]:
    """A registry with two rules of one kind, registered z before a, and one row."""
    registry = Registry("test")

    @registry.rule("z-rule", severity=Severity.ERROR, area="x", kind="walk")
    def z_rule() -> None:
        """Z fires."""

    @registry.rule("a-rule", severity=Severity.INFO, area="x", kind="walk")
    def a_rule() -> None:
        """A fires."""

    registry.add("m-row", severity=Severity.WARNING, summary="M, a row.", kind="row")
    return registry, z_rule, a_rule


def test_registration_order_is_run_order_and_listing_is_by_id() -> None:
    """`functions(kind)` keeps the order rules were registered in; iteration sorts by id."""
    registry, z_rule, a_rule = _table()
    assert registry.functions("walk") == [z_rule, a_rule]
    assert [r.id for r in registry.rules("walk")] == ["z-rule", "a-rule"]
    assert [r.id for r in registry] == ["a-rule", "m-row", "z-rule"]
    assert registry["z-rule"].summary == "Z fires."


def test_a_function_with_several_ids_runs_once() -> None:
    """A rule registered under two ids is one function to run, emitting either id."""
    registry = Registry("test")

    def both() -> None:
        """Either of two ids."""

    registry.rule("one-id", severity=Severity.ERROR, kind="schema")(both)
    registry.rule("two-id", severity=Severity.INFO, kind="schema")(both)
    assert registry.functions("schema") == [both]
    assert registry.emitted(both, "two-id") == "two-id"


def test_an_id_is_declared_once() -> None:
    """Registering an id a second time, as a rule or a row, is refused."""
    registry, _, _ = _table()
    with pytest.raises(ValueError, match="registered twice"):
        registry.add("a-rule", severity=Severity.INFO, summary="Again.")


def test_a_rule_can_only_emit_its_registered_ids() -> None:
    """`emitted` passes a rule's own id and refuses another rule's id or an unknown one."""
    registry, z_rule, a_rule = _table()
    assert registry.emitted(z_rule, "z-rule") == "z-rule"
    with pytest.raises(RuleIdError, match="z_rule emitted 'a-rule'"):
        registry.emitted(z_rule, "a-rule")
    with pytest.raises(RuleIdError):
        registry.emitted(a_rule, "no-such-rule")


def test_a_wrong_rule_id_is_an_internal_error_not_bad_input() -> None:
    """RuleIdError is a bug in Seam: outside the SeamError tree, so never reported as exit 2."""
    assert not issubclass(RuleIdError, SeamError)


def test_an_included_table_keeps_its_rules_held_to_their_ids() -> None:
    """A registry taking in another checks the included rules' ids as the owner did."""
    inner, z_rule, _ = _table()
    outer = Registry("outer")
    outer.include_later("z-", lambda: inner)
    assert "z-rule" in outer
    assert outer.emitted(z_rule, "z-rule") == "z-rule"
    with pytest.raises(RuleIdError):
        outer.emitted(z_rule, "m-row")


def test_values_become_a_map_of_rule_to_severity() -> None:
    """Each RULE_ID=LEVEL becomes an entry; levels take any case and the err/warn aliases."""
    got = parse_severities(["a-rule=WARN", " b.rule = info", "c=error"])
    assert got == {"a-rule": Severity.WARNING, "b.rule": Severity.INFO, "c": Severity.ERROR}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "a-rule", "--severity 'a-rule': expected RULE_ID=error|warning|info$", id="no-equals"
        ),
        pytest.param("=error", "--severity '=error': expected RULE_ID=", id="no-rule"),
        pytest.param(
            "a-rule=fatal", "--severity 'a-rule=fatal': unknown severity 'fatal'", id="bad-level"
        ),
    ],
)
def test_malformed_values_are_usage_errors(value: str, message: str) -> None:
    """A value without `=`, without a rule id or with an unknown level names itself."""
    with pytest.raises(UsageError, match=message):
        parse_severities([value])


def test_known_ids_are_checked_when_given() -> None:
    """With the registry's ids, an unknown id is refused; without them it is left to the caller."""
    with pytest.raises(UsageError, match="with a known rule id"):
        parse_severities(["nope=error"], {"a-rule"}, option="--rule")
    assert parse_severities(["nope=error"]) == {"nope": Severity.ERROR}
