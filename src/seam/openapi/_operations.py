"""The one model of an OpenAPI document's operations, and the router that finds them.

Swagger 2.0, OpenAPI 3.0 and 3.1 are normalised once here: path-level parameters merged
into each operation, a request body as ``{required, content}`` (2.0's ``in: body`` and
``formData`` parameters included), responses as ``{headers, content}``, security with
the document's default, and the base paths a request may carry (``servers`` with their
variables, absolute or relative, 2.0's ``basePath``).

``Api.route(method, path)`` finds the operation a concrete request reaches: templates,
base paths, percent-encoding, the most specific template winning (``/tasks/export``
before ``/tasks/{id}``). A trailing slash makes another path, and Swagger 2.0 paths sit
under ``basePath``, as PactFlow's comparator (and most web frameworks) read them.
``contracts check``, ``contracts diff`` and its consumer verdicts all route through it,
so a pact that ``check`` matches to an operation is the same pact ``diff`` blames for a
change to it.

Nothing here expands ``$ref``s beyond the nodes it normalises: a schema is followed only
when an analysis needs it, so recursive schemas cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit

from seam.errors import OpenAPIError, RefError
from seam.openapi._load import Document, document_version

if TYPE_CHECKING:
    from seam.openapi._schemas import Mode, SchemaCompiler

__all__ = [
    "METHODS",
    "Api",
    "Operation",
    "Parameter",
    "Route",
    "endpoint_key",
    "pointer",
    "pointer_join",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^}/]*\}")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# Swagger 2.0 parameter fields that are not part of its inline schema.
_PARAM_ONLY = frozenset({"name", "in", "required", "description", "allowEmptyValue"})


def pointer(*tokens: str) -> str:
    """A JSON pointer fragment (``#/paths/~1tasks/get``) from raw tokens."""
    return "#" + "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


def pointer_join(base: str, *tokens: str) -> str:
    """Append raw tokens to a pointer fragment."""
    return base + pointer(*tokens)[1:]


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
    """One method on one path template, normalised across Swagger 2.0 and OpenAPI 3.x.

    Attributes:
        path: the path template as written (without any base path).
        parameters: by :attr:`Parameter.key`, path-level ones merged in (2.0's body and
            form parameters are in ``body`` instead).
        parameter_nodes: every parameter object, dereferenced, path-level ones first and
            overridden by operation-level ones of the same name and location (2.0's
            ``body``/``formData`` included), in document order.
        body: ``{"required": bool, "content": {media: {"schema": ...}}}`` or None.
        responses: by status, normalised to ``{"headers", "content"}``.
        response_nodes: by status, the dereferenced response objects as written.
        security: the requirements in force (the operation's, else the document's), or
            None where neither declares any.
        consumes: request media types declared (2.0 ``consumes``, 3.x body content).
        produces: 2.0 ``produces``; None for 3.x (each response has its own content).
    """

    path: str
    method: str
    node: Mapping[str, Any]
    pointer: str
    parameters: dict[tuple[str, str], Parameter] = field(default_factory=dict)
    parameter_nodes: list[dict[str, Any]] = field(default_factory=list)
    body: Mapping[str, Any] | None = None
    body_pointer: str = ""
    responses: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    response_pointers: dict[str, str] = field(default_factory=dict)
    response_nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    security: list[Any] | None = None
    schemes: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # by scheme name
    consumes: list[str] = field(default_factory=list)
    produces: list[str] | None = None
    webhook: bool = False
    order: int = 0  # place in the document, for deterministic routing ties
    _pattern: re.Pattern[str] | None = None
    _names: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def location(self) -> str:
        return f"paths.{self.path}.{self.method}"

    @property
    def requirements(self) -> list[dict[str, Any]]:
        """The security requirements in force, as a list of requirement objects."""
        return [s for s in self.security or [] if isinstance(s, dict)]

    @property
    def specificity(self) -> tuple[int, int]:
        """Fewer templated segments first, then more literal characters (static wins)."""
        params = _TEMPLATE.findall(self.path)
        return (-len(params), len(_TEMPLATE.sub("", self.path)))

    def parameters_in(self, where: str) -> list[dict[str, Any]]:
        """The parameter objects declared ``in`` one location."""
        return [p for p in self.parameter_nodes if p.get("in") == where]

    def response(self, status: int) -> tuple[str | None, dict[str, Any] | None]:
        """The response declared for ``status``: exact, ``2XX`` range, then ``default``."""
        first = str(status)[0]
        for key in (str(status), f"{first}XX", f"{first}xx", "default"):
            if key in self.response_nodes:
                return key, self.response_nodes[key]
        return None, None

    def response_types(self, status: int | None) -> list[str]:
        """Media types the operation produces (for one status, or across all of them)."""
        if self.produces is not None:
            return self.produces
        if status is not None:
            _, response = self.response(status)
            content = (response or {}).get("content")
            return list(content) if isinstance(content, dict) else []
        out: list[str] = []
        for response in self.response_nodes.values():
            content = response.get("content")
            if isinstance(content, dict):
                out.extend(content)
        return out

    def match(self, path: str, case_insensitive: bool = False) -> dict[str, str] | None:
        """Raw path parameters when ``path`` (base path removed) fits this template whole."""
        if self._pattern is None:
            self._pattern, self._names = _pattern(self.path, case_insensitive)
        found = self._pattern.fullmatch(path)
        if found is None:
            return None
        return {name: found.group(i + 1) for i, name in enumerate(self._names)}


class Route(NamedTuple):
    """Where a request lands: the operation, its raw path parameters, the base path used."""

    operation: Operation
    params: dict[str, str]
    base_path: str


class _Node:
    """One segment level of the routing tree."""

    __slots__ = ("literal", "ops", "templated")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.templated: dict[str, tuple[re.Pattern[str], list[str], _Node]] = {}
        self.ops: dict[str, list[Operation]] = {}


class Api:
    """One loaded document: its operations, security schemes, base paths and router.

    Args:
        document: a loaded document (``load_document``), or the same as plain data.
        file: the file name to name in findings (defaults to the document's source).

    Raises:
        OpenAPIError: plain data that is not an OpenAPI document.
    """

    def __init__(self, document: Document | Mapping[str, Any], file: str | None = None) -> None:
        if not isinstance(document, Document):
            if not isinstance(document, dict):
                raise OpenAPIError("an OpenAPI document must be a mapping at the top level")
            document = Document(document, document_version(document, "<data>"), "<data>")
        self.document = document
        self.data: Mapping[str, Any] = document.data
        self.version = document.version
        self.file = file if file is not None else document.source
        self.swagger = document.version == "2.0"
        info = self.data.get("info")
        self.case_insensitive = isinstance(info, dict) and bool(
            info.get("x-opc-config-case-insensitive")
        )
        self._operations: dict[tuple[str, str], Operation] | None = None
        self._all: list[Operation] = []
        self._security_schemes: dict[str, Mapping[str, Any]] | None = None
        self._tree: _Node | None = None
        self._wild: list[Operation] = []
        self._base_paths: list[str] | None = None
        self._schemas: SchemaCompiler | None = None

    @property
    def schemas(self) -> SchemaCompiler:
        """The document's schemas compiled for validation, each once (made when first used)."""
        if self._schemas is None:
            # jsonschema-rs loads only when something validates: a plain diff never does.
            from seam.openapi._schemas import SchemaCompiler

            self._schemas = SchemaCompiler(self.data, self.version, self._body_schemas)
        return self._schemas

    def _body_schemas(self, mode: Mode) -> Iterator[Any]:
        """Every request (``Mode.REQUEST``) or response body schema, in document order."""
        from seam.openapi._schemas import Mode

        if mode not in (Mode.REQUEST, Mode.RESPONSE):
            return
        for op in self.all_operations():
            if mode is Mode.REQUEST:
                bodies = [op.body] if op.body is not None else []
            else:
                bodies = list(op.responses.values())
            for body in bodies:
                content = body.get("content")
                for entry in content.values() if isinstance(content, dict) else ():
                    if isinstance(entry, dict) and entry.get("schema") is not None:
                        yield entry["schema"]

    # -- references ------------------------------------------------------------------

    def deref(self, node: Any, where: str) -> tuple[Any, str]:
        """Follow a ``$ref`` chain; return the target and its pointer (``where`` if none).

        Raises:
            RefError: the chain loops on itself or points at nothing.
        """
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
            paths = self.data.get("paths")
            if paths is not None and not isinstance(paths, dict):
                raise OpenAPIError("'paths' must be a mapping of path templates to path items")
            for path, item in _mapping(paths).items():
                self._add_path(ops, str(path), item, pointer("paths", str(path)), webhook=False)
            for name, item in _mapping(self.data.get("webhooks")).items():
                self._add_path(ops, f"webhook:{name}", item, pointer("webhooks", name), True)
            self._operations = ops
        return self._operations

    def all_operations(self) -> list[Operation]:
        """Every operation in document order (two templates differing only in parameter
        names are both here, while :meth:`operations` keeps the last)."""
        self.operations()
        return self._all

    @property
    def security_schemes(self) -> dict[str, Mapping[str, Any]]:
        """Security schemes by name (``components.securitySchemes`` or 2.0's definitions)."""
        if self._security_schemes is None:
            if self.swagger:
                raw = self.data.get("securityDefinitions")
            else:
                components = self.data.get("components")
                raw = components.get("securitySchemes") if isinstance(components, dict) else None
            schemes: dict[str, Mapping[str, Any]] = {}
            for name, value in _mapping(raw).items():
                target, _ = self.deref(value, "")
                if isinstance(target, dict):
                    schemes[str(name)] = target
            self._security_schemes = schemes
        return self._security_schemes

    def _add_path(
        self, ops: dict[tuple[str, str], Operation], path: str, item: Any, at: str, webhook: bool
    ) -> None:
        item, at = self.deref(item, at)
        if not isinstance(item, dict):
            return
        shared = self._parameters(item.get("parameters"), at + "/parameters", path)
        shared_nodes = self._nodes(item.get("parameters"))
        for method in METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            op_at = f"{at}/{method}"
            op = Operation(path, method, node, op_at, webhook=webhook, order=len(self._all))
            op.parameters = dict(shared)
            op.parameters.update(
                self._parameters(node.get("parameters"), op_at + "/parameters", path)
            )
            merged = dict(shared_nodes)
            merged.update(self._nodes(node.get("parameters")))
            op.parameter_nodes = list(merged.values())
            self._body(op)
            self._responses(op)
            security = node.get("security", self.data.get("security"))
            op.security = list(security) if isinstance(security, list) else None
            op.schemes = self.security_schemes
            ops[(method, endpoint_key(path))] = op
            self._all.append(op)

    def _nodes(self, raw: Any) -> dict[tuple[str, str], dict[str, Any]]:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in raw if isinstance(raw, list) else []:
            node, _ = self.deref(entry, "")
            if isinstance(node, dict):
                out[(str(node.get("name")), str(node.get("in")))] = node
        return out

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
            content = op.body.get("content") if op.body is not None else None
            op.consumes = [str(m) for m in content] if isinstance(content, dict) else []
            return
        declared = op.node.get("consumes") or self.data.get("consumes") or []
        op.consumes = [str(m) for m in declared] if isinstance(declared, list) else []
        produces = op.node.get("produces") or self.data.get("produces") or []
        op.produces = [str(m) for m in produces] if isinstance(produces, list) else []
        consumes = op.consumes or ["application/json"]
        form: dict[str, Any] = {}
        required: list[str] = []
        params = op.node.get("parameters")
        for i, entry in enumerate(params if isinstance(params, list) else []):
            node, where = self.deref(entry, f"{op.pointer}/parameters/{i}")
            if not isinstance(node, dict):
                continue
            if node.get("in") == "body":
                content = {m: {"schema": node.get("schema", {})} for m in consumes}
                op.body = {"required": bool(node.get("required")), "content": content}
                op.body_pointer = where
            elif node.get("in") == "formData" and isinstance(node.get("name"), str):
                form[node["name"]] = {k: v for k, v in node.items() if k not in _PARAM_ONLY}
                if node.get("required"):
                    required.append(node["name"])
        if form and op.body is None:
            schema = {"type": "object", "properties": form, "required": required}
            media = [m for m in consumes if "form" in m] or ["application/x-www-form-urlencoded"]
            op.body = {
                "required": bool(required),
                "content": {m: {"schema": schema} for m in media},
            }
            op.body_pointer = op.pointer + "/parameters"

    def _responses(self, op: Operation) -> None:
        produces = op.produces or ["application/json"]
        for status, raw in _mapping(op.node.get("responses")).items():
            node, where = self.deref(raw, pointer_join(op.pointer, "responses", str(status)))
            if not isinstance(node, dict):
                continue
            op.response_nodes[str(status)] = node
            if self.swagger:
                content = (
                    {m: {"schema": node["schema"]} for m in produces} if "schema" in node else {}
                )
                node = {"headers": node.get("headers", {}), "content": content}
            op.responses[str(status)] = node
            op.response_pointers[str(status)] = where

    # -- routing -----------------------------------------------------------------------

    @property
    def base_paths(self) -> list[str]:
        """The prefixes a request path may carry before a template, tried in order.

        OpenAPI 3: none, then each server URL's path (variables at their defaults,
        absolute or relative URLs). Swagger 2.0: ``basePath`` only. A PactFlow
        ``info.x-opc-config-base-path`` replaces both.
        """
        if self._base_paths is None:
            self._base_paths = _base_paths(self.data, self.swagger)
        return self._base_paths

    def route(self, method: str, path: str) -> Route | None:
        """The most specific operation a request ``method path`` reaches, or None.

        ``path`` is the request path as sent (no query string): percent-encoded or not,
        with or without an OpenAPI 3 server's base path.
        """
        if "?" in path:
            return None
        if not path.startswith("/"):
            path = "/" + path
        wanted = method.lower()
        for base in self.base_paths:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            found = self._route_rest(wanted, path[len(base) :] or "/")
            if found is not None:
                return Route(found[0], found[1], base)
        return None

    def _route_rest(self, method: str, rest: str) -> tuple[Operation, dict[str, str]] | None:
        tree = self._routing_tree()
        segments = rest.split("/")[1:]
        if self.case_insensitive:
            segments = [s.lower() for s in segments]
        candidates = list(_walk(tree, segments, 0, method, {}))
        for op in self._wild:
            if op.method == method:
                params = op.match(rest, self.case_insensitive)
                if params is not None:
                    candidates.append((op, params))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[0].specificity, -c[0].order))

    def _routing_tree(self) -> _Node:
        if self._tree is None:
            root = _Node()
            for op in self.all_operations():
                if op.webhook:
                    continue
                if "*" in op.path:
                    self._wild.append(op)  # a routing extension some documents use
                    continue
                node = root
                for raw in op.path.split("/")[1:]:
                    segment = raw.lower() if self.case_insensitive else raw
                    if "{" in segment and "}" in segment:
                        entry = node.templated.get(segment)
                        if entry is None:
                            pattern, names = _pattern(segment, self.case_insensitive)
                            entry = node.templated[segment] = (pattern, names, _Node())
                        node = entry[2]
                    else:
                        node = node.literal.setdefault(unquote(segment), _Node())
                node.ops.setdefault(op.method, []).append(op)
            self._tree = root
        return self._tree


