"""Consumer blame: the GraphQL operations in pacts judge each schema change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seam.diff import diff
from seam.model import Finding, Severity
from seam.pactfile import read_pact

SDL = """
type Query { user(id: ID!): User  users(first: Int, role: Role): [User!]! }
type User { id: ID!  name: String  email: String!  role: Role }
enum Role { ADMIN MEMBER }
input UserFilter { name: String }
"""

GET_NAME = "query GetName($id: ID!) { user(id: $id) { id name } }"
GET_EMAIL = "query GetEmail($id: ID!) { user(id: $id) { email } }"
LIST_BY_ROLE = "query ByRole($role: Role) { users(role: $role) { id } }"
LIST_FIRST = "query FirstUsers { users(first: 5) { id } }"


def pact(tmp_path: Path, consumer: str, queries: list[tuple[str, dict[str, Any]]]) -> Path:
    """Write a V3 pact of `consumer` with users-api, one GraphQL POST per query."""
    interactions = [
        {
            "description": f"{consumer} call {i}",
            "request": {
                "method": "POST",
                "path": "/graphql",
                "headers": {"Content-Type": "application/json"},
                "body": {"query": query, "variables": variables},
            },
            "response": {"status": 200, "body": {"data": {}}},
        }
        for i, (query, variables) in enumerate(queries)
    ]
    path = tmp_path / "pacts" / f"{consumer}-users-api.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "consumer": {"name": consumer},
                "provider": {"name": "users-api"},
                "interactions": interactions,
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    return path


def judge(tmp_path: Path, new_sdl: str, pacts: list[Path]) -> list[Finding]:
    """Diff users-api.graphql (SDL) against `new_sdl` with the given pacts."""
    base, revision = tmp_path / "base" / "users-api.graphql", tmp_path / "users-api.graphql"
    base.parent.mkdir(exist_ok=True)
    base.write_text(SDL)
    revision.write_text(new_sdl)
    report = diff(base, revision, pacts=[read_pact(p) for p in pacts])
    return [f for f in report.findings if f.severity >= Severity.WARNING]


def only(findings: list[Finding], rule: str) -> Finding:
    (f,) = [f for f in findings if f.rule == rule]
    return f


def test_removed_field_a_consumer_selects_is_an_error_naming_it(tmp_path: Path) -> None:
    """A removed field selected by web's GetName is an error naming web, the operation and why."""
    p = pact(tmp_path, "web", [(GET_NAME, {"id": "1"})])
    f = only(judge(tmp_path, SDL.replace("name: String  ", ""), [p]), "graphql-field-removed")
    assert f.severity is Severity.ERROR and f.consumers == ("web",)
    assert "breaks web: 'web call 0' (operation GetName) no longer validates" in f.message
    assert "Cannot query field 'name' on type 'User'" in f.message


def test_removed_field_no_consumer_selects_is_a_warning_saying_why(tmp_path: Path) -> None:
    """A removed field no operation selects is a warning: no operation uses it."""
    p = pact(tmp_path, "web", [(GET_NAME, {"id": "1"})])
    f = only(judge(tmp_path, SDL.replace("  role: Role }", " }"), [p]), "graphql-field-removed")
    assert f.severity is Severity.WARNING
    assert "no consumer affected: no operation of web uses User.role" in f.message


def test_required_argument_breaks_the_operation_calling_the_field(tmp_path: Path) -> None:
    """A required argument added to Query.users breaks the operation calling users without it."""
    p = pact(tmp_path, "mobile", [(LIST_FIRST, {})])
    new = SDL.replace("users(first: Int, role: Role)", "users(first: Int, role: Role, org: ID!)")
    f = only(judge(tmp_path, new, [p]), "graphql-arg-added-required")
    assert f.severity is Severity.ERROR and f.consumers == ("mobile",)
    assert "operation FirstUsers" in f.message and "org" in f.message


