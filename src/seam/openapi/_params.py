"""Parameter values arrive as text: turn them into the JSON values their schema describes.

Query, header and path values are strings on the wire; ``"42"`` is a valid ``integer``
parameter. Values are coerced towards the schema's type before validation (as Ajv's
``coerceTypes`` does for PactFlow), and arrays are split by their style's delimiter
(OAS 3 §4.8.12.4, Swagger 2.0 ``collectionFormat``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from seam._files import load_json
from seam.errors import PactError
from seam.openapi._schemas import deref
from seam.pactfile import is_json, media_essence

Json = Any

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_DELIMITERS = {
    "csv": ",",
    "ssv": " ",
    "tsv": "\t",
    "pipes": "|",
    "spaceDelimited": " ",
    "pipeDelimited": "|",
}
_PARAMETER_KEYS = frozenset(
    {
        "name",
        "in",
        "required",
        "description",
        "collectionFormat",
        "allowEmptyValue",
        "style",
        "explode",
        "allowReserved",
        "example",
        "examples",
        "deprecated",
        "x-example",
    }
)


def parameter_schema(param: dict[str, Json]) -> Json:
    """The schema of a parameter: ``schema`` (OAS 3) or the parameter itself (Swagger 2.0)."""
    if "schema" in param:
        return param["schema"]
    if "content" in param and isinstance(param["content"], dict):
        # A value serialised as a media type (OAS 3 §4.8.12.2) is checked by the caller.
        for media in param["content"].values():
            if isinstance(media, dict) and "schema" in media:
                return media["schema"]
        return None
    own = {k: v for k, v in param.items() if k not in _PARAMETER_KEYS}
    return own or None


def _types(doc: Json, schema: Json) -> list[str]:
    schema = deref(doc, schema)
    if not isinstance(schema, dict):
        return []
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            found = _types(doc, sub)
            if found:
                return found
    return []


def delimiter(param: dict[str, Json]) -> str:
    """The separator between array items for this parameter's style."""
    style = param.get("collectionFormat") or param.get("style") or ""
    return _DELIMITERS.get(str(style), ",")


def nest(values: dict[str, list[str]], names: set[str]) -> dict[str, Json]:
    """Fold ``a[b][c]=1`` and ``a.b.c=1`` query keys into an object under parameter ``a``."""
    out: dict[str, Json] = {}
    for key, raw in values.items():
        head = re.match(r"([^.\[]+)((?:\[[^\]]*\]|\.[^.\[]+)+)$", key)
        if head is None or head.group(1) not in names or key in names:
            out[key] = raw
            continue
        tokens = re.findall(r"\[([^\]]*)\]|\.([^.\[]+)", head.group(2))
        node = out.setdefault(head.group(1), {})
        if not isinstance(node, dict):
            out[key] = raw
            continue
        path = [a or b for a, b in tokens]
        for token in path[:-1]:
            node = node.setdefault(token, {})
            if not isinstance(node, dict):
                break
        else:
            node[path[-1]] = raw[0] if len(raw) == 1 else raw
    return out


def _properties(doc: Json, schema: Json) -> dict[str, Json]:
    schema = deref(doc, schema)
    if not isinstance(schema, dict):
        return {}
    out: dict[str, Json] = {}
    for sub in schema.get("allOf") or []:
        out.update(_properties(doc, sub))
    props = schema.get("properties")
    if isinstance(props, dict):
        out.update(props)
    return out


def _object(doc: Json, schema: Json, value: Json, sep: str) -> Json:
    if isinstance(value, str):
        parts = value.split(sep) if value else []
        if all("=" in p for p in parts):
            value = dict(p.split("=", 1) for p in parts)
        elif len(parts) % 2 == 0:
            value = dict(zip(parts[::2], parts[1::2], strict=True))
        else:
            return value
    if not isinstance(value, dict):
        return value
    props = _properties(doc, schema)
    return {k: coerce(doc, props.get(k), v) for k, v in value.items()}


