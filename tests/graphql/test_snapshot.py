"""GraphQL snapshots: schema objects recognised, printed byte-stable, operations files."""

from __future__ import annotations

from pathlib import Path

import graphene
import pytest
import strawberry
from graphql import build_schema

from seam.errors import GraphQLSchemaError, UsageError
from seam.graphql import (
    is_operations_file,
    looks_like_schema,
    operations_text,
    schema_of,
    snapshot_schema,
    write_schema_snapshot,
)
from seam.pactfile import parse_pact

SDL = '''
"""A user."""
type User { name: String  id: ID! }
type Query { users(role: Role, first: Int): [User!]!  me: User }
enum Role { MEMBER ADMIN }
'''
# The same schema, each definition and member declared in another order.
REORDERED = '''
enum Role { ADMIN MEMBER }
type Query { me: User  users(first: Int, role: Role): [User!]! }
"""A user."""
type User { id: ID!  name: String }
'''


@strawberry.type
class Item:
    id: strawberry.ID


@strawberry.type(name="Query")
class _StrawberryQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return []


class _GrapheneQuery(graphene.ObjectType):
    hello = graphene.String(name=graphene.String())


def test_declaration_order_does_not_change_the_snapshot() -> None:
    """Two schemas that differ only in declaration order give the same bytes, sorted."""
    text = snapshot_schema(build_schema(SDL))
    assert text == snapshot_schema(build_schema(REORDERED))
    assert text.index("type Query") < text.index("enum Role") < text.index('"""A user."""')
    assert "  ADMIN\n  MEMBER\n" in text
    assert "users(first: Int, role: Role)" in text
    assert text.endswith("}\n") and not text.endswith("\n\n")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: build_schema("type Query { a: Int }"), id="graphql-core"),
        pytest.param(lambda: strawberry.Schema(query=_StrawberryQuery), id="strawberry"),
        pytest.param(lambda: graphene.Schema(query=_GrapheneQuery), id="graphene"),
    ],
)
def test_schema_objects_are_recognised(make: object) -> None:
    """A graphql-core, strawberry or graphene schema unwraps to graphql-core's schema."""
    obj = make()  # type: ignore[operator]
    assert looks_like_schema(obj)
    schema = schema_of(obj)
    assert schema is not None
    assert schema.query_type is not None


@pytest.mark.parametrize(
    "obj",
    [pytest.param({"openapi": "3.1.0"}, id="mapping"), pytest.param(len, id="callable")],
)
def test_other_objects_are_not_schemas(obj: object) -> None:
    """What an OpenAPI snapshot reads (a mapping, a callable) is not taken for a schema."""
    assert not looks_like_schema(obj)
    assert schema_of(obj) is None


def test_strawberry_schema_prints_graphql_cores_sdl() -> None:
    """A strawberry schema is printed from its graphql-core schema, types sorted by name."""
    text = snapshot_schema(schema_of(strawberry.Schema(query=_StrawberryQuery)))  # type: ignore[arg-type]
    assert text == "type Item {\n  id: ID!\n}\n\ntype Query {\n  items: [Item!]!\n}\n"


def test_invalid_schema_is_refused() -> None:
    """A schema graphql-core finds invalid (no query type) is a GraphQLSchemaError."""
    from graphql import GraphQLSchema

    with pytest.raises(GraphQLSchemaError, match="Query root type must be provided"):
        snapshot_schema(GraphQLSchema(), source="mod:schema")


def test_write_is_atomic_and_skips_identical_bytes(tmp_path: Path) -> None:
    """The first write creates graphql/<provider>.graphql; the same text again changes nothing."""
    text = snapshot_schema(build_schema(SDL))
    first = write_schema_snapshot(tmp_path, "users-api", text)
    assert (first.path, first.changed, first.types) == (
        tmp_path / "graphql" / "users-api.graphql",
        True,
        3,
    )
    mtime = first.path.stat().st_mtime_ns
    second = write_schema_snapshot(tmp_path, "users-api", text)
    assert not second.changed
    assert first.path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("name", ["../x", "", ".hidden", "a/b"])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    """A provider name that cannot be a file name is a UsageError; nothing is written."""
    with pytest.raises(UsageError, match="cannot be a file name"):
        write_schema_snapshot(tmp_path, name, "type Query { a: Int }\n")
    assert not tmp_path.joinpath("graphql").exists()


