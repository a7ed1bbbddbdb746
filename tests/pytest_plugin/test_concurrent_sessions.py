"""Two pytest sessions writing one contracts folder at once lose nothing (issue 16, part 2)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

import seam.pytest_plugin._emit
from seam._layout import Layout
from seam.openapi import dump_yaml, infer_openapi
from seam.pactfile import parse_pact

from .conftest import QUIET, descriptions, http_test, read_pact, write_suite

# pytester per module: a conftest below the rootdir may not declare pytest_plugins.
pytest_plugins = ["pytester"]

PACT = "contracts/pacts/shop-items-api.json"
SNAPSHOT = "contracts/openapi/shop-items-api.yaml"

# Each round starts both sessions together; a lost update needs only one unlucky round, and
# without the lock two sessions ending within the merge's fraction of a second lost one in
# nearly every round.
ROUNDS = 12
SIDES = ("a", "b")

# One process per side runs one pytest session per round, each started the moment the test
# says go: imports are paid once, and the two sessions of a round start within milliseconds.
# Each session runs only its own new module, as a watch mode or a pre-commit hook does, so
# the other side's interactions on disk belong to tests that did not run and are kept.
DRIVER = """
import os, pathlib, sys, time
import pytest

side, rounds, options = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
here = pathlib.Path.cwd()
for round_ in range(rounds):
    while not (here / f"go-{round_}").exists():
        time.sleep(0.002)
    code = pytest.main([*options, f"test_{side}_{round_}.py"])
    (here / f"{side}.tmp").write_text(str(int(code)))
    os.replace(here / f"{side}.tmp", here / f"done-{side}-{round_}")
"""


def _module(side: str, round_: int) -> str:
    """Two interactions of one side in one round, each on a path of its own."""
    return "".join(
        http_test(
            f"test_{side}_{round_}_{n}",
            f"{side} round {round_} item {n}",
            path=f"/{side}/r{round_}/i{n}",
        )
        for n in range(2)
    )


@pytest.fixture
def drivers(pytester: pytest.Pytester) -> Iterator[dict[str, Path]]:
    """Start one session-running process per side; their log files. Killed at the end."""
    pytester.makepyfile(driver=DRIVER)
    logs = {side: pytester.path / f"{side}.log" for side in SIDES}
    with contextlib.ExitStack() as stack:
        for side, log in logs.items():
            out = stack.enter_context(log.open("w"))
            process = pytester.popen(
                [sys.executable, "driver.py", side, str(ROUNDS), *QUIET, "-p", "no:randomly"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            stack.callback(process.wait)
            stack.callback(process.kill)
        yield logs


def _wait_for_round(pytester: pytest.Pytester, round_: int, logs: dict[str, Path]) -> None:
    """Wait until both sides finished ``round_``; fail with their logs unless both passed."""
    deadline = time.monotonic() + 120
    done = [pytester.path / f"done-{side}-{round_}" for side in SIDES]
    while not all(path.exists() for path in done) and time.monotonic() < deadline:
        time.sleep(0.01)
    codes = [path.read_text() if path.exists() else "no result" for path in done]
    assert codes == ["0", "0"], "\n".join(log.read_text() for log in logs.values())


def test_concurrent_sessions_keep_every_interaction(
    pytester: pytest.Pytester, drivers: dict[str, Path]
) -> None:
    """Two sessions started together, round after round, never drop the other's interactions."""
    expected: set[str] = set()
    for round_ in range(ROUNDS):
        write_suite(pytester, {f"test_{side}_{round_}": _module(side, round_) for side in SIDES})
        (pytester.path / f"go-{round_}").touch()
        _wait_for_round(pytester, round_, drivers)
        expected |= {f"{side} round {round_} item {n}" for side in SIDES for n in range(2)}
        missing = expected - set(descriptions(pytester.path / PACT))
        logs = "\n".join(log.read_text() for log in drivers.values())
        assert not missing, f"round {round_} lost {sorted(missing)}\n{logs}"
        pact = read_pact(pytester.path / PACT)
        snapshot = dump_yaml(infer_openapi(parse_pact(pact, source=PACT)))
        assert (pytester.path / SNAPSHOT).read_text(encoding="utf-8") == snapshot


def test_lock_files_are_invisible_to_git(pytester: pytest.Pytester) -> None:
    """After a write git sees the pact and the snapshot in contracts/, and not the lock."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True)
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "contracts"],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sorted(line[3:] for line in status.splitlines()) == [SNAPSHOT, PACT]
    assert (Layout(pytester.path / "contracts").locks_dir / "shop-items-api.json.lock").is_file()


def test_unchanged_run_takes_no_lock(pytester: pytest.Pytester) -> None:
    """A run that changes no contract writes nothing at all, not even a lock file."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    shutil.rmtree(Layout(pytester.path / "contracts").locks_dir)
    result = pytester.runpytest(*QUIET)
    result.stdout.fnmatch_lines(["*shop-items-api.json: 1 interaction(s), unchanged*"])
    assert not (Layout(pytester.path / "contracts").locks_dir).exists()


def test_lock_held_too_long_fails_without_writing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session that cannot get the lock in time fails, names the lock and changes nothing."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    before = (pytester.path / PACT).read_bytes()
    write_suite(
        pytester, {"test_a": http_test("test_one", "get one") + http_test("test_two", "get two")}
    )
    monkeypatch.setattr(seam.pytest_plugin._emit, "LOCK_TIMEOUT", 0.2)
    with FileLock(Layout(pytester.path / "contracts").locks_dir / "shop-items-api.json.lock"):
        result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*seam: another pytest session has held contracts/.seam-locks/shop-items-api.json.lock*"]
    )
    assert (pytester.path / PACT).read_bytes() == before
