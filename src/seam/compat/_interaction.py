"""The flat view of a pact interaction that the compat rules read.

Built from :mod:`seam.pactfile`'s normalised :class:`~seam.pactfile.Pact`: header names are
lower-cased with repeated values joined by ``,`` (as HTTP folds them, RFC 9110 5.3), and
matching rules are grouped ``category → {path → [matcher, ...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seam.pactfile import Body, Pact

Json = Any
Rules = dict[str, dict[str, list[dict[str, Json]]]]


@dataclass(slots=True)
class Message:
    """One side of an exchange."""

    headers: dict[str, str] = field(default_factory=dict)
    body: Body | None = None
    rules: Rules = field(default_factory=dict)
    null_body: bool = False  # the pact says `"body": null`: a JSON null was sent

    @property
    def has_body(self) -> bool:
        # An empty string is still a body the consumer set (and can be checked as one).
        return self.null_body or (self.body is not None and self.body.value is not None)

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


def interactions_of(pact: Pact) -> list[HttpInteraction | OtherInteraction]:
    """Every interaction of ``pact``, in file order."""
    out: list[HttpInteraction | OtherInteraction] = []
    for item in pact.interactions:
        if item.kind != "http" or item.request is None or item.response is None:
            out.append(OtherInteraction(item.index, item.description, item.kind))
            continue
        request, response = item.request, item.response
        out.append(
            HttpInteraction(
                index=item.index,
                description=item.description,
                method=request.method.upper(),
                path=request.path,
                query={k: list(v) for k, v in request.query.items()},
                request=Message(
                    _headers(request.headers),
                    request.body,
                    _rules(request.matching_rules),
                    null_body=_null_body(item.raw.get("request")),
                ),
                status=response.status,
                response=Message(
                    _headers(response.headers), response.body, _rules(response.matching_rules)
                ),
            )
        )
    return out


def _null_body(raw: Json) -> bool:
    # seam.pactfile reads `"body": null` as no body; a JSON request body of null is a value.
    return isinstance(raw, dict) and "body" in raw and raw["body"] is None


def _headers(raw: Mapping[str, list[str]]) -> dict[str, str]:
    return {
        name.lower(): ",".join(values).replace("\r", "").replace("\n", "")
        for name, values in raw.items()
    }


def _rules(raw: Mapping[str, Json]) -> Rules:
    """V3+ rules (``{category: {path: {"matchers": [...]}}}``) as ``{category: {path: [...]}}``."""
    out: Rules = {}
    for category, value in raw.items():
        if not isinstance(value, dict):
            continue
        name = "header" if category == "headers" else str(category)
        bucket = out.setdefault(name, {})
        if "matchers" in value:  # the "path" category has no sub-paths
            bucket["$"] = [m for m in value.get("matchers") or [] if isinstance(m, dict)]
            continue
        for path, spec in value.items():
            matchers = spec.get("matchers") if isinstance(spec, dict) else None
            bucket[str(path)] = [m for m in matchers or [] if isinstance(m, dict)]
    return out