def coerce(doc: Json, schema: Json, value: Json, sep: str = ",") -> Json:
    """``value`` as the JSON value ``schema`` expects, where the text allows it."""
    kinds = _types(doc, schema)
    if isinstance(value, dict) or (
        "object" in kinds and isinstance(value, str) and not value.startswith("{")
    ):
        return _object(doc, schema, value, sep)
    if "array" in kinds:
        items = deref(doc, schema).get("items") if isinstance(deref(doc, schema), dict) else None
        parts = value if isinstance(value, list) else (value.split(sep) if value else [])
        return [coerce(doc, items, p) for p in parts]
    if isinstance(value, list):
        if len(value) == 1:
            value = value[0]
        else:
            return [coerce(doc, schema, v) for v in value]
    return _scalar(value, kinds)


def _scalar(text: str, kinds: list[str]) -> Json:
    for kind in kinds:
        if kind == "integer" and _INTEGER.fullmatch(text):
            return int(text)
        if kind == "number" and _NUMBER.fullmatch(text):
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        if kind == "null" and text == "":
            return None
        if kind == "object" and text.startswith("{"):
            try:
                return load_json(text, what="a JSON string in the pact", error=PactError)
            except ValueError:
                return text
        if kind == "string":
            return text
    return text


def decode_parameter(doc: Json, param: dict[str, Json], raw: Json) -> tuple[bool, Json]:
    """``(decodable, value)``: a parameter's wire text as the JSON value its schema describes.

    A parameter described by ``content`` (OAS 3 §4.8.12.2) is decoded as JSON; text that
    is not JSON cannot be judged (``decodable`` is False). Others are coerced by their
    schema and style (see :func:`coerce`).
    """
    if "content" in param:
        try:
            text = raw[0] if isinstance(raw, list) else raw
            return True, load_json(text, what="a JSON string in the pact", error=PactError)
        except (TypeError, ValueError):
            return False, None
    return True, coerce(doc, parameter_schema(param), raw, delimiter(param))


def decode_body(
    doc: Json, schema: Json, media: str, body: Json, content_type: str = ""
) -> tuple[bool, Json]:
    """``(decodable, value)``: a recorded request body as the JSON value ``schema`` judges.

    JSON is taken as it is (a JSON string is parsed; text that is not JSON stays text, for
    the schema to refuse). ``application/x-www-form-urlencoded`` and ``multipart/form-data``
    text is read into its named fields (RFC 7578), whose text values are then read as their
    schema's types, as parameters are; fields already recorded as an object are kept. Any
    other media type cannot be judged (``decodable`` is False).

    Args:
        doc: the document, for ``$ref``s inside ``schema``.
        schema: the request body's schema under ``media``.
        media: the media type the document names (the key under ``content``).
        body: the body as the pact records it.
        content_type: the request's own Content-Type (a multipart boundary may be only there).
    """
    kind = media_essence(media)
    if body == "":
        return True, body  # nothing sent where the schema expects something: checked as is
    if is_json(kind):
        if isinstance(body, str):
            try:
                return True, load_json(body, what="a JSON string in the pact", error=PactError)
            except ValueError:
                return True, body
        return True, body
    fields: dict[str, Json] | None = None
    if kind == "application/x-www-form-urlencoded" and isinstance(body, str):
        fields = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body).items()}
    elif kind == "multipart/form-data" and isinstance(body, str):
        fields = multipart_fields(body, media if "boundary=" in media else content_type)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data") and isinstance(
        body, dict
    ):
        return True, body
    if fields is None:
        return False, body
    return True, coerce(doc, schema, fields)


def multipart_fields(body: str, content_type: str) -> dict[str, str] | None:
    """The named text fields of a ``multipart/form-data`` body (RFC 7578), or None."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if found is None:
        return None
    fields: dict[str, str] = {}
    for part in body.split("--" + found.group(1))[1:]:
        if part.startswith("--"):
            break
        head, _, value = part.lstrip("\r\n").partition("\r\n\r\n")
        name = re.search(r'name="([^"]*)"', head)
        if name is not None:
            fields[name.group(1)] = value.removesuffix("\r\n")
    return fields
