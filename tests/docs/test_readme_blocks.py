"""Every command block in README.md runs as written, in a copy of the example system.

Blocks fenced ```bash, ```sh or ```console are commands. Each runs with bash (``-e``: the
first failing command fails it) in a fresh copy of the example (providers/, consumers/,
contracts/, pyproject.toml), with this Seam's ``contracts`` first on PATH; a
``<!-- run-in: empty -->`` line before a block runs it in an empty folder instead (a new
project). A block that cannot run here says why in ``<!-- not-run: reason -->`` on the line
before it. In a console block only the ``$ `` lines are commands; the rest is output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
COMMANDS = {"bash", "sh", "console"}
EXAMPLE = ("providers", "consumers", "contracts", "pyproject.toml")
_FENCE = re.compile(r"^```(\S*)\s*$")
_MARKER = re.compile(r"^<!--\s*(not-run|run-in):(.*?)-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block of the README."""

    line: int
    language: str
    text: str
    marker: tuple[str, str] | None

    @property
    def script(self) -> str:
        if self.language != "console":
            return self.text
        commands, continued = [], False
        for line in self.text.splitlines():
            if line.startswith("$ ") or continued:
                commands.append(line[2:] if line.startswith("$ ") else line)
                continued = line.endswith("\\")
        return "\n".join(commands) + "\n"


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        found = _MARKER.match(before)
        marker = (found.group(1), found.group(2).strip()) if found else None
        blocks.append(Block(i + 1, fence.group(1), "\n".join(lines[i + 1 : end]) + "\n", marker))
        i = end + 1
    return blocks


BLOCKS = _blocks(README.read_text(encoding="utf-8"))
RUNNABLE = [b for b in BLOCKS if b.language in COMMANDS and (b.marker or ("",))[0] != "not-run"]


def test_every_block_says_its_language() -> None:
    """A fence without a language could hide a command from this test: none is left bare."""
    assert [b.line for b in BLOCKS if not b.language] == []


def test_every_skipped_block_says_why() -> None:
    """Each `not-run` marker gives a reason and stands before a command block."""
    for block in BLOCKS:
        if block.marker and block.marker[0] == "not-run":
            assert len(block.marker[1]) >= 10, f"README.md:{block.line}: no reason given"
            assert block.language in COMMANDS, f"README.md:{block.line}: not a command block"
    assert all(b.marker is None or b.language in COMMANDS for b in BLOCKS)


def test_markers_stand_before_blocks() -> None:
    """A marker not directly followed by a fence (a typo, a moved block) is an error."""
    lines = README.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if _MARKER.match(line):
            assert _FENCE.match(lines[n + 1]), f"README.md:{n + 1}: marker without a block"
        elif "not-run" in line or "run-in" in line:
            assert not line.lstrip().startswith("<!--"), f"README.md:{n + 1}: malformed marker"


def test_run_in_markers_are_known() -> None:
    """`run-in` names a place this test knows how to make."""
    assert {b.marker[1] for b in BLOCKS if b.marker and b.marker[0] == "run-in"} <= {"empty"}


def _example(tmp_path: Path) -> Path:
    copy = tmp_path / "example"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db", ".seam-locks")
    for name in EXAMPLE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"line-{b.line}" for b in RUNNABLE])
def test_command_block_runs_as_written(block: Block, tmp_path: Path) -> None:
    """The block's commands all exit 0 where the README says to run them."""
    if block.marker == ("run-in", "empty"):
        where = tmp_path / "project"
        where.mkdir()
    else:
        where = _example(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SEAM_"))}
    env.pop("PYTHONPATH", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.script],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, (
        f"README.md:{block.line} exited {done.returncode}:\n{done.stdout[-2000:]}"
        f"\n{done.stderr[-2000:]}"
    )
