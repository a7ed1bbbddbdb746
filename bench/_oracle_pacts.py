"""Consumer pacts made from an OpenAPI document: one interaction per operation.

The oracle's consumer (bench/diff_vs_check.py) calls every operation with concrete values
valid under the document's schemas and reads every response field. Values are built from
the schemas alone, deterministically: ``const``, the first ``enum`` value, a scalar
``example`` or ``default``, else the least value the constraints allow (``minimum``,
``minLength``, a string matching ``pattern``, a well-formed ``format``). Objects carry
every property (``readOnly`` ones left out of requests, ``writeOnly`` ones out of
responses), arrays one item, ``oneOf``/``anyOf`` their first alternative (the one a
``discriminator`` maps first), ``allOf`` the union of its parts. Recursive schemas are
cut: past a ``$ref`` already being expanded, or below ``MAX_DEPTH`` levels, objects carry
only their required properties and arrays only the items they must have.

Nothing here guarantees validity: the oracle keeps only the interactions ``check`` finds
clean against the document they were made from.
"""

from __future__ import annotations

import json
import random
import re
import re._constants as sre_constants  # the stdlib's regex parser (sre_parse is deprecated)
import re._parser as sre_parse
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from seam.openapi import Api, Operation

Json = Any

MAX_DEPTH = 7
MAX_NODES = 2000  # per generated value: past it, only what the schemas require
_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "uri-reference": "https://example.com/a",
    "iri": "https://example.com/a",
    "uri-template": "https://example.com/{a}",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "byte": "YWJj",
    "binary": "abc",
    "int32": "1",
    "int64": "1",
    "duration": "P1D",
    "json-pointer": "/a",
    "regex": "a",
}
_CATEGORY = {
    sre_constants.CATEGORY_DIGIT: "0",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_NOT_WORD: "-",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: "a",
}


