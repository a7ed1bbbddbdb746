"""The seam plugin end to end, through inner pytest runs (pytester)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from .conftest import HEADER, QUIET, descriptions, http_test, read_pact, write_suite

# pytester per module: a conftest below the rootdir may not declare pytest_plugins.
pytest_plugins = ["pytester"]

PACT = "contracts/pacts/shop-items-api.json"
SNAPSHOT = "contracts/openapi/shop-items-api.yaml"


def test_passing_tests_write_pact_and_snapshot(pytester: pytest.Pytester) -> None:
    """A passing suite writes the pair's pact and OpenAPI snapshot once, at session end."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1)
    assert descriptions(pytester.path / PACT) == ["get one"]
    assert "/items/{id}:" in (pytester.path / SNAPSHOT).read_text()
    result.stdout.fnmatch_lines(["*shop-items-api.json: 1 interaction(s), +1 added*"])


def test_failing_test_is_not_recorded(pytester: pytest.Pytester) -> None:
    """Only the interactions of tests that passed reach the pact file."""
    failing = http_test("test_bad", "get bad", path="/items/2") + "    assert False\n"
    write_suite(pytester, {"test_a": http_test("test_good", "get good") + failing})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1, failed=1)
    assert descriptions(pytester.path / PACT) == ["get good"]


def test_interactions_are_sorted(pytester: pytest.Pytester) -> None:
    """Interactions are written sorted by description whatever order the tests ran in."""
    source = "".join(http_test(f"test_{c}", f"get {c}") for c in "zyxa")
    write_suite(pytester, {"test_a": source})
    pytester.runpytest(*QUIET, "-p", "randomly", "--randomly-seed=3")
    assert descriptions(pytester.path / PACT) == ["get a", "get x", "get y", "get z"]


def test_unchanged_rerun_leaves_files_alone(pytester: pytest.Pytester) -> None:
    """A second identical run reports the files unchanged and does not rewrite them."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET)
    before = (pytester.path / PACT).stat().st_mtime_ns
    result = pytester.runpytest(*QUIET)
    result.stdout.fnmatch_lines(["*shop-items-api.json: 1 interaction(s), unchanged*"])
    assert (pytester.path / PACT).stat().st_mtime_ns == before


def test_full_run_prunes_interactions_of_removed_tests(pytester: pytest.Pytester) -> None:
    """A full run drops interactions no test declares any more, and says so."""
    write_suite(
        pytester, {"test_a": http_test("test_one", "get one") + http_test("test_two", "get two")}
    )
    pytester.runpytest(*QUIET)
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    result = pytester.runpytest(*QUIET)
    assert descriptions(pytester.path / PACT) == ["get one"]
    result.stdout.fnmatch_lines(["*-1 removed*", "*removed: 'get two'*"])


def test_deselected_run_keeps_other_interactions(pytester: pytest.Pytester) -> None:
    """A -k run updates the tests that ran and keeps the rest, naming them."""
    write_suite(
        pytester, {"test_a": http_test("test_one", "get one") + http_test("test_two", "get two")}
    )
    pytester.runpytest(*QUIET)
    changed = http_test("test_one", "get one", body={"id": 1, "name": "n"})
    write_suite(pytester, {"test_a": changed + http_test("test_two", "get two")})
    result = pytester.runpytest(*QUIET, "-k", "test_one")
    pact = read_pact(pytester.path / PACT)
    assert [i["description"] for i in pact["interactions"]] == ["get one", "get two"]
    assert pact["interactions"][0]["response"]["body"]["content"] == {"id": 1, "name": "n"}
    result.stdout.fnmatch_lines(
        ["*~1 changed*", "*partial run: kept 1 interaction(s)*", "*test_a.py::test_two*"]
    )


def test_failed_test_keeps_its_previous_interaction(pytester: pytest.Pytester) -> None:
    """When a test fails, the interaction it recorded last time stays in the file."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET)
    write_suite(pytester, {"test_a": http_test("test_one", "get one") + "    assert False\n"})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(failed=1)
    assert descriptions(pytester.path / PACT) == ["get one"]


