"""Colour and progress on a terminal, plain text elsewhere (seam.cli._terminal).

The terminal runs are real: the ``contracts`` command in a subprocess whose standard error
(and, for colour, standard output) is a pseudo-terminal from ``os.openpty``.
"""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
CONTRACTS_CLI = Path(sys.executable).with_name("contracts")
ESC = b"\x1b["
# Environment variables that change the decision; every run sets the ones it wants.
_DECIDING = ("NO_COLOR", "FORCE_COLOR", "TERM", "SEAM_PROGRESS_AFTER", "TTY_COMPATIBLE")


@dataclass
class Run:
    """What one command run wrote on each stream."""

    code: int
    stdout: bytes
    stderr: bytes


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DECIDING}
    env.update({"TERM": "xterm-256color", "SEAM_PROGRESS_AFTER": "0", "COLUMNS": "100"})
    env.update(extra)
    return env


def _drain(fd: int, proc: subprocess.Popen[bytes]) -> bytes:
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    return b"".join(chunks)


def run(
    args: list[str], cwd: Path, env: dict[str, str], *, tty_err: bool, tty_out: bool = False
) -> Run:
    """Run ``contracts ARGS`` with standard error (and maybe output) on a pseudo-terminal."""
    master = slave = -1
    if tty_err or tty_out:
        master, slave = os.openpty()
    proc = subprocess.Popen(
        [str(CONTRACTS_CLI), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave if tty_out else subprocess.PIPE,
        stderr=slave if tty_err else subprocess.PIPE,
    )
    try:
        if master < 0:
            out, err = proc.communicate(timeout=120)
            return Run(proc.returncode, out, err)
        os.close(slave)
        on_tty = _drain(master, proc)
        piped = (proc.stdout or proc.stderr).read()  # type: ignore[union-attr]
        proc.wait(timeout=120)
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    if tty_out:
        return Run(proc.returncode, on_tty, piped)
    return Run(proc.returncode, piped, on_tty)


@pytest.fixture
def verify_args(tmp_path: Path) -> list[str]:
    """`contracts verify` of the example web pact against a freshly started Tasks provider."""
    python = shlex.quote(sys.executable)
    app = shlex.quote(str(ROOT / "tests" / "verify" / "mutant_app.py"))
    return [
        "verify",
        str(ROOT / "tests" / "verify" / "pacts"),
        "--base-url",
        "http://127.0.0.1:{port}",
        "--start",
        f'{python} {app} none {{port}} "$DATABASE_URL"',
        "--env",
        f"DATABASE_URL=sqlite:///{tmp_path}/tasks-{{worker}}.db",
        "--env",
        f"PYTHONPATH={ROOT / 'providers' / 'tasks'}",
        # Imported from the current folder (providers/tasks), as `snapshot --app` does.
        "--states",
        "tasks_api.states:states",
    ]


def test_verify_shows_live_progress_on_a_terminal(verify_args: list[str]) -> None:
    """Under a pseudo-terminal verify draws done / failed / remaining; stdout stays plain."""
    result = run(verify_args, ROOT / "providers" / "tasks", _env(), tty_err=True)
    assert result.code == 0, result.stderr.decode(errors="replace")
    assert b"7/7" in result.stderr and b"0 failed" in result.stderr
    assert b"0 remaining" in result.stderr and ESC in result.stderr
    assert b"remaining" in result.stderr.split(b"7/7")[0]  # a tally before the last one
    assert ESC not in result.stdout and b"verify: 7 passed" in result.stdout


@pytest.mark.parametrize(
    ("tty_err", "extra", "flag"),
    [
        pytest.param(False, {}, [], id="pipe"),
        pytest.param(True, {"NO_COLOR": "yes please"}, [], id="NO_COLOR-any-value"),
        pytest.param(True, {"FORCE_COLOR": "1"}, ["--no-color"], id="--no-color"),
    ],
)
def test_verify_is_plain_text_without_a_terminal_or_with_no_color(
    verify_args: list[str], tty_err: bool, extra: dict[str, str], flag: list[str]
) -> None:
    """A pipe, NO_COLOR or --no-color get the plain step lines and no bar or colour."""
    result = run(verify_args + flag, ROOT / "providers" / "tasks", _env(**extra), tty_err=tty_err)
    assert result.code == 0, result.stderr.decode(errors="replace")
    assert ESC not in result.stderr and b"remaining" not in result.stderr
    assert b"verifying 7 interaction(s)" in result.stderr
    assert ESC not in result.stdout and b"verify: 7 passed" in result.stdout


def test_check_and_diff_show_progress_on_a_terminal(tmp_path: Path) -> None:
    """check and diff over several files draw a bar on a terminal, none in a pipe."""
    copy = tmp_path / "copy"
    shutil.copytree(CONTRACTS, copy)
    commands = {
        b"check": ["check", "--contracts", str(CONTRACTS), "--provider", "tasks-api"],
        b"diff": ["diff", str(CONTRACTS), str(copy)],
    }
    for name, args in commands.items():
        live = run(args, tmp_path, _env(), tty_err=True)
        plain = run(args, tmp_path, _env(), tty_err=False)
        assert live.code == plain.code == 0, live.stderr.decode(errors="replace")
        assert name in live.stderr and ESC in live.stderr
        assert plain.stderr == b""
        assert live.stdout == plain.stdout  # the report is the same bytes either way


def _failing_check(tmp_path: Path) -> list[str]:
    pacts = tmp_path / "contracts" / "pacts"
    pacts.mkdir(parents=True)
    pact = (CONTRACTS / "pacts" / "web-tasks-api.json").read_text(encoding="utf-8")
    (pacts / "web-tasks-api.json").write_text(pact.replace('"/tasks', '"/nowhere'))
    return ["check", "--openapi", str(CONTRACTS / "openapi" / "tasks-api.yaml")]


def test_text_report_is_coloured_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the text report's errors are red; piped, the same report is plain."""
    args = _failing_check(tmp_path)
    live = run(args, tmp_path, _env(), tty_err=False, tty_out=True)
    plain = run(args, tmp_path, _env(), tty_err=False)
    assert live.code == plain.code == 1
    assert b"\x1b[31merror  \x1b[0m" in live.stdout
    assert ESC not in plain.stdout and b"error   request.path-or-method.unknown" in plain.stdout


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        pytest.param({"FORCE_COLOR": "1"}, [], True, id="FORCE_COLOR"),
        pytest.param({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False, id="NO_COLOR-wins"),
        pytest.param({"FORCE_COLOR": "1"}, ["--no-color"], False, id="--no-color-wins"),
        pytest.param({"FORCE_COLOR": "1"}, ["GROUP"], False, id="contracts---no-color"),
        pytest.param({}, [], False, id="pipe"),
    ],
)
def test_colour_decision(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    coloured: bool,
) -> None:
    """FORCE_COLOR colours a pipe; NO_COLOR and --no-color win over it."""
    for name in _DECIDING:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    command = _failing_check(tmp_path)
    # GROUP: the flag given to `contracts` itself, before the command.
    argv = ["--no-color", *command] if args == ["GROUP"] else [*command, *args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    assert ("\x1b[31m" in result.output) is coloured
