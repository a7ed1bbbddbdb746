"""Media-type negotiation between a pact's headers and the spec's content types."""

from __future__ import annotations

import pytest

from seam.compat._media import find_matching_type
from seam.pactfile import is_json


@pytest.mark.parametrize(
    ("wanted", "offered", "found"),
    [
        pytest.param("application/json", ["application/json"], "application/json", id="exact"),
        pytest.param(
            "application/json; charset=utf-8",
            ["application/json"],
            "application/json",
            id="parameters-ignored",
        ),
        pytest.param(
            "application/vnd.api+json", ["application/json"], "application/json", id="vendor-suffix"
        ),
        pytest.param("text/plain", ["text/*"], "text/*", id="spec-wildcard"),
        pytest.param("*/*", ["application/xml"], "application/xml", id="pact-wildcard"),
        pytest.param(
            "text/html;q=0.1, application/json",
            ["application/json", "text/html"],
            "application/json",
            id="quality-order",
        ),
        pytest.param("text/html", ["application/json"], None, id="no-match"),
    ],
)
def test_find_matching_type(wanted: str, offered: list[str], found: str | None) -> None:
    """The first offered type the pact's Content-Type or Accept list accepts."""
    assert find_matching_type(wanted, offered) == found


@pytest.mark.parametrize(
    ("media", "json_like"),
    [("application/json", True), ("application/problem+json", True), ("text/csv", False)],
)
def test_is_json(media: str, json_like: bool) -> None:
    """JSON and `+json` bodies are validated; others are not."""
    assert is_json(media) is json_like
