"""Provider snapshots: a provider's own OpenAPI document, validated and byte-stable.

A snapshot is reviewed in pull requests like code, so the same API must always give the
same bytes and a diff must show only real changes. Normalising therefore:

* sorts every mapping's keys (``dump_yaml``) and every schema's ``required`` list (JSON
  Schema treats it as a set; its order follows field declaration order in the code);
* drops what describes one running instance rather than the API: ``servers`` entries and
  a Swagger 2.0 ``host`` on a loopback or unspecified address (``http://127.0.0.1:8765``);
* drops timestamp-valued ``x-`` extensions at the top level and in ``info``
  (``x-generated-at: 2026-01-01T00:00:00Z``).

Literal data (``example``, ``examples``, ``default``, ``enum``, ``const`` and ``x-``
extensions) is never rewritten.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seam._files import write_if_changed
from seam._layout import Layout
from seam.openapi._dump import dump_yaml
from seam.openapi._load import Document, document_version
from seam.openapi._refs import check_refs
from seam.openapi._validate import validate_document

__all__ = [
    "Snapshot",
    "normalise_document",
    "snapshot_document",
    "write_snapshot",
]

# Hosts that name "this machine", never a published address of the API.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "::", "testserver"})
# Keys whose values are data, not OpenAPI (``value`` is an Example Object's payload).
_LITERAL_KEYS = frozenset({"example", "examples", "default", "enum", "const", "value"})
# Keys whose values map user-chosen names to objects.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "paths",
        "webhooks",
        "responses",
        "content",
        "headers",
        "encoding",
        "callbacks",
        "links",
        "variables",
        "securityDefinitions",
        "parameters",
    }
)
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class Snapshot:
    """Where a snapshot lives and whether writing it changed anything.

    Attributes:
        path: ``<contracts>/openapi/<provider>.yaml``.
        changed: False when the file already held exactly these bytes (it is not rewritten).
        operations: how many operations the document declares.
    """

    path: Path
    changed: bool
    operations: int


def normalise_document(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``data`` without volatile values and with set-like lists sorted.

    ``data`` is left untouched. Normalising a normalised document changes nothing.
    """
    document: dict[str, Any] = copy.deepcopy(dict(data))
    _drop_local_servers(document)
    if _is_local_url(f"//{document.get('host', '')}"):
        document.pop("host", None)
    for holder in (document, document.get("info")):
        if isinstance(holder, dict):
            _drop_timestamp_extensions(holder)
    _sort_required(document)
    return document


def snapshot_document(data: Mapping[str, Any], *, source: str = "document") -> str:
    """Validate ``data`` and return its snapshot text (canonical YAML).

    Args:
        data: an OpenAPI 3.0/3.1 or Swagger 2.0 document.
        source: where it came from (a URL, ``module:attr`` or a path), for error messages.

    Raises:
        OpenAPIError: the document fails validation; the message is the validator's first
            error and the location its JSON pointer.
        RefError: a ``$ref`` points at nothing or belongs to a cyclic chain.
    """
    plain = dict(data)
    # References first, as load_document does: the validator would report a dangling one by
    # printing the whole document, and a cyclic chain as "nested too deeply".
    check_refs(Document(plain, document_version(plain, source), source))
    validate_document(plain, source=source)
    return dump_yaml(normalise_document(data))


def write_snapshot(contracts: Path, provider: str, text: str) -> Snapshot:
    """Write ``text`` to the provider's snapshot file atomically, unless it is already there.

    Args:
        contracts: the contracts folder (``contracts``).
        provider: the provider's name, as pacts name it (``tasks-api``).
        text: the snapshot, as :func:`snapshot_document` returned it.

    Returns:
        The file's path and whether it changed.

    Raises:
        UsageError: ``provider`` cannot be a file name.
    """
    path = Layout(contracts).provider_openapi(provider)
    changed = write_if_changed(path, text)
    return Snapshot(path, changed=changed, operations=_count_operations(text))


def _count_operations(text_or_data: str | Mapping[str, Any]) -> int:
    """How many operations (path + method) a document or its snapshot text declares."""
    if isinstance(text_or_data, str):
        from seam.openapi._load import parse_document_text

        text_or_data = parse_document_text(text_or_data)
    paths = text_or_data.get("paths")
    if not isinstance(paths, Mapping):
        return 0
    return sum(
        1
        for item in paths.values()
        if isinstance(item, Mapping)
        for method in item
        if method in _HTTP_METHODS
    )


def _is_local_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host is not None and host.lower() in _LOCAL_HOSTS


def _drop_local_servers(node: Any) -> None:
    """Remove loopback ``servers`` entries wherever OpenAPI 3 allows ``servers``."""
    holders: list[dict[str, Any]] = [node]
    paths = node.get("paths")
    if isinstance(paths, dict):
        for item in paths.values():
            if isinstance(item, dict):
                holders.append(item)
                holders.extend(
                    op for m, op in item.items() if m in _HTTP_METHODS and isinstance(op, dict)
                )
    for holder in holders:
        servers = holder.get("servers")
        if not isinstance(servers, list):
            continue
        kept = [
            s for s in servers if not (isinstance(s, dict) and _is_local_url(str(s.get("url", ""))))
        ]
        if kept:
            holder["servers"] = kept
        else:
            del holder["servers"]


def _drop_timestamp_extensions(holder: dict[str, Any]) -> None:
    for key in [k for k, v in holder.items() if k.startswith("x-") and isinstance(v, str)]:
        if _TIMESTAMP.match(holder[key]):
            del holder[key]


def _sort_required(node: Any, *, names: bool = False) -> None:
    """Sort every schema's ``required`` list in place, skipping literal data.

    ``names`` marks a mapping whose keys are user-chosen names (property names, paths,
    status codes, component names), where ``default`` or ``x-id`` are not keywords.
    """
    if isinstance(node, list):
        for item in node:
            _sort_required(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if names:
            _sort_required(value)
        elif key in _LITERAL_KEYS or key.startswith("x-"):
            continue
        elif key == "required" and isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                node[key] = sorted(set(value))
        elif key == "components" and isinstance(value, dict):
            for section in value.values():
                _sort_required(section, names=True)
        else:
            _sort_required(value, names=key in _NAME_MAPS)
