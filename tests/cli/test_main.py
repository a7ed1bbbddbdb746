"""The `contracts` group: help, version and the exit-code map."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from seam import __version__
from seam.cli import main


def test_help_lists_every_command() -> None:
    """`contracts --help` names every registered command."""
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


def test_version() -> None:
    """`contracts --version` prints the package version."""
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    """Each subcommand answers `--help` with exit 0 and a usage line."""
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {name}" in result.output or f"Usage: contracts {name}" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown command exits 2."""
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2
