"""The rule table as a whole: every rule fires on one pair and stays quiet on its twin."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from seam.compat import RULES
from seam.model import Severity

from .conftest import AUTH, interaction, pact_of

JSON = {"Content-Type": "application/json"}
TASK_BODY = {"id": 1, "title": "write tests"}


def _rules(match: str = "type", regex: str | None = None, combine: str = "AND") -> dict[str, Any]:
    """V3 response matching rules with one matcher on the body's `id`."""
    matcher = {"match": match, **({"regex": regex} if regex is not None else {})}
    return {"body": {"$.id": {"matchers": [matcher], "combine": combine}}}


# rule id → (interaction that makes it fire, the nearest interaction that must not)
TABLE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "request.path-or-method.unknown": (
        interaction(path="/tasks/abc", headers=AUTH),
        interaction(path="/tasks/7", headers=AUTH),
    ),
    "request.authorization.missing": (interaction(), interaction(headers=AUTH)),
    "request.accept.unknown": (
        interaction(path="/ping", headers={"Accept": "application/json"}),
        interaction(path="/ping"),
    ),
    "request.accept.incompatible": (
        interaction(headers={**AUTH, "Accept": "text/html"}),
        interaction(headers={**AUTH, "Accept": "application/json"}),
    ),
    "request.content-type.unknown": (
        interaction(path="/ping", headers={"Content-Type": "application/json"}),
        interaction(path="/ping"),
    ),
    "request.content-type.incompatible": (
        interaction("PUT", status=204, headers={"Content-Type": "text/plain"}, body="x"),
        interaction("PUT", status=204, headers=JSON, body=TASK_BODY),
    ),
    "request.content-type.missing": (
        interaction("PUT", status=204, body=TASK_BODY),
        interaction("PUT", status=204, headers=JSON, body=TASK_BODY),
    ),
    "request.header.incompatible": (
        interaction(headers={**AUTH, "X-Trace": "abc"}),
        interaction(headers={**AUTH, "X-Trace": "42"}),
    ),
    "request.header.unknown": (
        interaction(headers={**AUTH, "X-Surprise": "1"}),
        interaction(headers=AUTH),
    ),
    "request.query.incompatible": (
        interaction(headers=AUTH, query={"q": ["abc"]}),
        interaction(headers=AUTH, query={"q": ["3"]}),
    ),
    "request.query.unknown": (
        interaction(headers=AUTH, query={"zzz": ["1"]}),
        interaction(headers=AUTH),
    ),
    "request.body.unknown": (
        interaction(path="/ping", body={"a": 1}),
        interaction(path="/ping"),
    ),
    "request.body.unvalidatable": (
        interaction(
            "POST", "/upload", status=201, headers={"Content-Type": "application/xml"}, body="<a/>"
        ),
        interaction("POST", "/upload", status=201, headers=JSON, body={"a": 1}),
    ),
    "request.body.incompatible": (
        interaction("PUT", status=204, headers=JSON, body={"id": "one", "title": "x"}),
        interaction("PUT", status=204, headers=JSON, body=TASK_BODY),
    ),
    "response.status.unknown": (
        interaction(headers=AUTH, status=418),
        interaction(headers=AUTH, status=404),
    ),
    "response.status.default": (
        interaction(path="/reports", status=500),
        interaction(path="/reports", status=200),
    ),
    "response.content-type.unknown": (
        interaction(path="/ping", response_headers=JSON),
        interaction(path="/ping"),
    ),
    "response.content-type.incompatible": (
        interaction(headers=AUTH, response_headers={"Content-Type": "text/html"}),
        interaction(headers=AUTH, response_headers=JSON),
    ),
    "response.header.incompatible": (
        interaction(headers=AUTH, response_headers={"X-Rate": "lots"}),
        interaction(headers=AUTH, response_headers={"X-Rate": "10"}),
    ),
    "response.header.undefined": (
        interaction(headers=AUTH, response_headers={"Cache-Control": "no-cache"}),
        interaction(headers=AUTH),
    ),
    "response.header.unknown": (
        interaction(headers=AUTH, response_headers={"X-Mystery": "1"}),
        interaction(headers=AUTH, response_headers={"X-Rate": "1"}),
    ),
    "response.body.unknown": (
        interaction(path="/ping", response_body={"pong": True}),
        interaction(path="/ping"),
    ),
    "response.body.unvalidatable": (
        interaction(
            path="/reports", response_headers={"Content-Type": "text/csv"}, response_body="a,b"
        ),
        interaction(path="/reports", response_headers={"Content-Type": "text/csv"}),
    ),
    "response.body.incompatible": (
        interaction(headers=AUTH, response_body={"id": 1, "owner": "ann"}),
        interaction(headers=AUTH, response_body={"id": 1}),
    ),
    # The pact's own matching rules, judged as pact_ffi's verifier reads them.
    "interaction.matcher.unknown": (
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules("regexp")),
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules("type")),
    ),
    "interaction.matcher.invalid": (
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules("regex", "[0-")),
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules("regex", "[0-9]")),
    ),
    "interaction.combine.unknown": (
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules(combine="XOR")),
        interaction(headers=AUTH, response_body={"id": 1}, response_rules=_rules(combine="OR")),
    ),
}

