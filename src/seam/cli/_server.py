"""`contracts broker serve`: the embedded Pact Broker over SQLite or PostgreSQL."""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import sys
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


def _schedule(text: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        delays = (-1.0,)
    if any(delay < 0 for delay in delays):
        raise UsageError(
            f"--webhook-retry-schedule {text!r} must be seconds separated by commas, "
            "such as 10,60,300"
        )
    return delays


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
    "--basic-auth-user",
    envvar="PACT_BROKER_BASIC_AUTH_USERNAME",
    help="Basic-auth user that may read and write (the Pact Broker's setting; prefer the env var).",
)
@click.option(
    "--basic-auth-password",
    envvar="PACT_BROKER_BASIC_AUTH_PASSWORD",
    help="Its password (env PACT_BROKER_BASIC_AUTH_PASSWORD keeps it out of `ps`).",
)
@click.option(
    "--basic-auth-read-only-user",
    envvar="PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME",
    help="Basic-auth user that may only read (GET; 403 on writes).",
)
@click.option(
    "--basic-auth-read-only-password",
    envvar="PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD",
    help="Its password.",
)
@click.option(
    "--allow-public-read",
    is_flag=True,
    envvar="PACT_BROKER_ALLOW_PUBLIC_READ",
    help="Reads need no credentials; writes still need the read/write user or a token.",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="One line per request on standard error: method, path, status, ms, route.",
)
@click.option(
    "--drain-seconds",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    help="On SIGTERM, how long in-flight requests may take to finish before the exit.",
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
# The two defaults are seam.server._storage's DEFAULT_POOL_*, written out so that --help needs
# no server import (a test holds them equal).
@click.option(
    "--db-pool-size",
    default=10,
    show_default=True,
    envvar="SEAM_BROKER_DB_POOL_SIZE",
    type=click.IntRange(1),
    help="PostgreSQL: the most database connections this instance opens.",
)
@click.option(
    "--db-pool-timeout",
    default=5.0,
    show_default=True,
    envvar="SEAM_BROKER_DB_POOL_TIMEOUT",
    type=click.FloatRange(0.1),
    help="PostgreSQL: seconds a request waits for a free connection before it is answered "
    "503 with Retry-After.",
)
@click.option(
    "--webhooks/--no-webhooks",
    default=True,
    show_default=True,
    help="Run the webhook delivery worker (several instances on one database share the work).",
)
@click.option(
    "--webhook-lease",
    default=120.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds a claimed delivery stays this instance's before another may send it.",
)
@click.option(
    "--webhook-poll",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01),
    help="Seconds between looks for due webhook deliveries.",
)
@click.option(
    "--webhook-retry-schedule",
    default="10,60,120,300,600,1200",
    show_default=True,
    help="Seconds to wait before each retry of a failed delivery, comma-separated.",
)
def serve(
    db: str,
    host: str,
    port: int,
    token: str | None,
    read_token: str | None,
    write_token: str | None,
    basic_auth_user: str | None,
    basic_auth_password: str | None,
    basic_auth_read_only_user: str | None,
    basic_auth_read_only_password: str | None,
    allow_public_read: bool,
    access_log: bool,
    drain_seconds: int,
    base_url: str | None,
    max_body_bytes: int,
    db_pool_size: int,
    db_pool_timeout: float,
    webhooks: bool,
    webhook_lease: float,
    webhook_poll: float,
    webhook_retry_schedule: str,
) -> None:
    """Serve the Pact Broker API (publish, pacts, matrix, can-i-deploy, environments).

    Official clients (the `pact broker` CLI, pact-python's Verifier) and `contracts
    publish` / `can-i-deploy` talk to it as to a Pact Broker. Stop it with Ctrl-C. On
    SIGTERM it drains: it stops accepting connections, lets in-flight requests finish
    (up to --drain-seconds) and exits 0.

    Exit codes: 0 stopped cleanly, 2 bad options, unusable --db or port in use,
    3 the PostgreSQL server does not answer.
    """
    import uvicorn

    from seam.server import DeliverySettings, create_app, is_database_url

    if not is_database_url(db) and not Path(db).parent.exists():
        raise UsageError(f"the directory of --db {db} does not exist; create it first")
    settings = (
        DeliverySettings(
            retry_schedule=_schedule(webhook_retry_schedule),
            lease_seconds=webhook_lease,
            poll_seconds=webhook_poll,
        )
        if webhooks
        else None
    )
    app = create_app(
        db,
        token=token,
        read_token=read_token,
        write_token=write_token,
        basic_auth_user=basic_auth_user,
        basic_auth_password=basic_auth_password,
        read_only_user=basic_auth_read_only_user,
        read_only_password=basic_auth_read_only_password,
        allow_public_read=allow_public_read,
        base_url=base_url,
        max_body_bytes=max_body_bytes,
        access_log=access_log,
        webhooks=settings,
        db_pool_size=db_pool_size,
        db_pool_timeout=db_pool_timeout,
    )
    # Open (and migrate) now, so an unusable --db is exit 2 before the port is taken; the
    # app's lifespan closes it at shutdown.
    app.open()
    if access_log:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger = logging.getLogger("seam.server.access")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    if not _is_loopback(host) and not (token or write_token or basic_auth_user):
        click.echo(
            f"warning: listening on {host} without --token or --basic-auth-user: anyone who "
            "can reach it can write",
            err=True,
        )
    sock = _bind(host, port)
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        access_log=False,
        timeout_graceful_shutdown=drain_seconds,
    )
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


