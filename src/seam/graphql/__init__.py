"""GraphQL contracts: schema diff (and the consumer operations it breaks).

Pure analysis beside ``seam.diff``, built on graphql-core (the reference implementation's
Python port): ``load_schema`` reads SDL or an introspection result, ``diff_schemas``
judges every change with a stable rule id from :data:`RULES` (``graphql-*``), and
``check_request`` judges one consumer request recorded in a pact (``graphql_request``)
with the ``graphql.*`` codes of :data:`CHECK_RULES` (``contracts check --graphql``).
``snapshot_schema`` prints a provider's schema (a strawberry, graphene or graphql-core
schema object, or an introspection result) as byte-stable SDL, and ``operations_text`` a
consumer's recorded operations. ``seam.diff.diff`` dispatches here for
``.graphql``/``.graphqls`` files, so the report formats, ``--base REF``, the ignore file
and ``--severity`` are the OpenAPI diff's.
"""

import typing

from seam.graphql._files import (
    SDL_SUFFIXES,
    graphql_body,
    is_graphql_schema_file,
    is_operations_file,
    looks_like_schema,
)
from seam.graphql._requests import GraphQLRequest, graphql_request

if typing.TYPE_CHECKING:
    from seam.graphql._check import CHECK_RULES, check_request
    from seam.graphql._consumers import Operation, read_operations
    from seam.graphql._diff import diff_schemas
    from seam.graphql._load import Schema, load_schema, load_schemas, parse_schema
    from seam.graphql._snapshot import (
        SchemaSnapshot,
        introspection_query,
        operations_text,
        schema_from_introspection,
        schema_of,
        snapshot_schema,
        write_schema_snapshot,
    )
    from seam.graphql.rules import RULES, Change

__all__ = [
    "CHECK_RULES",
    "RULES",
    "SDL_SUFFIXES",
    "Change",
    "GraphQLRequest",
    "Operation",
    "Schema",
    "SchemaSnapshot",
    "check_request",
    "diff_schemas",
    "graphql_body",
    "graphql_request",
    "introspection_query",
    "is_graphql_schema_file",
    "is_operations_file",
    "load_schema",
    "load_schemas",
    "looks_like_schema",
    "operations_text",
    "parse_schema",
    "read_operations",
    "schema_from_introspection",
    "schema_of",
    "snapshot_schema",
    "write_schema_snapshot",
]

# graphql-core loads on first use of a name that needs it (PEP 562): `contracts diff` of two
# OpenAPI documents never imports it.
_LAZY = {
    "CHECK_RULES": "_check",
    "check_request": "_check",
    "RULES": "rules",
    "Change": "rules",
    "diff_schemas": "_diff",
    "Operation": "_consumers",
    "read_operations": "_consumers",
    "Schema": "_load",
    "load_schema": "_load",
    "load_schemas": "_load",
    "parse_schema": "_load",
    **dict.fromkeys(
        (
            "SchemaSnapshot",
            "introspection_query",
            "operations_text",
            "schema_from_introspection",
            "schema_of",
            "snapshot_schema",
            "write_schema_snapshot",
        ),
        "_snapshot",
    ),
}


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seam.graphql' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"seam.graphql.{module}"), name)
    globals()[name] = value
    return value