def test_explicit_path_run_keeps_other_modules(pytester: pytest.Pytester) -> None:
    """Running one module keeps the interactions recorded by the others."""
    write_suite(
        pytester,
        {"test_a": http_test("test_one", "get one"), "test_b": http_test("test_two", "get two")},
    )
    pytester.runpytest(*QUIET)
    pytester.runpytest(*QUIET, "test_a.py")
    assert descriptions(pytester.path / PACT) == ["get one", "get two"]


def test_conflicting_declarations_name_both_tests(pytester: pytest.Pytester) -> None:
    """Two tests declaring one description + state differently fail the run, naming both."""
    one = http_test("test_one", "get item", body={"id": 1})
    two = http_test("test_two", "get item", body={"id": 1, "extra": True})
    write_suite(pytester, {"test_a": one + two})
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*tests test_a.py::test_one and test_a.py::test_two both declare 'get item'*"]
    )
    assert not (pytester.path / PACT).exists()


def test_declared_but_never_served_fails(pytester: pytest.Pytester) -> None:
    """A test that declares an interaction and never starts the mock server fails."""
    source = """
def test_lazy(pact):
    pact.upon_receiving("get lazy").with_request("GET", "/lazy").will_respond_with(200)
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*never started the mock server*'get lazy'*"])
    assert not (pytester.path / PACT).exists()


def test_missing_request_is_spelled_out(pytester: pytest.Pytester) -> None:
    """A served interaction the test never requests fails with the missing request named."""
    source = """
def test_idle(pact):
    pact.upon_receiving("get idle").with_request("GET", "/idle").will_respond_with(200)
    with pact.serve():
        pass
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Missing request: GET /idle*"])


def test_unexpected_request_is_spelled_out(pytester: pytest.Pytester) -> None:
    """A request no interaction expects fails with that request named."""
    source = """
def test_stray(pact):
    pact.upon_receiving("get a").with_request("GET", "/a").will_respond_with(200)
    with pact.serve() as server:
        urllib.request.urlopen(f"{server.url}/a")
        try:
            urllib.request.urlopen(f"{server.url}/stray")
        except OSError:
            pass
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Request not found: GET /stray*"])


def test_marker_without_provider_is_a_collection_error(pytester: pytest.Pytester) -> None:
    """A test with no provider from the marker or the config fails collection, named."""
    pytester.makepyfile(
        test_a="""
import pytest

@pytest.mark.seam(consumer="shop")
def test_orphan(pact):
    pass
"""
    )
    result = pytester.runpytest(*QUIET)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*test_a.py::test_orphan: seam: no provider name*"])


@pytest.mark.parametrize("name", ["../escaped", "nested/name", ".hidden", "-rf", "two words"])
def test_name_that_is_not_a_file_name_is_a_collection_error(
    pytester: pytest.Pytester, name: str
) -> None:
    """A consumer name that would lead its pact out of the folder fails collection, named."""
    unique = f"{name}-{pytester.path.name}"
    source = f"@pytest.mark.seam(consumer={unique!r})\n" + http_test("test_one", "get one")
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["*test_a.py::test_one: seam: consumer name * cannot be a file name*"]
    )
    # pact_ffi writes "<consumer>-<provider>.json" wherever the name leads from its temp folder.
    assert not (Path(tempfile.gettempdir()) / f"{Path(unique).name}-items-api.json").exists()
    assert not (pytester.path / "contracts").exists()


def test_marker_wins_over_config(pytester: pytest.Pytester) -> None:
    """The marker's provider replaces the one in [tool.seam]."""
    source = "@pytest.mark.seam(provider='stock-api')\n" + http_test("test_one", "get one").lstrip()
    write_suite(pytester, {"test_a": source})
    pytester.runpytest(*QUIET)
    assert read_pact(pytester.path / "contracts/pacts/shop-stock-api.json")["provider"] == {
        "name": "stock-api"
    }


