"""An index over one OpenAPI/Swagger document: operations, a router, media types, security."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from seam.compat._schemas import SchemaCompiler, deref
from seam.errors import OpenAPIError

Json = Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


@dataclass(slots=True)
class Operation:
    """One method on one path template, with path-level parameters merged in."""

    template: str
    method: str
    node: dict[str, Json]
    parameters: list[dict[str, Json]]
    consumes: list[str]
    produces: list[str] | None  # Swagger 2.0 only; None: look at each response's content
    security: list[dict[str, Json]]
    case_insensitive: bool = False
    _pattern: re.Pattern[str] | None = None
    _names: list[str] = field(default_factory=list)

    @property
    def slashes(self) -> int:
        return self.template.count("/")

    def match(self, path: str) -> dict[str, str] | None:
        """Raw path parameters when ``path`` (base path removed) fits this template."""
        if not self._literals_fit(path):
            return None
        if self._pattern is None:
            self._pattern, self._names = _pattern(self.template, self.case_insensitive)
        found = self._pattern.fullmatch(path)
        if found is None:
            return None
        return {name: found.group(i + 1) for i, name in enumerate(self._names)}

    def _literals_fit(self, path: str) -> bool:
        # A cheap test before any regex: segments without a template must be equal.
        if self.case_insensitive:
            return True
        for want, have in zip(self.template.split("/"), path.split("/"), strict=False):
            if "*" in want:
                return True
            if "{" not in want and want != have:
                return False
        return True

    @property
    def specificity(self) -> tuple[int, int]:
        """Fewer templated segments first, then more literal characters (static wins)."""
        params = _TEMPLATE.findall(self.template)
        return (-len(params), len(_TEMPLATE.sub("", self.template)))

    @property
    def location(self) -> str:
        return f"paths.{self.template}.{self.method}"

    def parameters_in(self, where: str) -> list[dict[str, Json]]:
        return [p for p in self.parameters if p.get("in") == where]

    def response(self, doc: Json, status: int) -> tuple[str | None, dict[str, Json] | None]:
        """The response declared for ``status``: exact, ``2XX`` range, then ``default``."""
        responses = self.node.get("responses")
        if not isinstance(responses, dict):
            return None, None
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                found = deref(doc, responses[key])
                return key, found if isinstance(found, dict) else {}
        return None, None

    def response_types(self, doc: Json, status: int | None) -> list[str]:
        """Media types the operation produces (for one status, or across all of them)."""
        if self.produces is not None:
            return self.produces
        responses = self.node.get("responses")
        if not isinstance(responses, dict):
            return []
        if status is not None:
            _, response = self.response(doc, status)
            content = (response or {}).get("content")
            return list(content) if isinstance(content, dict) else []
        out: list[str] = []
        for raw in responses.values():
            content = deref(doc, raw).get("content") if isinstance(deref(doc, raw), dict) else None
            if isinstance(content, dict):
                out.extend(content)
        return out


@dataclass(slots=True)
class Spec:
    """A loaded document, ready to route pact requests and validate their parts."""

    doc: dict[str, Json]
    version: str
    operations: list[Operation] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    security_schemes: dict[str, Json] = field(default_factory=dict)
    case_insensitive: bool = False
    compiler: SchemaCompiler | None = None
    _index: dict[tuple[str, int], list[Operation]] = field(default_factory=dict)

    @property
    def schemas(self) -> SchemaCompiler:
        assert self.compiler is not None
        return self.compiler

    def route(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The most specific operation for ``method path`` and its raw path parameters."""
        if "?" in path:
            return None
        if not path.startswith("/"):
            path = "/" + path
        best: tuple[Operation, dict[str, str]] | None = None
        wanted = method.lower()
        for prefix in self.prefixes:
            if not path.startswith(prefix) or (prefix and not path[len(prefix) :].startswith("/")):
                continue
            rest = path[len(prefix) :]
            # Parameters never span a "/", so only templates with as many segments can match.
            candidates = self._index.get((wanted, rest.count("/")), [])
            for op in [*candidates, *self._index.get((wanted, -1), [])]:
                params = op.match(rest)
                if params is not None and (best is None or op.specificity > best[0].specificity):
                    best = (op, params)
            if best is not None:
                return best
        return None

    def index(self) -> None:
        """Group operations by method and segment count for routing."""
        self._index = {}
        for op in self.operations:
            slashes = -1 if "*" in op.template else op.slashes  # wildcards: any depth
            self._index.setdefault((op.method, slashes), []).append(op)


