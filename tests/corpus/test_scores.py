"""The shared corpus as whole suites: each score the README and bench/RESULTS.md report holds.

Each test runs the bench script that prints the published figure (the same command
bench/RESULTS.md gives) and reads the figure back, so a change that costs a single case of
agreement fails here, not only when somebody re-runs the benchmark.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench(script: str, corpus: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--corpus", str(corpus), *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _figures(pattern: str, text: str) -> tuple[int, ...]:
    match = re.search(pattern, text)
    assert match, f"no figure matching {pattern!r} in:\n{text[:1500]}"
    return tuple(int(group) for group in match.groups())


def test_check_agrees_with_pactflows_comparator(corpus: Path) -> None:
    """`contracts check` gives the comparator's exact code set on at least 624 of 628 cases."""
    out = _bench("check_corpus.py", corpus / "compat")
    exact, cases = _figures(r"\| exact code set \| (\d+)/(\d+)", out)
    agree, _ = _figures(r"\| compatible / incompatible \| (\d+)/(\d+)", out)
    assert cases == 628
    assert exact >= 624, out
    assert agree >= 624, out


def test_diff_finds_what_oasdiff_calls_breaking(corpus: Path) -> None:
    """`contracts diff` matches 245 of oasdiff's 246 breaking findings, one false alarm at most."""
    out = _bench("diff_corpus.py", corpus / "diff")
    (matched,) = _figures(r"\| matched by Seam \| (\d+) ", out)
    (total,) = _figures(r"\| oasdiff ERR\+WARN findings \| (\d+) ", out)
    (alarms,) = _figures(r"of those, cases where Seam reports an error \| (\d+) ", out)
    assert total == 246
    assert matched >= 245, out
    assert alarms <= 1, out
    assert "unreadable: " not in out


def test_graphql_diff_agrees_with_graphql_inspector(corpus: Path) -> None:
    """On all 32 GraphQL pairs Seam and GraphQL Inspector agree on every breaking verdict."""
    out = _bench("graphql_corpus.py", corpus / "graphql")
    agree, total = _figures(r"Agreement on breaking / not breaking: (\d+)/(\d+)", out)
    assert total >= 851
    assert agree == total, out
