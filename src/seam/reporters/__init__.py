"""Reporters: pure functions ``Report -> str``, registered by name.

``text`` groups findings by endpoint; ``json`` has a documented, stable shape
(see README "Report formats"); ``markdown`` is for a pull-request comment;
``github`` emits workflow commands (``::error file=...,line=...::``); ``junit``
is JUnit XML with one test case per unit (or per endpoint when there are none).
"""

from __future__ import annotations

from collections.abc import Callable

from seam.model import Report
from seam.reporters import _formats

__all__ = ["REPORTERS", "register", "render"]

Reporter = Callable[[Report], str]

REPORTERS: dict[str, Reporter] = {
    "text": _formats.text,
    "json": _formats.json_report,
    "markdown": _formats.markdown,
    "github": _formats.github,
    "junit": _formats.junit,
}


def register(name: str, reporter: Reporter) -> None:
    """Add a reporter under ``name`` (replacing one of the same name)."""
    REPORTERS[name] = reporter


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in format ``fmt``.

    Raises:
        KeyError: for an unknown format name.
    """
    return REPORTERS[fmt](report)
