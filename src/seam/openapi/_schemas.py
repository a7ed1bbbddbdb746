"""Turn OpenAPI schemas into JSON Schema validators, the way PactFlow's comparator reads them.

OpenAPI 2.0/3.0 schemas are a dialect of JSON Schema: ``nullable``, boolean
``exclusiveMinimum``, ``allOf`` meaning "the union of these objects", formats such as
``int32``. Each schema is rewritten once into plain JSON Schema 2019-09 (3.1 documents are
JSON Schema 2020-12 already), with only the ``$ref`` targets it reaches copied beside it, and
compiled with ``jsonschema_rs``. Compiled validators are cached per schema location.

jsonschema-rs compiles every schema a validator reaches into that validator: validators do
not share compiled ``$ref`` targets. On a document whose schemas form one connected graph
(Stripe's: ~4 MiB compiled), one validator per operation holds hundreds of copies of it. So
once a mode has needed more than a few validators, every request or response body schema of
the document is compiled into one validator for that mode (each body one property of its
root), and each body is validated through its property: the graph is compiled once.

Response schemas are read as the consumer's *upper bound*: objects without
``additionalProperties`` are closed (a consumer may not expect a field the spec does not
name) and ``required`` is dropped (a consumer may read a subset), as PactFlow does.
"""

from __future__ import annotations

import copy
import enum
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import jsonschema_rs

from seam.errors import OpenAPIError, RefError

Json = Any


class Mode(enum.Enum):
    """Which side of the exchange a schema is checked for."""

    REQUEST = "request"
    RESPONSE = "response"
    PARAMETER = "parameter"


# Keywords whose value is one subschema, a list of them, or a name → subschema map.
_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
)
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")

_URN = "urn:seam:schemas:"
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# OpenAPI's own formats (OAS 3.0 §4.4): strings only here, as JSON Schema formats apply to
# strings; integer ranges are added as minimum/maximum instead.
FORMATS: dict[str, Callable[[str], bool]] = {
    "int32": lambda s: bool(re.fullmatch(r"-?\d+", s)) and _INT32[0] <= int(s) <= _INT32[1],
    "int64": lambda s: bool(re.fullmatch(r"-?\d+", s)) and _INT64[0] <= int(s) <= _INT64[1],
    "float": _is_number,
    "double": _is_number,
    "byte": lambda s: bool(_BASE64.match(s)) and len(s) % 4 == 0,
    "binary": lambda s: True,
    "password": lambda s: True,
}


def split_pointer(ref: str) -> list[str]:
    """``#/components/schemas/A~1B`` → ``["components", "schemas", "A/B"]`` (RFC 6901)."""
    if not ref.startswith("#"):
        raise RefError(
            f"cannot follow $ref {ref!r}: only local references (#/...) are read; "
            "bundle the document first"
        )
    body = unquote(ref[1:])
    if not body:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in body.lstrip("/").split("/")]


def resolve(doc: Json, ref: str) -> Json:
    """The node ``ref`` points at inside ``doc``."""
    node = doc
    for token in split_pointer(ref):
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise RefError(f"$ref {ref!r} points at nothing in the document")
    return node


def deref(doc: Json, node: Json, limit: int = 50) -> Json:
    """Follow ``$ref`` chains on a non-schema object (parameter, response, request body)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = resolve(doc, node["$ref"])
        seen += 1
        if seen > limit:
            raise RefError("a $ref chain loops on itself")
    return node


_ONE_SET = frozenset(_ONE)
_MANY_SET = frozenset(_MANY)
_MAP_SET = frozenset(_MAP)


def _subschemas(node: dict[str, Json]) -> Iterator[Json]:
    # One pass over the node's own keys: schema objects have few, keyword tables many.
    for key, value in node.items():
        if key in _ONE_SET:
            if isinstance(value, dict):
                yield value
            elif key == "items" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, dict))
        elif key in _MANY_SET:
            if isinstance(value, list):
                yield from (v for v in value if isinstance(v, dict))
        elif key in _MAP_SET and isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, dict))


def _walk(node: Json, visit: Callable[[dict[str, Json]], None]) -> None:
    """Call ``visit`` on every schema object below ``node`` (a tree: refs are not followed)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            visit(current)
            stack.extend(_subschemas(current))


