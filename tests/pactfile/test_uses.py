"""What an interaction uses: fields read, parameters sent, statuses expected."""

from __future__ import annotations

from typing import Any

import pytest

from seam.pactfile import Interaction, dotted, expects_status, has_field, parse_pact, sent_parameter


def _interaction(request: dict[str, Any], status: int = 200) -> Interaction:
    pact = parse_pact(
        {
            "consumer": {"name": "web"},
            "provider": {"name": "api"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": [
                {
                    "description": "a call",
                    "request": {"method": "GET", "path": "/x", **request},
                    "response": {"status": status},
                }
            ],
        }
    )
    return pact.interactions[0]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(("items", "[]", "id"), True, id="array-item-field"),
        pytest.param(("items", "[]", "name"), False, id="no-item-has-it"),
        pytest.param(("total",), True, id="top-level"),
        pytest.param(("total", "x"), False, id="not-an-object"),
        pytest.param((), True, id="whole-body"),
    ],
)
def test_has_field(path: tuple[str, ...], expected: bool) -> None:
    """A field is read when the body holds it; `[]` means some item of an array."""
    body = {"items": [{"id": 1}, {"other": 2}], "total": 2}
    assert has_field(body, path) is expected


def test_dotted_writes_array_items_as_brackets() -> None:
    """A field path reads as people write it."""
    assert dotted(("items", "[]", "id")) == "items[].id"


def test_sent_parameter_per_location() -> None:
    """Query, header (any case), cookie and path parameters are found where they are sent."""
    interaction = _interaction(
        {"query": "limit=5", "headers": {"X-Trace": "t1", "Cookie": "session=abc; theme=dark"}}
    )
    assert sent_parameter(interaction, "query", "limit") == ["5"]
    assert sent_parameter(interaction, "query", "page") is None
    assert sent_parameter(interaction, "header", "x-trace") == ["t1"]
    assert sent_parameter(interaction, "cookie", "theme") == "dark"
    assert sent_parameter(interaction, "path", "id", {"id": "a%20b"}) == "a b"


@pytest.mark.parametrize(
    ("key", "expected"),
    [("404", True), ("4XX", True), ("default", True), ("400", False), ("5XX", False)],
)
def test_expects_status(key: str, expected: bool) -> None:
    """An OpenAPI status key covers the interaction's status exactly, by range or by default."""
    assert expects_status(key, _interaction({}, status=404)) is expected
