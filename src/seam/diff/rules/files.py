"""Rules about the files of two ``contracts/`` trees, and pacts that judge no document.

``seam.diff._api`` calls these where it pairs files and attaches pacts; each builds the
one finding its rule stands for.
"""

from __future__ import annotations

from collections.abc import Sequence

from seam.diff.rules._registry import RULES
from seam.model import Finding, Severity
from seam.pactfile import Pact

__all__ = ["file_added", "file_removed", "pacts_not_attached"]


@RULES.rule("pacts-not-attached", severity=Severity.WARNING, area="files")
def pacts_not_attached(
    name: str,
    looked_for: list[str],
    pacts: Sequence[Pact],
    provider: str | None,
    *,
    naming: str = "or set info.x-provider-name in the document",
) -> Finding:
    """Consumer pacts were given but none names this document's provider: no consumer judged it."""
    named = sorted({p.provider for p in pacts})
    if provider is not None:
        hint = f"no pact has provider {provider!r}; the pacts name {', '.join(named)}"
    else:
        wanted = " or ".join(repr(n) for n in looked_for)
        hint = (
            f"no pact names {wanted} as its provider; the pacts name {', '.join(named)}: "
            f"choose with --provider {named[0] if len(named) == 1 else 'NAME'}, {naming}"
        )
    return Finding(
        "pacts-not-attached",
        RULES["pacts-not-attached"].severity,
        f"changes judged without consumers — {hint}",
        location=name,
        file=name,
        details={"looked_for": looked_for, "pact_providers": named},
    )


@RULES.rule("contract-file-removed", severity=Severity.WARNING, area="files")
def file_removed(name: str) -> Finding:
    """A contract file (pact or OpenAPI document) was removed."""
    return Finding(
        "contract-file-removed",
        RULES["contract-file-removed"].severity,
        f"{name} removed",
        location=name,
    )


@RULES.rule("contract-file-added", severity=Severity.INFO, area="files")
def file_added(name: str) -> Finding:
    """A contract file (pact or OpenAPI document) was added."""
    return Finding(
        "contract-file-added",
        RULES["contract-file-added"].severity,
        f"{name} added",
        location=name,
        file=name,
    )
