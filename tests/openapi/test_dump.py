"""Canonical YAML output."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seam.openapi import dump_yaml, parse_document_text

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda c: (
        st.lists(c, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), c, max_size=4)
    ),
    max_leaves=15,
)


@given(st.dictionaries(st.text(min_size=1, max_size=8), values, min_size=1))
def test_dump_round_trips(doc: dict[str, Any]) -> None:
    """What `dump_yaml` writes reads back to the same value."""
    assert parse_document_text(dump_yaml(doc)) == doc


@pytest.mark.parametrize(
    "text", ["_0", "1_000_", "__1", "._5", "1e_3", "+0x1", "-0b1", "0B1", "0X1f", "-0o7", "0O7"]
)
def test_strings_the_reader_would_take_for_numbers_are_quoted(text: str) -> None:
    """yaml-rs reads underscores, signs and upper-case prefixes in numbers: such text is quoted."""
    out = dump_yaml({text: text})
    assert out == f"'{text}': '{text}'\n"
    assert parse_document_text(out) == {text: text}


@pytest.mark.parametrize("text", ["snake_case", "a_1", "_", "1.2.3", "0x1.8p1"])
def test_strings_that_read_back_as_strings_stay_plain(text: str) -> None:
    """Only what would read back as a non-string is quoted: snapshots stay as they were."""
    assert dump_yaml({"k": text}) == f"k: {text}\n"


def test_shared_objects_are_written_without_anchors() -> None:
    """A sub-document used twice is written out twice, never as an anchor and alias."""
    shared = {"type": "string"}
    text = dump_yaml({"a": shared, "b": shared})
    assert "&" not in text and "*" not in text


def test_key_order_does_not_matter() -> None:
    """The same mapping in another key order gives the same bytes."""
    assert dump_yaml({"b": 1, "a": {"d": 2, "c": 3}}) == dump_yaml({"a": {"c": 3, "d": 2}, "b": 1})
