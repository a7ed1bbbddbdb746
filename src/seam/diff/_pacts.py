"""Two versions of one pact: what the consumer added, dropped or newly expects.

These findings are information for review (the provider's verification is what
decides); they say which interactions changed and which response fields and
statuses the consumer now relies on.
"""

from __future__ import annotations

from seam.diff.rules import RULES
from seam.model import Finding
from seam.pactfile import Interaction, Pact

__all__ = ["diff_pacts"]


def _label(i: Interaction) -> str:
    states = f" (given {', '.join(i.state_names)})" if i.state_names else ""
    return f"'{i.description}'{states}"


def diff_pacts(base: Pact, revision: Pact, file: str | None = None) -> list[Finding]:
    """Findings for two versions of one pact, matched by description and provider states."""
    bmap = {i.identity: i for i in base.interactions}
    rmap = {i.identity: i for i in revision.interactions}
    out: list[Finding] = []
    for identity in sorted(set(bmap) | set(rmap)):
        b, r = bmap.get(identity), rmap.get(identity)
        either = r or b
        assert either is not None
        request = either.request
        for rule in RULES.rules("pact"):
            for text in rule.func(b, r):
                out.append(
                    Finding(
                        rule=rule.id,
                        severity=rule.severity,
                        message=f"{revision.consumer}: {_label(either)} {text}",
                        path=request.path if request else "",
                        method=request.method.upper() if request else "",
                        file=file,
                        consumers=(revision.consumer,),
                        interaction=either.description,
                    )
                )
    return out
