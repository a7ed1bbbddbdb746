"""``contracts pull-request``: what the GitHub Action runs (diff, check, annotations, comment)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from seam.cli._options import contracts_option, exit_failed, fail_on_option, parse_fail_on
from seam.errors import UsageError


def _event_number(event_path: str | None) -> int | None:
    """The pull request's number from the event payload GitHub writes (``GITHUB_EVENT_PATH``)."""
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {event_path}: {exc}") from None
    pr = event.get("pull_request") if isinstance(event, dict) else None
    number = pr.get("number") if isinstance(pr, dict) else None
    return number if isinstance(number, int) else None


@click.command("pull-request")
@click.option(
    "--base",
    envvar="GITHUB_BASE_REF",
    metavar="REF",
    help="The pull request's base branch or ref; fetched if the checkout is shallow "
    "(without it the diff is skipped).",
)
@contracts_option()
@click.option("--provider", metavar="NAME", help="Only this provider's pacts and document.")
@fail_on_option
@click.option(
    "--summary",
    "summary_file",
    envvar="GITHUB_STEP_SUMMARY",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the full report (Markdown) to this file.",
)
@click.option(
    "--comment/--no-comment",
    default=True,
    show_default=True,
    help="Keep one comment on the pull request: created, updated in place, removed when clean.",
)
@click.option(
    "--repository",
    envvar="GITHUB_REPOSITORY",
    metavar="OWNER/NAME",
    help="The repository the pull request is in.",
)
@click.option(
    "--number",
    type=int,
    help="The pull request's number [default: from GITHUB_EVENT_PATH's payload].",
)
@click.option(
    "--api-url",
    envvar="GITHUB_API_URL",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's REST API.",
)
@click.option(
    "--token",
    envvar="GITHUB_TOKEN",
    help="A token that may write pull-request comments.",
)
def pull_request(
    base: str | None,
    contracts_dir: Path,
    provider: str | None,
    fail_on: str,
    summary_file: Path | None,
    comment: bool,
    repository: str | None,
    number: int | None,
    api_url: str,
    token: str | None,
) -> None:
    """Run diff (against the base) and check for a pull request, as GitHub shows them.

    Prints findings as workflow commands (annotations), appends the full report to the
    job summary, and keeps ONE comment on the pull request, found again by a hidden
    marker: updated in place on each push, removed when no error or warning is left.

    Exit 0 clean, 1 a finding reached --fail-on, 2 bad input (a base that cannot be
    fetched says so), 3 GitHub's API did not answer.
    """
    from seam.github import comment_body, pull_request, upsert_comment

    result = pull_request(contracts_dir, base=base or None, provider=provider)
    for note in result.notes:
        click.echo(f"seam: {note}", err=True)
    click.echo(result.annotations(), nl=False)
    if summary_file is not None:
        with summary_file.open("a", encoding="utf-8") as out:
            out.write(result.summary())
    if comment:
        number = number or _event_number(os.environ.get("GITHUB_EVENT_PATH"))
        if number is None or not repository or not token:
            click.echo(
                "seam: no comment (needs a pull request number, GITHUB_REPOSITORY and a token)",
                err=True,
            )
        else:
            done = upsert_comment(
                api_url=api_url,
                repository=repository,
                number=number,
                token=token,
                body=comment_body(result.reports) if result.reports else None,
            )
            click.echo(f"seam: pull-request comment {done}", err=True)
    exit_failed(result.failed(parse_fail_on(fail_on)))


COMMANDS = [pull_request]
