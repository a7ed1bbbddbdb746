"""GraphQL contracts: schema diff (and the consumer operations it breaks).

Pure analysis beside ``seam.diff``, built on graphql-core (the reference implementation's
Python port): ``load_schema`` reads SDL or an introspection result, ``diff_schemas``
judges every change with a stable rule id from :data:`REGISTRY` (``graphql-*``).
``seam.diff.diff`` dispatches here for ``.graphql``/``.graphqls`` files, so the report
formats, ``--base REF``, the ignore file and ``--severity`` are the OpenAPI diff's.
"""

import typing

from seam.graphql._files import SDL_SUFFIXES, is_graphql_schema_file

if typing.TYPE_CHECKING:
    from seam.graphql._diff import diff_schemas
    from seam.graphql._load import Schema, load_schema, load_schemas, parse_schema
    from seam.graphql._rules import REGISTRY, Change

__all__ = [
    "REGISTRY",
    "SDL_SUFFIXES",
    "Change",
    "Schema",
    "diff_schemas",
    "is_graphql_schema_file",
    "load_schema",
    "load_schemas",
    "parse_schema",
]

# graphql-core loads on first use of a name that needs it (PEP 562): `contracts diff` of two
# OpenAPI documents never imports it.
_LAZY = {
    "REGISTRY": "_rules",
    "Change": "_rules",
    "diff_schemas": "_diff",
    "Schema": "_load",
    "load_schema": "_load",
    "load_schemas": "_load",
    "parse_schema": "_load",
}


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seam.graphql' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"seam.graphql.{module}"), name)
    globals()[name] = value
    return value
