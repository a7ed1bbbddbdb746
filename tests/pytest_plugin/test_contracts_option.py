"""`--seam-contracts DIR` and `--seam-contracts=DIR` behave the same (issue 16, part 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import QUIET, http_test, read_pact, write_suite

# pytester per module: a conftest below the rootdir may not declare pytest_plugins.
pytest_plugins = ["pytester"]

PACT = "pacts/shop-items-api.json"


@pytest.mark.parametrize("form", ["space", "equals"])
def test_both_option_forms_read_the_project_table(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory, form: str
) -> None:
    """An existing folder outside the project, either way, gets the pair [tool.seam] names."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    outside = tmp_path_factory.mktemp("shared-contracts")
    option = (
        ["--seam-contracts", str(outside)] if form == "space" else [f"--seam-contracts={outside}"]
    )
    result = pytester.runpytest(*QUIET, *option)
    result.assert_outcomes(passed=1)
    pact = read_pact(outside / PACT)
    assert (pact["consumer"]["name"], pact["provider"]["name"]) == ("shop", "items-api")
    assert pact["interactions"][0]["comments"]["testname"] == "test_a.py::test_one"


def test_both_option_forms_write_the_same_bytes(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The space form writes byte for byte what the = form writes, and says pytest was misled."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    spaced, joined = (tmp_path_factory.mktemp(name) for name in ("spaced", "joined"))
    result = pytester.runpytest(*QUIET, "--seam-contracts", str(spaced))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["seam: pytest took the value of --seam-contracts for a test path*"]
    )
    pytester.runpytest(*QUIET, f"--seam-contracts={joined}").assert_outcomes(passed=1)
    assert (spaced / PACT).read_bytes() == (joined / PACT).read_bytes()


def test_space_form_keeps_interactions_written_by_the_other_form(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Alternating the forms on one folder prunes nothing and rewrites nothing."""
    write_suite(
        pytester,
        {"test_a": http_test("test_one", "get one"), "test_b": http_test("test_two", "get two")},
    )
    outside: Path = tmp_path_factory.mktemp("alternate")
    pytester.runpytest(*QUIET, f"--seam-contracts={outside}").assert_outcomes(passed=2)
    before = (outside / PACT).read_bytes()
    result = pytester.runpytest(*QUIET, "--seam-contracts", str(outside), "-k", "test_one")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*shop-items-api.json: 2 interaction(s), unchanged*"])
    assert (outside / PACT).read_bytes() == before