def test_required_argument_on_an_unused_field_is_a_warning(tmp_path: Path) -> None:
    """A required argument on a field no operation calls breaks nobody."""
    p = pact(tmp_path, "web", [(GET_NAME, {"id": "1"})])
    new = SDL.replace("users(first: Int, role: Role)", "users(first: Int, role: Role, org: ID!)")
    f = only(judge(tmp_path, new, [p]), "graphql-arg-added-required")
    assert f.severity is Severity.WARNING and "no operation of web uses" in f.message


@pytest.mark.parametrize(
    ("sent", "breaks"),
    [
        pytest.param("MEMBER", True, id="sends-the-removed-value"),
        pytest.param("ADMIN", False, id="sends-another-value"),
    ],
)
def test_enum_value_removed_judged_by_recorded_variables(
    tmp_path: Path, sent: str, breaks: bool
) -> None:
    """Removing Role.MEMBER breaks the consumer whose recorded variables send MEMBER only."""
    p = pact(tmp_path, "admin", [(LIST_BY_ROLE, {"role": sent})])
    f = only(
        judge(tmp_path, SDL.replace("ADMIN MEMBER", "ADMIN"), [p]), "graphql-enum-value-removed"
    )
    assert (f.severity is Severity.ERROR) is breaks
    if breaks:
        assert "admin" in f.consumers and "MEMBER" in f.message


def test_output_field_made_nullable_breaks_its_reader(tmp_path: Path) -> None:
    """User.email becoming nullable breaks GetEmail, which reads it, though it still validates."""
    reader = pact(tmp_path, "web", [(GET_EMAIL, {"id": "1"})])
    other = pact(tmp_path, "mobile", [(GET_NAME, {"id": "1"})])
    f = only(
        judge(tmp_path, SDL.replace("email: String!", "email: String"), [reader, other]),
        "graphql-field-type-changed",
    )
    assert f.severity is Severity.ERROR and f.consumers == ("web",)
    assert "reads User.email" in f.message


def test_argument_made_required_that_the_operation_passes_breaks_nobody(tmp_path: Path) -> None:
    """users(first: Int!) breaks nobody when the only caller passes `first`: it still validates."""
    p = pact(tmp_path, "mobile", [(LIST_FIRST, {})])
    new = SDL.replace("users(first: Int,", "users(first: Int!,")
    f = only(judge(tmp_path, new, [p]), "graphql-arg-type-changed")
    assert f.severity is Severity.WARNING
    assert "uses Query.users(first:) but still validates" in f.message


def test_pacts_without_graphql_operations_say_so(tmp_path: Path) -> None:
    """Pacts for the provider with no GraphQL operation: breaking changes are warnings saying so."""
    path = pact(tmp_path, "web", [])
    f = only(judge(tmp_path, SDL.replace("name: String  ", ""), [path]), "graphql-field-removed")
    assert f.severity is Severity.WARNING
    assert "the pacts of web hold no GraphQL operation" in f.message


def test_dangerous_change_names_the_consumers_it_reaches(tmp_path: Path) -> None:
    """A new enum value is a warning naming the consumer whose operation reads that enum."""
    p = pact(tmp_path, "admin", [(LIST_BY_ROLE, {"role": "ADMIN"})])
    f = only(
        judge(tmp_path, SDL.replace("ADMIN MEMBER", "ADMIN MEMBER GUEST"), [p]),
        "graphql-enum-value-added",
    )
    assert f.severity is Severity.WARNING and f.consumers == ("admin",)
    assert "reaches admin" in f.message


def test_each_change_is_blamed_with_its_own_validation_error(tmp_path: Path) -> None:
    """With two breaking changes in one operation, each finding quotes the error about itself."""
    p = pact(tmp_path, "mobile", [("query Names { users { id name } }", {})])
    new = SDL.replace("name: String  ", "").replace(
        "users(first: Int, role: Role)", "users(first: Int, role: Role, org: ID!)"
    )
    found = judge(tmp_path, new, [p])
    assert "Cannot query field 'name'" in only(found, "graphql-field-removed").message
    arg = only(found, "graphql-arg-added-required").message
    assert "argument 'org'" in arg and "Cannot query field" not in arg


