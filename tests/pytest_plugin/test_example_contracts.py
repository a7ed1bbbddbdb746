"""Drift check: the example consumers' tests regenerate the committed contracts byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ["web-tasks-api", "notifier-tasks-api", "dashboard-projects-api"]
# The consumers whose pacts hold GraphQL operations (the plugin writes them as graphql/<pair>).
GRAPHQL_PAIRS = ["dashboard-projects-api"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A contracts folder written by running every example consumer's tests afresh."""
    out = tmp_path_factory.mktemp("contracts")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "consumers",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:schemathesis",
            "-p",
            "no:hypothesispytest",
            "--seam-contracts",
            str(out),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out


@pytest.mark.parametrize("pair", PAIRS)
def test_committed_pact_matches_the_consumer_tests(regenerated: Path, pair: str) -> None:
    """contracts/pacts/<pair>.json is what the consumer's tests produce today."""
    committed = (ROOT / "contracts" / "pacts" / f"{pair}.json").read_bytes()
    assert (regenerated / "pacts" / f"{pair}.json").read_bytes() == committed, (
        f"contracts/pacts/{pair}.json is stale: run the consumer tests and commit the result"
    )


@pytest.mark.parametrize("pair", PAIRS)
def test_committed_snapshot_matches_the_consumer_tests(regenerated: Path, pair: str) -> None:
    """contracts/openapi/<pair>.yaml is what the consumer's tests produce today."""
    committed = (ROOT / "contracts" / "openapi" / f"{pair}.yaml").read_bytes()
    assert (regenerated / "openapi" / f"{pair}.yaml").read_bytes() == committed, (
        f"contracts/openapi/{pair}.yaml is stale: run the consumer tests and commit the result"
    )


@pytest.mark.parametrize("pair", GRAPHQL_PAIRS)
def test_committed_operations_match_the_consumer_tests(regenerated: Path, pair: str) -> None:
    """contracts/graphql/<pair>.graphql is what the consumer's tests send today."""
    committed = (ROOT / "contracts" / "graphql" / f"{pair}.graphql").read_bytes()
    assert (regenerated / "graphql" / f"{pair}.graphql").read_bytes() == committed, (
        f"contracts/graphql/{pair}.graphql is stale: run the consumer tests and commit the result"
    )


def test_only_graphql_consumers_get_an_operations_file(regenerated: Path) -> None:
    """The REST consumers' runs write no operations file; the GraphQL one's does."""
    written = sorted(p.stem for p in (regenerated / "graphql").glob("*.graphql"))
    assert written == GRAPHQL_PAIRS
