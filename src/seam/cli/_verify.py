"""`contracts verify` (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.command("verify")
def verify() -> None:
    """Not built yet."""
    raise UsageError("contracts verify is not built yet")


COMMANDS = [verify]
