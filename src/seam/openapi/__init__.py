"""OpenAPI documents: load safely, validate, normalise and write canonically.

``load_document`` is the only way Seam reads an OpenAPI/Swagger file: JSON or YAML,
alias bombs and oversized files refused, relative-file ``$ref``s bundled, remote ones
refused unless asked for, every local one resolved once (dangling refs and cyclic chains
refused). ``Document.deref`` follows local references.

``Api`` is the one model of a document's operations (Swagger 2.0 and OpenAPI 3.x
normalised) and its router, ``Api.route(method, path)``: ``check`` and ``diff`` both use it.
"""

from seam.openapi._dump import dump_yaml
from seam.openapi._infer import infer_openapi
from seam.openapi._load import Document, bundle_file_refs, load_document, parse_document_text
from seam.openapi._operations import (
    METHODS,
    Api,
    Operation,
    Parameter,
    Route,
    endpoint_key,
    pointer,
    pointer_join,
)
from seam.openapi._refs import bundled_file, check_refs
from seam.openapi._snapshot import (
    Snapshot,
    normalise_document,
    snapshot_document,
    write_snapshot,
)
from seam.openapi._validate import validate_document

__all__ = [
    "METHODS",
    "Api",
    "Document",
    "Operation",
    "Parameter",
    "Route",
    "Snapshot",
    "bundle_file_refs",
    "bundled_file",
    "check_refs",
    "dump_yaml",
    "endpoint_key",
    "infer_openapi",
    "load_document",
    "normalise_document",
    "parse_document_text",
    "pointer",
    "pointer_join",
    "snapshot_document",
    "validate_document",
    "write_snapshot",
]
