"""Reporters: pure functions ``Report -> str``, registered by name.

``text`` groups findings by endpoint; ``json`` has a documented, stable shape
(see README "Report formats"); ``markdown`` is a pull-request comment (errors first,
warnings collapsed, info counted, under GitHub's size limit, with a hidden marker);
``github`` emits workflow commands (``::error file=...,line=...::``); ``junit``
is JUnit XML with one test case per unit (or per endpoint when there are none).
"""

from __future__ import annotations

from collections.abc import Callable

from seam.model import Report
from seam.reporters import _formats
from seam.reporters._formats import GITHUB_COMMENT_LIMIT, MARKDOWN_MARKER, markdown

__all__ = [
    "GITHUB_COMMENT_LIMIT",
    "MARKDOWN_MARKER",
    "REPORTERS",
    "markdown",
    "register",
    "render",
]

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


def render(report: Report, fmt: str, *, include_info: bool = False, color: bool = False) -> str:
    """Render ``report`` in format ``fmt``.

    Args:
        report: what to render.
        fmt: a name in :data:`REPORTERS`.
        include_info: list info findings in ``markdown`` too (the other formats always
            list them; a pull-request comment only counts them by default).
        color: ANSI colours in ``text`` (for a terminal; the other formats ignore it).

    Raises:
        KeyError: for an unknown format name.
    """
    reporter = REPORTERS[fmt]
    if color and reporter is _formats.text:
        return _formats.text(report, color=True)
    if include_info and reporter is _formats.markdown:
        return markdown(report, include_info=True)
    return reporter(report)