def _version(doc: dict[str, Json]) -> str:
    if str(doc.get("swagger", "")).startswith("2"):
        return "2.0"
    text = str(doc.get("openapi", ""))
    if text.startswith("3.1"):
        return "3.1"
    if text.startswith("3."):
        return "3.0"
    raise OpenAPIError(
        "not an OpenAPI document: expected a top-level 'openapi: 3.x' or 'swagger: \"2.0\"'"
    )


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
    flags = re.IGNORECASE if case_insensitive else 0
    return re.compile(pattern, flags), names


def _prefixes(doc: dict[str, Json], version: str) -> list[str]:
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    configured = (info or {}).get("x-opc-config-base-path")
    if isinstance(configured, str):
        return [configured.rstrip("/")]
    if version == "2.0":
        base = doc.get("basePath")
        return [base.rstrip("/") if isinstance(base, str) else ""]
    # OpenAPI 3: a path may be written with or without its server's base path.
    out = [""]
    for server in doc.get("servers") or []:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        # Server variables take their defaults (OAS 3 §4.8.6).
        for name, variable in (server.get("variables") or {}).items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + str(name) + "}", str(variable["default"]))
        if "{" in url:
            continue
        base = urlsplit(url if "//" in url else "http://host" + url).path.rstrip("/")
        if base and base not in out:
            out.append(base)
    return out


def build_spec(doc: Json) -> Spec:
    """Index an OpenAPI 2.0/3.0/3.1 document held as plain data.

    Raises:
        OpenAPIError: ``doc`` is not an OpenAPI document.
    """
    if not isinstance(doc, dict):
        raise OpenAPIError("an OpenAPI document must be a mapping at the top level")
    version = _version(doc)
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    insensitive = bool((info or {}).get("x-opc-config-case-insensitive"))
    if version == "2.0":
        schemes = doc.get("securityDefinitions") or {}
    else:
        schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    spec = Spec(
        doc=doc,
        version=version,
        prefixes=_prefixes(doc, version),
        security_schemes={k: deref(doc, v) for k, v in schemes.items()},
        case_insensitive=insensitive,
        compiler=SchemaCompiler(doc, version),
    )
    paths = doc.get("paths") or {}
    if not isinstance(paths, dict):
        raise OpenAPIError("'paths' must be a mapping of path templates to path items")
    for template, raw_item in paths.items():
        item = deref(doc, raw_item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                spec.operations.append(
                    _operation(doc, version, str(template), method, item, node, insensitive)
                )
    spec.index()
    return spec


def _operation(
    doc: dict[str, Json],
    version: str,
    template: str,
    method: str,
    item: dict[str, Json],
    node: dict[str, Json],
    insensitive: bool,
) -> Operation:
    merged: dict[tuple[str, str], dict[str, Json]] = {}
    for raw in [*(item.get("parameters") or []), *(node.get("parameters") or [])]:
        param = deref(doc, raw)
        if isinstance(param, dict):
            merged[(str(param.get("name")), str(param.get("in")))] = param
    security = node.get("security")
    if security is None:
        security = doc.get("security") or []
    consumes: list[str]
    produces: list[str] | None
    if version == "2.0":
        consumes = list(node.get("consumes") or doc.get("consumes") or [])
        produces = list(node.get("produces") or doc.get("produces") or [])
    else:
        body = deref(doc, node.get("requestBody")) if node.get("requestBody") else None
        content = body.get("content") if isinstance(body, dict) else None
        consumes = list(content) if isinstance(content, dict) else []
        produces = None
    return Operation(
        template=template,
        method=method,
        node=node,
        parameters=list(merged.values()),
        consumes=consumes,
        produces=produces,
        security=[s for s in security if isinstance(s, dict)],
        case_insensitive=insensitive,
    )
