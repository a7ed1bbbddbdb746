"""Read a GraphQL schema: SDL (``.graphql``/``.graphqls``) or an introspection result (JSON).

The schema is built by graphql-core (``build_ast_schema`` / ``build_client_schema``), the
Python port of the reference implementation, so every analysis sees the schema a GraphQL
server would serve. SDL keeps its AST locations: findings carry line numbers from them.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_ast_schema,
    build_client_schema,
    parse,
)
from graphql.language import Node

from seam._files import decode_text, load_json, read_bounded
from seam.errors import GraphQLSchemaError
from seam.graphql._files import SDL_SUFFIXES, is_graphql_schema_file
from seam.graphql._reduce import reduce_pair

__all__ = [
    "SDL_SUFFIXES",
    "Schema",
    "is_graphql_schema_file",
    "load_schema",
    "load_schemas",
    "parse_schema",
]


@dataclass(frozen=True, slots=True)
class Schema:
    """A built schema and where it came from.

    Attributes:
        schema: graphql-core's schema (types, fields, arguments, directives).
        file: the file it was read from, for the findings' ``file``.
        sdl: True when read from SDL (nodes then carry locations, so lines).
    """

    schema: GraphQLSchema
    file: str | None = None
    sdl: bool = True

    @staticmethod
    def line(node: Node | None) -> int | None:
        """The 1-based line of an SDL node's name (None for introspection results).

        The name, not the node's start: a definition starts at its description, and the
        annotation belongs on the line that names the type, field or argument.
        """
        loc = getattr(getattr(node, "name", None), "loc", None) or getattr(node, "loc", None)
        return loc.start_token.line if loc is not None else None


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a schema is parsed and built.

    graphql-core allocates a few hundred thousand small objects for a 1 MB schema (tokens,
    AST nodes, locations), none of them garbage; each allocation threshold crossed makes
    the collector rescan them. Paused, GitHub's far pair loads some 17 % faster (CPU).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_schema(text: str, name: str = "<schema>") -> Schema:
    """Build a schema from SDL text.

    Raises:
        GraphQLSchemaError: a syntax error or an SDL that does not build (a type
            defined twice, an unknown type), with its line.
    """
    try:
        with _no_cyclic_gc():
            document = parse(text)
            # SDL validation (unknown types, duplicate names) is what makes Inspector refuse
            # GitHub's broken 2025-02-27 schema; doing it here refuses it too, with the line.
            return Schema(build_ast_schema(document), name, True)
    except GraphQLError as exc:
        where = f"{name}:{exc.locations[0].line}" if exc.locations else name
        first = exc.message.splitlines()[0] if exc.message else "invalid schema"
        raise GraphQLSchemaError(
            f"not a valid GraphQL schema: {first}; fix the SDL", location=where
        ) from None
    except RecursionError:
        # Type references nested thousands deep (`[[[...]]]`): graphql-core's parser recurses.
        raise GraphQLSchemaError(
            "not a valid GraphQL schema: nested too deep to read", location=name
        ) from None
    except (TypeError, ValueError) as exc:  # graphql-core raises these for some bad SDL
        raise GraphQLSchemaError(
            f"not a valid GraphQL schema: {exc}; fix the SDL", location=name
        ) from None


def _introspection(data: Any, name: str) -> Schema:
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"]  # a whole HTTP response body: {"data": {"__schema": ...}}
    if not isinstance(data, dict) or not isinstance(data.get("__schema"), dict):
        raise GraphQLSchemaError(
            'expected an introspection result with "__schema" (or "data": {"__schema"}), '
            "or SDL in a .graphql file",
            location=name,
        )
    try:
        return Schema(build_client_schema(data), name, False)  # type: ignore[arg-type]
    except (GraphQLError, TypeError, ValueError, KeyError) as exc:
        raise GraphQLSchemaError(
            f"introspection result does not build a schema: {exc}", location=name
        ) from None


def _text(path: Path, label: str) -> str:
    raw = read_bounded(path, what="GraphQL schema")
    return decode_text(raw, what="GraphQL schema", location=label, error=GraphQLSchemaError)


def load_schemas(
    base: Path, revision: Path, revision_name: str | None = None, *, whole: bool = False
) -> tuple[Schema, Schema]:
    """Both versions of a schema, built for a diff.

    Two SDL files are reduced to the definitions that differ (``_reduce``: unchanged ones
    stubbed, line numbers kept) unless ``whole``; operations validated against the
    schema (consumer blame) need it whole.

    Raises:
        InputError: unreadable or oversized file.
        GraphQLSchemaError: invalid SDL, JSON or introspection result.
    """
    label = revision_name or str(revision)
    if whole or base.suffix not in SDL_SUFFIXES or revision.suffix not in SDL_SUFFIXES:
        return load_schema(base), load_schema(revision, label)
    old, new = _text(base, str(base)), _text(revision, label)
    reduced = reduce_pair(old, new)
    if reduced is None:
        return parse_schema(old, str(base)), parse_schema(new, label)
    try:
        return parse_schema(reduced[0], str(base)), parse_schema(reduced[1], label)
    except GraphQLSchemaError:
        # The whole text says what is wrong (and where) better than the reduced one.
        return parse_schema(old, str(base)), parse_schema(new, label)


def load_schema(path: Path, name: str | None = None) -> Schema:
    """Read and build a GraphQL schema from an SDL file or a JSON introspection result.

    Args:
        path: the file.
        name: how findings name the file (default: ``path``).

    Raises:
        InputError: unreadable or oversized file.
        GraphQLSchemaError: invalid SDL, JSON or introspection result.
    """
    label = name or str(path)
    text = _text(path, label)
    if path.suffix == ".json":
        try:
            data = load_json(
                text, what="introspection result", location=label, error=GraphQLSchemaError
            )
        except json.JSONDecodeError as exc:
            raise GraphQLSchemaError(
                f"not valid JSON (line {exc.lineno}): {exc.msg}", location=label
            ) from None
        return _introspection(data, label)
    return parse_schema(text, label)
