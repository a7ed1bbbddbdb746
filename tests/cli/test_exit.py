"""Exit 1 has one way out: `exit_failed`, a bare `CheckFailed` mapped by the `contracts` group."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.cli._options import exit_failed
from seam.errors import EXIT_FAILED, CheckFailed

ROOT = Path(__file__).resolve().parents[2]


def test_failed_check_exits_1_without_an_error_line() -> None:
    """A check that fails exits 1 with its report on stdout and nothing on stderr."""
    result = CliRunner().invoke(
        main,
        [
            "diff",
            str(ROOT / "contracts/openapi/tasks-api.yaml"),
            str(ROOT / "contracts/openapi/web-tasks-api.yaml"),
            "--fail-on",
            "warning",
        ],
    )
    assert result.exit_code == EXIT_FAILED, result.output
    assert "warning(s)" in result.stdout
    assert result.stderr == ""


def test_exit_failed_with_a_message_raises_check_failed_saying_it() -> None:
    """`exit_failed(True, message)` raises CheckFailed carrying the message; False returns."""
    exit_failed(False, "never shown")
    with pytest.raises(CheckFailed, match=r"^the snapshot is stale$") as info:
        exit_failed(True, "the snapshot is stale")
    assert info.value.exit_code == EXIT_FAILED
