"""The ``seam`` pytest plugin: a ``pact`` fixture that writes ``contracts/`` once per session.

Every test that asks for ``pact`` gets a fresh pact-python ``Pact`` for its
consumer/provider pair (from ``@pytest.mark.seam(...)`` or ``[tool.seam]``). When
the test passes, its interactions are kept; at the end of the session (on the xdist
controller, which receives the workers' interactions through ``workeroutput``) each
pair's interactions are merged with the pact file already on disk, sorted, and
written with an OpenAPI snapshot of what the consumer uses.

This module is loaded in every pytest run where Seam is installed, so at module
level it imports only pytest and the standard library; pact-python is imported the
first time a test asks for the fixture.
"""

from __future__ import annotations

import inspect
import itertools
import os
import shlex
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from seam.pytest_plugin._config import (
    PairSettings,
    Settings,
    SettingsError,
    load_settings,
    resolve_pair,
)
from seam.pytest_plugin._record import Recorder, RunFacts

__all__ = ["pact"]

_SETTINGS = pytest.StashKey[Settings]()
_RECORDER = pytest.StashKey[Recorder]()
_SUMMARY = pytest.StashKey[tuple[list[str], list[str]]]()
_PHASES = pytest.StashKey[dict[str, str]]()
_DOCUMENT = pytest.StashKey[tuple[PairSettings, dict[str, Any]]]()
# The folder [tool.seam] is read from and test names are relative to, and why it is not
# pytest's rootdir when it is not (see _project_root).
_ROOT = pytest.StashKey[tuple[Path, str | None]]()
_OPTION = "--seam-contracts"

_MARKER = (
    "seam(consumer=None, provider=None): the consumer/provider pair this test's `pact` "
    "fixture records into; the arguments win over [tool.seam] in pyproject.toml"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``seam`` option group."""
    group = parser.getgroup("seam", "seam contract recording")
    group.addoption(
        "--seam-contracts",
        metavar="DIR",
        default=None,
        help="folder to write pacts/ and openapi/ into (default: [tool.seam] contracts, "
        "else ./contracts)",
    )
    group.addoption(
        "--seam-no-write",
        action="store_true",
        default=False,
        help="record and report what would change, but write no contract files",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, read ``[tool.seam]`` and, under xdist, the worker hand-over."""
    config.addinivalue_line("markers", _MARKER)
    config.stash[_ROOT] = _project_root(config)
    try:
        config.stash[_SETTINGS] = load_settings(
            config.stash[_ROOT][0],
            config.invocation_params.dir,
            config.getoption("seam_contracts"),
            config.getoption("seam_no_write"),
        )
    except SettingsError as exc:
        raise pytest.UsageError(f"seam: {exc}") from None
    config.stash[_RECORDER] = Recorder()
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_XdistController(config), "seam-xdist-controller")


def _space_form_values(config: pytest.Config) -> list[str]:
    """Values given as ``--seam-contracts DIR`` (two arguments) where pytest looked for its rootdir.

    pytest prepends ``PYTEST_ADDOPTS`` to the command line before it looks; the ini file's
    ``addopts`` are added after, so they cannot mislead it.
    """
    tokens = [
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *(str(arg) for arg in config.invocation_params.args),
    ]
    return [value for option, value in itertools.pairwise(tokens) if option == _OPTION]


