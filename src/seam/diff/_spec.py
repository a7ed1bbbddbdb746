"""A read-only view of one OpenAPI document shaped for diffing.

Swagger 2.0 and OpenAPI 3.x are mapped onto one shape: operations with their
parameters (path-level ones merged in), a request body as ``{required, content}``
and responses as ``{headers, content}``. Nothing here expands ``$ref``s: a node is
followed only when a comparison needs it, so recursive schemas cost nothing extra.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seam.errors import RefError
from seam.openapi import Document

__all__ = ["METHODS", "Operation", "Spec", "endpoint_key", "pointer"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^}/]*\}")
# Swagger 2.0 parameter fields that are not part of its inline schema.
_PARAM_ONLY = frozenset({"name", "in", "required", "description", "allowEmptyValue"})


def pointer(*tokens: str) -> str:
    """A JSON pointer fragment (``#/paths/~1tasks/get``) from raw tokens."""
    return "#" + "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


def endpoint_key(path: str) -> str:
    """A path template with parameter names erased: ``/a/{id}`` and ``/a/{key}`` are one."""
    return _PARAM.sub("{}", path)


@dataclass(slots=True)
class Parameter:
    """One parameter of an operation, its schema and where it is written."""

    name: str
    location: str  # query, header, path, cookie
    node: Mapping[str, Any]
    schema: Any
    pointer: str
    schema_pointer: str = ""

    position: int = -1  # path parameters: their place in the path template

    @property
    def key(self) -> tuple[str, str]:
        # Header names are case-insensitive (RFC 9110 5.1); a path parameter is its
        # place in the template, so `/a/{id}` → `/a/{key}` renames, not replaces, it.
        if self.location == "path" and self.position >= 0:
            return (self.location, f"#{self.position}")
        name = self.name.lower() if self.location == "header" else self.name
        return (self.location, name)


@dataclass(slots=True)
class Operation:
    """One operation, normalised across Swagger 2.0 and OpenAPI 3.x."""

    path: str
    method: str
    node: Mapping[str, Any]
    pointer: str
    parameters: dict[tuple[str, str], Parameter] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None  # {"required": bool, "content": {mt: {"schema"}}}
    body_pointer: str = ""
    responses: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    response_pointers: dict[str, str] = field(default_factory=dict)
    security: list[Any] | None = None
    schemes: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # by scheme name
    webhook: bool = False

    @property
    def endpoint(self) -> str:
        return f"{self.method.upper()} {self.path}"


class Spec:
    """One loaded document, with the lookups the diff needs.

    Args:
        document: a loaded document (``seam.openapi.load_document``).
        file: the file name to name in findings (annotations).
    """

    def __init__(self, document: Document, file: str | None = None) -> None:
        self.document = document
        self.data: Mapping[str, Any] = document.data
        self.version = document.version
        self.file = file if file is not None else document.source
        self.swagger = document.version == "2.0"
        self._operations: dict[tuple[str, str], Operation] | None = None
        self._security_schemes: dict[str, Mapping[str, Any]] | None = None

    # -- references ------------------------------------------------------------------

    def deref(self, node: Any, where: str) -> tuple[Any, str]:
        """Follow a ``$ref`` chain; return the target and its pointer (``where`` if none)."""
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise RefError(f"cyclic $ref chain {' → '.join([*seen, ref])}", location=self.file)
            seen.append(ref)
            node = self.document.resolve(ref)
            where = ref
        return node, where

    # -- operations --------------------------------------------------------------------

    def operations(self) -> dict[tuple[str, str], Operation]:
        """Operations keyed by ``(method, endpoint_key(path))``; webhooks as ``webhook:NAME``."""
        if self._operations is None:
            ops: dict[tuple[str, str], Operation] = {}
            for path, item in _mapping(self.data.get("paths")).items():
                self._add_path(ops, path, item, pointer("paths", path), webhook=False)
            for name, item in _mapping(self.data.get("webhooks")).items():
                self._add_path(ops, f"webhook:{name}", item, pointer("webhooks", name), True)
            self._operations = ops
        return self._operations

    def _add_path(
        self, ops: dict[tuple[str, str], Operation], path: str, item: Any, at: str, webhook: bool
    ) -> None:
        item, at = self.deref(item, at)
        if not isinstance(item, dict):
            return
        shared = self._parameters(item.get("parameters"), at + "/parameters", path)
        for method in METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            op_at = f"{at}/{method}"
            op = Operation(path, method, node, op_at, webhook=webhook)
            op.parameters = dict(shared)
            op.parameters.update(
                self._parameters(node.get("parameters"), op_at + "/parameters", path)
            )
            self._body(op)
            self._responses(op)
            security = node.get("security", self.data.get("security"))
            op.security = list(security) if isinstance(security, list) else None
            op.schemes = self._schemes()
            ops[(method, endpoint_key(path))] = op

    def _schemes(self) -> dict[str, Mapping[str, Any]]:
        """Security schemes by name (``components.securitySchemes`` or 2.0's definitions)."""
        if self._security_schemes is None:
            self._security_schemes = self._read_schemes()
        return self._security_schemes

    def _read_schemes(self) -> dict[str, Mapping[str, Any]]:
        if self.swagger:
            raw = self.data.get("securityDefinitions")
        else:
            components = self.data.get("components")
            raw = components.get("securitySchemes") if isinstance(components, dict) else None
        schemes: dict[str, Mapping[str, Any]] = {}
        for name, value in (raw if isinstance(raw, dict) else {}).items():
            target, _ = self.deref(value, "")
            if isinstance(target, dict):
                schemes[str(name)] = target
        return schemes

    def _parameters(self, raw: Any, at: str, path: str) -> dict[tuple[str, str], Parameter]:
        out: dict[tuple[str, str], Parameter] = {}
        names = [m[1:-1] for m in _PARAM.findall(path)]
        if not isinstance(raw, list):
            return out
        for i, entry in enumerate(raw):
            node, where = self.deref(entry, f"{at}/{i}")
            if not isinstance(node, dict) or not isinstance(node.get("name"), str):
                continue
            location = str(node.get("in", ""))
            if self.swagger and location in ("body", "formData"):
                continue  # request body in 2.0: see _body
            schema: Any = node.get("schema")
            schema_at = where + "/schema"
            if schema is None and isinstance(node.get("content"), dict):
                for media, entry_ in sorted(node["content"].items()):
                    schema, schema_at = (
                        _mapping(entry_).get("schema"),
                        pointer_join(where, "content", media, "schema"),
                    )
                    break
            if schema is None and self.swagger:
                schema = {k: v for k, v in node.items() if k not in _PARAM_ONLY}
                schema_at = where
            param = Parameter(node["name"], location, node, schema, where, schema_at)
            if location == "path" and node["name"] in names:
                param.position = names.index(node["name"])
            out[param.key] = param
        return out

    def _body(self, op: Operation) -> None:
        if not self.swagger:
            raw = op.node.get("requestBody")
            if raw is None:
                return
            body, op.body_pointer = self.deref(raw, op.pointer + "/requestBody")
            op.body = body if isinstance(body, dict) else None
            return
        params = op.node.get("parameters") if isinstance(op.node.get("parameters"), list) else []
        consumes = op.node.get("consumes", self.data.get("consumes")) or ["application/json"]
        form: dict[str, Any] = {}
        required: list[str] = []
        for i, entry in enumerate(params or []):
            node, where = self.deref(entry, f"{op.pointer}/parameters/{i}")
            if not isinstance(node, dict):
                continue
            if node.get("in") == "body":
                content = {str(m): {"schema": node.get("schema", {})} for m in consumes}
                op.body = {"required": bool(node.get("required")), "content": content}
                op.body_pointer = where
            elif node.get("in") == "formData" and isinstance(node.get("name"), str):
                form[node["name"]] = {k: v for k, v in node.items() if k not in _PARAM_ONLY}
                if node.get("required"):
                    required.append(node["name"])
        if form and op.body is None:
            schema = {"type": "object", "properties": form, "required": required}
            media = [m for m in consumes if "form" in str(m)] or [
                "application/x-www-form-urlencoded"
            ]
            op.body = {
                "required": bool(required),
                "content": {str(m): {"schema": schema} for m in media},
            }
            op.body_pointer = op.pointer + "/parameters"

    def _responses(self, op: Operation) -> None:
        produces = op.node.get("produces", self.data.get("produces")) or ["application/json"]
        for status, raw in _mapping(op.node.get("responses")).items():
            node, where = self.deref(raw, pointer_join(op.pointer, "responses", str(status)))
            if not isinstance(node, dict):
                continue
            if self.swagger:
                content = (
                    {str(m): {"schema": node["schema"]} for m in produces}
                    if "schema" in node
                    else {}
                )
                node = {"headers": node.get("headers", {}), "content": content}
            op.responses[str(status)] = node
            op.response_pointers[str(status)] = where


def pointer_join(base: str, *tokens: str) -> str:
    """Append raw tokens to a pointer fragment."""
    return base + pointer(*tokens)[1:]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