def _walk(
    node: _Node, segments: list[str], i: int, method: str, params: dict[str, str]
) -> Iterator[tuple[Operation, dict[str, str]]]:
    if i == len(segments):
        for op in node.ops.get(method, ()):
            yield op, params
        return
    segment = segments[i]
    child = node.literal.get(segment)
    if child is None and "%" in segment:
        child = node.literal.get(unquote(segment))
    if child is not None:
        yield from _walk(child, segments, i + 1, method, params)
    if not segment:
        return  # a parameter is never empty
    for pattern, names, sub in node.templated.values():
        found = pattern.fullmatch(segment)
        if found is not None:
            values = {name: found.group(k + 1) for k, name in enumerate(names)}
            yield from _walk(sub, segments, i + 1, method, {**params, **values})


def _pattern(template: str, case_insensitive: bool) -> tuple[re.Pattern[str], list[str]]:
    names: list[str] = []
    out: list[str] = []
    position = 0
    for found in _TEMPLATE.finditer(template):
        out.append(re.escape(template[position : found.start()]))
        names.append(found.group(1).strip().lstrip(".;").rstrip("*"))
        out.append("([^/]+)")
        position = found.end()
    out.append(re.escape(template[position:]))
    # `*` segments (a routing extension some documents use) match the rest of the path.
    pattern = re.sub(r"(\\\*)+", ".*", "".join(out))
    return re.compile(pattern, re.IGNORECASE if case_insensitive else 0), names


def _base_paths(data: Mapping[str, Any], swagger: bool) -> list[str]:
    info = data.get("info")
    configured = info.get("x-opc-config-base-path") if isinstance(info, dict) else None
    if isinstance(configured, str):
        return [configured.rstrip("/")]
    if swagger:
        base = data.get("basePath")
        return [base.rstrip("/") if isinstance(base, str) else ""]
    out = [""]
    for server in data.get("servers") or []:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        # Server variables take their defaults (OAS 3 §4.8.6).
        variables = server.get("variables")
        for name, variable in (variables if isinstance(variables, dict) else {}).items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + str(name) + "}", str(variable["default"]))
        if "{" in url:
            continue
        base = urlsplit(url if "//" in url else "http://host" + url).path.rstrip("/")
        if base and base not in out:
            out.append(base)
    return out


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