def _rootdir_without_our_value(config: pytest.Config) -> Path | None:
    """The rootdir pytest finds for this command line once ``--seam-contracts DIR`` is known.

    pytest finds its rootdir before plugins add their options, so it takes ``DIR`` for a
    test path (pytest-dev/pytest#1435, #8846). This asks pytest's own search again with the
    paths the command line really names; its signature has changed across pytest versions,
    so only the arguments it accepts are passed, and ``None`` means it could not be asked.
    """
    try:
        from _pytest.config.findpaths import determine_setup
    except ImportError:  # pragma: no cover - a pytest that moved it
        return None
    arguments: dict[str, Any] = {
        "inifile": config.option.inifilename,
        "args": [str(arg) for arg in config.option.file_or_dir],
        "rootdir_cmd_arg": config.option.rootdir or None,
        "invocation_dir": config.invocation_params.dir,
        "override_ini": config.option.override_ini,
    }
    accepted = inspect.signature(determine_setup).parameters
    try:
        found = determine_setup(**{k: v for k, v in arguments.items() if k in accepted})
    except (TypeError, pytest.UsageError):  # pragma: no cover - a pytest that changed it
        return None
    return Path(found[0])


def _project_root(config: pytest.Config) -> tuple[Path, str | None]:
    """Where ``[tool.seam]`` is read and test names start, and a note when pytest was misled.

    ``--seam-contracts DIR`` and ``--seam-contracts=DIR`` must write the same files: with
    the space, an existing ``DIR`` outside the project moves pytest's rootdir, which would
    lose ``[tool.seam]`` and rename every test. Seam then keeps the rootdir the ``=`` form
    gets, and says that pytest's own configuration was not read.
    """
    invocation = config.invocation_params.dir
    if not any((invocation / value).exists() for value in _space_form_values(config)):
        return config.rootpath, None
    root = _rootdir_without_our_value(config)
    if root is None or root == config.rootpath:
        return config.rootpath, None
    note = (
        f"seam: pytest took the value of {_OPTION} for a test path and chose {config.rootpath} "
        f"as its rootdir; seam uses {root}, but pytest did not read its own configuration "
        f"there. Write {_OPTION}=DIR to keep it"
    )
    return root, note


def _test_id(config: pytest.Config, nodeid: str) -> str:
    """``nodeid`` relative to seam's root rather than pytest's rootdir, when they differ."""
    root = config.stash[_ROOT][0]
    if root == config.rootpath:
        return nodeid
    path, sep, rest = nodeid.partition("::")
    moved = Path(os.path.relpath(config.rootpath / path, root)).as_posix()
    return moved + sep + rest


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say when pytest's rootdir is not the one seam reads ``[tool.seam]`` from."""
    note = config.stash[_ROOT][1] if _ROOT in config.stash else None
    return [note] if note else []


class _XdistController:
    """Collects what each xdist worker recorded (pytest-xdist ``workeroutput``)."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        data = getattr(node, "workeroutput", {}).get("seam")
        if data:
            self._config.stash[_RECORDER].merge_json(data)


def _marker_kwargs(item: pytest.Item) -> dict[str, Any]:
    """The nearest ``seam`` marker's arguments, filled in by the ones further out."""
    kwargs: dict[str, Any] = {}
    for marker in item.iter_markers("seam"):
        if marker.args:
            raise SettingsError(
                "the seam marker takes keyword arguments only: "
                "@pytest.mark.seam(consumer=..., provider=...)"
            )
        for key, value in marker.kwargs.items():
            kwargs.setdefault(key, value)
    return kwargs


def _pair(item: pytest.Item) -> PairSettings:
    return resolve_pair(item.config.stash[_SETTINGS], _marker_kwargs(item))


def _uses_our_fixture(item: pytest.Function) -> bool:
    """Whether ``item`` asks for this plugin's ``pact`` (a conftest may define its own)."""
    if "pact" not in item.fixturenames:
        return False
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("pact") if info is not None else None
    if not definitions:
        return True
    return getattr(definitions[-1].func, "__module__", __name__) == __name__


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> Generator[None, Any, Any]:
    """Refuse, at collection, a test whose ``pact`` has no consumer or provider."""
    result = yield
    items = result if isinstance(result, list) else [result]
    for item in items:
        if isinstance(item, pytest.Function) and _uses_our_fixture(item):
            try:
                _pair(item)
            except SettingsError as exc:
                raise collector.CollectError(f"{item.nodeid}: seam: {exc}") from None
    return result


