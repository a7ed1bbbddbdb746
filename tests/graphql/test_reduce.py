"""Unchanged definitions stubbed: the same findings and lines as the whole schemas, faster."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from seam.graphql import diff_schemas, load_schema, load_schemas
from seam.graphql._reduce import reduce_pair

from ..conftest import corpus_cases

# Each GitHub pair parses two 1 MB schemas whole (some 3 s of CPU): by default the two far
# pairs and one pull request; SEAM_GRAPHQL_HISTORY=all runs every pair of the history.
_SOME = {"far_1_year", "far_1_month", "adj_mixed_breaking_rulesets"}
HISTORY = corpus_cases(
    "graphql/real",
    only=lambda p: os.environ.get("SEAM_GRAPHQL_HISTORY") == "all" or p.name in _SOME,
)

OLD = '''
"""The root."""
type Query {
  user(id: ID!): User
  users(first: Int = 10): [User!]!
}

"""
A person.
"""
type User {
  id: ID!
  "The name."
  name: String
}

"""Roles."""
enum Role {
  ADMIN
  MEMBER
}

type Team {
  id: ID!
}
'''


def findings(old: Path, new: Path, *, reduced: bool) -> list[tuple[str, str, int | None, str]]:
    if reduced:
        a, b = load_schemas(old, new)
    else:
        a, b = load_schema(old), load_schema(new)
    return sorted((f.rule, f.path, f.line, f.message) for f in diff_schemas(a, b))


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(OLD.replace('"""Roles."""', '"""The roles."""'), id="description-of-next"),
        pytest.param(OLD.replace("  MEMBER\n", ""), id="enum-value-removed"),
        pytest.param(OLD.replace("type Team {\n  id: ID!\n}\n", ""), id="type-removed"),
        pytest.param(OLD.replace("  name: String\n", "  name: String!\n"), id="field-narrowed"),
        pytest.param(OLD + "\ntype Org {\n  id: ID!\n}\n", id="type-added"),
        pytest.param(OLD.replace("first: Int = 10", "first: Float = 10"), id="last-int-use"),
    ],
)
def test_reduced_diff_equals_whole_diff(tmp_path: Path, new: str) -> None:
    """Stubbing unchanged definitions changes no finding, severity, message or line."""
    old_file, new_file = tmp_path / "old.graphql", tmp_path / "new.graphql"
    old_file.write_text(OLD)
    new_file.write_text(new)
    assert reduce_pair(OLD, new) is not None
    assert findings(old_file, new_file, reduced=True) == findings(old_file, new_file, reduced=False)


@pytest.mark.parametrize("case", corpus_cases("graphql/kinds"))
def test_reduced_diff_equals_whole_diff_on_corpus_kinds(corpus: Path, case: str) -> None:
    """On every hand-written corpus pair the reduced diff is the whole diff."""
    kinds = corpus / "graphql" / "kinds"
    old, new = kinds / case / "old.graphql", kinds / case / "new.graphql"
    assert findings(old, new, reduced=True) == findings(old, new, reduced=False)


def test_unchanged_definitions_become_stubs_on_the_same_lines() -> None:
    """An unchanged type is a one-line stub padded to its lines; changed ones and the next stay."""
    new = OLD.replace("  MEMBER\n", "")
    old_r, new_r = reduce_pair(OLD, new) or ("", "")
    assert "type User\n\n\n\n\n\n\nenum Role {\n  ADMIN\n }" in new_r  # User stubbed
    # Team follows Role (its description is Role's tail): kept, its unchanged field a stub.
    assert "type Team {\n  id: SeamUnchangedMember__\n }" in new_r
    assert old_r.count("\n") >= OLD.count("\n") and new_r.count("\n") >= new.count("\n")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(OLD + "extend type User { age: Int }\n", id="type-extension"),
        pytest.param(OLD + "type Team { name: String }\n", id="defined-twice"),
        pytest.param(OLD.replace("A person.", "A person.\ntype of thing"), id="keyword-in-block"),
        pytest.param('"""open\n' + OLD, id="unclosed-block-before-first-definition"),
    ],
)
def test_unusual_sdl_is_read_whole(text: str) -> None:
    """Extensions, duplicates and cut block strings fall back to the whole text."""
    assert reduce_pair(text, text) is None


