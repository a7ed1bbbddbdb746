"""`contracts verify`: replay pacts against a running provider, with provider states."""

from __future__ import annotations

import json
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
from seam.cli._terminal import no_color_option, verify_progress
from seam.errors import UsageError

# Options a rerun of one interaction leaves out (name: how many values follow): what
# selects the interactions, what publishes or runs conformance, where the report went (the
# rerun prints to the terminal), and secrets, which a printed command must not show (the
# rerun reads them from PACT_BROKER_TOKEN / PACT_BROKER_PASSWORD instead).
_NOT_RERUN = {"--shard": 1, "--consumer": 1, "--interaction": 1, "--publish": 0}
_NOT_RERUN.update({"--output": 1, "-o": 1, "--junit": 1, "--format": 1})
_NOT_RERUN.update({"--conformance": 0, "--conformance-header": 1})
_NOT_RERUN.update({"--broker-token": 1, "-k": 1, "--broker-password": 1, "-p": 1})


class _RerunnableCommand(click.Command):
    """Keeps the arguments it was called with: failures print the command rerunning them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["seam.verify.args"] = list(args)
        return super().parse_args(ctx, args)


def _rerun_prefix(args: Sequence[str]) -> list[str]:
    """``contracts verify`` with ``args``, less the options a rerun of one interaction drops."""
    out = ["contracts", "verify"]
    skip = 0
    for arg in args:
        if skip:
            skip -= 1
            continue
        name, eq, _ = arg.partition("=")
        if name in _NOT_RERUN:
            skip = 0 if eq else _NOT_RERUN[name]
            continue
        if not arg.startswith("--") and arg[:2] in _NOT_RERUN:
            continue  # a short option with its value attached: -kTOKEN
        out.append(arg)
    return out


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _env_pairs(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--env {item!r}: expected KEY=VALUE")
        out[key] = value
    return out


def _default_pacts(broker: object | None) -> list[Path]:
    """``<contracts>/pacts`` ([tool.seam] may name the folder); none when a broker is given."""
    return [] if broker is not None else [Layout(configured_contracts()).pacts_dir]


def _selectors(values: tuple[str, ...], main_branch: bool, deployed: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for raw in values:
        try:
            selector = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: brackets nested 50,000 deep
            raise UsageError(
                f"--consumer-version-selector {raw!r} is not JSON; "
                "expected e.g. '{\"mainBranch\": true}'"
            ) from None
        if not isinstance(selector, dict):
            raise UsageError(f"--consumer-version-selector {raw!r}: expected a JSON object")
        out.append(selector)
    if main_branch:
        out.append({"mainBranch": True})
    if deployed:
        out.append({"deployedOrReleased": True})
    return out


@click.command("verify", cls=_RerunnableCommand)
@click.argument("pacts", nargs=-1, type=click.Path(path_type=Path))
@click.option("--provider", help="The provider's name; only its pacts are replayed.")
@click.option(
    "--base-url",
    help="Where the provider answers, e.g. http://127.0.0.1:8000 "
    "(with --start, {port} picks a free port).",
)
@click.option(
    "--start",
    metavar="CMD",
    help="Shell command that starts the provider; stopped afterwards. "
    "{port} and {worker} are filled in per worker.",
)
@click.option(
    "--ready-timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a started provider to answer.",
)
@click.option(
    "--states", "states_spec", metavar="MODULE:OBJ", help="Provider-state handlers to serve."
)
@click.option("--state-url", help="A state-change URL (standard protocol) instead of --states.")
@click.option(
    "--messages",
    "messages_spec",
    metavar="MODULE:OBJ",
    help="Message producers (seam.verify.ProviderMessages) to replay message interactions "
    "against; a provider with only messages needs no --base-url.",
)
@click.option(
    "--env",
    "env_items",
    multiple=True,
    metavar="KEY=VALUE",
    help="Environment for the provider and the state handlers ({worker} is filled in).",
)
@broker_options
@click.option(
    "--consumer-version-selector",
    "selector_json",
    multiple=True,
    metavar="JSON",
    help="A consumer version selector, e.g. '{\"mainBranch\": true}' (repeatable).",
)
@click.option("--main-branch", is_flag=True, help="Select the consumers' main branch pacts.")
@click.option(
    "--deployed-or-released", is_flag=True, help="Select deployed or released consumer pacts."
)
@click.option("--include-pending", is_flag=True, help="Include pending pacts (never fail).")
@click.option("--include-wip-since", metavar="DATE", help="Include WIP pacts since YYYY-MM-DD.")
@click.option("--publish", is_flag=True, help="Publish the verification results to the broker.")
@click.option("--provider-app-version", help="The provider version the results are for.")
@click.option("--branch", help="The provider's branch (published, and used for pending).")
@click.option("--tag", "tags", multiple=True, help="A provider version tag (repeatable).")
@click.option("--build-url", help="The CI build that ran the verification.")
@click.option("--conformance", is_flag=True, help="Also run schemathesis against the OpenAPI.")
@click.option(
    "--openapi",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Conformance: the provider's OpenAPI [default: <contracts>/openapi/<provider>.yaml, "
    "else the provider's /openapi.json].",
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Conformance: examples per operation and phase.",
)
@click.option("--seed", type=int, default=None, help="Conformance: the random seed.")
@click.option(
    "--conformance-header",
    "conformance_headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Conformance: a header on every generated request, e.g. a bearer token.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Verifier processes.",
)
@click.option(
    "--request-timeout",
    type=Seconds(),
    default=5.0,
    show_default=True,
    help="Seconds per request.",
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Verify the I-th of N shares of the interactions, local and the broker's (a CI "
    "matrix); join the N JSON reports with `contracts verify-merge` (--publish there).",
)
@click.option(
    "--consumer",
    "consumers",
    multiple=True,
    help="Replay only this consumer's interactions (repeatable).",
)
@click.option(
    "--interaction",
    "interactions",
    multiple=True,
    metavar="NAME",
    help="Replay only the interaction with this description, or this name as reports "
    "print it: 'DESCRIPTION (given STATE)' (repeatable). Every failure prints the command.",
)
@format_option(("text", "json", "github", "markdown", "junit"))
@output_option
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on standard error.")
@no_color_option
def verify(
    pacts: tuple[Path, ...],
    provider: str | None,
    base_url: str | None,
    start: str | None,
    ready_timeout: float,
    states_spec: str | None,
    state_url: str | None,
    messages_spec: str | None,
    env_items: tuple[str, ...],
    broker_base_url: str | None,
    broker_token: str | None,
    broker_username: str | None,
    broker_password: str | None,
    selector_json: tuple[str, ...],
    main_branch: bool,
    deployed_or_released: bool,
    include_pending: bool,
    include_wip_since: str | None,
    publish: bool,
    provider_app_version: str | None,
    branch: str | None,
    tags: tuple[str, ...],
    build_url: str | None,
    conformance: bool,
    openapi: Path | None,
    max_examples: int,
    seed: int | None,
    conformance_headers: tuple[str, ...],
    workers: int,
    request_timeout: float,
    shard: str | None,
    consumers: tuple[str, ...],
    interactions: tuple[str, ...],
    fmt: str,
    output: Path | None,
    junit_file: Path | None,
    quiet: bool,
) -> None:
    """Replay every pact interaction against the provider and report each one.

    PACTS are pact files or folders of them [default: <contracts>/pacts, where
    [tool.seam] may name the contracts folder]. Provider states come from --states
    (Python handlers, see seam.verify.ProviderStates) or a --state-url. Message
    interactions are replayed against --messages (Python producers keyed by message
    description, see seam.verify.ProviderMessages). With --broker-base-url the broker's
    pacts for verification are fetched too (selectors, pending, WIP), and --publish
    posts the results; --shard and --workers split them like local pacts (publish the
    shards' merge with `contracts verify-merge --publish`).

    Exit 0 when every interaction passed (pending ones never fail), 1 on a failure,
    2 for bad input or options, 3 when the provider or broker cannot be reached.
    """
    from seam.verify import (
        BrokerSource,
        ConformanceOptions,
        InteractionFilter,
        PublishOptions,
        ShardSpec,
    )
    from seam.verify import verify as run_verify

    ctx = click.get_current_context()

    broker = None
    if broker_base_url:
        broker = BrokerSource(
            url=broker_base_url,
            token=broker_token,
            username=broker_username,
            password=broker_password,
            selectors=_selectors(selector_json, main_branch, deployed_or_released),
            include_pending=include_pending,
            include_wip_since=include_wip_since,
            provider_branch=branch,
            provider_tags=list(tags),
        )
    elif selector_json or main_branch or deployed_or_released or include_pending:
        raise UsageError("consumer version selectors need --broker-base-url")
    publish_options = None
    if publish:
        if not provider_app_version:
            raise UsageError("--publish needs --provider-app-version")
        publish_options = PublishOptions(
            provider_version=provider_app_version,
            branch=branch,
            tags=list(tags),
            build_url=build_url,
        )
    # A CI runner cancels with SIGTERM: unwind like Ctrl-C so the started providers stop.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with verify_progress(quiet) as (progress, tally):
            report = run_verify(
                list(pacts) or _default_pacts(broker),
                provider=provider,
                base_url=base_url,
                start=start,
                ready_timeout=ready_timeout,
                states=states_spec,
                state_url=state_url,
                messages=messages_spec,
                broker=broker,
                publish=publish_options,
                env=_env_pairs(env_items),
                workers=workers,
                conformance=ConformanceOptions(
                    openapi,
                    max_examples,
                    seed,
                    conformance_headers,
                    contracts=configured_contracts(),
                )
                if conformance
                else None,
                request_timeout=request_timeout,
                progress=progress,
                tally=tally,
                shard=ShardSpec.parse(shard) if shard else None,
                only=InteractionFilter(consumers, interactions),
                rerun=_rerun_prefix(ctx.meta.get("seam.verify.args", [])),
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    emit(report, fmt, output)
    if junit_file is not None:
        emit(report, "junit", junit_file)
    exit_failed(report.failed())


@click.command("verify-merge")
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--publish",
    is_flag=True,
    help="Publish one verification result per broker pact, after the merge.",
)
@click.option("--provider-app-version", help="The provider version the results are for.")
@click.option(
    "--branch", "--provider-version-branch", "branch", help="The provider's branch (published)."
)
@click.option("--tag", "tags", multiple=True, help="A provider version tag (repeatable).")
@click.option("--build-url", help="The CI build that ran the verification.")
@broker_options
@format_option(("text", "json", "github", "markdown", "junit"))
@output_option
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False, path_type=Path))
def verify_merge(
    reports: tuple[Path, ...],
    publish: bool,
    provider_app_version: str | None,
    branch: str | None,
    tags: tuple[str, ...],
    build_url: str | None,
    broker_base_url: str | None,
    broker_token: str | None,
    broker_username: str | None,
    broker_password: str | None,
    fmt: str,
    output: Path | None,
    junit_file: Path | None,
) -> None:
    """Join the JSON reports of every `verify --shard I/N` run into one report.

    REPORTS are the files each shard wrote with `--format json --output FILE`, in any
    order; every shard 1..N must be there once. With --publish, one verification result
    per broker pact (the shards verified with --broker-base-url) is published after the
    merge: a success when none of its interactions failed in any shard.

    Exit 0 when every interaction passed, 1 on a failure (or a result the broker did not
    take), 2 for a missing, duplicate or foreign report, 3 when the broker cannot be reached.
    """
    from seam.verify import BrokerSource, PublishOptions, merge_reports, publish_results

    if publish and not provider_app_version:
        raise UsageError("--publish needs --provider-app-version")
    if publish and not broker_base_url:
        raise UsageError("--publish needs --broker-base-url: results are published to a broker")
    if not publish and (provider_app_version or branch or tags or build_url):
        raise UsageError("--provider-app-version, --branch, --tag and --build-url need --publish")
    report = merge_reports(list(reports))
    if publish:
        assert provider_app_version is not None and broker_base_url is not None
        if "broker_pacts" not in report.meta:
            raise UsageError(
                "--publish: the shards verified no broker pacts (run them with "
                "--broker-base-url); nothing to publish"
            )
        source = BrokerSource(
            url=broker_base_url,
            token=broker_token,
            username=broker_username,
            password=broker_password,
        )
        options = PublishOptions(provider_app_version, branch, list(tags), build_url)
        report.findings.extend(
            publish_results(report, source, options, lambda line: click.echo(line, err=True))
        )
    emit(report, fmt, output)
    if junit_file is not None:
        emit(report, "junit", junit_file)
    exit_failed(report.failed())


COMMANDS = [verify, verify_merge]
