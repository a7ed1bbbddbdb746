"""The GraphQL rule table as a whole: every rule fires on its pair, and only where it should."""

from __future__ import annotations

import pytest

from seam.graphql import RULES, diff_schemas, parse_schema
from seam.model import Severity

BASE = """
type Query { user(id: ID!): User  users(first: Int = 10): [User!]!  node: Node  search: Result }
interface Node { id: ID! }
type User implements Node { id: ID!  name: String  email: String!  role: Role  tags: [String] }
type Bot { id: ID! }
type Org { id: ID! }
union Result = User | Bot
enum Role { ADMIN MEMBER }
input UserFilter { name: String  role: Role! }
scalar Date
directive @cache(maxAge: Int, scope: String) repeatable on FIELD | QUERY
"""

# rule id → (old SDL edit, new SDL edit): each `new` is BASE with one change.
CASES: dict[str, str] = {
    "graphql-type-removed": BASE.replace("scalar Date", "").replace("type Org { id: ID! }", ""),
    "graphql-type-kind-changed": BASE.replace(
        "type Bot { id: ID! }", "interface Bot { id: ID! }"
    ).replace("union Result = User | Bot", "union Result = User"),
    "graphql-union-member-removed": BASE.replace("User | Bot", "User"),
    "graphql-union-member-added": BASE.replace("User | Bot", "User | Bot | Org"),
    "graphql-enum-value-removed": BASE.replace("ADMIN MEMBER", "ADMIN"),
    "graphql-enum-value-added": BASE.replace("ADMIN MEMBER", "ADMIN MEMBER GUEST"),
    "graphql-input-field-added-required": BASE.replace("role: Role! }", "role: Role!  org: ID! }"),
    "graphql-input-field-added-optional": BASE.replace("role: Role! }", "role: Role!  org: ID }"),
    "graphql-interface-removed-from-type": BASE.replace("User implements Node", "User"),
    "graphql-interface-added-to-type": BASE.replace("type Bot {", "type Bot implements Node {"),
    "graphql-input-field-removed": BASE.replace(
        "input UserFilter { name: String ", "input UserFilter { "
    ),
    "graphql-field-removed": BASE.replace("  tags: [String] }", " }"),
    "graphql-input-field-type-changed": BASE.replace(
        "{ name: String  role", "{ name: String!  role"
    ),
    "graphql-field-type-changed": BASE.replace("email: String!", "email: String"),
    "graphql-arg-added-required": BASE.replace(
        "users(first: Int = 10)", "users(first: Int = 10, org: ID!)"
    ),
    "graphql-arg-added-optional": BASE.replace(
        "users(first: Int = 10)", "users(first: Int = 10, org: ID)"
    ),
    "graphql-arg-removed": BASE.replace("users(first: Int = 10)", "users"),
    "graphql-arg-type-changed": BASE.replace(
        "users(first: Int = 10)", 'users(first: String = "10")'
    ),
    "graphql-arg-default-changed": BASE.replace("first: Int = 10", "first: Int = 50"),
    "graphql-directive-removed": BASE.replace(
        "directive @cache(maxAge: Int, scope: String) repeatable on FIELD | QUERY", ""
    ).replace("role: Role! }", "role: Role!  n: Int }"),
    "graphql-directive-arg-removed": BASE.replace("(maxAge: Int, scope: String)", "(maxAge: Int)"),
    "graphql-directive-arg-added-required": BASE.replace(
        "scope: String)", "scope: String, v: Int!)"
    ),
    "graphql-directive-repeatable-removed": BASE.replace(" repeatable on", " on"),
    "graphql-directive-location-removed": BASE.replace("on FIELD | QUERY", "on FIELD"),
    "graphql-standard-scalar-unreferenced": BASE.replace(
        "directive @cache(maxAge: Int, scope: String) repeatable on FIELD | QUERY",
        "directive @cache(scope: String) repeatable on FIELD | QUERY",
    ).replace("users(first: Int = 10)", "users(first: ID)"),
    "graphql-type-added": BASE + "type Team { id: ID! }",
    "graphql-field-added": BASE.replace("  tags: [String] }", "  tags: [String]  age: Int }"),
    "graphql-directive-added": BASE + "directive @auth on FIELD",
    "graphql-deprecation-added": BASE.replace(
        "name: String ", 'name: String @deprecated(reason: "x") '
    ),
    "graphql-field-type-narrowed": BASE.replace("tags: [String]", "tags: [String!]!"),
    "graphql-input-type-relaxed": BASE.replace("role: Role! }", "role: Role }"),
    "graphql-description-changed": BASE.replace("type Bot {", '"A robot." type Bot {'),
    "graphql-field-renamed": BASE.replace("  tags: [String] }", "  labels: [String] }"),
}
# Rules whose pair is the reverse of another's (the change undone).
REVERSED = {
    "graphql-deprecation-removed": "graphql-deprecation-added",
}
# graphql-core's sentence for a change type this table cannot read: never produced by
# a graphql-core in the pinned range, so it has no pair.
NO_PAIR = {"graphql-unrecognised-change"}


