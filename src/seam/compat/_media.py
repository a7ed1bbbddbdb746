"""Media types: matching a pact's Content-Type/Accept against the spec's, and standard headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from seam.pactfile import media_essence

_QUALITY = re.compile(r";\s*q=([01](?:\.\d*)?)")

# Headers every HTTP stack may add (RFC 9110 and common practice): a consumer sending one
# the spec does not declare is not a contract problem.
STANDARD_REQUEST_HEADERS = frozenset(
    [
        "accept",
        "accept-charset",
        "accept-datetime",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-length",
        "content-md5",
        "content-type",
        "cookie",
        "date",
        "expect",
        "forwarded",
        "from",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "max-forwards",
        "origin",
        "pragma",
        "proxy-authorization",
        "range",
        "referer",
        "te",
        "upgrade",
        "user-agent",
        "via",
        "warning",
    ]
)

# Standard response headers a spec rarely declares: expecting one is only a warning.
STANDARD_RESPONSE_HEADERS = [
    "access-control-allow-origin",
    "accept-patch",
    "accept-ranges",
    "age",
    "allow",
    "alt-svc",
    "cache-control",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "date",
    "etag",
    "expires",
    "last-modified",
    "link",
    "location",
    "p3p",
    "pragma",
    "proxy-authenticate",
    "public-key-pins",
    "refresh",
    "retry-after",
    "server",
    "set-cookie",
    "status",
    "strict-transport-security",
    "trailer",
    "transfer-encoding",
    "tsv",
    "upgrade",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "x-frame-options",
]


def _quality(entry: str) -> float:
    found = _QUALITY.search(entry)
    return float(found.group(1)) if found else 1.0


def _type(media_type: str) -> str:
    return media_type.split("/", 1)[0]


def _subtype(media_type: str) -> str:
    # ``application/vnd.api+json`` has the subtype suffix ``json`` (RFC 6838 4.2.8).
    parts = media_type.split("/", 1)
    return parts[1].split("+")[-1] if len(parts) == 2 else ""


def find_matching_type(wanted: str, available: Sequence[str]) -> str | None:
    """The first of ``available`` that ``wanted`` (a Content-Type or an Accept list) accepts.

    Tries, in order: exact match, match ignoring parameters, match ignoring vendor
    prefixes (``application/vnd.x+json`` ~ ``application/json``), wildcards on the spec's
    side, then wildcards on the pact's side (RFC 9110 12.5.1).
    """
    entries = [e.replace(" ", "").lower() for e in wanted.split(",") if e.strip()]
    entries.sort(key=_quality, reverse=True)
    accepted = [_QUALITY.sub("", e) for e in entries]
    offered = [a.replace(" ", "").lower() for a in available]

    bare_accepted = [media_essence(a) for a in accepted]
    bare_offered = [media_essence(o) for o in offered]
    for candidate in (
        _first_bare(accepted, offered, available, lambda a, o: a == o),
        _first_bare(bare_accepted, bare_offered, available, lambda a, o: a == o),
        _first_bare(
            bare_accepted,
            bare_offered,
            available,
            lambda a, o: _type(a) == _type(o) and _subtype(a) == _subtype(o),
        ),
        _first_bare(bare_accepted, bare_offered, available, lambda a, o: o == f"{_type(a)}/*"),
    ):
        if candidate is not None:
            return candidate
    if "*/*" in bare_offered:
        return available[bare_offered.index("*/*")]
    spec_side = _first_bare(
        bare_accepted,
        bare_offered,
        available,
        lambda a, o: _subtype(a) == "*" and _type(a) == _type(o),
    )
    if spec_side is not None:
        return spec_side
    if "*/*" in bare_accepted and available:
        return available[0]
    return None


def _first_bare(
    accepted: list[str],
    offered: list[str],
    available: Sequence[str],
    test: Callable[[str, str], bool],
) -> str | None:
    for a in accepted:
        for index, o in enumerate(offered):
            if test(a, o):
                return available[index]
    return None
