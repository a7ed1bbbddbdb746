"""``snapshot --check``: is the committed snapshot what the provider gives now?

A provider's CI runs it to catch a snapshot nobody re-ran after changing the API. The answer
is a :class:`~seam.model.Report`, so every report format carries it: no finding when the file
is up to date, one error (``snapshot-missing`` or ``snapshot-stale``) otherwise, and the
start of the unified diff in ``meta`` (the text reporter prints it).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from seam.model import Finding, Report, Severity

__all__ = ["check_snapshot"]

# Enough of a stale snapshot's diff to see what changed, short enough for a CI log.
DIFF_LINES = 60


def check_snapshot(target: Path, text: str, *, provider: str) -> Report:
    """Compare the committed snapshot at ``target`` with ``text``, the provider's today.

    Args:
        target: the committed snapshot (``contracts/openapi/<provider>.yaml``, or the
            GraphQL schema's ``.graphql``).
        text: the snapshot the provider gives now, normalised as a written one would be.
        provider: the provider's name, for the command the message suggests.

    Returns:
        A ``snapshot`` report: ``meta`` has ``snapshot`` (the path), ``provider``, ``state``
        (``up-to-date``, ``missing`` or ``stale``), ``diff`` (at most :data:`DIFF_LINES`
        lines of the unified diff, committed → provider) and ``diff_lines`` (all of them).
    """
    meta = {"snapshot": str(target), "provider": provider}
    try:
        # A snapshot that is not UTF-8 (edited by hand) is stale like any other difference.
        current = target.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        message = (
            f"{target} does not exist: run contracts snapshot --provider {provider} to create it"
        )
        missing = Finding("snapshot-missing", Severity.ERROR, message, file=str(target))
        return Report(
            "snapshot", [missing], meta={**meta, "state": "missing", "diff": [], "diff_lines": 0}
        )
    if current == text:
        return Report("snapshot", meta={**meta, "state": "up-to-date", "diff": [], "diff_lines": 0})
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            text.splitlines(),
            f"{target} (committed)",
            "provider",
            lineterm="",
        )
    )
    message = (
        f"{target} is stale: run contracts snapshot --provider {provider} and commit the result"
    )
    stale = Finding("snapshot-stale", Severity.ERROR, message, file=str(target))
    return Report(
        "snapshot",
        [stale],
        meta={**meta, "state": "stale", "diff": diff[:DIFF_LINES], "diff_lines": len(diff)},
    )
