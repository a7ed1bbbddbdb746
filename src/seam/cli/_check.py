"""`contracts check` (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.command("check")
def check() -> None:
    """Not built yet."""
    raise UsageError("contracts check is not built yet")


COMMANDS = [check]
