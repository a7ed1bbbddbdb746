"""The broker's URLs: one base URL and the canonical Pact Broker paths under it.

Hrefs are absolute (the request's own base URL, or the configured ``base_url``) and use the
canonical Pact Broker paths, because official clients build some URLs themselves.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from seam.server._queries.rows import EnvironmentRow, VerificationRow

__all__ = ["Doc", "UrlBase", "as_bool", "record_links", "segment"]

Doc = dict[str, Any]


def segment(value: str) -> str:
    """Quote one path segment (a name, number or sha) whole, slashes included."""
    return quote(value, safe="")


def as_bool(value: Any) -> bool:
    """Return an INTEGER 0/1 column as the JSON boolean the Pact Broker answers."""
    return bool(value)


def record_links(version_url: str, kind: str, what: str, envs: list[EnvironmentRow]) -> list[Doc]:
    """Links to record a deployment or release of a version to each environment."""
    return [
        {
            "href": version_url + f"/{kind}/environment/" + segment(e["uuid"]),
            "title": f"Record {what} to {e.get('display_name') or e['name']}",
            "name": e["name"],
        }
        for e in envs
    ]


class UrlBase:
    """Absolute URLs of broker resources under one base URL."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def __call__(self, *segments: str) -> str:
        return self.base + "".join("/" + segment(s) for s in segments)

    # ---------------------------------------------------------------- simple urls
    def pacticipant(self, name: str) -> str:
        return self("pacticipants", name)

    def version(self, name: str, number: str) -> str:
        return self("pacticipants", name, "versions", number)

    def pact(self, provider: str, consumer: str, number: str) -> str:
        return self("pacts", "provider", provider, "consumer", consumer, "version", number)

    def pact_version(self, provider: str, consumer: str, sha: str) -> str:
        return self("pacts", "provider", provider, "consumer", consumer, "pact-version", sha)

    def environment(self, uuid: str) -> str:
        return self("environments", uuid)

    def verification(self, row: VerificationRow) -> str:
        return self.pact_version(row["provider"], row["consumer"], row["sha"]) + (
            f"/verification-results/{row['number']}"
        )
