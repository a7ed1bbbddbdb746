"""A flat view of one HTTP interaction, read from a raw Pact V1–V4 document.

Header names are lower-cased and multiple values joined with ``,``; query strings become
``name → [values]``; V4 bodies (``{"content", "contentType", "encoded"}``) are decoded;
matching rules become ``category → {path → [matcher, ...]}`` in the V3+ shape.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from seam.errors import PactError

Json = Any
Rules = dict[str, dict[str, list[dict[str, Json]]]]

_NO_BODY = object()


@dataclass(slots=True)
class Message:
    """One side of an exchange."""

    headers: dict[str, str] = field(default_factory=dict)
    body: Json = _NO_BODY
    rules: Rules = field(default_factory=dict)

    @property
    def has_body(self) -> bool:
        return self.body is not _NO_BODY and self.body is not None and self.body != ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(slots=True)
class HttpInteraction:
    """What a consumer sends and expects back in one interaction."""

    index: int
    description: str
    method: str
    path: str
    query: dict[str, list[str]]
    request: Message
    status: int
    response: Message


@dataclass(slots=True)
class OtherInteraction:
    """A message or other non-HTTP interaction (reported, never compared)."""

    index: int
    description: str
    kind: str
    location: str


def spec_version(doc: Mapping[str, Json]) -> int:
    """The pact's major specification version (1 when the metadata does not say)."""
    meta = doc.get("metadata") or {}
    if not isinstance(meta, dict):
        return 1
    for key in ("pactSpecification", "pact-specification"):
        value = meta.get(key)
        if isinstance(value, dict) and value.get("version"):
            return _major(str(value["version"]))
    if meta.get("pactSpecificationVersion"):
        return _major(str(meta["pactSpecificationVersion"]))
    return 1


def _major(text: str) -> int:
    head = text.strip().lstrip("vV").split(".", 1)[0]
    return int(head) if head.isdigit() else 1


def read_interactions(doc: Json) -> list[HttpInteraction | OtherInteraction]:
    """Every interaction in a raw pact document, in order.

    Raises:
        PactError: the document is not a pact (no ``interactions`` or ``messages`` list).
    """
    if not isinstance(doc, dict):
        raise PactError("a pact must be a JSON object with an 'interactions' list")
    raw = doc.get("interactions")
    messages = doc.get("messages")
    if raw is None and messages is None:
        raise PactError("the pact has no 'interactions' list: is this a Pact file?")
    if raw is not None and not isinstance(raw, list):
        raise PactError("'interactions' must be a list")
    version = spec_version(doc)
    out: list[HttpInteraction | OtherInteraction] = []
    for index, item in enumerate(raw or []):
        if not isinstance(item, dict):
            raise PactError(f"interaction {index} is not an object")
        kind = str(item.get("type") or "Synchronous/HTTP")
        description = str(item.get("description") or f"interaction {index}")
        if kind.lower() != "synchronous/http":
            out.append(OtherInteraction(index, description, kind, f"interactions[{index}]"))
            continue
        out.append(_http(index, item, version))
    for index, item in enumerate(messages if isinstance(messages, list) else []):
        description = str(item.get("description", "")) if isinstance(item, dict) else ""
        out.append(OtherInteraction(index, description, "message", f"messages[{index}]"))
    return out


def _http(index: int, item: dict[str, Json], version: int) -> HttpInteraction:
    request = item.get("request")
    response = item.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise PactError(f"interaction {index} needs a 'request' and a 'response' object")
    method = request.get("method")
    path = request.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        raise PactError(f"interaction {index}: request needs a string 'method' and 'path'")
    status = response.get("status", 200)
    if not isinstance(status, int) or isinstance(status, bool):
        raise PactError(f"interaction {index}: response status must be a number, got {status!r}")
    return HttpInteraction(
        index=index,
        description=str(item.get("description") or f"interaction {index}"),
        method=method.upper(),
        path=path,
        query=_query(request.get("query")),
        request=_message(request, version),
        status=status,
        response=_message(response, version),
    )


def _query(raw: Json) -> dict[str, list[str]]:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        return parse_qs(raw, keep_blank_values=True)
    if isinstance(raw, dict):
        return {
            str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)]
            for k, v in raw.items()
        }
    raise PactError(f"a request query must be a string or an object, got {type(raw).__name__}")


def _headers(raw: Json) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    out: dict[str, str] = {}
    for name, value in raw.items():
        text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        out[str(name).lower()] = text.replace("\r", "").replace("\n", "")
    return out


def _message(raw: dict[str, Json], version: int) -> Message:
    message = Message(headers=_headers(raw.get("headers")))
    if "body" in raw:
        body = raw["body"]
        message.body = _v4_body(body) if version >= 4 else body
    message.rules = _rules(raw.get("matchingRules"))
    return message


def _v4_body(body: Json) -> Json:
    if not isinstance(body, dict) or "content" not in body:
        return body
    content = body.get("content")
    encoded = body.get("encoded")
    if not encoded:
        return content
    if not isinstance(content, str):
        return content
    if str(encoded).lower() == "json":
        try:
            return json.loads(content)
        except ValueError:
            return content
    if str(encoded).lower() == "base64":
        try:
            return base64.b64decode(content).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return content
    return content


def _rules(raw: Json) -> Rules:
    """Matching rules in V3+ form, whatever shape the pact used."""
    if not isinstance(raw, dict):
        return {}
    out: Rules = {}
    for key, value in raw.items():
        if key.startswith("$."):
            # V2: {"$.body.a": {"match": "type"}, "$.headers.X": {...}}
            parts = key[2:].split(".", 1)
            category = parts[0].split("[", 1)[0]
            rest = key[2 + len(category):]
            path = "$" + rest if category == "body" else rest.lstrip(".")
            out.setdefault(category, {})[path or "$"] = [value] if isinstance(value, dict) else []
        elif isinstance(value, dict):
            category = "header" if key == "headers" else key
            bucket = out.setdefault(category, {})
            if "matchers" in value:  # V3 "path" category has no sub-paths
                bucket["$"] = list(value.get("matchers") or [])
                continue
            for path, spec in value.items():
                matchers = spec.get("matchers") if isinstance(spec, dict) else None
                bucket[str(path)] = list(matchers) if isinstance(matchers, list) else []
    if "headers" in out:
        out.setdefault("header", {}).update(out.pop("headers"))
    return out
