"""`contracts diff` (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.command("diff")
def diff() -> None:
    """Not built yet."""
    raise UsageError("contracts diff is not built yet")


COMMANDS = [diff]
