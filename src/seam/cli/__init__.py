"""The ``contracts`` command line.

Every command parses options, calls one library function that returns a
``Report`` (or does one thing), hands the report to a reporter and returns an exit
code. Exit codes are mapped here, in one place:

    0 ok · 1 the check failed · 2 usage error or bad input · 3 a service unreachable

Command modules import their library lazily so ``contracts --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from seam import __version__
from seam.errors import EXIT_USAGE, SeamError

__all__ = ["main"]


class _SeamGroup(click.Group):
    """A click group that turns every ``SeamError`` into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SeamError as exc:
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
def main() -> None:
    """Seam: consumer-driven contract testing.

    Exit codes: 0 ok, 1 check failed, 2 usage error or bad input,
    3 a service (provider, broker) could not be reached.
    """


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


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