def rules_of(old: str, new: str) -> list[str]:
    return [f.rule for f in diff_schemas(parse_schema(old, "old.graphql"), parse_schema(new))]


def test_every_rule_has_a_pair() -> None:
    """Each registered rule has a pair here that makes it fire (or is named as pairless)."""
    assert {r.id for r in RULES} == set(CASES) | set(REVERSED) | NO_PAIR


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_change(rule: str) -> None:
    """The one change in the pair is reported under the rule's id."""
    assert rule in rules_of(BASE, CASES[rule])


@pytest.mark.parametrize("rule", sorted(REVERSED))
def test_reversed_rule_fires_on_the_undone_change(rule: str) -> None:
    """Undoing another rule's change fires the reverse rule."""
    assert rule in rules_of(CASES[REVERSED[rule]], BASE)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_identical_schemas_have_no_changes(rule: str) -> None:
    """A schema compared with itself reports nothing (no rule fires without a change)."""
    assert rules_of(CASES[rule], CASES[rule]) == []


def test_severities_follow_breaking_dangerous_safe() -> None:
    """Breaking rules are errors, dangerous ones warnings, safe ones info."""
    levels = {r.id: r.severity for r in RULES}
    assert levels["graphql-field-removed"] is Severity.ERROR
    assert levels["graphql-enum-value-added"] is Severity.WARNING
    assert levels["graphql-field-added"] is Severity.INFO


def test_rename_replaces_removed_and_added() -> None:
    """A removed field and an added one of the same signature are one rename, not two changes."""
    findings = diff_schemas(parse_schema(BASE), parse_schema(CASES["graphql-field-renamed"]))
    assert [f.rule for f in findings] == ["graphql-field-renamed"]
    assert findings[0].path == "User.tags"
    assert "User.labels" in findings[0].message


def test_ambiguous_rename_stays_removal_and_addition() -> None:
    """Two removed fields of one signature and one added are not guessed into a rename."""
    new = (
        BASE.replace("  name: String  email", "  email")
        .replace("tags: [String] }", "tags: [String]  nick: String }")
        .replace("role: Role  tags", "tags")
    )
    old = BASE.replace("role: Role  tags", "nick2: String  tags")
    rules = sorted(rules_of(old, new))
    assert "graphql-field-renamed" not in rules
    assert rules.count("graphql-field-removed") == 2


def test_rename_needs_the_same_arguments() -> None:
    """A field with other arguments is not a rename of a removed one."""
    new = BASE.replace("  tags: [String] }", "  labels(first: Int): [String] }")
    assert sorted(rules_of(BASE, new)) == ["graphql-field-added", "graphql-field-removed"]


def test_findings_carry_coordinates_and_revision_lines() -> None:
    """A finding names its schema coordinate and the line of the thing in the revision."""
    new = BASE.replace("users(first: Int = 10)", "users(first: Int = 10,\n  org: ID!)")
    (f,) = diff_schemas(parse_schema(BASE), parse_schema(new, "new.graphql"))
    assert (f.rule, f.path, f.file) == (
        "graphql-arg-added-required",
        "Query.users(org:)",
        "new.graphql",
    )
    assert f.line == 3


def test_removed_field_points_at_its_type() -> None:
    """A removed field is annotated on its type's line, which the revision still has."""
    new = BASE.replace("  tags: [String] }", " }").replace("type User", "\n\ntype User")
    (f,) = diff_schemas(parse_schema(BASE), parse_schema(new, "new.graphql"))
    assert f.rule == "graphql-field-removed" and f.line == 6


def test_required_input_change_says_what_to_do() -> None:
    """A field made required says operations omitting it fail and how to avoid that."""
    (f,) = diff_schemas(parse_schema(BASE), parse_schema(CASES["graphql-input-field-type-changed"]))
    assert "omit it or send null" in f.message and "default" in f.message
