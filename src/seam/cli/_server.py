"""`contracts broker serve`: the embedded Pact Broker (being built; see the open issue)."""

from __future__ import annotations

import click

from seam.errors import UsageError


@click.group("broker")
def broker() -> None:
    """Embedded Pact Broker (not built yet)."""


@broker.command("serve")
def serve() -> None:
    """Not built yet."""
    raise UsageError("contracts broker serve is not built yet")


COMMANDS = [broker]
