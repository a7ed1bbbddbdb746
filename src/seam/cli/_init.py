"""``contracts init``: Seam in an existing project."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument(
    "project",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--provider",
    required=True,
    metavar="NAME",
    help="The provider this project calls, as its pacts will name it (e.g. tasks-api).",
)
@click.option(
    "--consumer",
    metavar="NAME",
    help="This project's name in its pacts [default: [project] name, else the folder's].",
)
@click.option(
    "--contracts",
    "contracts_dir",
    default="contracts",
    show_default=True,
    metavar="DIR",
    help="The contracts folder, relative to PROJECT.",
)
@click.option(
    "--tests",
    default="tests",
    show_default=True,
    metavar="DIR",
    help="Where the starter consumer test goes, relative to PROJECT.",
)
@click.option(
    "--action",
    metavar="OWNER/REPO@REF",
    help="The Seam Action the workflow uses [default: this Seam's version].",
)
@click.option(
    "--force", is_flag=True, help="Replace [tool.seam] and overwrite the test and workflow."
)
def init(
    project: Path,
    provider: str,
    consumer: str | None,
    contracts_dir: str,
    tests: str,
    action: str | None,
    force: bool,
) -> None:
    """Set Seam up in an existing project (PROJECT, default the current folder).

    Writes [tool.seam] into pyproject.toml (the rest of the file is kept as it is), a
    starter consumer test using the `pact` fixture, and .github/workflows/contracts.yml
    running Seam's Action; then prints the three commands that come next. Nothing is
    overwritten without --force, and a refusal writes nothing.

    Exit 0, or 2 when a file exists (without --force) or for bad input.
    """
    from seam.scaffold import ACTION
    from seam.scaffold import init as init_project

    result = init_project(
        project,
        provider=provider,
        consumer=consumer,
        contracts=contracts_dir,
        tests=tests,
        action=action or ACTION,
        force=force,
    )
    for path in result.written:
        click.echo(f"wrote {path.as_posix()}")
    # Each command under its comment: the block pastes into a shell as it is.
    click.echo("\nnext:")
    for command, what in result.next_commands:
        click.echo(f"  # {what}\n  {command}")


COMMANDS = [init]