def _refs_in(node: Json) -> list[str]:
    found: list[str] = []

    def collect(n: dict[str, Json]) -> None:
        ref = n.get("$ref")
        if isinstance(ref, str):
            found.append(ref)

    _walk(node, collect)
    return found


class _Dialect:
    """The per-node rewrites from an OpenAPI dialect to JSON Schema."""

    def __init__(self, version: str, mode: Mode, doc: Json) -> None:
        self.legacy = not version.startswith("3.1")
        self.mode = mode
        self.doc = doc

    def rewrite(self, schema: Json) -> Json:
        if not isinstance(schema, dict):
            return schema
        schema = self._flatten_all_of(schema, depth=0)
        _walk(schema, self._node)
        return schema

    # -- allOf: OpenAPI means "the union of these objects" ---------------------------------

    def _flatten_all_of(self, node: dict[str, Json], depth: int) -> dict[str, Json]:
        if depth > 20:
            return node
        parts = node.get("allOf")
        if isinstance(parts, list) and parts and all(isinstance(p, dict) for p in parts):
            merged = {k: v for k, v in node.items() if k != "allOf"}
            for part in parts:
                part = self._inline(part, depth)
                if part is None:
                    return node
                _merge_into(merged, self._flatten_all_of(part, depth + 1), self._expand)
            node = merged
        for key in ("properties",):
            props = node.get(key)
            if isinstance(props, dict):
                node[key] = {
                    name: self._flatten_all_of(sub, depth + 1) if isinstance(sub, dict) else sub
                    for name, sub in props.items()
                }
        for key in ("items", "additionalProperties", "not"):
            sub = node.get(key)
            if isinstance(sub, dict):
                node[key] = self._flatten_all_of(sub, depth + 1)
        for key in ("oneOf", "anyOf"):
            subs = node.get(key)
            if isinstance(subs, list):
                node[key] = [
                    self._flatten_all_of(s, depth + 1) if isinstance(s, dict) else s for s in subs
                ]
        return node

    def _expand(self, node: dict[str, Json]) -> dict[str, Json]:
        """``node`` with its own ``$ref`` followed, for merging; unchanged if it loops."""
        return self._inline(node, 0) or node

    def _inline(self, part: dict[str, Json], depth: int) -> dict[str, Json] | None:
        """A copy of an ``allOf`` member with its own ``$ref`` followed (not deeper ones)."""
        hops = 0
        while isinstance(part.get("$ref"), str):
            hops += 1
            if hops > 20:
                return None
            target = resolve(self.doc, part["$ref"])
            if not isinstance(target, dict):
                return None
            rest = {k: v for k, v in part.items() if k != "$ref"}
            part = {**copy.deepcopy(target), **rest}
        return part

    # -- one node ---------------------------------------------------------------------------

    def _node(self, node: dict[str, Json]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            # A pointer may hold `{id}` or spaces; as a URI fragment they must be escaped.
            node["$ref"] = "#" + quote(unquote(ref[1:]), safe="/~!$&'()*+,;=:@-._")
        if self.legacy:
            self._legacy(node)
        # `nullable` is a 3.0 keyword, but 3.1 documents carry it over often enough that
        # PactFlow honours it everywhere; so do we.
        self._nullable(node)
        self._formats(node)
        if isinstance(node.get("discriminator"), dict):
            self._discriminate(node)
        if self.mode is Mode.RESPONSE:
            self._close_and_relax(node)

    def _nullable(self, node: dict[str, Json]) -> None:
        if node.get("nullable") is True or node.get("x-nullable") is True:
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]

    def _discriminate(self, node: dict[str, Json]) -> None:
        """Pick the ``oneOf``/``anyOf`` branch by the tag's value (OAS 3 §4.8.25).

        Without this, a body that fits two branches fails ``oneOf``; with it, only the
        branch its tag names is checked, and an unknown tag is an error.
        """
        tag = node["discriminator"].get("propertyName")
        branches = node.get("oneOf") or node.get("anyOf")
        if not isinstance(tag, str) or not isinstance(branches, list):
            return
        targets: dict[str, str] = {}
        for value, target in (node["discriminator"].get("mapping") or {}).items():
            if isinstance(target, str):
                ref = target if "#" in target else f"#/components/schemas/{target}"
                targets[str(value)] = ref
        for branch in branches:
            link = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(link, str) and link not in targets.values():
                targets[link.rsplit("/", 1)[-1]] = link
        if not targets or any(not isinstance(b, dict) or "$ref" not in b for b in branches):
            return
        node.pop("oneOf", None)
        node.pop("anyOf", None)
        node["required"] = sorted({*node.get("required", []), tag})
        node["x-seam-keep-required"] = True
        node.setdefault("properties", {})
        node["properties"] = {**node["properties"], tag: {"enum": sorted(targets)}}
        node["allOf"] = [
            {
                "if": {
                    "properties": {tag: {"const": value}},
                    "required": [tag],
                    "x-seam-keep-required": True,
                },
                "then": {"$ref": ref},
            }
            for value, ref in sorted(targets.items())
        ]

    def _legacy(self, node: dict[str, Json]) -> None:
        if "$ref" in node:
            # OAS 3.0 §4.7.24: siblings of $ref are ignored.
            for key in [k for k in node if k != "$ref"]:
                del node[key]
            return
        if node.get("type") == "file":  # Swagger 2.0 uploads
            del node["type"]
        for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            flag = node.get(key)
            if flag is True and bound in node:
                node[key] = node.pop(bound)
            elif isinstance(flag, bool):
                del node[key]

    def _formats(self, node: dict[str, Json]) -> None:
        fmt = node.get("format")
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if fmt in ("int32", "int64") and ("integer" in kinds or "number" in kinds):
            low, high = _INT32 if fmt == "int32" else _INT64
            node.setdefault("minimum", low)
            node.setdefault("maximum", high)

    def _close_and_relax(self, node: dict[str, Json]) -> None:
        extra = node.get("additionalProperties")
        if (
            node.get("type") == "object"
            and "$ref" not in node
            and "discriminator" not in node
            and (extra is None or extra is True)
            and not any(k in node for k in ("oneOf", "anyOf", "allOf"))
        ):
            node["additionalProperties"] = False
        node.pop("minProperties", None)
        if "oneOf" not in node and not node.pop("x-seam-keep-required", False):
            node.pop("required", None)


