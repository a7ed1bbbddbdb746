"""``contracts usage``: which consumers use each operation, parameter and field of a provider."""

from __future__ import annotations

from pathlib import Path

import click

from seam.cli._check import _default_openapi, _default_pacts
from seam.cli._options import allow_remote_refs_option, contracts_option, output_option


@click.command("usage")
@click.argument("pact_files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--openapi",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's OpenAPI document [default: contracts/openapi/<provider>.yaml].",
)
@click.option("--provider", metavar="NAME", help="Read only the pacts for this provider.")
@contracts_option()
@allow_remote_refs_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Report format (html: one self-contained page).",
)
@output_option
def usage(
    pact_files: tuple[Path, ...],
    openapi: Path | None,
    provider: str | None,
    contracts_dir: Path,
    allow_remote_refs: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Show which consumers use each operation, parameter and field of the provider.

    PACT_FILES are pact files or folders of them [default:
    contracts/pacts/*-<provider>.json]. Each interaction is routed to its operation as
    `contracts check` and `contracts diff` route it; a parameter is used when the
    interaction sends it, a field when the pact sends or reads it. What no consumer uses
    is what the provider may change without breaking a known consumer.

    Exit 0, or 2 for bad input.
    """
    from seam.usage import render_usage, usage_files

    pacts = list(pact_files) or _default_pacts(contracts_dir, provider)
    document = openapi or _default_openapi(contracts_dir, pacts, provider)
    result = usage_files(pacts, document, provider=provider, allow_remote_refs=allow_remote_refs)
    rendered = render_usage(result, fmt)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        from seam._files import atomic_write_text

        atomic_write_text(output, rendered)  # a page a browser has open is never half-written


COMMANDS = [usage]
