"""What the terminal gets: colour and live progress, or plain text.

Colour and progress are for a person at a terminal; a pipe, a file or a CI log gets the
same bytes as always. The decision, in order: ``--no-color`` or a non-empty ``NO_COLOR``
(https://no-color.org) mean plain text; a non-empty ``FORCE_COLOR`` means colour even in
a pipe (never live progress, which needs a terminal to redraw on); otherwise colour and
progress when the stream is a terminal whose ``TERM`` is not ``dumb``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from seam.verify import Tally

__all__ = [
    "color_enabled",
    "live_enabled",
    "no_color_option",
    "step_progress",
    "verify_progress",
]

F = TypeVar("F", bound=Callable[..., Any])

_NO_COLOR = "seam.no_color"
# A progress display appears only once a run has taken this long: short runs stay quiet.
SHOW_AFTER = 1.0
SHOW_AFTER_VARIABLE = "SEAM_PROGRESS_AFTER"


def _set_no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_NO_COLOR] = True


def no_color_option(func: F) -> F:
    """``--no-color``: plain text on a terminal too (as ``NO_COLOR`` does)."""
    return click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        callback=_set_no_color,
        help="No colour and no live progress, only plain text "
        "[env var: NO_COLOR, any non-empty value].",
    )(func)


def _plain_requested() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_NO_COLOR):
        return True
    return bool(os.environ.get("NO_COLOR"))


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def color_enabled(stream: IO[str]) -> bool:
    """Whether text written to ``stream`` may carry colour."""
    if _plain_requested():
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream)


def live_enabled(stream: IO[str]) -> bool:
    """Whether ``stream`` gets a live progress display (redrawn in place)."""
    return not _plain_requested() and _is_terminal(stream)


def _show_after() -> float:
    """Seconds before a progress display appears (``SEAM_PROGRESS_AFTER`` changes it)."""
    try:
        return max(float(os.environ.get(SHOW_AFTER_VARIABLE, SHOW_AFTER)), 0.0)
    except ValueError:
        return SHOW_AFTER


def _console(stream: IO[str]) -> Any:
    from rich.console import Console

    # force_terminal: the decision is made above (rich would also read FORCE_COLOR and
    # TTY_COMPATIBLE on its own), and the display only ever goes to standard error.
    return Console(file=stream, force_terminal=True)


class _LazyBar:
    """A rich progress bar on standard error that appears once the work has taken a while."""

    def __init__(self, what: str, stream: IO[str], *, transient: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._started, self._delay = time.monotonic(), _show_after()
        self._bar = Progress(
            TextColumn(f"[bold]{what}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}", markup=False),
            console=_console(stream),
            # check and diff: gone when the work ends; verify keeps its last tally in sight.
            transient=transient,
        )
        self._task = self._bar.add_task("", total=None)
        self.shown = False

    def update(self, done: int, total: int, description: str) -> None:
        if not self.shown:
            if time.monotonic() - self._started < self._delay:
                return
            self._bar.start()
            self.shown = True
        self._bar.update(self._task, completed=done, total=total, description=description)

    def print(self, line: str) -> None:
        """A line above the bar (or plainly, before it is shown)."""
        if self.shown:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(line, err=True)

    def stop(self) -> None:
        if self.shown:
            self._bar.stop()


@contextmanager
def step_progress(what: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A ``(done, total, name)`` callback drawing a progress bar on standard error.

    ``None`` when standard error is not a live terminal, so nothing is drawn and the
    library skips the calls. The bar appears only after :data:`SHOW_AFTER` seconds and
    is removed when the work ends.
    """
    stream = sys.stderr
    if not live_enabled(stream):
        yield None
        return
    bar = _LazyBar(what, stream)
    try:
        yield bar.update
    finally:
        bar.stop()


@contextmanager
def verify_progress(
    quiet: bool,
) -> Iterator[tuple[Callable[[str], None] | None, Callable[[Tally], None] | None]]:
    """The ``progress`` and ``tally`` callbacks ``seam.verify.verify`` takes.

    On a live terminal a bar shows interactions done, failed and remaining with an
    estimate (after :data:`SHOW_AFTER` seconds), and the step lines print above it;
    elsewhere the step lines go to standard error as plain text. ``quiet``: neither.
    """
    stream = sys.stderr
    if quiet:
        yield None, None
        return
    if not live_enabled(stream):
        yield (lambda line: click.echo(line, err=True)), None
        return
    bar = _LazyBar("verify", stream, transient=False)

    def tally(now: Tally) -> None:
        bar.update(now.done, now.total, describe_tally(now))

    try:
        yield bar.print, tally
    finally:
        bar.stop()


def describe_tally(now: Tally) -> str:
    """``N failed · M remaining · ~Ts left``, the words beside the bar."""
    words = [f"{now.failed} failed", f"{now.remaining} remaining"]
    left = now.estimate()
    if left is not None and now.remaining:
        words.append(f"~{left:.0f}s left")
    return " · ".join(words)
