"""Which files are GraphQL schemas, without loading graphql-core (a plain OpenAPI diff
never needs it: importing it costs some 0.2 s of every `contracts` run)."""

from __future__ import annotations

from pathlib import Path

from seam._files import read_bounded

__all__ = ["SDL_SUFFIXES", "is_graphql_schema_file"]

SDL_SUFFIXES = (".graphql", ".graphqls", ".gql")


def is_graphql_schema_file(path: Path) -> bool:
    """True for SDL files and for JSON introspection results (``__schema`` near the top)."""
    if path.suffix in SDL_SUFFIXES:
        return True
    if path.suffix != ".json" or not path.is_file():
        return False
    head = read_bounded(path, what="contract file")[:4096].decode("utf-8", errors="replace")
    return '"__schema"' in head
