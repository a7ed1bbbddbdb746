"""Which files, interactions and objects are GraphQL, without loading graphql-core (a plain
OpenAPI diff or snapshot never needs it: importing it costs some 0.2 s of every run).

Where GraphQL files live in the contracts folder is :class:`seam._layout.Layout`'s."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam._files import read_bounded
from seam._layout import SDL_SUFFIXES

if TYPE_CHECKING:
    from seam.pactfile import Interaction

__all__ = [
    "SDL_SUFFIXES",
    "graphql_body",
    "is_graphql_schema_file",
    "is_operations_file",
    "looks_like_schema",
]


def is_graphql_schema_file(path: Path) -> bool:
    """True for SDL files and for JSON introspection results (``__schema`` near the top)."""
    if path.suffix in SDL_SUFFIXES:
        return True
    if path.suffix != ".json" or not path.is_file():
        return False
    head = read_bounded(path, what="contract file")[:4096].decode("utf-8", errors="replace")
    return '"__schema"' in head


# An executable document starts with an operation or a fragment (a schema never does).
_EXECUTABLE = re.compile(r"(query|mutation|subscription|fragment)\b|\{")


def is_operations_file(path: Path) -> bool:
    """True for a ``.graphql`` file of operations (a consumer's, as the plugin writes them).

    Judged by its first definition: ``query``, ``mutation``, ``subscription``, ``fragment``
    or an anonymous ``{``, after comments and blank lines.
    """
    if path.suffix not in SDL_SUFFIXES or not path.is_file():
        return False
    head = read_bounded(path, what="GraphQL file")[:65536].decode("utf-8", errors="replace")
    for line in head.splitlines():
        text = line.strip().lstrip("\ufeff")
        if text and not text.startswith("#"):
            return _EXECUTABLE.match(text) is not None
    return False


def graphql_body(interaction: Interaction) -> dict[str, Any] | None:
    """The ``{"query": ..., "variables": ..., "operationName": ...}`` of a GraphQL request.

    Read by :func:`seam.graphql._requests.graphql_request`, the one reader (``POST`` with a
    JSON body or ``GET`` with ``query=``, to a path ending in ``/graphql``); None for any
    other interaction and for a malformed request (``contracts check`` reports those).
    """
    from seam.graphql._requests import graphql_request

    request = graphql_request(interaction)
    if request is None or request.problem is not None:
        return None
    return {
        "query": request.query,
        "variables": request.variables,
        "operationName": request.operation_name,
    }


def looks_like_schema(obj: Any) -> bool:
    """True for what :func:`seam.graphql.schema_of` unwraps, judged without importing it.

    A graphql-core ``GraphQLSchema`` (its class lives in the ``graphql`` package), a graphene
    ``Schema`` (``graphql_schema``) or a strawberry ``Schema`` (``_schema`` and ``as_str``).
    """
    in_graphql_core = any(c.__module__.partition(".")[0] == "graphql" for c in type(obj).__mro__)
    return (
        in_graphql_core
        or hasattr(obj, "graphql_schema")
        or (hasattr(obj, "_schema") and callable(getattr(obj, "as_str", None)))
    )
