"""Options shared by several commands, declared once."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

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
        default=Path("contracts"),
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
    """Render ``report`` and write it to ``output`` or standard output."""
    from seam.reporters import render

    rendered = render(report, fmt, include_info=include_info)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        output.write_text(rendered, encoding="utf-8")