def test_contracts_option_redirects_output(pytester: pytest.Pytester) -> None:
    """--seam-contracts DIR writes there instead of ./contracts."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET, "--seam-contracts", "elsewhere")
    assert (pytester.path / "elsewhere/pacts/shop-items-api.json").is_file()
    assert not (pytester.path / "contracts").exists()


def test_no_write_option_writes_nothing(pytester: pytest.Pytester) -> None:
    """--seam-no-write reports what would change and writes no file."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    result = pytester.runpytest(*QUIET, "--seam-no-write")
    result.stdout.fnmatch_lines(["*+1 added*", "*--seam-no-write: nothing was written*"])
    assert not (pytester.path / "contracts").exists()


def test_unwritable_folder_fails_and_keeps_existing_files(pytester: pytest.Pytester) -> None:
    """A folder that refuses writes fails the run clearly and leaves every file as it was."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET)
    pact_before = (pytester.path / PACT).read_bytes()
    snapshot = pytester.path / SNAPSHOT
    snapshot.unlink()
    snapshot.parent.rmdir()
    snapshot.parent.write_text("a file where the openapi folder should be\n")
    write_suite(
        pytester, {"test_a": http_test("test_one", "get one") + http_test("test_two", "get two")}
    )
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*seam: cannot write contracts under *no contract was changed*"])
    assert (pytester.path / PACT).read_bytes() == pact_before
    assert not [p for p in (pytester.path / "contracts/pacts").iterdir() if p.suffix == ".tmp"]


def test_message_interactions_are_recorded(pytester: pytest.Pytester) -> None:
    """Asynchronous message interactions checked with pact.verify are written too."""
    source = """
def test_event(pact):
    (pact.upon_receiving("an item event", "Async").given("an item exists", id=1)
        .with_body({"id": match.int(1)}, content_type="application/json"))
    seen = []
    pact.verify(lambda body, metadata: seen.append(body), "Async")
    assert seen
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1)
    (interaction,) = read_pact(pytester.path / PACT)["interactions"]
    assert interaction["type"] == "Asynchronous/Messages"
    assert "x-seam-messages:" in (pytester.path / SNAPSHOT).read_text()


def test_serving_a_pact_with_messages_is_refused(pytester: pytest.Pytester) -> None:
    """Serving a Pact that holds message interactions fails clearly instead of panicking."""
    source = """
def test_mixed(pact):
    pact.upon_receiving("an event", "Async").with_body({"id": 1}, content_type="application/json")
    pact.upon_receiving("get a").with_request("GET", "/a").will_respond_with(200)
    with pact.serve():
        pass
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*message interactions, which pact_ffi's mock server cannot serve*"]
    )


def test_interaction_records_its_test_name(pytester: pytest.Pytester) -> None:
    """Each V4 interaction carries the node id of the test that declared it."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET)
    (interaction,) = read_pact(pytester.path / PACT)["interactions"]
    assert interaction["comments"] == {"testname": "test_a.py::test_one"}