def pytest_itemcollected(item: pytest.Item) -> None:
    """Remember every collected test, so a later merge knows which tests still exist."""
    item.config.stash[_RECORDER].collected.add(_test_id(item.config, item.nodeid))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Remember cleanly collected modules and count collection errors."""
    report = yield
    recorder = collector.config.stash[_RECORDER]
    if report.failed:
        recorder.collect_errors += 1
    elif isinstance(collector, pytest.Module):
        recorder.modules.add(_test_id(collector.config, collector.nodeid))
    return report


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count deselected tests (``-k``, ``-m``, ``--lf``): such a run is partial."""
    if items:
        items[0].config.stash[_RECORDER].deselected += len(items)


@pytest.fixture
def pact(request: pytest.FixtureRequest) -> Generator[Any, None, None]:
    """A fresh pact-python ``Pact`` for this test's consumer/provider pair.

    Declare interactions on it and exercise them (``with pact.serve() as server:``
    for HTTP, ``pact.verify(handler, "Async")`` for messages). The interactions of a
    passing test are written to ``contracts/`` at the end of the session.
    """
    from seam.pytest_plugin._fixture import new_pact, pact_document, unexercised

    item = request.node
    pair = _pair(item)
    built = new_pact(pair.consumer, pair.provider, pair.specification)
    yield built
    doc = pact_document(built)
    if doc is None:
        return
    item.stash[_DOCUMENT] = (pair, doc)
    problem = unexercised(built, doc)
    # A test that already failed says why itself; this only catches ones that passed.
    if problem and item.stash.get(_PHASES, {}).get("call") == "passed":
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep a test's interactions once all its phases passed."""
    report = yield
    phases = item.stash.setdefault(_PHASES, {})
    if report.failed:
        phases[report.when] = "failed"
    elif report.skipped or hasattr(report, "wasxfail"):
        phases[report.when] = "skipped"
    else:
        phases[report.when] = "passed"
    if report.when == "teardown":
        values = set(phases.values())
        outcome = "failed" if "failed" in values else "skipped" if "skipped" in values else "passed"
        recorder = item.config.stash[_RECORDER]
        name = _test_id(item.config, item.nodeid)
        recorder.outcomes[name] = outcome
        recorded = item.stash.get(_DOCUMENT, None)
        if outcome == "passed" and recorded is not None:
            pair, doc = recorded
            recorder.record((pair.consumer, pair.provider), name, doc)
    return report


def _facts(session: pytest.Session, recorder: Recorder) -> RunFacts:
    config = session.config
    complete = (
        recorder.deselected == 0
        and recorder.collect_errors == 0
        and config.args_source != pytest.Config.ArgsSource.ARGS
        and not session.shouldstop
        and not session.shouldfail
        and "failed" not in recorder.outcomes.values()
    )
    return RunFacts(
        outcomes=dict(recorder.outcomes),
        collected=frozenset(recorder.collected),
        modules=frozenset(recorder.modules),
        rootdir=config.stash[_ROOT][0],
        complete=complete,
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Hand the recording to the xdist controller, or merge and write it."""
    config = session.config
    recorder = config.stash[_RECORDER]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["seam"] = recorder.to_json()
        return
    if not recorder.templates:
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        config.stash[_SUMMARY] = ([], ["seam: the run was interrupted; no contract was written"])
        return
    from seam.pytest_plugin._emit import emit

    result = emit(recorder, config.stash[_SETTINGS], _facts(session, recorder), Path.cwd())
    config.stash[_SUMMARY] = (result.lines, result.errors)
    if result.errors and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say which contract files were written and what changed in them."""
    lines, errors = config.stash.get(_SUMMARY, ([], []))
    if not lines and not errors:
        return
    terminalreporter.section("seam contracts")
    for line in lines:
        terminalreporter.write_line(line)
    for line in errors:
        terminalreporter.write_line(line, red=True, bold=True)