def _merge_into(
    target: dict[str, Json],
    part: Mapping[str, Json],
    expand: Callable[[dict[str, Json]], dict[str, Json]] | None = None,
) -> None:
    """Deep-merge ``part`` into ``target``: maps recursively, ``required`` united, last wins."""
    for key, value in part.items():
        have = target.get(key)
        if key == "required" and isinstance(value, list) and isinstance(have, list):
            target[key] = [*have, *(v for v in value if v not in have)]
        elif isinstance(value, dict) and isinstance(have, dict):
            if expand is not None and ("$ref" in have or "$ref" in value):
                # {$ref} merged with siblings would lose them (OAS 3.0 ignores $ref siblings).
                have, value = expand(have), expand(value)
            merged = dict(have)
            _merge_into(merged, value, expand)
            target[key] = merged
        else:
            target[key] = value


def _set_at(root: dict[str, Json], tokens: list[str], value: Json) -> None:
    node = root
    for token in tokens[:-1]:
        nxt = node.get(token)
        if not isinstance(nxt, dict):
            nxt = {}
            node[token] = nxt
        node = nxt
    if tokens:
        node[tokens[-1]] = value


# Validators a mode compiles one by one before the document's bodies are compiled as one.
# Few enough that a small pact never pays for the whole document, and their copies of a
# large schema graph (~4 MiB each on Stripe) stay far below the memory of gathering late.
GATHER_AFTER = 8


@dataclass(frozen=True, slots=True)
class SlotError:
    """A validation error of one body checked inside a gathered validator."""

    message: str
    instance_path: list[str | int]
    kind: Any


class _Slot:
    """One body's validator: its property of the mode's gathered validator."""

    __slots__ = ("_name", "_whole")

    def __init__(self, whole: Any, name: str) -> None:
        self._whole = whole
        self._name = name

    def is_valid(self, value: Json) -> bool:
        return bool(self._whole.is_valid({self._name: value}))

    def iter_errors(self, value: Json) -> Iterator[SlotError]:
        for error in self._whole.iter_errors({self._name: value}):
            # Every error lies under the body's own property: drop that first step.
            yield SlotError(error.message, list(error.instance_path)[1:], error.kind)


