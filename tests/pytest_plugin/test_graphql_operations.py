"""The plugin writes the GraphQL operations each consumer sends (graphql/<c>-<p>.graphql)."""

from __future__ import annotations

import textwrap
import uuid

import pytest

from .conftest import QUIET, http_test, write_suite

pytest_plugins = ["pytester"]

OPERATIONS = "graphql/shop-items-api.graphql"


def graphql_test(name: str, description: str, query: str, variables: object = None) -> str:
    """Source of one inner test that posts one GraphQL operation to the mock server."""
    body = {"query": query, "variables": variables or {}}
    return textwrap.dedent(
        f"""
        def {name}(pact):
            body = {body!r}
            (pact.upon_receiving({description!r})
                .with_request("POST", "/graphql")
                .with_body(body, content_type="application/json")
                .will_respond_with(200)
                .with_body({{"data": {{}}}}, content_type="application/json"))
            with pact.serve() as server:
                request = urllib.request.Request(
                    f"{{server.url}}/graphql",
                    data=json.dumps(body).encode(),
                    headers={{"Content-Type": "application/json"}},
                    method="POST",
                )
                assert urllib.request.urlopen(request).status == 200
        """
    )


def _suite(tag: str) -> dict[str, str]:
    """Five operations: two spelled differently but the same, one anonymous, one plain GET."""
    return {
        "test_ops": "import json\n"
        + graphql_test("test_b", f"items {tag}", "query Items { items { id } }")
        + graphql_test("test_b_again", f"items again {tag}", "query  Items {items{id}}")
        + graphql_test(
            "test_a",
            f"one item {tag}",
            "query Item($id: ID!) { item(id: $id) { id name } }",
            {"id": "1"},
        )
        + graphql_test("test_anon", f"anonymous {tag}", "{ count }")
        + http_test("test_rest", f"rest {tag}")
    }


def test_operations_are_written_deduplicated_sorted_and_printed(pytester: pytest.Pytester) -> None:
    """Each distinct operation once, printed by graphql-core, sorted by name (an anonymous
    one as "anonymous"), under a header naming the pact."""
    write_suite(pytester, _suite(uuid.uuid4().hex[:8]))
    pytester.runpytest(*QUIET).assert_outcomes(passed=5)
    text = (pytester.path / "contracts" / OPERATIONS).read_text(encoding="utf-8")
    assert text == (
        "# The GraphQL operations shop sends to items-api, from pacts/shop-items-api.json.\n"
        "# Written by the seam pytest plugin; edits are overwritten.\n"
        "\n"
        "query Item($id: ID!) {\n  item(id: $id) {\n    id\n    name\n  }\n}\n"
        "\n"
        "query Items {\n  items {\n    id\n  }\n}\n"
        "\n"
        "{\n  count\n}\n"
    )


def test_operations_file_is_byte_stable_under_xdist(pytester: pytest.Pytester) -> None:
    """A -n 2 run writes the same operations file as a serial run, and a rerun leaves it."""
    write_suite(pytester, _suite(uuid.uuid4().hex[:8]))
    pytester.runpytest(*QUIET, "--seam-contracts", "serial").assert_outcomes(passed=5)
    parallel = pytester.runpytest_subprocess(*QUIET, "-n", "2", "--seam-contracts", "parallel")
    parallel.assert_outcomes(passed=5)
    serial_bytes = (pytester.path / "serial" / OPERATIONS).read_bytes()
    assert (pytester.path / "parallel" / OPERATIONS).read_bytes() == serial_bytes
    again = pytester.runpytest(*QUIET, "--seam-contracts", "serial")
    again.stdout.fnmatch_lines(["*unchanged*", "*graphql/shop-items-api.graphql: the GraphQL*"])
    assert (pytester.path / "serial" / OPERATIONS).read_bytes() == serial_bytes


def test_no_graphql_interaction_writes_no_operations_file(pytester: pytest.Pytester) -> None:
    """A consumer that only sends plain HTTP requests gets no graphql/ folder."""
    write_suite(pytester, {"test_rest": http_test("test_rest", f"rest {uuid.uuid4().hex[:8]}")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert (pytester.path / "contracts" / "pacts" / "shop-items-api.json").is_file()
    assert not (pytester.path / "contracts" / "graphql").exists()


def test_a_changed_operation_rewrites_the_file(pytester: pytest.Pytester) -> None:
    """Selecting another field changes the operations file on the next run."""
    tag = uuid.uuid4().hex[:8]
    write_suite(pytester, {"test_ops": "import json\n" + graphql_test("test_q", tag, "{ a }")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    write_suite(pytester, {"test_ops": "import json\n" + graphql_test("test_q", tag, "{ a b }")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    text = (pytester.path / "contracts" / OPERATIONS).read_text(encoding="utf-8")
    assert text.endswith("\n{\n  a\n  b\n}\n")


def test_operations_file_goes_when_the_pact_holds_no_graphql(pytester: pytest.Pytester) -> None:
    """A consumer whose tests stop sending GraphQL loses its operations file; the pact stays."""
    tag = uuid.uuid4().hex[:8]
    write_suite(pytester, {"test_ops": "import json\n" + graphql_test("test_q", tag, "{ a }")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert (pytester.path / "contracts" / OPERATIONS).is_file()
    (pytester.path / "test_ops.py").unlink()
    write_suite(pytester, {"test_rest": http_test("test_rest", f"rest {tag}")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert not (pytester.path / "contracts" / OPERATIONS).exists()
    assert (pytester.path / "contracts" / "pacts" / "shop-items-api.json").is_file()