def test_specification_v3_is_honoured(pytester: pytest.Pytester) -> None:
    """specification = "V3" in [tool.seam] writes a V3 pact without test names."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().rstrip() + '\nspecification = "V3"\n')
    pytester.runpytest(*QUIET)
    pact = read_pact(pytester.path / PACT)
    assert pact["metadata"]["pactSpecification"]["version"].startswith("3")
    assert "comments" not in pact["interactions"][0]


def test_own_pact_fixture_is_left_alone(pytester: pytest.Pytester) -> None:
    """A project's own fixture named `pact` shadows the plugin's: no error, nothing written."""
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef pact():\n    return 'mine'\n")
    pytester.makepyfile(test_a="def test_mine(pact):\n    assert pact == 'mine'\n")
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "contracts").exists()


def test_early_stop_keeps_interactions_of_tests_not_reached(pytester: pytest.Pytester) -> None:
    """With -x, a test after the failure did not run, so its old interaction stays as it was."""
    write_suite(
        pytester, {"test_a": http_test("test_1", "get one") + http_test("test_2", "get two")}
    )
    pytester.runpytest(*QUIET, "-p", "no:randomly")
    failing = http_test("test_1", "get one") + "    assert False\n"
    changed = http_test("test_2", "get two", body={"id": 1, "new": True})
    write_suite(pytester, {"test_a": failing + changed})
    result = pytester.runpytest(*QUIET, "-p", "no:randomly", "-x")
    result.assert_outcomes(failed=1)
    (one, two) = read_pact(pytester.path / PACT)["interactions"]
    assert (one["description"], two["response"]["body"]["content"]) == ("get one", {"id": 1})


def test_bad_config_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    """A wrong [tool.seam] value stops pytest with a usage error naming it."""
    pytester.makepyprojecttoml('[tool.seam]\nspecification = "V9"\n')
    pytester.makepyfile(test_a="def test_plain():\n    pass\n")
    result = pytester.runpytest(*QUIET)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*seam: [[]tool.seam] specification must be one of V3, V4*"])


def test_markers_combine_from_module_and_test(pytester: pytest.Pytester) -> None:
    """A module's pytestmark names the consumer, the test's marker the provider."""
    source = (
        "pytestmark = pytest.mark.seam(consumer='till')\n\n"
        "@pytest.mark.seam(provider='prices-api')\n" + http_test("test_one", "get one").lstrip()
    )
    pytester.makepyfile(test_a=HEADER + source)
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert descriptions(pytester.path / "contracts/pacts/till-prices-api.json") == ["get one"]


def test_unreadable_existing_pact_is_reported_and_kept(pytester: pytest.Pytester) -> None:
    """A pact on disk that is not JSON fails the run with its path and is left as it was."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    broken = pytester.path / PACT
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*shop-items-api.json: cannot read the existing pact*"])
    assert broken.read_text() == "{not json"


@pytest.mark.parametrize(
    "interactions",
    [
        pytest.param({}, id="object"),
        pytest.param("x", id="string"),
        pytest.param([1], id="list-of-number"),
    ],
)
def test_existing_pact_with_unusable_interactions_is_refused(
    pytester: pytest.Pytester, interactions: object
) -> None:
    """An existing pact whose interactions are not a list of objects is named and kept."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    existing = pytester.path / PACT
    existing.parent.mkdir(parents=True)
    text = json.dumps(
        {
            "consumer": {"name": "shop"},
            "provider": {"name": "items-api"},
            "interactions": interactions,
        }
    )
    existing.write_text(text)
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*shop-items-api.json: cannot read the existing pact: *; fix or delete it, then run again"]
    )
    assert existing.read_text() == text


def test_two_pairs_with_one_file_name_are_refused(pytester: pytest.Pytester) -> None:
    """Pairs a-b → c and a → b-c would share one pact file, so neither is written."""
    source = (
        "@pytest.mark.seam(consumer='a-b', provider='c')\n"
        + http_test("test_one", "get one").lstrip()
        + "\n\n@pytest.mark.seam(consumer='a', provider='b-c')\n"
        + http_test("test_two", "get two").lstrip()
    )
    pytester.makepyfile(test_a=HEADER + source)
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*seam: a → b-c writes contracts/pacts/a-b-c.json, as a-b → c*"])
    assert not (pytester.path / "contracts").exists()


def test_existing_pact_of_another_pair_is_refused(pytester: pytest.Pytester) -> None:
    """A pact file already written for a-b → c is not merged into by a → b-c."""
    first = "@pytest.mark.seam(consumer='a-b', provider='c')\n" + http_test("test_one", "get one")
    pytester.makepyfile(test_a=HEADER + first.lstrip())
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    before = (pytester.path / "contracts/pacts/a-b-c.json").read_bytes()
    second = "@pytest.mark.seam(consumer='a', provider='b-c')\n" + http_test("test_one", "get one")
    pytester.makepyfile(test_a=HEADER + second.lstrip())
    result = pytester.runpytest(*QUIET)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*a-b-c.json: the existing pact is between a-b and c, not a and b-c*"]
    )
    assert (pytester.path / "contracts/pacts/a-b-c.json").read_bytes() == before
