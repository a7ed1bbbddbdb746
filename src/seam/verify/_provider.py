"""The provider under verification: start it (``--start``), wait for it, stop it.

A started provider runs in its own process group so that stopping it also stops
what its command spawned (a shell, uvicorn's workers); it is stopped on success,
on failure and on Ctrl-C alike.

When this process cannot stop it (SIGKILL, ``os._exit`` in a state handler, a crash), a
watcher does: a small Python process holding the read end of a pipe whose write end only
this process holds. The kernel closes that end however this process ends; the watcher
reads end-of-file and stops the provider's group (SIGTERM, then SIGKILL after 5 seconds).
A pipe works on every POSIX system; Linux's ``PR_SET_PDEATHSIG`` would reach only the
shell (it is not inherited by its children) and fires when the starting *thread* ends.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from seam.errors import ProviderUnreachable, UsageError

__all__ = [
    "ProviderProcess",
    "check_seconds",
    "free_port",
    "http_address",
    "wait_until_reachable",
]

# The watcher: stops process group argv[1] when its standard input reaches end-of-file,
# and leaves quietly when a byte comes first (the provider was stopped the ordinary way).
# Standard library only, run with -I -S: it starts in a few milliseconds.
_WATCHER = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
if sys.stdin.buffer.read(1):
    sys.exit(0)
group = int(sys.argv[1])
for sig in (signal.SIGTERM, signal.SIGKILL):
    deadline = time.monotonic() + 5
    try:
        os.killpg(group, sig)
        while time.monotonic() < deadline:
            time.sleep(0.05)
            os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        sys.exit(0)
"""

# The longest timeout accepted: a day is past every real wait, and its milliseconds fit
# what the Rust verifier takes.
MAX_SECONDS = 86_400.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check_seconds(option: str, value: float) -> float:
    """``value``, when it is a usable timeout: above 0, at most a day, and a number.

    Raises:
        UsageError: anything else (``nan`` and ``inf`` included: they would wait forever).
    """
    if not 0 < value <= MAX_SECONDS:  # false for nan as well
        raise UsageError(
            f"{option} {value!r}: expected a number of seconds above 0 and at most {MAX_SECONDS:g}"
        )
    return value


def http_address(url: str, option: str = "--base-url") -> tuple[str, int]:
    """The host and port an http(s) URL points at.

    Raises:
        UsageError: not an http(s) URL with a host and a valid port (``option`` names it).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:  # "http://[::1": an IPv6 address without its closing bracket
        host = None
    if not host:
        raise UsageError(f"{option} {url!r}: expected an http(s) URL such as http://127.0.0.1:8000")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UsageError(f"{option} {url!r}: the port is not a number from 1 to 65535") from None
    return host, port


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_reachable(base_url: str, timeout: float = 0.0, option: str = "--base-url") -> None:
    """Return once something accepts connections at ``base_url``.

    Raises:
        UsageError: ``base_url`` is not an http(s) URL.
        ProviderUnreachable: nothing answered within ``timeout`` seconds.
    """
    host, port = http_address(base_url, option)
    deadline = time.monotonic() + timeout
    while not _answers(host, port):
        if time.monotonic() >= deadline:
            raise ProviderUnreachable(
                f"nothing answers at {base_url}; start the provider or pass --start CMD"
            )
        time.sleep(0.05)


class ProviderProcess:
    """A provider started from a shell command, stopped with its whole process group."""

    def __init__(
        self,
        command: str,
        base_url: str,
        *,
        env: Mapping[str, str] | None = None,
        ready_timeout: float = 30.0,
        log_dir: Path | None = None,
    ) -> None:
        self.command = command
        self.base_url = base_url
        self.env = dict(env or {})
        self.ready_timeout = check_seconds("--ready-timeout", ready_timeout)
        self._log_dir = log_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._watcher: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    def start(self) -> ProviderProcess:
        """Start the command and wait until ``base_url`` accepts connections.

        Raises:
            ProviderUnreachable: the command exited, or did not answer in time
                (the message ends with the last lines of its log).
        """
        return self.launch().wait_ready()

    def launch(self) -> ProviderProcess:
        """Start the command without waiting (several providers then start side by side).

        Raises:
            UsageError: something already listens at ``base_url``.
        """
        host, port = http_address(self.base_url)
        if _answers(host, port):
            raise UsageError(
                f"something already listens at {self.base_url}; "
                f"stop it, or put {{port}} in --start and --base-url to use a free port"
            )
        fd, name = tempfile.mkstemp(prefix="seam-provider-", suffix=".log", dir=self._log_dir)
        self.log_path = Path(name)
        with os.fdopen(fd, "wb") as log:
            self._proc = subprocess.Popen(
                self.command,
                shell=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **self.env},
                start_new_session=True,  # its own process group, stopped as a whole
            )
        self._watcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHER, str(self._proc.pid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the terminal's group does not reach it
        )
        return self

    def wait_ready(self) -> ProviderProcess:
        """Wait until ``base_url`` accepts connections (see :meth:`start`)."""
        assert self._proc is not None, "launch() first"
        host, port = http_address(self.base_url)
        deadline = time.monotonic() + self.ready_timeout
        while not _answers(host, port):
            code = self._proc.poll()
            if code is not None:
                self._fail(f"the provider command exited with code {code} before answering")
            if time.monotonic() >= deadline:
                self._fail(
                    f"the provider did not answer at {self.base_url} within {self.ready_timeout:g}s"
                )
            time.sleep(0.05)
        return self

    def _fail(self, why: str) -> None:
        tail = self.log_tail()
        self.stop()
        detail = f"; its log ends: {tail}" if tail else ""
        raise ProviderUnreachable(f"{why} ({shlex.quote(self.command)}){detail}")

    def exit_code(self) -> int | None:
        """The command's exit code if it has ended by itself, else None."""
        return None if self._proc is None else self._proc.poll()

    def log_tail(self, lines: int = 5) -> str:
        """The last ``lines`` lines of the command's output, joined with `` | ``."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " | ".join(line.strip() for line in text[-lines:])

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 5 seconds.

        Waiting for the shell alone is not enough: its children (the server) may still
        be shutting down, so wait until no process of the group is left.
        """
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        self._dismiss_watcher()
        _signal_group(proc.pid, signal.SIGTERM)
        if not _group_gone(proc, timeout=5.0):
            _signal_group(proc.pid, signal.SIGKILL)
            _group_gone(proc, timeout=5.0)
        # The group can look gone (only zombies left) before the leader was reaped; reap it
        # now, or the Popen object warns "still running" when it is collected.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5.0)
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)

    def _dismiss_watcher(self) -> None:
        """Tell the watcher the provider is stopped here (one byte), and let it end."""
        watcher, self._watcher = self._watcher, None
        if watcher is None or watcher.stdin is None:
            return
        with contextlib.suppress(BrokenPipeError):
            watcher.stdin.write(b"x")
            watcher.stdin.flush()
        with contextlib.suppress(BrokenPipeError):
            watcher.stdin.close()
        try:
            watcher.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()

    def __enter__(self) -> ProviderProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_gone(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader so it does not linger as a zombie
        if not _group_alive(proc.pid):
            return True
        time.sleep(0.02)
    return False


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies, already dead, do not count)."""
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc_root.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command: state, ppid, pgrp, ...
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False
