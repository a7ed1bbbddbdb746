"""Pact matchers count: a matched value need only be of a kind the spec can produce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seam.compat._matchers import BodyRules, parse_path

from .conftest import AUTH, interaction

ENUM_BODY = {"id": 1, "status": "archived"}


@pytest.mark.parametrize(
    ("path", "tokens"),
    [
        pytest.param("$", [], id="root"),
        pytest.param("$.items[*].id", ["items", "*", "id"], id="wildcard"),
        pytest.param("$['a b'].c[2]", ["a b", "c", 2], id="quoted-and-index"),
        pytest.param("$.*", ["*"], id="star"),
    ],
)
def test_parse_path(path: str, tokens: list[Any]) -> None:
    """Pact rule paths become tokens: names, indexes and wildcards."""
    assert parse_path(path) == tokens


def test_parse_path_rejects_non_paths() -> None:
    """Something that is not a `$`-path is not a rule path."""
    assert parse_path("body.id") is None


def test_type_matcher_relaxes_enum(codes: Callable[..., set[str]]) -> None:
    """With a type matcher on a field, an example outside the spec's enum is fine."""
    rules = {"body": {"$.status": {"matchers": [{"match": "type"}]}}}
    item = interaction(headers=AUTH, response_body=ENUM_BODY, response_rules=rules)
    assert "response.body.incompatible" not in codes(item)


def test_without_matcher_the_example_must_fit(codes: Callable[..., set[str]]) -> None:
    """Without a matcher the example value itself must be one the spec allows."""
    item = interaction(headers=AUTH, response_body=ENUM_BODY)
    assert "response.body.incompatible" in codes(item)


def test_type_matcher_keeps_type_errors(codes: Callable[..., set[str]]) -> None:
    """A type matcher still needs the value's type to be one the spec can produce."""
    rules = {"body": {"$.id": {"matchers": [{"match": "type"}]}}}
    item = interaction(headers=AUTH, response_body={"id": "one"}, response_rules=rules)
    assert "response.body.incompatible" in codes(item)


def test_matchers_cascade_to_children(codes: Callable[..., set[str]]) -> None:
    """A type matcher on the whole body covers every field below it."""
    rules = {"body": {"$": {"matchers": [{"match": "type"}]}}}
    item = interaction(headers=AUTH, response_body=ENUM_BODY, response_rules=rules)
    assert "response.body.incompatible" not in codes(item)


def test_equality_matcher_overrides_a_parent_type_matcher() -> None:
    """The most specific rule wins: equality below a type matcher checks the value again."""
    rules = BodyRules({"$": [{"match": "type"}], "$.status": [{"match": "equality"}]})
    assert rules.relaxes(["id"], "Enum")
    assert not rules.relaxes(["status"], "Enum")


def test_each_like_accepts_any_length(
    tasks_api: dict[str, Any], codes: Callable[..., set[str]]
) -> None:
    """`each_like(min=1)` against `minItems: 3`: the consumer accepts any length ≥ 1."""
    tasks_api["components"]["schemas"]["Task"]["properties"]["tags"] = {
        "type": "array",
        "minItems": 3,
        "items": {"type": "string"},
    }
    rules = {"body": {"$.tags": {"matchers": [{"match": "type", "min": 1}]}}}
    item = interaction(headers=AUTH, response_body={"id": 1, "tags": ["a"]}, response_rules=rules)
    assert "response.body.incompatible" not in codes(item, tasks_api)


def test_regex_matcher_relaxes_format_not_type() -> None:
    """A regex matcher makes pattern and format moot but not the value's type."""
    rules = BodyRules({"$.when": [{"match": "regex", "regex": r"\d+"}]})
    assert rules.relaxes(["when"], "Format")
    assert not rules.relaxes(["when"], "Type")


def test_v2_min_rule_is_a_type_matcher() -> None:
    """A V2 rule with only `min` (no `match`) is read as a type matcher."""
    rules = BodyRules({"$.items": [{"min": 1}]})
    assert rules.relaxes(["items"], "MinItems")
