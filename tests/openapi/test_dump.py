"""Canonical YAML output."""

from __future__ import annotations

from typing import Any

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


def test_shared_objects_are_written_without_anchors() -> None:
    """A sub-document used twice is written out twice, never as an anchor and alias."""
    shared = {"type": "string"}
    text = dump_yaml({"a": shared, "b": shared})
    assert "&" not in text and "*" not in text


def test_key_order_does_not_matter() -> None:
    """The same mapping in another key order gives the same bytes."""
    assert dump_yaml({"b": 1, "a": {"d": 2, "c": 3}}) == dump_yaml({"a": {"c": 3, "d": 2}, "b": 1})
