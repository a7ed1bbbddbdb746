"""Load AsyncAPI 2.x and 3.x documents safely, and validate them the way the official parser does.

Reading goes through :mod:`seam.openapi`'s loader (one home for hostile input): JSON or YAML
1.2, size and nesting bounds, alias bombs refused, relative-file ``$ref``s bundled under
``x-seam-files``, remote ones refused unless asked for, every local ``$ref`` resolved once
(dangling refs and pure loops refused, recursive schemas kept).

Validation is the official JSON Schema of the document's version, vendored from npm
``@asyncapi/specs`` 6.11.1 (Apache-2.0, ``schemas/LICENSE`` and ``NOTICE`` beside them),
plus the semantic rules of ``@asyncapi/parser`` that JSON Schema cannot say (see
:func:`semantic_problems`).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs

from seam._files import DEFAULT_MAX_BYTES, read_bounded
from seam.errors import AsyncAPIError, OpenAPIError
from seam.openapi import Document, bundle_file_refs, check_refs, parse_document_text
from seam.openapi._schemas import Mode, SchemaCompiler

__all__ = [
    "SUPPORTED_VERSIONS",
    "is_asyncapi",
    "load_asyncapi_document",
    "parse_asyncapi_document",
    "validation_problems",
]

# The versions whose official JSON Schema is vendored in ``schemas/`` (the parser reads these).
SUPPORTED_VERSIONS = (
    "2.0.0",
    "2.1.0",
    "2.2.0",
    "2.3.0",
    "2.4.0",
    "2.5.0",
    "2.6.0",
    "3.0.0",
    "3.1.0",
)


def is_asyncapi(data: Any) -> bool:
    """Whether parsed data is an AsyncAPI document (it has the ``asyncapi`` key, spec §4)."""
    return isinstance(data, dict) and "asyncapi" in data


def load_asyncapi_document(
    path: str | Path,
    *,
    allow_remote_refs: bool = False,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read an AsyncAPI document from a JSON or YAML file.

    Args:
        path: the document's file.
        allow_remote_refs: fetch ``http(s)://`` references and files outside its folder.
        validate: check it against the official schema and the parser's semantic rules.
        max_bytes: refuse files larger than this.

    Returns:
        The document, every ``$ref`` in it local; ``version`` is the ``asyncapi`` field.

    Raises:
        AsyncAPIError: not JSON/YAML, not AsyncAPI, an unsupported version, a broken
            ``$ref`` or (with ``validate``) the first problem the official parser would report.
        InputError: the file is missing, unreadable or too large.
    """
    p = Path(path)
    raw = read_bounded(p, max_bytes=max_bytes, what="AsyncAPI document")
    try:
        data = parse_document_text(raw, source=str(p))
        version = _version(data, str(p))
        bundle_file_refs(data, p, raw, allow_remote_refs=allow_remote_refs, max_bytes=max_bytes)
    except OpenAPIError as exc:  # the shared reader words its errors for OpenAPI
        raise AsyncAPIError(exc.message, location=exc.location) from None
    return _finish(Document(data, version, str(p)), validate, len(raw))


def parse_asyncapi_document(
    data: dict[str, Any], *, source: str = "<asyncapi>", validate: bool = True
) -> Document:
    """An AsyncAPI document held as data (local ``$ref``s only), checked like a loaded one.

    Raises:
        AsyncAPIError: see :func:`load_asyncapi_document`.
    """
    return _finish(Document(data, _version(data, source), source), validate, None)


def _finish(document: Document, validate: bool, size: int | None) -> Document:
    if validate:
        problems = validation_problems(document.data)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise AsyncAPIError(
                f"invalid AsyncAPI {document.version} document: {problems[0]}{more}",
                location=document.source,
            )
    try:
        check_refs(document, text_size=size)
    except OpenAPIError as exc:
        raise AsyncAPIError(exc.message, location=exc.location) from None
    if validate:
        problems = semantic_problems(document)
        if problems:
            raise AsyncAPIError(
                f"invalid AsyncAPI {document.version} document: {problems[0]}",
                location=document.source,
            )
    return document


def _version(data: dict[str, Any], source: str) -> str:
    if not is_asyncapi(data):
        raise AsyncAPIError(
            "not an AsyncAPI document: no 'asyncapi' field at the top level", location=source
        )
    version = str(data["asyncapi"])
    if version not in SUPPORTED_VERSIONS:
        raise AsyncAPIError(
            f"unsupported AsyncAPI version {version!r}; Seam reads {', '.join(SUPPORTED_VERSIONS)}",
            location=source,
        )
    return version


