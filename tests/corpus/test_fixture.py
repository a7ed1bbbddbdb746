"""The ``corpus`` fixture: a missing corpus skips on a laptop and fails where it is required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run_scores(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SEAM_")}
    missing = tmp_path / "no-corpus-here"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            str(HERE / "test_asyncapi_parser.py"),
        ],
        env={**base, "SEAM_CORPUS": str(missing), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=HERE.parents[1],
    )


def test_missing_corpus_skips_without_the_requirement(tmp_path: Path) -> None:
    """With no corpus and no SEAM_REQUIRE_CORPUS the test is skipped, saying where it looked."""
    result = _run_scores(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "no-corpus-here" in result.stdout


def test_missing_corpus_fails_when_required(tmp_path: Path) -> None:
    """SEAM_REQUIRE_CORPUS=1 (set by .ci/run) turns the same missing corpus into a failure."""
    result = _run_scores(tmp_path, SEAM_REQUIRE_CORPUS="1")
    assert result.returncode == 1, result.stdout
    assert "SEAM_REQUIRE_CORPUS is set" in result.stdout
    assert "skipped" not in result.stdout


def test_the_corpus_is_found_here(corpus: Path) -> None:
    """Where the corpus is present, the fixture hands its root with every part in it."""
    assert {p.name for p in corpus.iterdir()} >= {
        "asyncapi",
        "broker",
        "compat",
        "diff",
        "graphql",
        "specs",
    }
