"""Fixtures for the diff tests: write two documents, diff them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.diff import diff
from seam.model import Report

_counter = itertools.count()

Differ = Callable[..., Report]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[Any, str], Path]:
    """Write a document (dict as JSON, str as is) to a fresh file under tmp_path."""

    def _write(doc: Any, name: str = "") -> Path:
        path = tmp_path / (name or f"doc{next(_counter)}.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run_diff(write: Callable[[Any, str], Path]) -> Differ:
    """Diff two documents given as dicts; keyword arguments go to ``seam.diff.diff``."""

    def _run(base: Any, revision: Any, **kwargs: Any) -> Report:
        return diff(write(base, ""), write(revision, ""), **kwargs)

    return _run
