"""JSON Schema from example values and Pact matching rules: what a body looks like.

One inference for both snapshots: the OpenAPI snapshot's request, response and message
bodies (:mod:`seam.openapi._infer`) and the AsyncAPI snapshot's payloads
(:mod:`seam.asyncapi._infer`).

* Types come from the example values; ``regex`` → ``pattern`` (Java-only syntax goes to
  ``x-pact-regex``), date/time matchers → ``format``, ``min``/``max`` on arrays →
  ``minItems``/``maxItems``, ``null`` → ``nullable``; fields present in every example are
  ``required``.
* Several examples merge into one schema they all satisfy (:func:`merge_all`): a
  generalisation, never a union of shapes.
* Form bodies (``application/x-www-form-urlencoded``, ``multipart/form-data``) become
  objects of string fields; encoded bodies are binary strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from seam.pactfile import Body, media_essence, parse_json_path

__all__ = [
    "body_schema",
    "media_type",
    "merge_all",
    "regex_pattern",
    "rule_matchers",
    "without_markers",
]

_PART_NAME = re.compile(r'Content-Disposition:[^\r\n]*?\bname="([^"]*)"', re.IGNORECASE)
# The items of an empty example array: unknown, so it gives way to any other example. It
# becomes {} ("anything") only if no example ever shows an element.
_NO_EXAMPLE: dict[str, Any] = {"x-seam-no-example": True}
_FORMATS = {"datetime": "date-time", "timestamp": "date-time", "date": "date", "time": "time"}


def rule_matchers(rule: Any) -> list[Mapping[str, Any]]:
    """The matchers of one matching rule, V3 ``{"matchers": [...]}`` or V2 ``{"match": ...}``."""
    if isinstance(rule, Mapping):
        found = rule.get("matchers")
        if isinstance(found, list):
            return [m for m in found if isinstance(m, Mapping)]
        if "match" in rule:
            return [rule]
    return []


class _Rules:
    """Body matching rules by parsed JSON path; ``*`` matches any key or index."""

    def __init__(self, rules: Mapping[str, Any] | None) -> None:
        self._rules: list[tuple[list[str | int], list[Mapping[str, Any]]]] = []
        for path, rule in sorted((rules or {}).items()):
            try:
                segments = parse_json_path(path)
            except ValueError:
                continue  # a path we cannot read cannot describe a field either
            self._rules.append((segments, rule_matchers(rule)))

    def at(self, path: Sequence[str | int]) -> list[Mapping[str, Any]]:
        found: list[Mapping[str, Any]] = []
        for segments, matchers in self._rules:
            if len(segments) == len(path) and all(
                s == "*" or s == p for s, p in zip(segments, path, strict=True)
            ):
                found.extend(matchers)
        return found


# Pieces of a regex that may hold braces legitimately: escapes, classes, quantifiers.
_ESCAPE = re.compile(r"\\.")
_CHAR_CLASS = re.compile(r"\[[^\]]*\]")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")


def regex_pattern(regex: str) -> dict[str, str]:
    """``pattern`` for a regex OpenAPI tools can read; Java-only syntax (``\\Q…\\E``,
    possessive quantifiers) goes to ``x-pact-regex`` instead, so the document stays valid."""
    try:
        re.compile(regex)
    except re.error:
        return {"x-pact-regex": regex}
    stripped = _QUANTIFIER.sub("", _CHAR_CLASS.sub("", _ESCAPE.sub("", regex)))
    if "{" in stripped or "}" in stripped:
        # Python reads a brace that is not a quantifier as a literal; ECMA-262 (the regex
        # dialect OpenAPI names, and openapi-spec-validator's check) refuses it.
        return {"x-pact-regex": regex}
    return {"pattern": regex}


def _base_schema(value: Any) -> dict[str, Any]:
    if value is None:
        return {"nullable": True}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array"}
    return {"type": "object"}


def _apply_matcher(schema: dict[str, Any], matcher: Mapping[str, Any], value: Any) -> None:
    kind = str(matcher.get("match", ""))
    if kind == "integer":
        schema["type"] = "integer"
    elif kind in ("decimal", "number"):
        schema["type"] = "number"
    elif kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "null":
        schema["nullable"] = True
    elif kind == "regex" and isinstance(matcher.get("regex"), str):
        schema["type"] = "string"
        schema.update(regex_pattern(matcher["regex"]))
    elif kind in _FORMATS:
        schema["type"] = "string"
        schema["format"] = _FORMATS[kind]
    elif kind == "include" and isinstance(matcher.get("value"), str):
        schema["type"] = "string"
        schema["pattern"] = re.escape(matcher["value"])
    elif kind == "equality" and isinstance(value, (str, int, float, bool)):
        schema["enum"] = [value]
    if schema.get("type") == "array":
        if isinstance(matcher.get("min"), int):
            schema["minItems"] = matcher["min"]
        if isinstance(matcher.get("max"), int):
            schema["maxItems"] = matcher["max"]


def _schema(value: Any, path: list[str | int], rules: _Rules) -> dict[str, Any]:
    schema = _base_schema(value)
    matchers = rules.at(path)
    for matcher in matchers:
        _apply_matcher(schema, matcher, value)
    if isinstance(value, list):
        items = [_schema(v, [*path, i], rules) for i, v in enumerate(value)]
        schema["items"] = merge_all(items) if items else dict(_NO_EXAMPLE)
    elif isinstance(value, dict):
        if any(m.get("match") in ("values", "eachValue") for m in matchers):
            # Keys are data (a map), not field names: describe the values only.
            values = [_schema(v, [*path, k], rules) for k, v in sorted(value.items())]
            schema["additionalProperties"] = merge_all(values) if values else {}
        else:
            schema["properties"] = {
                k: _schema(v, [*path, k], rules) for k, v in sorted(value.items())
            }
            if value:
                schema["required"] = sorted(value)
    return schema


def merge_all(schemas: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One schema every example's schema satisfies; ``{}`` (anything) when there are none."""
    merged: dict[str, Any] | None = None
    for schema in schemas:
        merged = schema if merged is None else _merge(merged, schema)
    return merged if merged is not None else {}


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One schema that both examples satisfy (a generalisation, never a union of shapes)."""
    if a == b or b == _NO_EXAMPLE:
        return a
    if a == _NO_EXAMPLE:
        return b
    nullable = bool(a.get("nullable") or b.get("nullable"))
    a_type, b_type = a.get("type"), b.get("type")
    if not a or not b:
        out = {}  # one side already allows anything: so does the merge
    elif a == {"nullable": True}:
        out = dict(b)  # null only, so far: the other example gives the type
    elif b == {"nullable": True}:
        out = dict(a)
    elif a_type == b_type:
        out = _merge_same(a, b)
    elif {a_type, b_type} == {"integer", "number"}:
        out = {"type": "number"}
    else:
        out = {}  # different kinds of value: all a schema can say is "something"
    # "Anything" already admits null; {"nullable": True} alone means "only null seen yet".
    if nullable and "type" in out:
        out["nullable"] = True
    return out


def _merge_same(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": a["type"]}
    for key in ("pattern", "format", "x-pact-regex"):
        if key in a and a.get(key) == b.get(key):
            out[key] = a[key]
    if "enum" in a and "enum" in b:
        out["enum"] = sorted({*a["enum"], *b["enum"]}, key=repr)
    if "minItems" in a and "minItems" in b:
        out["minItems"] = min(a["minItems"], b["minItems"])
    if "maxItems" in a and "maxItems" in b:
        out["maxItems"] = max(a["maxItems"], b["maxItems"])
    if "items" in a or "items" in b:
        out["items"] = (
            _merge(a.get("items", {}), b.get("items", {}))
            if ("items" in a and "items" in b)
            else a.get("items", b.get("items"))
        )
    if "additionalProperties" in a and "additionalProperties" in b:
        out["additionalProperties"] = _merge(a["additionalProperties"], b["additionalProperties"])
    if "properties" in a or "properties" in b:
        pa, pb = a.get("properties", {}), b.get("properties", {})
        out["properties"] = {
            k: _merge(pa[k], pb[k]) if k in pa and k in pb else pa.get(k, pb.get(k))
            for k in sorted({*pa, *pb})
        }
        required = sorted(set(a.get("required", [])) & set(b.get("required", [])))
        if required:
            out["required"] = required
    return out


def media_type(content_type: str | None, body: Body | None = None) -> str:
    """The media type of a body: its declared type's essence, else what Pact would guess."""
    if content_type and media_essence(content_type):
        return media_essence(content_type)
    # No declared type: Pact itself guesses from the body (JSON values, else text).
    value = body.value if body is not None else None
    if body is not None and not body.encoded and not isinstance(value, str):
        return "application/json"
    return "text/plain" if isinstance(value, str) else "application/octet-stream"


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def body_schema(body: Body, media: str, rules: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one example body under its matching rules (``rules["body"]``).

    Args:
        body: The example body.
        media: Its media type (:func:`media_type`).
        rules: The interaction part's matching rules, by category.

    Returns:
        The schema, still holding empty-array markers until :func:`without_markers`.
    """
    if body.encoded:
        return {"type": "string", "format": "binary"}
    # Structured values (JSON, or a form a pact wrote as an object) describe themselves.
    if _is_json(media) or isinstance(body.value, (dict, list)):
        return _schema(body.value, [], _Rules(rules.get("body")))
    fields: dict[str, str] | None = None
    if media == "application/x-www-form-urlencoded" and isinstance(body.value, str):
        fields = dict(parse_qsl(body.value, keep_blank_values=True))
    elif media == "multipart/form-data" and isinstance(body.value, str):
        fields = {name: "" for name in _PART_NAME.findall(body.value)}
    if fields:  # an empty form body stays an (empty) string
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: {"type": "string"} for name in sorted(fields)},
            "required": sorted(fields),
        }
        return schema
    return {"type": "string"}


def without_markers(node: Any) -> Any:
    """``node`` with each empty-array marker made ``{}``: nothing ever showed an element."""
    if node == _NO_EXAMPLE:
        return {}
    if isinstance(node, dict):
        return {k: without_markers(v) for k, v in node.items()}
    if isinstance(node, list):
        return [without_markers(v) for v in node]
    return node
