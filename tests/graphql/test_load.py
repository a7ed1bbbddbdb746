"""Reading GraphQL schemas: SDL, introspection results, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import build_schema, introspection_from_schema

from seam.errors import GraphQLSchemaError, InputError
from seam.graphql import diff_schemas, is_graphql_schema_file, load_schema

SDL = "type Query { a: Int  b: String }"


def test_introspection_json_builds_the_same_schema(tmp_path: Path) -> None:
    """An introspection result (bare or as a response body) diffs like its SDL, without lines."""
    bare, body = tmp_path / "bare.json", tmp_path / "body.json"
    bare.write_text(json.dumps(introspection_from_schema(build_schema(SDL))))
    body.write_text(
        json.dumps({"data": introspection_from_schema(build_schema("type Query { a: Int }"))})
    )
    assert is_graphql_schema_file(bare) and is_graphql_schema_file(body)
    (f,) = diff_schemas(load_schema(bare), load_schema(body))
    assert (f.rule, f.path, f.line) == ("graphql-field-removed", "Query.b", None)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """Invalid SDL is a GraphQLSchemaError with the file and line, not a traceback."""
    path = tmp_path / "bad.graphql"
    path.write_text("type Query {\n  a: Int\n  b: \n}\n")
    with pytest.raises(GraphQLSchemaError, match=r"bad.graphql:4: not a valid GraphQL schema"):
        load_schema(path)


def test_duplicate_definition_is_refused(tmp_path: Path) -> None:
    """A field defined twice (GitHub's broken 2025 schema) is refused, as Inspector does."""
    path = tmp_path / "dup.graphql"
    path.write_text("type Query { a: Int  a: Int }")
    with pytest.raises(GraphQLSchemaError, match="can only be defined once"):
        load_schema(path)


def test_json_without_schema_says_what_is_expected(tmp_path: Path) -> None:
    """A JSON file that is not an introspection result says what was expected."""
    path = tmp_path / "x.json"
    path.write_text('{"__schema": 1}')
    with pytest.raises(GraphQLSchemaError, match="expected an introspection result"):
        load_schema(path)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    """A missing schema file is an InputError naming it."""
    with pytest.raises(InputError, match="no such GraphQL schema"):
        load_schema(tmp_path / "none.graphql")


def test_utf16_schema_is_refused_in_one_line(tmp_path: Path) -> None:
    """A UTF-16 SDL file is named and refused, like every other reader's input."""
    path = tmp_path / "u16.graphql"
    path.write_bytes(SDL.encode("utf-16"))
    with pytest.raises(GraphQLSchemaError, match="UTF-16"):
        load_schema(path)


def test_deeply_nested_type_is_refused(tmp_path: Path) -> None:
    """A type reference nested past the parser's recursion is an error, not a RecursionError."""
    path = tmp_path / "deep.graphql"
    path.write_text("type Query { a: " + "[" * 5000 + "Int" + "]" * 5000 + " }")
    with pytest.raises(GraphQLSchemaError, match="nested too deep"):
        load_schema(path)


@pytest.mark.parametrize("sdl", ["type Query { a: Int }", "type Query { a: Nope }"])
def test_parsing_leaves_the_garbage_collector_as_it_was(sdl: str) -> None:
    """The collector paused for parsing is running again afterwards, bad SDL included."""
    import contextlib
    import gc

    from seam.graphql import parse_schema

    assert gc.isenabled()
    with contextlib.suppress(GraphQLSchemaError):
        parse_schema(sdl)
    assert gc.isenabled()
