"""Fixtures for verification tests: the real Tasks provider (or a mutant of it) as a process."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from seam.model import Report
from seam.verify import verify
from seam.verify._provider import ProviderProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "providers" / "tasks"
HERE = Path(__file__).resolve().parent
PACTS = HERE / "pacts"
TOKEN = "broker-token"
CONTRACTS = str(Path(sys.executable).parent / "contracts")


def publish_pacts(broker: str, path: Path, version: str, branch: str) -> None:
    """``contracts publish PATH -a VERSION --branch BRANCH`` to ``broker``; it must succeed."""
    args = ["publish", str(path), "-a", version, "--branch", branch, "-b", broker, "-k", TOKEN]
    published = subprocess.run([CONTRACTS, *args], capture_output=True, text=True, check=False)
    assert published.returncode == 0, published.stdout + published.stderr


@dataclass
class TasksProvider:
    """How to run the Tasks app (optionally mutated) under ``contracts verify``."""

    env: dict[str, str]
    pacts: Path = HERE / "pacts"
    states: str = "tasks_api.states:states"
    base_url: str = "http://127.0.0.1:{port}"

    def command(self, mutation: str = "none") -> str:
        """A shell command serving the app with ``mutation`` applied on ``{port}``."""
        python = shlex.quote(sys.executable)
        app = shlex.quote(str(HERE / "mutant_app.py"))
        return f'{python} {app} {mutation} {{port}} "$DATABASE_URL"'

    def verify(self, mutation: str = "none", pacts: Path | None = None, **kwargs: Any) -> Report:
        """Run ``seam.verify.verify`` against a freshly started provider."""
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "start": self.command(mutation),
            "env": self.env,
            "states": self.states,
        }
        options.update(kwargs)
        # With a broker and no pact files, only the broker's pacts are replayed.
        sources = [pacts] if pacts else ([] if "broker" in kwargs else [self.pacts])
        return verify(sources, **options)


@pytest.fixture
def tasks(tmp_path: Path) -> TasksProvider:
    """The Tasks provider with its own SQLite database per worker under ``tmp_path``."""
    return TasksProvider(
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path}/tasks-{{worker}}.db",
            "PYTHONPATH": str(PROVIDER_DIR),
        }
    )


@pytest.fixture
def broker_process(tmp_path: Path) -> Iterator[tuple[str, ProviderProcess]]:
    """An embedded broker with the example web pact published as web 1.0.0 on main."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = (
        f"{CONTRACTS} broker serve --db {tmp_path / 'broker.db'} --port {port} --token {TOKEN}"
    )
    with ProviderProcess(command, url, ready_timeout=20) as process:
        publish_pacts(url, PACTS, "1.0.0", "main")
        yield url, process


@pytest.fixture
def broker(broker_process: tuple[str, ProviderProcess]) -> str:
    """The embedded broker's URL."""
    return broker_process[0]
