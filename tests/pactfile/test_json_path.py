"""Pact's JSON-path dialect."""

from __future__ import annotations

import pytest

from seam.pactfile import parse_json_path


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        pytest.param("$", [], id="root"),
        pytest.param("$.items[*].id", ["items", "*", "id"], id="star"),
        pytest.param("$.a[0].b", ["a", 0, "b"], id="index"),
        pytest.param("$['a.b'].c", ["a.b", "c"], id="quoted"),
        pytest.param("$.*", ["*"], id="dot-star"),
        pytest.param("Content-Type", ["Content-Type"], id="bare-header-name"),
    ],
)
def test_parse(path: str, segments: list[object]) -> None:
    """Each form splits into the expected segments."""
    assert parse_json_path(path) == segments


def test_unparseable_path() -> None:
    """An unbalanced bracket is a ValueError."""
    with pytest.raises(ValueError, match="cannot parse"):
        parse_json_path("$.a[")