class SchemaCompiler:
    """Compiles (and caches) a validator per schema location and mode for one document.

    Args:
        doc: the document's data (local ``$ref``s only).
        version: its OpenAPI version (``2.0``, ``3.0.x``, ``3.1.x``).
        bodies: every request (``Mode.REQUEST``) or response (``Mode.RESPONSE``) body
            schema of the document, for gathering them into one validator per mode; without
            it every schema gets its own validator.
    """

    def __init__(
        self, doc: Json, version: str, bodies: Callable[[Mode], Iterable[Json]] | None = None
    ) -> None:
        self.doc = doc
        self.version = version
        self._bodies = bodies
        self._cache: dict[tuple[str, Mode], Any] = {}
        self._targets: dict[tuple[str, Mode], tuple[Json, list[str]]] = {}
        self._by_text: dict[tuple[str, Mode], Any] = {}
        self._registries: dict[Mode, Any] = {}
        # Registry refs whose whole closure stays inside the registry, per mode.
        self._inside: dict[Mode, set[str]] = {}
        self._alone: dict[Mode, int] = {}
        self._gathered: dict[Mode, dict[str, _Slot]] = {}
        # Where reusable schemas live: compiled once per mode into a shared registry.
        self._section = ["definitions"] if version == "2.0" else ["components", "schemas"]
        self._prefix = "#/" + "/".join(self._section) + "/"
        self._cls = (
            jsonschema_rs.Draft202012Validator
            if version.startswith("3.1")
            else jsonschema_rs.Draft201909Validator
        )

    @property
    def gathered(self) -> frozenset[Mode]:
        """The modes whose body schemas are compiled as one validator (see the module doc)."""
        return frozenset(self._gathered)

    def prepared(self, schema: Json, mode: Mode) -> Json:
        """``schema`` rewritten to JSON Schema, with every ``$ref`` target it reaches beside it.

        Targets are placed at their own JSON pointer inside the new root, so the references
        resolve unchanged; each target is rewritten once per mode and shared between roots.
        """
        dialect = _Dialect(self.version, mode, self.doc)
        root = dialect.rewrite(copy.deepcopy(schema))
        if not isinstance(root, dict):
            return root
        pending = _refs_in(root)
        reached: set[str] = set()
        while pending:
            ref = pending.pop()
            if ref in reached or not ref.startswith("#/"):
                continue
            reached.add(ref)
            pending.extend(self._target(dialect, ref)[1])
        placed: set[tuple[str, ...]] = set()
        for ref in sorted(reached, key=len):
            tokens = tuple(split_pointer(ref))
            # A pointer into a target already placed is served by that (rewritten) target.
            if any(tokens[:i] in placed for i in range(1, len(tokens))):
                continue
            _set_at(root, list(tokens), self._target(dialect, ref)[0])
            placed.add(tokens)
        return root

    def _registry(self, mode: Mode) -> Any:
        """A registry holding every reusable schema of the document, rewritten for ``mode``.

        Validators refer into it instead of carrying their own copies, so a schema graph
        shared by many operations (Stripe's, GitHub's) is prepared once, not per operation.
        """
        found = self._registries.get(mode)
        if found is None:
            dialect = _Dialect(self.version, mode, self.doc)
            table: Json = self.doc
            for token in self._section:
                table = table.get(token) if isinstance(table, dict) else None
            shadow: dict[str, Json] = {}
            for name in table if isinstance(table, dict) else {}:
                pointer = self._prefix + str(name).replace("~", "~0").replace("/", "~1")
                try:
                    target = self._target(dialect, pointer)[0]
                except RefError:
                    continue  # broken but perhaps unused: reported if a check reaches it
                _set_at(shadow, [*self._section, str(name)], target)
            found = jsonschema_rs.Registry([(_URN + mode.value, shadow)])
            self._registries[mode] = found
        return found

    def _shared(self, schema: Json, mode: Mode) -> Json | None:
        """``schema`` rewritten with its refs pointing into the registry; None if it can't be."""
        dialect = _Dialect(self.version, mode, self.doc)
        root = dialect.rewrite(copy.deepcopy(schema))
        if not isinstance(root, dict):
            return None
        refs = _refs_in(root)
        if not refs or any(not r.startswith(self._prefix) for r in refs):
            return None
        # Refs reached from the registry's schemas resolve inside it; check they stay there.
        inside = self._inside.setdefault(mode, set())
        pending, reached = list(refs), set()
        while pending:
            ref = pending.pop()
            if ref in reached or ref in inside:
                continue
            if not ref.startswith(self._prefix):
                return None
            reached.add(ref)
            pending.extend(self._target(dialect, ref)[1])
        inside |= reached

        def redirect(node: dict[str, Json]) -> None:
            ref = node.get("$ref")
            if isinstance(ref, str):
                node["$ref"] = _URN + mode.value + ref

        _walk(root, redirect)
        return root

    def _target(self, dialect: _Dialect, ref: str) -> tuple[Json, list[str]]:
        key = (ref, dialect.mode)
        found = self._targets.get(key)
        if found is None:
            target = dialect.rewrite(copy.deepcopy(resolve(self.doc, ref)))
            found = (target, _refs_in(target))
            self._targets[key] = found
        return found

    def validator(self, key: str, schema: Json, mode: Mode) -> Any:
        """A compiled validator for ``schema`` (cached under ``key`` and ``mode``).

        It has ``is_valid(value)`` and ``iter_errors(value)``; each error has ``message``,
        ``instance_path`` and ``kind`` as jsonschema-rs's errors do.
        """
        found = self._cache.get((key, mode))
        if found is not None:
            return found
        # The same schema text compiles to the same validator: parameters such as
        # `{type: string}` and responses that are one `$ref` repeat across operations.
        text = json.dumps(schema, sort_keys=True, default=str)
        found = self._by_text.get((text, mode))
        if found is None:
            alone = self._alone.get(mode, 0)
            if alone == GATHER_AFTER:
                self._gather(mode)  # tried once: the count moves past the threshold below
            found = self._gathered.get(mode, {}).get(text)
            if found is None:
                found = self._alone_validator(key, schema, mode)
            self._alone[mode] = alone + 1
        self._by_text[(text, mode)] = found
        self._cache[(key, mode)] = found
        return found

    def _alone_validator(self, key: str, schema: Json, mode: Mode) -> Any:
        """``schema`` compiled on its own (its registry refs compiled into it)."""
        shared = self._shared(schema, mode)
        try:
            if shared is not None:
                return self._cls(
                    shared, registry=self._registry(mode), validate_formats=True, formats=FORMATS
                )
            prepared = self.prepared(schema, mode)
            return self._cls(
                prepared if isinstance(prepared, dict | bool) else {},
                validate_formats=True,
                formats=FORMATS,
            )
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OpenAPIError(
                f"the schema at {key} is not valid JSON Schema: {first}; fix the document"
            ) from None

    def _gather(self, mode: Mode) -> bool:
        """Compile every body schema of ``mode`` into one validator; False if it cannot be.

        The validators compiled alone so far are dropped (each held its own copy of the
        schema graph); later lookups find their bodies in the gathered one. A document
        where one body fails to compile, or without bodies to gather, keeps compiling
        each schema alone, as before.
        """
        if self._bodies is None or mode not in (Mode.REQUEST, Mode.RESPONSE):
            return False
        names: dict[str, str] = {}
        properties: dict[str, Json] = {}
        for schema in self._bodies(mode):
            text = json.dumps(schema, sort_keys=True, default=str)
            if text in names:
                continue
            try:
                shared = self._shared(schema, mode)
                if shared is None and not _refs_in(schema) and isinstance(schema, dict):
                    # No refs at all: the rewritten schema is whole by itself.
                    shared = _Dialect(self.version, mode, self.doc).rewrite(copy.deepcopy(schema))
            except RefError:
                continue  # a broken ref: reported if a check reaches this body
            if not isinstance(shared, dict):
                continue
            names[text] = str(len(properties))
            properties[names[text]] = shared
        if not properties:
            return False
        try:
            whole = self._cls(
                {"properties": properties},
                registry=self._registry(mode),
                validate_formats=True,
                formats=FORMATS,
            )
        except (ValueError, jsonschema_rs.ReferencingError):
            return False  # some body is not valid JSON Schema: compile each alone, as before
        self._gathered[mode] = {text: _Slot(whole, name) for text, name in names.items()}
        for cache in (self._cache, self._by_text):
            for cached in [k for k in cache if k[1] is mode]:
                del cache[cached]
        return True
