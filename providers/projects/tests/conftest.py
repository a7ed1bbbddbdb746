"""Fixtures for the Projects service's own tests: a fresh database per test, a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PROVIDER_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """An empty SQLite database of this test's own."""
    return f"sqlite:///{tmp_path / 'projects.db'}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def provider_environ(database_url: str) -> dict[str, str]:
    """The environment for a ``python -m projects_api`` process on this test's database."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROVIDER_ROOT), env.get("PYTHONPATH")]))
    env["DATABASE_URL"] = database_url
    return env


@pytest.fixture
def server(provider_environ: dict[str, str]) -> Iterator[str]:
    """The service as a real uvicorn process on 127.0.0.1; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "projects_api", "serve", "--port", str(port)],
        env=provider_environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the provider exited with {process.returncode}: {stderr}")
            try:
                httpx.get(f"{base_url}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the provider did not answer at {base_url}")
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
