"""What the OpenAPI and GraphQL snapshot tests share: the command, one-line errors,
importable modules written on the fly, and an example provider run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from click.testing import CliRunner, Result

from seam.cli import main
from seam.verify._provider import free_port

ROOT = Path(__file__).resolve().parents[2]


def snapshot(*args: str) -> Result:
    """`contracts snapshot ARGS` in process."""
    return CliRunner().invoke(main, ["snapshot", *args])


def one_error_line(result: Result) -> str:
    """The one line a refused snapshot prints (no traceback)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def write_module(directory: Path, source: str) -> str:
    """Write ``source`` as a module with a unique name in ``directory``; return the name."""
    name = f"snapshot_mod_{uuid.uuid4().hex}"
    (directory / f"{name}.py").write_text(source, encoding="utf-8")
    return name


@contextmanager
def example_provider(package: str, database: Path, ready_path: str) -> Iterator[str]:
    """``python -m PACKAGE serve`` from providers/ on 127.0.0.1; yields its base URL once
    ``ready_path`` answers."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "providers" / package.split("_")[0]),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", package, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "the provider exited during startup"
            try:
                httpx.get(base_url + ready_path, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the provider did not start"
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
