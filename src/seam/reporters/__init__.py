"""Reporters: pure functions ``Report -> str``, registered by name.

``text`` groups findings by endpoint; ``json`` has a documented, stable shape
(see README "Report formats"); ``markdown`` is a pull-request comment (errors first,
warnings collapsed, info counted, under GitHub's size limit, with a hidden marker);
``github`` emits workflow commands (``::error file=...,line=...::``); ``junit``
is JUnit XML with one test case per unit (or per endpoint when there are none).

A command may bring its own rendering of a format (:data:`COMMAND_REPORTERS`): the broker
commands' text is the official Pact CLI's wording and their JSON the result itself
(``_commands``), and ``snapshot --check`` prints the stale snapshot's diff. The other
formats render their reports like any other.
"""

from __future__ import annotations

from collections.abc import Callable

from seam.model import Report
from seam.reporters import _commands, _formats
from seam.reporters._formats import GITHUB_COMMENT_LIMIT, MARKDOWN_MARKER, markdown

__all__ = [
    "COMMAND_REPORTERS",
    "GITHUB_COMMENT_LIMIT",
    "LINE_FORMATS",
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

# (report.command, format) → the reporter that command's report uses for that format.
COMMAND_REPORTERS: dict[tuple[str, str], Reporter] = {
    ("can-i-deploy", "text"): _commands.can_i_deploy,
    ("publish", "text"): _commands.published,
    ("create-environment", "text"): _commands.environment_created,
    ("record-deployment", "text"): _commands.recorded,
    ("record-release", "text"): _commands.recorded,
    ("record-undeployment", "text"): _commands.recorded,
    ("describe-version", "text"): _commands.version_described,
    ("snapshot", "text"): _commands.snapshot_checked,
    **{
        (command, "json"): _commands.result_json
        for command in (
            "publish",
            "create-environment",
            "record-deployment",
            "record-release",
            "record-undeployment",
            "describe-version",
        )
    },
}

# The formats that show a finding's line in its file: a command producing findings about
# files looks the lines up (it costs a second parse of each file) only for these.
LINE_FORMATS = frozenset({"github"})


def register(name: str, reporter: Reporter, *, command: str | None = None) -> None:
    """Add a reporter under ``name`` (replacing one of the same name).

    Args:
        name: the format's name (``--format NAME``).
        reporter: the function rendering a report.
        command: only for the reports of this command (``Report.command``).
    """
    if command is None:
        REPORTERS[name] = reporter
    else:
        COMMAND_REPORTERS[command, name] = reporter


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
    own = COMMAND_REPORTERS.get((report.command, fmt))
    if own is not None:
        return own(report)
    reporter = REPORTERS[fmt]
    if color and reporter is _formats.text:
        return _formats.text(report, color=True)
    if include_info and reporter is _formats.markdown:
        return markdown(report, include_info=True)
    return reporter(report)
