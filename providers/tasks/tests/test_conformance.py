"""The OpenAPI document is accurate: schemathesis, every check, against the real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schemathesis_finds_nothing(server: Any, tmp_path: Path) -> None:
    """Every phase and check of schemathesis passes against the running service.

    With the token, so DELETE is exercised too; its ``ignored_auth`` check also sends
    requests without it and expects the 401.
    """
    if not SCHEMATHESIS.exists():
        pytest.skip("the schemathesis command is not installed beside this Python")
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.base_url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "20",
            "--seed",
            "20261122",
            "--no-color",
            "--header",
            "Authorization: Bearer test-token",
        ],
        cwd=tmp_path,  # schemathesis keeps its own files in the working directory
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