def _pact(queries: list[str], path: str = "/graphql") -> object:
    return parse_pact(
        {
            "consumer": {"name": "web"},
            "provider": {"name": "users-api"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": [
                {
                    "description": f"op {n}",
                    "request": {"method": "POST", "path": path, "body": {"query": q}},
                    "response": {"status": 200},
                }
                for n, q in enumerate(queries)
            ],
        },
        source="/somewhere/pacts/web-users-api.json",
    )


def test_operations_text_dedupes_and_sorts_by_name() -> None:
    """Equal operations spelled differently appear once; names order the blocks."""
    text = operations_text(
        _pact(["query B { me { id } }", "query A { me { name } }", "query B {me{id}}"]),  # type: ignore[arg-type]
        source="pacts/web-users-api.json",
    )
    assert text is not None
    assert text.splitlines()[0] == (
        "# The GraphQL operations web sends to users-api, from pacts/web-users-api.json."
    )
    assert text.count("query B") == 1
    assert text.index("query A") < text.index("query B")


def test_operations_text_is_none_without_graphql() -> None:
    """A pact whose requests are not GraphQL (or not parsable) has no operations file."""
    assert operations_text(_pact(["query A { me }"], path="/users")) is None  # type: ignore[arg-type]
    assert operations_text(_pact(["query {"])) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("# header\n\nquery A { a }\n", True, id="query"),
        pytest.param("fragment F on T { a }\n", True, id="fragment"),
        pytest.param("{ a }\n", True, id="anonymous"),
        pytest.param('"""doc"""\ntype Query { a: Int }\n', False, id="schema"),
        pytest.param("# only a comment\n", False, id="empty"),
    ],
)
def test_operations_files_are_told_from_schemas(
    tmp_path: Path, text: str, expected: bool
) -> None:
    """A .graphql file starting with an operation or fragment is an operations file."""
    path = tmp_path / "f.graphql"
    path.write_text(text, encoding="utf-8")
    assert is_operations_file(path) is expected


RICH = '''
"""The schema's own description."""
schema { query: Query }
directive @tag(name: String!) repeatable on FIELD_DEFINITION
scalar Url @specifiedBy(url: "https://url.spec.whatwg.org/")
input Filter { old: String @deprecated(reason: "gone soon")  name: String }
type Query {
  items(filter: Filter, legacy: Int @deprecated(reason: "use filter")): [Url] @tag(name: "a")
}
'''


def test_full_introspection_keeps_what_the_object_prints() -> None:
    """The full introspection query brings back deprecated arguments, @specifiedBy, repeatable
    directives and the schema description: a server's snapshot is its object's."""
    from graphql import graphql_sync

    from seam.graphql import introspection_query, schema_from_introspection

    schema = build_schema(RICH)
    answer = graphql_sync(schema, introspection_query())
    assert answer.errors is None
    rebuilt = schema_from_introspection({"data": answer.data}, source="test")
    text = snapshot_schema(schema)
    assert snapshot_schema(rebuilt) == text
    for part in ('"use filter"', "@specifiedBy", "repeatable", "The schema's own description"):
        assert part in text


def test_a_snapshot_reads_back_as_the_same_snapshot(tmp_path: Path) -> None:
    """The written SDL loads (as diff loads it) and prints to the same bytes again."""
    from seam.graphql import load_schema

    text = snapshot_schema(build_schema(RICH))
    path = write_schema_snapshot(tmp_path, "p", text).path
    assert snapshot_schema(load_schema(path).schema) == text
