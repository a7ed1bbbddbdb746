"""Canonical, atomic pact writing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seam.pactfile import canonical_json, write_pact

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values))
def test_canonical_json_round_trips_and_ignores_key_order(doc: dict[str, object]) -> None:
    """Canonical JSON parses back to the same value and is independent of key order."""
    text = canonical_json(doc)
    assert json.loads(text) == doc
    assert canonical_json(dict(reversed(list(doc.items())))) == text


def test_write_pact_replaces_atomically(tmp_path: Path) -> None:
    """The new content replaces the old and no temporary file is left behind."""
    target = tmp_path / "pacts" / "web-tasks-api.json"
    write_pact(target, {"b": 1, "a": 2})
    write_pact(target, {"c": 3})
    assert json.loads(target.read_text(encoding="utf-8")) == {"c": 3}
    assert os.listdir(target.parent) == ["web-tasks-api.json"]


def test_failed_write_leaves_old_file(tmp_path: Path) -> None:
    """A document that cannot be serialised leaves the previous file untouched."""
    target = tmp_path / "p.json"
    write_pact(target, {"ok": True})
    with pytest.raises(TypeError):
        write_pact(target, {"bad": object()})
    assert json.loads(target.read_text(encoding="utf-8")) == {"ok": True}
    assert os.listdir(tmp_path) == ["p.json"]
