"""GraphQL snapshots: a provider's schema and each consumer's operations, byte-stable SDL.

A provider's schema comes from the schema object itself (strawberry, graphene or
graphql-core, recognised by duck typing so that Seam imports neither library) or from an
introspection result. It is printed by graphql-core's ``print_schema`` after
``lexicographic_sort_schema``: types, fields, arguments and enum values by name, so that
the same schema gives the same bytes whether it was read from the code or from a running
server (whose introspection lists types in the order its type map was built), and moving
a class in the code changes nothing.

A consumer's operations are the GraphQL-over-HTTP interactions of its pact, each printed
by graphql-core (``print_ast``: one layout whatever the test wrote), deduplicated and
sorted by operation name, then text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_ast,
    print_schema,
    validate_schema,
)

from seam._files import write_if_changed
from seam._layout import Layout
from seam.errors import GraphQLSchemaError
from seam.graphql._consumers import Operation, operations_of
from seam.graphql._load import _introspection
from seam.pactfile import Pact

__all__ = [
    "SchemaSnapshot",
    "introspection_query",
    "operations_text",
    "schema_from_introspection",
    "schema_of",
    "snapshot_schema",
    "write_schema_snapshot",
]


@dataclass(frozen=True)
class SchemaSnapshot:
    """Where a schema snapshot lives and whether writing it changed anything.

    Attributes:
        path: ``<contracts>/graphql/<provider>.graphql``.
        changed: False when the file already held exactly these bytes (it is not rewritten).
        types: how many named types the snapshot defines (built-in scalars are not printed).
    """

    path: Path
    changed: bool
    types: int


def schema_of(obj: Any) -> GraphQLSchema | None:
    """The graphql-core schema behind ``obj``, or None when ``obj`` is not a schema.

    Recognised: a graphql-core ``GraphQLSchema``; a graphene ``Schema`` (its
    ``graphql_schema``); a strawberry ``Schema`` (its ``_schema``, the graphql-core schema
    strawberry executes; ``as_str()`` would print strawberry's own layout instead).
    """
    for candidate in (obj, getattr(obj, "graphql_schema", None), getattr(obj, "_schema", None)):
        if isinstance(candidate, GraphQLSchema):
            return candidate
    return None


def snapshot_schema(schema: GraphQLSchema, *, source: str = "schema") -> str:
    """The schema's snapshot text: sorted SDL printed by graphql-core, one final newline.

    Args:
        schema: the schema (see :func:`schema_of`).
        source: where it came from, for error messages.

    Raises:
        GraphQLSchemaError: the schema is invalid (graphql-core's first validation error).
    """
    errors = validate_schema(schema)
    if errors:
        raise GraphQLSchemaError(
            f"not a valid GraphQL schema: {errors[0].message}", location=source
        )
    return print_schema(lexicographic_sort_schema(schema)).rstrip("\n") + "\n"


def introspection_query(*, full: bool = True) -> str:
    """The standard introspection query.

    Args:
        full: ask for everything the SDL of the schema object shows (descriptions,
            deprecated arguments and input fields, ``@specifiedBy`` URLs, repeatable
            directives, the schema's description), so that a server's snapshot has the
            same bytes as its object's. ``False`` gives the query servers that predate
            those fields (graphql-js before 15) still answer: descriptions only.
    """
    if not full:
        return get_introspection_query(descriptions=True)
    return get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )


def schema_from_introspection(data: Any, *, source: str) -> GraphQLSchema:
    """Build the schema an introspection result (or the whole HTTP answer) describes.

    Raises:
        GraphQLSchemaError: ``data`` is not an introspection result, or does not build.
    """
    return _introspection(data, source).schema


def write_schema_snapshot(contracts: Path, provider: str, text: str) -> SchemaSnapshot:
    """Write ``text`` to the provider's schema snapshot atomically, unless it is already there.

    Args:
        contracts: the contracts folder (``contracts``).
        provider: the provider's name, as pacts name it (``projects-api``).
        text: the snapshot, as :func:`snapshot_schema` returned it.

    Returns:
        The file's path, whether it changed, and how many types the schema has.
    """
    path = Layout(contracts).provider_schema(provider)
    types = sum(
        1
        for line in text.splitlines()
        if line.startswith(("type ", "interface ", "enum ", "union ", "input ", "scalar "))
    )
    return SchemaSnapshot(path, changed=write_if_changed(path, text), types=types)


def _printed(op: Operation) -> tuple[str, str] | None:
    try:
        return op.name, print_ast(op.document).strip()
    except (GraphQLError, RecursionError):
        return None


def operations_text(pact: Pact, *, source: str | None = None) -> str | None:
    """The GraphQL operations of ``pact``'s interactions as one file's text, or None if none.

    Each distinct document once (printed by graphql-core, so layout and spacing do not
    matter), sorted by operation name and then text; unparsable queries are left to
    ``contracts check``. The header names the pact, so a reader knows where they came from.

    Args:
        pact: one consumer's pact with one provider.
        source: the pact's file, as the header shows it (default: ``pact.source``).
    """
    printed = {p for p in map(_printed, operations_of([pact])) if p is not None}
    if not printed:
        return None
    header = (
        f"# The GraphQL operations {pact.consumer} sends to {pact.provider}, "
        f"from {source or pact.source}.\n"
        "# Written by the seam pytest plugin; edits are overwritten.\n"
    )
    blocks = [text for _, text in sorted(printed)]
    return header + "\n" + "\n\n".join(blocks) + "\n"