def test_get_request_with_query_parameter_is_a_consumer_operation(tmp_path: Path) -> None:
    """A GET /graphql?query=... interaction is blamed like a POST (one reader of requests)."""
    p = pact(tmp_path, "web", [])
    doc = json.loads(p.read_text())
    doc["interactions"] = [
        {
            "description": "web reads a name by GET",
            "request": {
                "method": "GET",
                "path": "/graphql",
                "query": {"query": [GET_NAME], "variables": ['{"id": "1"}']},
            },
            "response": {"status": 200, "body": {"data": {}}},
        }
    ]
    p.write_text(json.dumps(doc))
    f = only(judge(tmp_path, SDL.replace("name: String  ", ""), [p]), "graphql-field-removed")
    assert f.severity is Severity.ERROR and f.interaction == "web reads a name by GET"


def write_operations(folder: Path, name: str, text: str) -> Path:
    """A consumer's own operations file, as a client keeps its queries in source."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_operations_files_blame_the_operation_that_breaks(tmp_path: Path) -> None:
    """A field removed under a fragment one query spreads blames that query, not its sibling."""
    from seam.graphql import read_operations

    queries = tmp_path / "mobile" / "src"
    write_operations(
        queries,
        "user.graphql",
        "fragment Who on User { name }\n"
        "query Profile($id: ID!) { user(id: $id) { ...Who } }\n"
        "query Mail($id: ID!) { user(id: $id) { email } }\n",
    )
    write_operations(queries, "schema.graphql", "type Ignored { a: Int }\n")  # skipped
    ops = read_operations(queries, "mobile")
    assert sorted(op.name for op in ops) == ["Mail", "Profile"]
    base, revision = tmp_path / "base" / "users-api.graphql", tmp_path / "users-api.graphql"
    base.parent.mkdir()
    base.write_text(SDL)
    revision.write_text(SDL.replace("name: String  ", ""))
    report = diff(base, revision, operations=ops)
    f = only(report.findings, "graphql-field-removed")
    assert f.severity is Severity.ERROR and f.consumers == ("mobile",)
    assert "'user.graphql' (operation Profile)" in f.message
    assert "Mail" not in f.message
    assert report.meta["consumers"] == ["mobile"]


def test_operations_files_alone_downgrade_what_no_query_uses(tmp_path: Path) -> None:
    """With only a consumer's files, a removed field no query selects is a warning saying so."""
    from seam.graphql import read_operations

    path = write_operations(tmp_path / "q", "q.graphql", GET_EMAIL)
    base, revision = tmp_path / "base" / "users-api.graphql", tmp_path / "users-api.graphql"
    base.parent.mkdir()
    base.write_text(SDL)
    revision.write_text(SDL.replace("  role: Role }", " }"))
    report = diff(base, revision, operations=read_operations(path, "web"))
    f = only(report.findings, "graphql-field-removed")
    assert f.severity is Severity.WARNING
    assert "no operation of web uses User.role" in f.message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("web", "write CONSUMER=PATH", id="no-equals"),
        pytest.param("web=missing.graphql", "does not exist", id="missing"),
        pytest.param("web=bad.graphql", "not a GraphQL operations document", id="unparsable"),
    ],
)
def test_bad_operations_option_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    """A malformed --operations value or file is one clear line and exit 2, no traceback."""
    from click.testing import CliRunner

    from seam.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.graphql").write_text("query { user(id: 1) { ", encoding="utf-8")
    (tmp_path / "a.graphql").write_text(SDL, encoding="utf-8")
    (tmp_path / "b.graphql").write_text(SDL, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "a.graphql", "b.graphql", "--operations", value])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