@pytest.mark.parametrize("case", HISTORY)
def test_reduced_diff_equals_whole_diff_on_github_history(
    corpus: Path, tmp_path: Path, case: str
) -> None:
    """On every pair of GitHub's schema history the reduced diff is the whole diff, lines too."""
    old, new = tmp_path / "old.graphql", tmp_path / "new.graphql"
    for side, target in (("old", old), ("new", new)):
        target.write_bytes(
            gzip.decompress(
                (corpus / "graphql" / "real" / case / f"{side}.graphql.gz").read_bytes()
            )
        )
    assert findings(old, new, reduced=True) == findings(old, new, reduced=False)


MEMBERS = '''
type Query {
  "Look one up."
  user(id: ID!, order: Order = {direction: ASC}): User
  """
  Many.
  name: NotAField
  """
  users(first: Int = 10): [User!]! @deprecated(reason: "use search")
}

type User {
  id: ID!
  "The name."
  name: String
  # a comment: with a colon
  age: Int
}

input Order {
  direction: Direction = ASC
  field: String
}

enum Direction {
  "Up."
  ASC
  DESC @deprecated
}
'''


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(MEMBERS.replace('"The name."', '"The full name."'), id="field-description"),
        pytest.param(MEMBERS.replace("  age: Int\n", ""), id="last-field-removed"),
        pytest.param(MEMBERS.replace("  age: Int\n", "  age: Int\n  bio: String\n"), id="added"),
        pytest.param(MEMBERS.replace("user(id: ID!,", "user(id: ID!, v: Int!,"), id="arg-added"),
        pytest.param(MEMBERS.replace("  Many.\n", "  Many users.\n"), id="block-description"),
        pytest.param(MEMBERS.replace("  DESC @deprecated\n", ""), id="enum-value-removed"),
        pytest.param(MEMBERS.replace('"Up."', '"Ascending."'), id="enum-value-description"),
        pytest.param(MEMBERS.replace("field: String", "field: String!"), id="input-field-required"),
        pytest.param(MEMBERS.replace("= ASC\n", "= DESC\n"), id="input-default-changed"),
        pytest.param(MEMBERS.replace('id: ID!\n  "The', 'id: ID\n  "The'), id="id-nullable"),
    ],
)
def test_member_reduced_diff_equals_whole_diff(tmp_path: Path, new: str) -> None:
    """Leaving out unchanged fields, input fields and enum values changes no finding or line."""
    old_file, new_file = tmp_path / "old.graphql", tmp_path / "new.graphql"
    old_file.write_text(MEMBERS)
    new_file.write_text(new)
    reduced = reduce_pair(MEMBERS, new)
    assert reduced is not None and "SeamUnchangedMember__" in reduced[1]
    assert findings(old_file, new_file, reduced=True) == findings(old_file, new_file, reduced=False)


def test_unchanged_members_are_left_out_on_their_lines() -> None:
    """An unchanged field becomes blank lines; a `name:` inside a description is not a field."""
    new = MEMBERS.replace('"The name."', '"The full name."')
    old_r, new_r = reduce_pair(MEMBERS, new) or ("", "")
    assert "NotAField" not in new_r  # Query.users is unchanged: its description went with it
    assert "type User {\n  id: SeamUnchangedMember__\n " in new_r
    assert '"The full name."\n  name: String\n' in new_r and "age" not in new_r
    assert "enum Direction" in new_r and "ASC" in new_r  # enum values keep their names
    assert new_r.count("\n") >= new.count("\n") and old_r.count("\n") >= MEMBERS.count("\n")
