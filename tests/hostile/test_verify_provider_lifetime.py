"""A provider started with ``--start`` never outlives ``contracts verify``.

Not when verify is SIGKILLed mid-run, and not when a state handler ends verify's process
with ``os._exit``: the provider (a real HTTP server, started through a shell) is gone
within seconds either way.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PACT = {
    "consumer": {"name": "web"},
    "provider": {"name": "lifetime"},
    "interactions": [
        {
            "description": "reads the index",
            "providerStates": [{"name": "the handler is slow"}],
            "request": {"method": "GET", "path": "/"},
            "response": {"status": 200},
        }
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}

STATES = """
import os, pathlib, time
from seam.verify import ProviderStates

states = ProviderStates()

@states.given("the handler is slow")
def slow():
    pathlib.Path(os.environ["SEAM_TEST_MARK"]).write_text("in the handler")
    if os.environ.get("SEAM_TEST_EXIT"):
        os._exit(7)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, already dead, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def provider_pid_file(tmp_path: Path) -> Iterator[Path]:
    """Where the provider writes its pid; a provider still running at the end is killed."""
    pid_file = tmp_path / "provider.pid"
    yield pid_file
    if pid_file.exists():
        pid = int(pid_file.read_text())
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _start_verify(
    tmp_path: Path, pid_file: Path, *, exit_in_handler: bool
) -> subprocess.Popen[bytes]:
    (tmp_path / "lifetime_states.py").write_text(STATES)
    pact = tmp_path / "web-lifetime.json"
    pact.write_text(json.dumps(PACT))
    # `exec` keeps the shell's pid for the server, so the pid file names the server itself.
    server = f"{shlex.quote(sys.executable)} -m http.server {{port}} --bind 127.0.0.1"
    start = f"echo $$ > {shlex.quote(str(pid_file))}; exec {server}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
        "SEAM_TEST_MARK": str(tmp_path / "mark"),
        "SEAM_TEST_EXIT": "1" if exit_in_handler else "",
    }
    command = [sys.executable, "-c", "from seam.cli import main; main()", "verify", str(pact)]
    command += ["--start", start, "--base-url", "http://127.0.0.1:{port}"]
    command += ["--states", "lifetime_states:states", "-q"]
    return subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _provider_pid(tmp_path: Path, pid_file: Path, verify: subprocess.Popen[bytes]) -> int:
    """The server's pid, once verify has reached the state handler (the provider is up)."""
    reached = _wait_for(lambda: (tmp_path / "mark").exists() or verify.poll() is not None, 60)
    assert reached and pid_file.exists(), verify.stderr.read() if verify.stderr else ""
    return int(pid_file.read_text())


def test_provider_dies_with_a_sigkilled_verify(tmp_path: Path, provider_pid_file: Path) -> None:
    """SIGKILL to verify while a state handler runs: its provider is gone within 5 seconds."""
    verify = _start_verify(tmp_path, provider_pid_file, exit_in_handler=False)
    try:
        pid = _provider_pid(tmp_path, provider_pid_file, verify)
        assert _alive(pid)
        verify.kill()
        verify.wait(10)
        assert _wait_for(lambda: not _alive(pid), 5), "the provider outlived verify"
    finally:
        if verify.poll() is None:
            verify.kill()
        verify.communicate()


def test_provider_dies_when_a_state_handler_calls_os_exit(
    tmp_path: Path, provider_pid_file: Path
) -> None:
    """A state handler that ends verify with os._exit takes the provider with it."""
    verify = _start_verify(tmp_path, provider_pid_file, exit_in_handler=True)
    try:
        pid = _provider_pid(tmp_path, provider_pid_file, verify)
        assert verify.wait(30) == 7
        assert _wait_for(lambda: not _alive(pid), 5), "the provider outlived verify"
    finally:
        if verify.poll() is None:
            verify.kill()
        verify.communicate()
