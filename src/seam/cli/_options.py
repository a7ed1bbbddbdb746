"""Options shared by several commands, declared once."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from seam._layout import DEFAULT_CONTRACTS
from seam.errors import CheckFailed
from seam.model import Report, Severity

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "markdown", "github", "junit")
# The longest wait any option accepts: a day is past every real timeout, and keeps the
# milliseconds within what the Rust verifier takes.
MAX_SECONDS = 86_400.0


class Seconds(click.FloatRange):
    """A finite number of seconds in a range.

    ``click.FloatRange`` lets ``nan`` through (every comparison with it is false), and a
    ``nan`` timeout waits forever or crashes whatever receives it.
    """

    name = "seconds"

    def __init__(self, *, min_open: bool = True) -> None:
        super().__init__(min=0.0, max=MAX_SECONDS, min_open=min_open)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def format_option(choices: tuple[str, ...] = FORMATS) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help="Report format.",
    )


def include_info_option(func: F) -> F:
    """``--include-info``: a pull-request comment lists info findings too."""
    return click.option(
        "--include-info",
        is_flag=True,
        help="With --format markdown, list info findings too (by default only counted).",
    )(func)


def output_option(func: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the report to this file instead of standard output.",
    )(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "never"]),
        default="error",
        show_default=True,
        help="Exit 1 when a finding reaches this severity.",
    )(func)


def contracts_option(
    help: str = "The contracts folder holding pacts/ and openapi/.",
) -> Callable[[F], F]:
    """``--contracts DIR`` (default ``contracts``), passed as ``contracts_dir``."""
    return click.option(
        "--contracts",
        "contracts_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_CONTRACTS,
        show_default=True,
        help=help,
    )


def allow_remote_refs_option(func: F) -> F:
    """``--allow-remote-refs``: the one way a document's $refs may reach the network."""
    return click.option(
        "--allow-remote-refs",
        is_flag=True,
        help="Let the document's $refs fetch remote URLs (never done otherwise).",
    )(func)


def parse_fail_on(value: str) -> Severity | None:
    return None if value == "never" else Severity.parse(value)


def exit_failed(failed: bool, message: str = "") -> None:
    """Exit 1 when ``failed``: the one way a command says that its check failed.

    Raises :class:`~seam.errors.CheckFailed`, so ``seam.cli`` maps it to its exit code with
    every other error. Call it after the report is written: the report says why, and
    ``message``, when given, adds one ``error:`` line on standard error.

    Raises:
        CheckFailed: when ``failed``.
    """
    if failed:
        raise CheckFailed(message)


def broker_options(func: F) -> F:
    """``-b/-k/-u/-p`` with the official Pact CLI's environment variables."""
    options = [
        click.option(
            "--broker-base-url", "-b", envvar="PACT_BROKER_BASE_URL", help="Pact Broker URL."
        ),
        click.option(
            "--broker-token", "-k", envvar="PACT_BROKER_TOKEN", help="Bearer token for the broker."
        ),
        click.option(
            "--broker-username", "-u", envvar="PACT_BROKER_USERNAME", help="Basic auth username."
        ),
        click.option(
            "--broker-password", "-p", envvar="PACT_BROKER_PASSWORD", help="Basic auth password."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def emit(
    report: Report, fmt: str, output: Path | None = None, *, include_info: bool = False
) -> None:
    """Render ``report`` and write it to ``output`` or standard output.

    Text on a terminal is coloured (see :mod:`seam.cli._terminal`); a file or a pipe
    gets the plain bytes.
    """
    from seam.cli._terminal import color_enabled
    from seam.reporters import render

    color = output is None and color_enabled(sys.stdout)
    rendered = render(report, fmt, include_info=include_info, color=color)
    if output is None:
        click.echo(rendered, nl=False, color=color or None)
    else:
        output.write_text(rendered, encoding="utf-8")


# [tool.seam] key → the parameter it gives a default to, in every command that has one.
_CONFIG_PARAMS = {
    "contracts": "contracts_dir",
    "provider": "provider",
    "broker-url": "broker_base_url",
    "ignore-file": "ignore_file",
    "states": "states_spec",
}
_PATH_KEYS = frozenset({"contracts", "ignore-file"})


def config_values(cwd: Path) -> dict[str, Any]:
    """The nearest ``[tool.seam]``'s settings, by the name of the parameter each one fills.

    Raises:
        ConfigError: the table cannot be read or holds an unknown key.
    """
    from seam._config import find_pyproject, read_tool_table

    pyproject = find_pyproject(cwd)
    if pyproject is None:
        return {}
    table = read_tool_table(pyproject)
    values: dict[str, Any] = {}
    for key, param in _CONFIG_PARAMS.items():
        value = table.path(key, cwd) if key in _PATH_KEYS else table.text(key)
        if value is not None:
            values[param] = value
    return values


def default_map(group: click.Group, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as a click ``default_map``: each command gets the ones it has a parameter for.

    click looks a default up in the map after the command line and the option's
    environment variable, so the precedence is command line > env var > [tool.seam] >
    built-in default.
    """
    out: dict[str, Any] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            nested = default_map(command, values)
            if nested:
                out[name] = nested
            continue
        own = {p.name: values[p.name] for p in command.params if p.name in values}
        if own:
            out[name] = own
    return out


CONFIG_META = "seam.config"


def configured_contracts() -> Path:
    """The contracts folder ``[tool.seam]`` names, for commands without ``--contracts``."""
    ctx = click.get_current_context(silent=True)
    values = ctx.find_root().meta.get(CONFIG_META, {}) if ctx is not None else {}
    return Path(values.get("contracts_dir") or DEFAULT_CONTRACTS)