def _from_pattern(pattern: str) -> str | None:
    """A short string matching ``pattern`` (searched, as JSON Schema does), or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, ValueError):
        return None

    def emit(items: Any) -> str:
        out = []
        for op, av in items:
            if op is sre_constants.LITERAL:
                out.append(chr(av))
            elif op is sre_constants.NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is sre_constants.ANY:
                out.append("a")
            elif op is sre_constants.IN:
                out.append(_in(av))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, _, sub = av
                out.append(emit(sub) * low)
            elif op is sre_constants.SUBPATTERN:
                out.append(emit(av[-1]))
            elif op is sre_constants.BRANCH:
                out.append(emit(av[1][0]))
            elif op is sre_constants.CATEGORY:
                out.append(_CATEGORY.get(av, "a"))
            elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                continue
            else:
                raise ValueError(op)
        return "".join(out)

    def _in(av: Any) -> str:
        negate = any(op is sre_constants.NEGATE for op, _ in av)
        if negate:
            banned = {chr(v) for op, v in av if op is sre_constants.LITERAL}
            return next(c for c in "aZ0_-" if c not in banned)
        for op, v in av:
            if op is sre_constants.LITERAL:
                return chr(v)
            if op is sre_constants.RANGE:
                return chr(v[0])
            if op is sre_constants.CATEGORY:
                return _CATEGORY.get(v, "a")
        return "a"

    try:
        text = emit(parsed)
    except (ValueError, IndexError, TypeError):
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


class Generator:
    """Values, requests and responses made from one document's schemas.

    Args:
        api: the document's operation model.
        seed: picks nothing by chance today but the sampled operations; kept so a run
            can be repeated exactly.
    """

    def __init__(self, api: Api, seed: int = 0) -> None:
        self.api = api
        self.data = api.data
        self.legacy = not str(api.version).startswith("3.1")
        self.rng = random.Random(seed)
        self._nodes = 0

    # -- schemas -----------------------------------------------------------------------

    def _resolve(self, schema: Json, refs: tuple[str, ...]) -> tuple[Json, tuple[str, ...], bool]:
        """Follow ``$ref``s: (schema, refs on the stack, whether a ref recursed)."""
        recursed = False
        hops = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and hops < 50:
            ref = schema["$ref"]
            recursed = recursed or ref in refs
            refs = (*refs, ref)
            try:
                target = self.api.document.resolve(ref)
            except Exception:  # a dangling ref: nothing to build from
                return {}, refs, recursed
            if not self.legacy:
                siblings = {k: v for k, v in schema.items() if k != "$ref"}
                if siblings and isinstance(target, dict):
                    target = {**target, **siblings}
            schema = target
            hops += 1
        return schema, refs, recursed

    def _merged(self, schema: dict[str, Json], refs: tuple[str, ...], depth: int = 0) -> Json:
        """``allOf`` flattened into one schema (properties and required united)."""
        parts = schema.get("allOf")
        parts = list(parts) if isinstance(parts, list) else []
        if isinstance(schema.get("if"), dict) and isinstance(schema.get("then"), dict):
            parts.append(schema["then"])  # what we build usually meets `if`: meet `then` too
        if not parts or depth > 10:
            return schema
        merged: dict[str, Json] = {
            k: v for k, v in schema.items() if k not in ("allOf", "if", "then", "else")
        }
        for part in parts:
            part, _, _ = self._resolve(part, refs)
            if not isinstance(part, dict):
                continue
            part = self._merged(part, refs, depth + 1)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required" and isinstance(value, list):
                    merged["required"] = sorted({*merged.get("required", []), *value})
                elif key in ("oneOf", "anyOf") and key in merged:
                    continue
                else:
                    merged.setdefault(key, value)
        return merged

    def value(self, schema: Json, side: str, depth: int = 0, refs: tuple[str, ...] = ()) -> Json:
        """A value for ``schema`` on ``side`` (``request``, ``response`` or ``parameter``)."""
        if depth == 0:
            self._nodes = 0
        self._nodes += 1
        schema, refs, recursed = self._resolve(schema, refs)
        if schema is True or not isinstance(schema, dict):
            return "a"
        schema = self._merged(schema, refs)
        minimal = recursed or depth >= MAX_DEPTH or self._nodes > MAX_NODES
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return next((v for v in enum if v is not None), enum[0])
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(alternatives, list) and alternatives:
            return self._alternative(schema, alternatives, side, depth, refs, minimal)
        kind = self._type(schema)
        scalar = self._scalar_example(schema, kind)
        if scalar is not _NONE:
            return scalar
        if kind == "object":
            return self._object(schema, side, depth, refs, minimal)
        if kind == "array":
            return self._array(schema, side, depth, refs, minimal)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string(schema)

    def _type(self, schema: dict[str, Json]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if isinstance(kind, str):
            return kind
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
            return "number"
        return "string"

    def _scalar_example(self, schema: dict[str, Json], kind: str) -> Json:
        examples = schema.get("examples")
        candidates = [schema.get("example", _NONE), schema.get("default", _NONE)]
        if isinstance(examples, list) and examples:
            candidates.insert(0, examples[0])
        for value in candidates:
            if value is _NONE or value is None or isinstance(value, (dict, list)):
                continue
            fits = {
                "string": isinstance(value, str),
                "integer": isinstance(value, int) and not isinstance(value, bool),
                "number": isinstance(value, (int, float)) and not isinstance(value, bool),
                "boolean": isinstance(value, bool),
            }.get(kind, False)
            if fits and _fits(value, schema):
                return value
        return _NONE

    def _alternative(
        self,
        schema: dict[str, Json],
        alternatives: list[Json],
        side: str,
        depth: int,
        refs: tuple[str, ...],
        minimal: bool,
    ) -> Json:
        discriminator = schema.get("discriminator")
        rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        options = [a for a in alternatives if not _is_null(a)] or alternatives
        if minimal:
            # Deep in a recursive schema: a scalar alternative ends the recursion.
            scalar = [
                a
                for a in options
                if self._type(self._resolve(a, refs)[0] or {}) not in ("object", "array")
            ]
            options = scalar or options
        choice = options[0]
        tag = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        tag_value = None
        if isinstance(tag, str) and isinstance(choice, dict) and "$ref" in choice:
            mapping = discriminator.get("mapping") or {}
            tag_value = next(
                (
                    k
                    for k, v in mapping.items()
                    if v == choice["$ref"] or v == choice["$ref"].rsplit("/", 1)[-1]
                ),
                choice["$ref"].rsplit("/", 1)[-1],
            )
        branch, refs2, _ = self._resolve(choice, refs)
        if isinstance(branch, dict) and rest.get("properties"):
            branch = self._merged({"allOf": [rest, branch]}, refs2)
        out = self.value(branch, side, depth + 1, refs2)
        if tag_value is not None and isinstance(out, dict):
            out[tag] = tag_value
        return out

    def _object(
        self, schema: dict[str, Json], side: str, depth: int, refs: tuple[str, ...], minimal: bool
    ) -> dict[str, Json]:
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        out: dict[str, Json] = {}
        if minimal and side == "response":
            # `check` reads response schemas as upper bounds (no `required`): an empty
            # object ends the recursion and still fits.
            return {}
        for name, sub in props.items():
            if name not in required:
                if minimal:
                    continue
                flags, _, _ = self._resolve(sub, refs)
                flags = flags if isinstance(flags, dict) else {}
                if side == "request" and flags.get("readOnly") is True:
                    continue
                if side == "response" and flags.get("writeOnly") is True:
                    continue
            out[name] = self.value(sub, side, depth + 1, refs)
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict) and not minimal:
            out["key"] = self.value(extra, side, depth + 1, refs)
        for name in required - set(out):
            out[name] = "a"  # required but never described
        return out

    def _array(
        self, schema: dict[str, Json], side: str, depth: int, refs: tuple[str, ...], minimal: bool
    ) -> list[Json]:
        low = schema.get("minItems")
        low = low if isinstance(low, int) else 0
        high = schema.get("maxItems")
        count = max(low, 0 if minimal else 1)
        if isinstance(high, int):
            count = min(count, high)
        items = schema.get("items")
        if isinstance(items, list):  # Swagger/3.0 tuple form
            return [self.value(i, side, depth + 1, refs) for i in items[:count]]
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and prefix:
            return [self.value(i, side, depth + 1, refs) for i in prefix[: max(count, 1)]]
        contains = schema.get("contains")
        if isinstance(contains, dict):
            # An item the `contains` schema accepts (and, as written, the items schema too).
            items = {"allOf": [items, contains]} if isinstance(items, dict) else contains
            count = max(count, 1)
        if count == 0:
            return []
        first = self.value(items if items is not None else {}, side, depth + 1, refs)
        out = [first]
        for i in range(1, count):
            nxt = self.value(items if items is not None else {}, side, depth + 1, refs)
            if schema.get("uniqueItems") and nxt == first:
                nxt = _vary(nxt, i)
            out.append(nxt)
        return out

    def _number(self, schema: dict[str, Json], integer: bool) -> float | int:
        unit = 1 if integer else 0.5
        low: float | None = None
        high: float | None = None
        minimum, maximum = _num(schema.get("minimum")), _num(schema.get("maximum"))
        above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if minimum is not None:
            low = minimum + unit * (above is True)
        if _num(above) is not None:
            low = max(low if low is not None else -1e308, _num(above) + unit)  # type: ignore[operator]
        if maximum is not None:
            high = maximum - unit * (below is True)
        if _num(below) is not None:
            high = min(high if high is not None else 1e308, _num(below) - unit)  # type: ignore[operator]
        if low is not None:
            value: float = low
        elif high is not None and high < 1:
            value = high
        else:
            value = 1
        step = _num(schema.get("multipleOf"))
        if step:
            value = -(-value // step) * step
        if integer:
            return int(-(-value // 1))
        return int(value) if float(value).is_integer() else value

    def _string(self, schema: dict[str, Json]) -> str:
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        text = _FORMATS.get(fmt) if isinstance(fmt, str) else None
        if text is not None and isinstance(pattern, str) and not _search(pattern, text):
            text = None
        if text is None and isinstance(pattern, str):
            text = _from_pattern(pattern)
        if text is None:
            text = "a"
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(low, int) and len(text) < low:
            text = text + "a" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text

    # -- interactions --------------------------------------------------------------------

    def interaction(self, op: Operation, description: str) -> tuple[dict[str, Json] | None, str]:
        """One pact interaction calling ``op`` (or None and why it cannot be made)."""
        status, response = self._success(op)
        if response is None:
            return None, "no documented success status"
        path = self._path(op)
        if path is None:
            return None, "a path parameter without a value"
        base = self.api.base_paths[0] if self.api.swagger else ""
        full = base + path
        routed = self.api.route(op.method, full)
        if routed is None or routed.operation is not op:
            return None, "the concrete path routes to another operation"
        request: dict[str, Json] = {"method": op.method.upper(), "path": full}
        headers: dict[str, str] = {}
        query: dict[str, list[str]] = {}
        for param in op.parameter_nodes:
            where_, name = param.get("in"), str(param.get("name"))
            if where_ not in ("query", "header") or not param.get("required"):
                continue
            if where_ == "header" and name.lower() in ("accept", "content-type", "authorization"):
                continue
            text = self._parameter_text(param)
            if where_ == "query":
                query[name] = text if isinstance(text, list) else [text]
            else:
                headers[name] = ",".join(text) if isinstance(text, list) else text
        self._credentials(op, headers, query)
        body = self._request_body(op)
        if body is not None:
            media, value = body
            headers["Content-Type"] = media
            request["body"] = value
        if query:
            request["query"] = query
        if headers:
            request["headers"] = headers
        return {
            "description": description,
            "request": request,
            "response": self._response(status, response),
        }, ""

    def _success(self, op: Operation) -> tuple[int, Mapping[str, Json] | None]:
        for key, node in op.responses.items():
            if key[0] == "2" and (key.isdigit() or key[1:].upper() == "XX"):
                return (int(key) if key.isdigit() else 200), node
        return 0, None

    def _response(self, status: int, response: Mapping[str, Json]) -> dict[str, Json]:
        out: dict[str, Json] = {"status": status}
        headers: dict[str, str] = {}
        declared = response.get("headers")
        for name, node in (declared if isinstance(declared, dict) else {}).items():
            node, _, _ = self._resolve(node, ())
            if not isinstance(node, dict) or str(name).lower() == "content-type":
                continue
            schema = node.get("schema", node if self.api.swagger else None)
            if schema is None:
                continue
            headers[str(name)] = _text(self.value(schema, "parameter"))
        content = response.get("content")
        media = _json_media(content)
        if media is not None:
            schema = content[media].get("schema") if isinstance(content[media], dict) else None
            if schema is not None:
                headers["Content-Type"] = media
                out["body"] = self.value(schema, "response")
        if headers:
            out["headers"] = headers
        return out

    def _path(self, op: Operation) -> str | None:
        values: dict[str, str] = {}
        for param in op.parameter_nodes:
            if param.get("in") == "path":
                text = self._parameter_text(param)
                text = ",".join(text) if isinstance(text, list) else text
                values[str(param.get("name"))] = quote(text or "a", safe="")
        missing = False

        def fill(found: re.Match[str]) -> str:
            nonlocal missing
            name = found.group(1)
            if name not in values:
                missing = True
                return "a"
            return values[name]

        path = re.sub(r"\{([^{}/]+)\}", fill, op.path)
        return None if missing else path

    def _parameter_text(self, param: Mapping[str, Json]) -> str | list[str]:
        schema = param.get("schema")
        if schema is None and isinstance(param.get("content"), dict):
            for entry in param["content"].values():
                schema = entry.get("schema") if isinstance(entry, dict) else None
                if schema is not None:
                    return json.dumps(self.value(schema, "parameter"))
        if schema is None:  # Swagger 2.0: the parameter is its own schema
            schema = {k: v for k, v in param.items() if k not in ("name", "in", "required")}
        for key in ("example", "x-example"):
            if isinstance(param.get(key), (str, int, float)) and not isinstance(
                param.get(key), bool
            ):
                return str(param[key])
        value = self.value(schema, "parameter")
        if isinstance(value, list):
            return [_text(v) for v in value]
        return _text(value)

    def _credentials(self, op: Operation, headers: dict[str, str], query: dict[str, Any]) -> None:
        requirements = op.requirements
        if not requirements or any(not r for r in requirements):
            return
        for name in requirements[0]:
            scheme = op.schemes.get(name) or {}
            kind = str(scheme.get("type", "")).lower()
            if kind == "apikey":
                place, key = str(scheme.get("in", "")).lower(), str(scheme.get("name", ""))
                if place == "header":
                    headers[key] = "key"
                elif place == "query":
                    query[key] = ["key"]
            elif kind == "basic" or (
                kind == "http" and str(scheme.get("scheme", "")).lower() == "basic"
            ):
                headers["Authorization"] = "Basic dXNlcjpwYXNz"
            elif kind == "http":
                headers["Authorization"] = f"{scheme.get('scheme', 'Bearer')} token"
            else:
                headers.setdefault("Authorization", "Bearer token")

    def _request_body(self, op: Operation) -> tuple[str, Json] | None:
        if op.body is None:
            return None
        content = op.body.get("content")
        if not isinstance(content, dict) or not content:
            return None
        media = _json_media(content)
        if media is None:
            for form in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if form in content:
                    media = form
                    break
        if media is None:
            media = next(iter(content))
            return media, "a"
        entry = content[media]
        schema = entry.get("schema") if isinstance(entry, dict) else None
        return media, self.value(schema if schema is not None else {}, "request")


class _Missing:
    def __repr__(self) -> str:
        return "<none>"


_NONE: Any = _Missing()


def _num(value: Json) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read: nothing to hold the text to


def _fits(value: Json, schema: Mapping[str, Json]) -> bool:
    """Whether a scalar example meets its schema's own simple constraints."""
    if isinstance(value, str):
        pattern = schema.get("pattern")
        low, high = schema.get("minLength"), schema.get("maxLength")
        return (
            (not isinstance(pattern, str) or _search(pattern, value))
            and (not isinstance(low, int) or len(value) >= low)
            and (not isinstance(high, int) or len(value) <= high)
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        minimum, maximum = _num(schema.get("minimum")), _num(schema.get("maximum"))
        above, below = _num(schema.get("exclusiveMinimum")), _num(schema.get("exclusiveMaximum"))
        return (
            (minimum is None or value >= minimum)
            and (maximum is None or value <= maximum)
            and (above is None or value > above)
            and (below is None or value < below)
        )
    return True


def _is_null(schema: Json) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _vary(value: Json, i: int) -> Json:
    if isinstance(value, str):
        return value + str(i)
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + i
    return value


def _text(value: Json) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict):
        return ",".join(f"{k},{_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def _json_media(content: Json) -> str | None:
    if not isinstance(content, dict) or not content:
        return None
    if "application/json" in content:
        return "application/json"
    for media in content:
        essence = str(media).split(";")[0].strip().lower()
        if essence.endswith("/json") or essence.endswith("+json"):
            return str(media)
    return None


def make_pact(
    api: Api,
    consumer: str,
    provider: str,
    ops: list[Operation],
    seed: int = 0,
) -> tuple[dict[str, Json], dict[str, int]]:
    """A Pact V3 document with one interaction per operation, and why some were skipped."""
    gen = Generator(api, seed)
    interactions = []
    skipped: dict[str, int] = {}
    for op in ops:
        made, why = gen.interaction(op, f"{op.method.upper()} {op.path}")
        if made is None:
            skipped[why] = skipped.get(why, 0) + 1
        else:
            interactions.append(made)
    doc = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return doc, skipped