@broker.command("clean")
@click.option(
    "--db",
    "db",
    required=True,
    envvar="SEAM_BROKER_DATABASE_URL",
    metavar="FILE|URL",
    help="The broker's SQLite database file, or its postgresql://user:password@host:port/"
    "database URL (as broker serve takes).",
)
@click.option(
    "--keep",
    "keep",
    multiple=True,
    metavar="JSON",
    help='A keep selector, e.g. \'{"branch": true, "latest": true}\' (repeat; default: the '
    "newest of each branch and tag, deployed and released versions, the last 90 days).",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def clean_command(db: str, keep: tuple[str, ...], dry_run: bool, fmt: str) -> None:
    """Remove old versions, pacts and verifications that no keep selector keeps.

    Never removes a version an environment still uses (currently deployed or supported)
    nor the newest version of a pacticipant. Safe while brokers serve the database: each
    version goes in its own short transaction.

    Exit codes: 0 done, 2 bad selectors or an unusable --db, 3 the PostgreSQL server does
    not answer.
    """
    import json

    from seam.server import Storage, clean, is_database_url, parse_keep_selectors

    if not is_database_url(db) and not Path(db).is_file():
        # Opening a missing SQLite file would create an empty broker and clean nothing.
        raise UsageError(
            f"--db {db} is not a broker database file; give the file broker serve uses"
        )

    docs = []
    for text in keep:
        try:
            docs.append(json.loads(text))
        except ValueError:
            raise UsageError(
                f"--keep {text!r} is not JSON; write a selector such as '{{\"latest\": true}}'"
            ) from None
    selectors = parse_keep_selectors(docs) if docs else None
    storage = Storage(db)
    try:
        result = clean(storage, selectors, dry_run=dry_run)
    finally:
        storage.close()
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
        return
    verb = "Would remove" if dry_run else "Removed"
    for pacticipant, number in result.removed:
        click.echo(f"{verb} {pacticipant} version {number}")
    for pacticipant, number in result.skipped:
        click.echo(f"Kept {pacticipant} version {number}: an environment started using it")
    summary = f"{verb} {len(result.removed)} version(s); kept {result.kept}"
    if not dry_run:
        summary += f"; removed {result.pact_versions_removed} unused pact version(s)"
    if result.deliveries_removed:
        summary += f"; {verb.lower()} {result.deliveries_removed} old webhook delivery log entries"
    click.echo(summary + ".")


COMMANDS = [broker]