MESSAGE = {"description": "task created event", "contents": {"id": 1}, "providerStates": []}

# Severities as PactFlow's comparator reports them.
WARNINGS = {
    "request.accept.unknown",
    "request.content-type.unknown",
    "request.content-type.missing",
    "request.header.unknown",
    "request.query.unknown",
    "request.body.unknown",
    "request.body.unvalidatable",
    "response.status.default",
    "response.content-type.unknown",
    "response.header.undefined",
    "response.body.unvalidatable",
    "interaction.type.unsupported",
    # Seam's own: the comparator does not read matchers; a verifier would refuse these.
    "interaction.matcher.unknown",
    "interaction.matcher.invalid",
    "interaction.combine.unknown",
    # Seam's own message rules (tests/compat/test_messages.py holds their table).
    "message.payload.unvalidatable",
}


def test_every_rule_is_in_the_table() -> None:
    """Each HTTP rule has a firing and a quiet fixture here (message rules: test_messages;
    the graphql.* codes: tests/graphql/test_check)."""
    http = {r for r in RULES.ids() if not r.startswith(("message.", "graphql."))}
    assert http - {"interaction.type.unsupported"} == set(TABLE)


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_fires(rule: str, codes: Callable[..., set[str]]) -> None:
    """The rule reports its own code on the interaction built to break it."""
    assert rule in codes(TABLE[rule][0])


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_stays_quiet(rule: str, codes: Callable[..., set[str]]) -> None:
    """The rule does not report on the nearest interaction that honours the spec."""
    assert rule not in codes(TABLE[rule][1])


@pytest.mark.parametrize("rule", RULES.ids())
def test_rule_severity_matches_the_comparator(rule: str) -> None:
    """Errors and warnings are graded as PactFlow's comparator grades them."""
    expected = Severity.WARNING if rule in WARNINGS else Severity.ERROR
    assert RULES[rule].severity is expected


@pytest.mark.parametrize("rule", RULES.ids())
def test_rule_ids_and_summaries(rule: str) -> None:
    """Ids are dotted lower-case comparator codes and every rule has a one-line summary."""
    assert re.fullmatch(r"[a-z]+(\.[a-z-]+){1,2}", rule)  # message.unknown has two parts
    assert RULES[rule].summary and "\n" not in RULES[rule].summary


def test_message_interactions_are_reported_not_judged(tasks_api: dict[str, Any]) -> None:
    """A message in a pact gives one interaction.type.unsupported warning and nothing else."""
    from seam.compat import compare

    doc = pact_of(interaction(headers=AUTH))
    doc["messages"] = [MESSAGE]
    findings = compare(doc, tasks_api)
    assert [(f.rule, f.severity) for f in findings] == [
        ("interaction.type.unsupported", Severity.WARNING)
    ]


def test_a_clean_interaction_has_no_findings(codes: Callable[..., set[str]]) -> None:
    """A request and response that honour every part of the operation give no finding."""
    item = interaction(
        headers={**AUTH, "Accept": "application/json", "X-Trace": "9"},
        query={"q": ["2"]},
        response_headers={**JSON, "X-Rate": "100"},
        response_body={"id": 1, "title": "t", "status": "open", "note": None},
    )
    assert codes(item) == set()
