"""Broker client commands: publish, can-i-deploy, deployments (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.command("publish")
def publish() -> None:
    """Not built yet."""
    raise UsageError("contracts publish is not built yet")


COMMANDS = [publish]
