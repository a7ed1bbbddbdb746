"""GraphQL contracts: schema diff (and the consumer operations it breaks).

Pure analysis beside ``seam.diff``, built on graphql-core (the reference implementation's
Python port): ``load_schema`` reads SDL or an introspection result, ``diff_schemas``
judges every change with a stable rule id from :data:`REGISTRY` (``graphql-*``).
``seam.diff.diff`` dispatches here for ``.graphql``/``.graphqls`` files, so the report
formats, ``--base REF``, the ignore file and ``--severity`` are the OpenAPI diff's.
"""

from seam.graphql._diff import diff_schemas
from seam.graphql._load import (
    SDL_SUFFIXES,
    Schema,
    is_graphql_schema_file,
    load_schema,
    load_schemas,
    parse_schema,
)
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