@functools.cache
def _validator(version: str) -> Any:
    text = resources.files("seam.asyncapi").joinpath("schemas", f"{version}.json").read_text()
    # The official schemas are draft-07 (their `$schema`); compiled once per version.
    return jsonschema_rs.Draft7Validator(json.loads(text))


def validation_problems(data: dict[str, Any]) -> list[str]:
    """What the official JSON Schema of the document's version says is wrong, one line each.

    Raises:
        AsyncAPIError: the document has no supported ``asyncapi`` version.
    """
    validator = _validator(_version(data, "<asyncapi>"))
    out = []
    for error in validator.iter_errors(data):
        instance = error.instance
        if isinstance(instance, dict) and set(instance) == {"$ref"} and "oneOf" in error.message:
            # The 2.0–2.5 schemas let a bare reference match both `Reference` and the object
            # it stands for; the parser validates the document with references resolved, so
            # this never fires there (2.6 and 3.x fixed their schemas).
            continue
        where = "/".join(str(t) for t in error.instance_path)
        message = error.message if len(error.message) <= 160 else error.message[:160] + "…"
        out.append(f"{message} (at #/{where})" if where else message)
    return out


def semantic_problems(document: Document) -> list[str]:
    """The official parser's rules beyond JSON Schema that Seam enforces.

    - 3.x ``asyncapi3-operation-messages-from-referred-channel``: an operation's messages
      must be messages of the channel it names.
    - 3.x: an operation's ``channel`` must point at one of ``channels``.
    - 2.x ``asyncapi2-operation-operationId-uniqueness``: operation ids are unique.
    - 2.x ``asyncapi2-message-examples``: each message example's ``payload`` fits the
      message's payload schema (JSON Schema payloads only).
    """
    data = document.data
    out: list[str] = []
    if document.version.startswith("3."):
        for op_id, op in _mapping(data.get("operations")).items():
            op = document.deref(op)
            if not isinstance(op, dict):
                continue
            channel_ref = (
                op.get("channel", {}).get("$ref") if isinstance(op.get("channel"), dict) else None
            )
            if not isinstance(channel_ref, str) or not channel_ref.startswith("#/channels/"):
                out.append(f"operation {op_id!r} must name its channel with $ref '#/channels/…'")
                continue
            prefix = channel_ref + "/messages/"
            for i, message in enumerate(op.get("messages") or []):
                ref = message.get("$ref") if isinstance(message, dict) else None
                if not isinstance(ref, str) or not ref.startswith(prefix):
                    out.append(
                        f"operation {op_id!r} message {i} ({ref or 'inline'}) is not a message "
                        f"of its channel {channel_ref!r}; refer to '{prefix}<name>'"
                    )
    else:
        seen: dict[str, str] = {}
        for address, channel in _mapping(data.get("channels")).items():
            channel = document.deref(channel)
            for action in ("publish", "subscribe"):
                op = _mapping(channel.get(action) if isinstance(channel, dict) else None)
                name = op.get("operationId")
                if isinstance(name, str):
                    if name in seen:
                        out.append(
                            f"operationId {name!r} is used twice ({seen[name]} and "
                            f"{action} {address}); make each unique"
                        )
                    seen.setdefault(name, f"{action} {address}")
        out.extend(_example_problems(document))
    return out


def _example_problems(document: Document) -> list[str]:
    """2.x message examples that do not fit their payload schema."""
    from seam.asyncapi._model import AsyncApi  # the model reads a loaded document

    compiler = SchemaCompiler(document.data, "3.1")  # AsyncAPI schemas: JSON Schema as is
    out = []
    seen: set[str] = set()
    for message in AsyncApi(document).messages():
        if message.pointer in seen or message.payload is None or not message.json_schema:
            continue
        seen.add(message.pointer)
        node = document.deref(document.resolve(message.pointer))
        examples = node.get("examples") if isinstance(node, dict) else None
        for i, example in enumerate(examples if isinstance(examples, list) else []):
            if not isinstance(example, dict) or "payload" not in example:
                continue
            key = f"{message.pointer}/payload"
            validator = compiler.validator(key, message.payload, Mode.REQUEST)
            error = next(iter(validator.iter_errors(example["payload"])), None)
            if error is not None:
                out.append(
                    f"example {i} of message {message.label!r} does not fit its payload "
                    f"schema: {error.message[:160]} (at {message.pointer}/examples/{i})"
                )
    return out


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
