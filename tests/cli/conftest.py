"""Fixtures the CLI tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on sys.path where a test can write importable modules."""
    directory = tmp_path / "modules"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    return directory
