"""Fixtures the CLI tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

# The broker commands' tests run against the broker fixtures of tests/broker (a served
# embedded broker, unique names, pact files); importing them here makes them fixtures of
# tests/cli too, with one definition.
from ..broker.conftest import (  # noqa: F401
    broker_db,
    secured_broker,
    served_broker,
    unique,
    write_pact,
)


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on sys.path where a test can write importable modules."""
    directory = tmp_path / "modules"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    return directory
