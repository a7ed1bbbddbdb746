"""`contracts snapshot` (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.command("snapshot")
def snapshot() -> None:
    """Not built yet."""
    raise UsageError("contracts snapshot is not built yet")


COMMANDS = [snapshot]
