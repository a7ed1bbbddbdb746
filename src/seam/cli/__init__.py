"""The ``contracts`` command line.

Every command parses options, calls one library function that returns a
``Report`` (or does one thing), hands the report to a reporter and returns an exit
code. Exit codes are mapped here, in one place (a failed check raises ``CheckFailed``,
through ``_options.exit_failed``):

    0 ok · 1 the check failed · 2 usage error or bad input · 3 a service unreachable

Command modules import their library lazily so ``contracts --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from seam import __version__
from seam.cli._options import CONFIG_META, config_values, default_map
from seam.cli._terminal import no_color_option
from seam.errors import EXIT_USAGE, SeamError

__all__ = ["main"]


class _SeamGroup(click.Group):
    """A click group that turns every ``SeamError`` into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SeamError as exc:
            if str(exc):  # a bare CheckFailed: the report already said why
                click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as exc:
            # A file that cannot be read or written is bad input, not a crash.
            if os.environ.get("SEAM_DEBUG"):
                raise
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=_SeamGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="contracts")
@no_color_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """Seam: consumer-driven contract testing.

    Defaults come from [tool.seam] in the nearest pyproject.toml (contracts, provider,
    broker-url, ignore-file, states); an option or its environment variable wins over it.

    Text output is coloured, and long runs show progress, on a terminal; NO_COLOR,
    --no-color or a pipe get plain text (FORCE_COLOR forces colour).
    SEAM_DEBUG=1 shows tracebacks of file errors.

    Exit codes: 0 ok, 1 check failed, 2 usage error or bad input,
    3 a service (provider, broker) could not be reached.
    """
    # Read here, before the command parses its options, so that its defaults (and its
    # --help) show the table's values; a bad table is one error line and exit 2.
    values = config_values(Path.cwd())
    ctx.meta[CONFIG_META] = values
    ctx.default_map = {**default_map(main, values), **(ctx.default_map or {})}


def _register() -> None:
    from seam.cli import (
        _broker,
        _check,
        _diff,
        _github,
        _init,
        _server,
        _snapshot,
        _usage,
        _verify,
    )

    for module in (_init, _snapshot, _verify, _diff, _check, _usage, _github, _broker, _server):
        for command in module.COMMANDS:
            main.add_command(command)
    _show_envvars(main)


def _show_envvars(group: click.Group) -> None:
    """Every option that reads an environment variable says which in ``--help``.

    Set here, over the whole tree, so that no command can forget it.
    """
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _show_envvars(command)
        for param in command.params:
            if isinstance(param, click.Option) and param.envvar:
                param.show_envvar = True


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
