"""Message interactions in the plugin: handlers really called, merged and pruned like HTTP ones."""

from __future__ import annotations

import textwrap

import pytest

from .conftest import QUIET, http_test, read_pact, write_suite

pytest_plugins = ["pytester"]

PACT = "contracts/pacts/shop-items-api.json"


def message_test(name: str, description: str, *, verify: bool = True) -> str:
    """Source of one inner test declaring one message and handing it to a real handler."""
    check = (
        'pact.verify(lambda body, metadata: seen.append((json.loads(body), metadata)), "Async")'
        if verify
        else "pass"
    )
    return textwrap.dedent(
        f"""
        def {name}(pact):
            import json
            (pact.upon_receiving({description!r}, "Async").given("an item exists", id=1)
                .with_body({{"id": match.int(1), "name": match.str("a")}},
                           content_type="application/json")
                .with_metadata({{"topic": "item.changed"}}))
            seen = []
            {check}
            assert seen or not {verify!r}
        """
    )


def test_a_message_never_handed_to_a_handler_fails(pytester: pytest.Pytester) -> None:
    """Declaring a message and never calling pact.verify(handler) fails the test, naming it."""
    write_suite(pytester, {"test_a": message_test("test_lazy", "an item event", verify=False)})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*never handed them to the consumer's handler*'an item event'*"])
    assert not (pytester.path / PACT).exists()


def test_a_message_declared_after_verify_fails(pytester: pytest.Pytester) -> None:
    """A message declared after the last pact.verify never reached the handler: the test fails."""
    source = """
def test_late(pact):
    pact.upon_receiving("first", "Async").with_body({"id": 1}, content_type="application/json")
    pact.verify(lambda body, metadata: None, "Async")
    pact.upon_receiving("second", "Async").with_body({"id": 2}, content_type="application/json")
"""
    write_suite(pytester, {"test_a": source})
    result = pytester.runpytest(*QUIET)
    result.stdout.fnmatch_lines(["*never handed them*: 'second'*"])
    assert "'first'" not in result.stdout.str().split("never handed them")[1].splitlines()[0]


def test_a_handler_that_raises_fails_and_is_not_recorded(pytester: pytest.Pytester) -> None:
    """A handler that cannot read the message fails the test; its message is not written."""
    source = """
def test_picky(pact):
    pact.upon_receiving("an item event", "Async").with_body(
        {"id": 1}, content_type="application/json")
    def handler(body, metadata):
        raise KeyError("name")
    pact.verify(handler, "Async")
"""
    write_suite(pytester, {"test_a": source, "test_b": http_test("test_http", "get item")})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1, failed=1)
    assert [i["description"] for i in read_pact(pytester.path / PACT)["interactions"]] == [
        "get item"
    ]


def test_messages_and_http_share_one_pact_under_xdist(pytester: pytest.Pytester) -> None:
    """Messages and HTTP interactions of many tests land in one pact, the same bytes with -n 2."""
    tests = "".join(message_test(f"test_m{n:02d}", f"item event {n:02d}") for n in range(8))
    tests += "".join(http_test(f"test_h{n:02d}", f"get item {n:02d}") for n in range(8))
    write_suite(pytester, {"test_a": tests})
    pytester.runpytest(*QUIET, "--seam-contracts", "serial").assert_outcomes(passed=16)
    result = pytester.runpytest_subprocess(*QUIET, "-n", "2", "--seam-contracts", "parallel")
    result.assert_outcomes(passed=16)
    serial = (pytester.path / "serial/pacts/shop-items-api.json").read_bytes()
    assert (pytester.path / "parallel/pacts/shop-items-api.json").read_bytes() == serial
    kinds = [
        i["type"]
        for i in read_pact(pytester.path / "serial/pacts/shop-items-api.json")["interactions"]
    ]
    assert kinds.count("Asynchronous/Messages") == 8
    assert kinds.count("Synchronous/HTTP") == 8


def test_a_removed_message_test_is_pruned_and_a_rerun_is_byte_identical(
    pytester: pytest.Pytester,
) -> None:
    """A full run drops the message of a deleted test; running again changes no byte."""
    write_suite(
        pytester,
        {
            "test_a": message_test("test_keep", "kept event"),
            "test_b": message_test("test_gone", "gone event"),
        },
    )
    pytester.runpytest(*QUIET).assert_outcomes(passed=2)
    (pytester.path / "test_b.py").unlink()
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    first = (pytester.path / PACT).read_bytes()
    (message,) = read_pact(pytester.path / PACT)["interactions"]
    assert message["description"] == "kept event"
    assert message["metadata"]["topic"] == "item.changed"
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert (pytester.path / PACT).read_bytes() == first
