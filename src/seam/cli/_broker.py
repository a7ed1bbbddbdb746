"""Broker client commands: publish, can-i-deploy, environments, deployments and releases.

Flags and environment variables follow the official ``pact broker`` CLI
(``-b/-k/-u/-p``, ``-a PACTICIPANT``, ``-e VERSION``, ``--to-environment``), so a
pipeline can switch between the two by changing the command name. Each command
calls one ``seam.broker`` function and hands its report to a reporter (``--format``,
``--output`` as in every command): the text is the official CLI's wording, ``json`` the
result as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from seam._layout import Layout
from seam.cli._options import (
    Seconds,
    broker_options,
    configured_contracts,
    emit,
    exit_failed,
    format_option,
    output_option,
)

if TYPE_CHECKING:
    from seam.broker import BrokerClient

F = TypeVar("F", bound=Callable[..., Any])


def _report_options(func: F) -> F:
    """``--format`` and ``--output``, as every report-writing command has them."""
    return format_option()(output_option(func))


def _client(
    broker_base_url: str | None,
    broker_token: str | None,
    broker_username: str | None,
    broker_password: str | None,
) -> BrokerClient:
    from seam.broker import BrokerClient

    return BrokerClient(
        broker_base_url, token=broker_token, username=broker_username, password=broker_password
    )


@click.command("publish")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--consumer-app-version", "-a", "version", required=True, help="The consumer version."
)
@click.option("--branch", help="Repository branch of the consumer version.")
@click.option("--tag", "-t", "tags", multiple=True, help="Tag for the consumer version (repeat).")
@click.option("--build-url", help="URL of the CI build that made the pacts.")
@broker_options
@_report_options
def publish(
    sources: tuple[Path, ...],
    version: str,
    branch: str | None,
    tags: tuple[str, ...],
    build_url: str | None,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Publish pact files (default: contracts/pacts) as one consumer version.

    SOURCES are pact files or directories of them. Exit 0 when the broker stored
    every pact, 2 when it refused one, 3 when it cannot be reached.
    """
    from seam.broker import collect_pact_files
    from seam.broker import publish as publish_pacts

    # Split a comma list as the official CLI does: -t a,b is two tags.
    tag_list = [t for tag in tags for t in tag.split(",") if t]
    pacts = collect_pact_files(sources or (Layout(configured_contracts()).pacts_dir,))
    with _client(**broker) as client:
        result = publish_pacts(
            client, pacts, version, branch=branch, tags=tag_list, build_url=build_url
        )
    emit(result.to_report(), fmt, output)


