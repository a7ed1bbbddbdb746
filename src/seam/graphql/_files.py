"""Which files, interactions and objects are GraphQL, without loading graphql-core (a plain
OpenAPI diff or snapshot never needs it: importing it costs some 0.2 s of every run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam._files import SAFE_NAME, SAFE_NAME_HINT, read_bounded
from seam.errors import UsageError

if TYPE_CHECKING:
    from seam.pactfile import Interaction

__all__ = [
    "SDL_SUFFIXES",
    "find_schema",
    "graphql_body",
    "is_graphql_schema_file",
    "is_operations_file",
    "looks_like_schema",
    "operations_path",
    "schema_snapshot_path",
]

SDL_SUFFIXES = (".graphql", ".graphqls", ".gql")
# The folder of contracts/ that holds GraphQL files (design.md: `graphql/…` beside `openapi/`).
FOLDER = "graphql"


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


def _safe(name: str, role: str) -> str:
    if not SAFE_NAME.match(name):
        raise UsageError(f"{role} name {name!r} cannot be a file name: {SAFE_NAME_HINT}")
    return name


def schema_snapshot_path(contracts: Path, provider: str) -> Path:
    """``<contracts>/graphql/<provider>.graphql``, after checking ``provider`` is a plain name.

    Raises:
        UsageError: ``provider`` is empty or holds characters unsafe in a file name.
    """
    return contracts / FOLDER / f"{_safe(provider, 'provider')}.graphql"


def operations_path(contracts: Path, consumer: str, provider: str) -> Path:
    """``<contracts>/graphql/<consumer>-<provider>.graphql``: the operations a consumer sends.

    Raises:
        UsageError: a name holds characters unsafe in a file name.
    """
    name = f"{_safe(consumer, 'consumer')}-{_safe(provider, 'provider')}"
    return contracts / FOLDER / f"{name}.graphql"


def find_schema(contracts: Path, provider: str) -> Path | None:
    """The provider's schema in a contracts folder: ``graphql/<provider>.graphql`` (or
    ``.graphqls``, ``.gql``, an introspection ``.json``), or None when there is none."""
    if not SAFE_NAME.match(provider):
        return None
    for suffix in (*SDL_SUFFIXES, ".json"):
        candidate = contracts / FOLDER / f"{provider}{suffix}"
        if candidate.is_file():
            return candidate
    return None
