"""`contracts broker serve`: the embedded Pact Broker over SQLite or PostgreSQL."""

from __future__ import annotations

import ipaddress
import signal
import socket
from pathlib import Path
from types import FrameType
from typing import Any

import click

from seam.errors import UsageError


@click.group("broker")
def broker() -> None:
    """Embedded Pact Broker: the Pact Broker HTTP API over SQLite or PostgreSQL."""


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port "
            "(0 lets the system choose)"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _graceful_server() -> type[Any]:
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn, minus re-raising the stop signal after shutdown: a requested stop exits 0."""

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True  # a second Ctrl-C skips waiting for connections
            else:
                self.should_exit = True

    return GracefulServer


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@broker.command("serve")
@click.option(
    "--db",
    "db",
    required=True,
    envvar="SEAM_BROKER_DATABASE_URL",
    metavar="FILE|URL",
    help=(
        "SQLite database file, or postgresql://user:password@host:port/database for several "
        "instances on one database (created or migrated when needed)."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=9292,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (the URL is printed).",
)
@click.option("--token", envvar="SEAM_BROKER_TOKEN", help="Bearer token every request needs.")
@click.option(
    "--read-token", envvar="SEAM_BROKER_READ_TOKEN", help="Bearer token that may only read."
)
@click.option(
    "--write-token", envvar="SEAM_BROKER_WRITE_TOKEN", help="Bearer token that may read and write."
)
@click.option(
    "--base-url",
    default=None,
    help="Public base URL for links (default: the address each request was sent to).",
)
@click.option(
    "--max-body-bytes",
    default=10 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(1024),
    help="Refuse request bodies larger than this (413).",
)
def serve(
    db: str,
    host: str,
    port: int,
    token: str | None,
    read_token: str | None,
    write_token: str | None,
    base_url: str | None,
    max_body_bytes: int,
) -> None:
    """Serve the Pact Broker API (publish, pacts, matrix, can-i-deploy, environments).

    Official clients (the `pact broker` CLI, pact-python's Verifier) and `contracts
    publish` / `can-i-deploy` talk to it as to a Pact Broker. Stop it with Ctrl-C.

    Exit codes: 0 stopped cleanly, 2 bad options, unusable --db or port in use,
    3 the PostgreSQL server does not answer.
    """
    import uvicorn

    from seam.server import create_app, is_database_url

    if not is_database_url(db) and not Path(db).parent.exists():
        raise UsageError(f"the directory of --db {db} does not exist; create it first")
    app = create_app(
        db,
        token=token,
        read_token=read_token,
        write_token=write_token,
        base_url=base_url,
        max_body_bytes=max_body_bytes,
    )
    if not _is_loopback(host) and not (token or write_token):
        click.echo(
            f"warning: listening on {host} without --token: anyone who can reach it can write",
            err=True,
        )
    sock = _bind(host, port)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = _graceful_server()(config)
    # A stop request between printing the URL and uvicorn taking over the signals only
    # marks the server as stopping (uvicorn checks right after start-up). Raising there
    # instead could land inside uvicorn's start-up and leave it hanging.
    for handled in (signal.SIGINT, signal.SIGTERM):
        signal.signal(handled, server.handle_exit)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    database = app.state.service.storage.path
    click.echo(f"Seam broker listening on http://{shown}:{bound_port} (database {database})")
    click.echo("Press Ctrl-C to stop.", err=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    click.echo("Seam broker stopped.", err=True)


COMMANDS = [broker]
