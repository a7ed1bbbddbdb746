"""The `contracts` group: help, version and the exit-code map."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
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


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    """Each command and nested subcommand answers `--help` with exit 0 and its usage line."""
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="contracts")
    assert result.exit_code == 0, result.output
    assert f"Usage: contracts {' '.join(path)}" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown command exits 2."""
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2


def _env_options(group: click.Group, prefix: tuple[str, ...] = ()) -> list[object]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_env_options(command, (*prefix, name)))
            continue
        for param in command.params:
            if isinstance(param, click.Option) and param.envvar:
                found.append(pytest.param((*prefix, name), param, id=f"{name} {param.opts[0]}"))
    return found


@pytest.mark.parametrize(("path", "option"), _env_options(main))
def test_help_names_the_environment_variable_each_option_reads(
    path: tuple[str, ...], option: click.Option
) -> None:
    """Every option with an environment variable shows it in its command's --help."""
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="contracts")
    help_text = " ".join(result.output.split())
    assert f"env var: {option.envvar}" in help_text


def test_help_names_no_color() -> None:
    """`contracts --help` says NO_COLOR and FORCE_COLOR decide colour as --no-color does."""
    result = CliRunner().invoke(main, ["--help"])
    text = " ".join(result.output.split())
    assert "--no-color" in text and "NO_COLOR" in text and "FORCE_COLOR" in text


def test_shell_completion_script_and_answers() -> None:
    """The README's completion line prints a bash script, and completing `ch` offers check."""
    contracts = str(Path(sys.executable).with_name("contracts"))
    script = subprocess.run(
        [contracts],
        env={**os.environ, "_CONTRACTS_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "complete -o nosort -F" in script.stdout
    answer = subprocess.run(
        [contracts],
        env={
            **os.environ,
            "_CONTRACTS_COMPLETE": "bash_complete",
            "COMP_WORDS": "contracts ch",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.split() == ["plain,check"]
