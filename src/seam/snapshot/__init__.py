"""Bring a provider's own contract into the contracts folder, and tell when it is stale.

Where the contract comes from (:mod:`._sources`): an OpenAPI document fetched from a running
provider or asked of a Python app, a GraphQL schema by introspection, or a file. These touch
the outside world (network, imports), so they sit with the other side-effect packages; the
pure snapshot logic (normalising, writing) is :mod:`seam.openapi` and :mod:`seam.graphql`.
Whether the committed snapshot is stale (:func:`check_snapshot`) is a report like any other.
"""

from seam.snapshot._check import check_snapshot
from seam.snapshot._sources import (
    app_document,
    fetch_document,
    fetch_graphql_schema,
    file_document,
)

__all__ = [
    "app_document",
    "check_snapshot",
    "fetch_document",
    "fetch_graphql_schema",
    "file_document",
]
