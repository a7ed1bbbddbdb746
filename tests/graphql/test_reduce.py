"""Unchanged definitions stubbed: the same findings and lines as the whole schemas, faster."""

from __future__ import annotations

from pathlib import Path

import pytest

from seam.graphql import diff_schemas, load_schema, load_schemas
from seam.graphql._reduce import reduce_pair

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "graphql" / "kinds"

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


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not checked out")
@pytest.mark.parametrize(
    "case", sorted(p.name for p in CORPUS.iterdir()) if CORPUS.is_dir() else []
)
def test_reduced_diff_equals_whole_diff_on_corpus_kinds(case: str) -> None:
    """On every hand-written corpus pair the reduced diff is the whole diff."""
    old, new = CORPUS / case / "old.graphql", CORPUS / case / "new.graphql"
    assert findings(old, new, reduced=True) == findings(old, new, reduced=False)


def test_unchanged_definitions_become_stubs_on_the_same_lines() -> None:
    """An unchanged type is a one-line stub padded to its lines; changed ones and the next stay."""
    new = OLD.replace("  MEMBER\n", "")
    old_r, new_r = reduce_pair(OLD, new) or ("", "")
    assert "type User\n\n\n\n\n\n\nenum Role {\n  ADMIN\n}" in new_r  # User stubbed
    assert "type Team {\n  id: ID!\n}" in new_r  # after Role: its description is Role's tail
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
