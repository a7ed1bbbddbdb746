"""Byte-stable output across random orders and pytest-xdist, and nothing lost under -n 2."""

from __future__ import annotations

import pytest

from .conftest import QUIET, http_test, read_pact, write_suite

# pytester per module: a conftest below the rootdir may not declare pytest_plugins.
pytest_plugins = ["pytester"]

PACT = "pacts/shop-items-api.json"
SNAPSHOT = "openapi/shop-items-api.yaml"


def _suite(count: int) -> str:
    return "".join(
        http_test(f"test_{n:03d}", f"get item {n:03d}", path=f"/items/{n}", body={"id": n})
        for n in range(count)
    )


def _outputs(pytester: pytest.Pytester, folder: str) -> tuple[bytes, bytes]:
    base = pytester.path / folder
    return (base / PACT).read_bytes(), (base / SNAPSHOT).read_bytes()


def test_random_orders_give_identical_files(pytester: pytest.Pytester) -> None:
    """Two pytest-randomly seeds produce byte-identical pact and snapshot files."""
    write_suite(pytester, {"test_a": _suite(12)})
    for seed, folder in ((1, "one"), (2, "two")):
        result = pytester.runpytest(
            *QUIET,
            "-p",
            "randomly",
            f"--randomly-seed={seed}",
            "--seam-contracts",
            folder,
        )
        result.assert_outcomes(passed=12)
    assert _outputs(pytester, "one") == _outputs(pytester, "two")


def test_200_tests_under_xdist_match_a_serial_run(pytester: pytest.Pytester) -> None:
    """200 tests on two workers lose no interaction, hit no file lock, and match serial bytes."""
    write_suite(pytester, {"test_a": _suite(200)})
    pytester.runpytest(*QUIET, "--seam-contracts", "serial").assert_outcomes(passed=200)
    result = pytester.runpytest_subprocess(*QUIET, "-n", "2", "--seam-contracts", "parallel")
    result.assert_outcomes(passed=200)
    pact = read_pact(pytester.path / "parallel" / PACT)
    assert len({i["description"] for i in pact["interactions"]}) == 200
    assert "lock" not in result.stdout.str().lower() + result.stderr.str().lower()
    assert _outputs(pytester, "serial") == _outputs(pytester, "parallel")


def test_partial_xdist_run_keeps_the_rest(pytester: pytest.Pytester) -> None:
    """Deselection under -n 2 keeps what did not run, as a serial run does."""
    write_suite(pytester, {"test_a": _suite(6)})
    pytester.runpytest(*QUIET).assert_outcomes(passed=6)
    result = pytester.runpytest_subprocess(*QUIET, "-n", "2", "-k", "test_000")
    result.assert_outcomes(passed=1)
    assert len(read_pact(pytester.path / "contracts" / PACT)["interactions"]) == 6
    result.stdout.fnmatch_lines(["*partial run: kept 5 interaction(s)*"])
