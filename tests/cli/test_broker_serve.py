"""`contracts broker serve`: options, refusals and a real process on a free port."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from seam.cli import main

CONTRACTS = str(Path(sys.executable).parent / "contracts")


def test_help_lists_options() -> None:
    """--help documents the database, address and token options."""
    result = CliRunner().invoke(main, ["broker", "serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--token", "--read-token", "--write-token"):
        assert option in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token", "a", "--read-token", "r", "--write-token", "w"], "not both"),
        (["--read-token", "r"], "go together"),
    ],
    ids=["token-and-pair", "read-alone"],
)
def test_contradictory_tokens_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    """Token options that cannot work together exit 2 with one clear line."""
    result = CliRunner().invoke(main, ["broker", "serve", "--db", str(tmp_path / "b.db"), *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_missing_directory_exits_2(tmp_path: Path) -> None:
    """A --db in a directory that does not exist exits 2 naming it."""
    result = CliRunner().invoke(main, ["broker", "serve", "--db", str(tmp_path / "no" / "b.db")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A real `contracts broker serve --port 0` process and the URL it printed."""
    with subprocess.Popen(
        [CONTRACTS, "broker", "serve", "--db", str(tmp_path / "b.db"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split("listening on ", 1)[1].split()[0] if "listening on" in line else ""
        yield proc, url
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)


def test_serve_prints_url_and_answers(served: tuple[subprocess.Popen[str], str]) -> None:
    """With --port 0 the process prints its URL and answers the index there."""
    _, url = served
    response = httpx.get(url + "/", headers={"Accept": "application/hal+json"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["_links"]["pb:publish-contracts"]["href"] == url + "/contracts/publish"


def test_port_in_use_exits_2(served: tuple[subprocess.Popen[str], str], tmp_path: Path) -> None:
    """Serving on a port that is taken exits 2 with advice instead of a traceback."""
    port = served[1].rsplit(":", 1)[1]
    result = subprocess.run(
        [CONTRACTS, "broker", "serve", "--db", str(tmp_path / "other.db"), "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "pick another --port" in result.stderr and "Traceback" not in result.stderr


def test_sigterm_stops_cleanly(served: tuple[subprocess.Popen[str], str]) -> None:
    """SIGTERM shuts the broker down gracefully with exit code 0."""
    proc, _ = served
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