@click.command("can-i-deploy")
@click.option("--pacticipant", "-a", required=True, help="The application to deploy.")
@click.option("--version", "-e", "version", help="Its version number.")
@click.option(
    "--latest",
    "-l",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[TAG]",
    help="Use its latest version (with TAG, the latest with that tag).",
)
@click.option("--branch", help="Use the latest version on this branch.")
@click.option("--to-environment", help="The environment it is going to.")
@click.option("--to", "to_tag", help="The tag of the versions it must work with.")
@click.option(
    "--ignore",
    multiple=True,
    envvar="PACT_BROKER_CAN_I_DEPLOY_IGNORE",
    help="A pacticipant whose results do not count (repeat).",
)
@click.option(
    "--retry-while-unknown",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Ask again this many times while a verification result is missing.",
)
@click.option(
    "--retry-interval",
    type=Seconds(min_open=False),
    default=10.0,
    show_default=True,
    help="Seconds between those attempts.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    envvar="PACT_BROKER_CAN_I_DEPLOY_DRY_RUN",
    help="Show the verdict but always exit 0.",
)
@broker_options
@_report_options
def can_i_deploy(
    pacticipant: str,
    version: str | None,
    latest: str | None,
    branch: str | None,
    to_environment: str | None,
    to_tag: str | None,
    ignore: tuple[str, ...],
    retry_while_unknown: int,
    retry_interval: float,
    dry_run: bool,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Ask the broker whether a version can be deployed.

    Exit 0 when deployable, 1 when not (a failed or missing verification),
    2 on bad options or a refused query, 3 when the broker cannot be reached.
    """
    from seam.broker import Selector
    from seam.broker import can_i_deploy as ask

    selector = Selector(pacticipant, version=version, latest=latest, branch=branch)
    ignored = [name for item in ignore for name in item.split(",") if name]
    with _client(**broker) as client:
        result = ask(
            client,
            selector,
            to_environment=to_environment,
            to_tag=to_tag,
            ignore=ignored,
            retry_while_unknown=retry_while_unknown,
            retry_interval=retry_interval,
        )
    emit(result.to_report(), fmt, output)
    exit_failed(not result.ok and not dry_run)


@click.command("create-environment")
@click.option("--name", required=True, help="The environment's name, as used in deploy scripts.")
@click.option("--display-name", help="A human name (default: from --name).")
@click.option("--production/--no-production", default=False, help="Is it production?")
@click.option("--contact-name", help="The team or person responsible.")
@click.option("--contact-email-address", help="Their email address.")
@broker_options
@_report_options
def create_environment(
    name: str,
    display_name: str | None,
    production: bool,
    contact_name: str | None,
    contact_email_address: str | None,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Create an environment (e.g. test, production) to deploy to."""
    from seam.broker import create_environment as create

    with _client(**broker) as client:
        env = create(
            client,
            name,
            display_name=display_name,
            production=production,
            contact_name=contact_name,
            contact_email=contact_email_address,
        )
    emit(env.to_report(), fmt, output)


def _deployment_options(func: F) -> F:
    for option in reversed(
        [
            click.option("--pacticipant", "-a", required=True, help="The application."),
            click.option("--version", "-e", "version", required=True, help="Its version number."),
            click.option("--environment", required=True, help="The environment's name."),
        ]
    ):
        func = option(func)
    return func


@click.command("record-deployment")
@_deployment_options
@click.option("--application-instance", help="Which instance, when several run side by side.")
@broker_options
@_report_options
def record_deployment(
    pacticipant: str,
    version: str,
    environment: str,
    application_instance: str | None,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Record that a version is now deployed to an environment."""
    from seam.broker import record_deployment as record

    with _client(**broker) as client:
        done = record(
            client, pacticipant, version, environment, application_instance=application_instance
        )
    emit(done.to_report(), fmt, output)


@click.command("record-release")
@_deployment_options
@broker_options
@_report_options
def record_release(
    pacticipant: str,
    version: str,
    environment: str,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Record that a version is released to an environment (e.g. a mobile app store)."""
    from seam.broker import record_release as record

    with _client(**broker) as client:
        done = record(client, pacticipant, version, environment)
    emit(done.to_report(), fmt, output)


@click.command("record-undeployment")
@click.option("--pacticipant", "-a", required=True, help="The application.")
@click.option("--environment", required=True, help="The environment's name.")
@click.option("--application-instance", help="Only this instance.")
@broker_options
@_report_options
def record_undeployment(
    pacticipant: str,
    environment: str,
    application_instance: str | None,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Record that an application is no longer deployed to an environment."""
    from seam.broker import record_undeployment as record
    from seam.broker import undeployments_report

    with _client(**broker) as client:
        done = record(client, pacticipant, environment, application_instance=application_instance)
    emit(undeployments_report(done), fmt, output)


@click.command("describe-version")
@click.option("--pacticipant", "-a", required=True, help="The application.")
@click.option("--version", "-e", "version", help="The version number (default: the latest).")
@click.option(
    "--latest",
    "-l",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[TAG]",
    help="The latest version (with TAG, the latest with that tag).",
)
@broker_options
@_report_options
def describe_version(
    pacticipant: str,
    version: str | None,
    latest: str | None,
    fmt: str,
    output: Path | None,
    **broker: str | None,
) -> None:
    """Describe a version: its branches and tags."""
    from seam.broker import describe_version as describe

    with _client(**broker) as client:
        info = describe(client, pacticipant, version=version, latest=latest)
    emit(info.to_report(), fmt, output)


COMMANDS = [
    publish,
    can_i_deploy,
    create_environment,
    record_deployment,
    record_release,
    record_undeployment,
    describe_version,
]
