"""The plugin writes an AsyncAPI snapshot of the messages a consumer expects, byte-stably."""

from __future__ import annotations

import pytest

from seam.asyncapi import load_asyncapi

from .conftest import QUIET, http_test, write_suite

# pytester per module: a conftest below the rootdir may not declare pytest_plugins.
pytest_plugins = ["pytester"]

EVENTS = "contracts/asyncapi/shop-items-api.yaml"

MESSAGE_TEST = """
def test_event(pact):
    (pact.upon_receiving("item.changed", "Async").given("an item exists", id=1)
        .with_body({"item": {"id": match.int(1), "name": "pen"}, "old_stock": 3},
                   content_type="application/json")
        .with_metadata({"topic": "items.changed"}))
    seen = []
    pact.verify(lambda body, metadata: seen.append(body), "Async")
    assert seen
"""


def test_message_pact_gets_a_valid_asyncapi_snapshot(pytester: pytest.Pytester) -> None:
    """A session recording a message writes contracts/asyncapi/<consumer>-<provider>.yaml."""
    write_suite(pytester, {"test_a": MESSAGE_TEST})
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*shop-items-api.yaml: AsyncAPI snapshot of the messages shop*"])
    api = load_asyncapi(pytester.path / EVENTS)  # validated against the official schema
    (message,) = api.sent_messages()
    assert message.name == "item.changed"
    assert api.channels[message.channel].address == "items.changed"
    item = api.document.data["components"]["messages"]["item.changed"]["payload"]
    assert item["properties"]["item"]["properties"]["id"] == {"type": "integer"}


def test_asyncapi_snapshot_is_byte_stable(pytester: pytest.Pytester) -> None:
    """A second identical session leaves the snapshot's bytes as they were."""
    write_suite(pytester, {"test_a": MESSAGE_TEST})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    first = (pytester.path / EVENTS).read_bytes()
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert (pytester.path / EVENTS).read_bytes() == first


def test_http_only_pact_writes_no_asyncapi_snapshot(pytester: pytest.Pytester) -> None:
    """A pact without message interactions gets no AsyncAPI file."""
    write_suite(pytester, {"test_a": http_test("test_one", "get one")})
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert not (pytester.path / "contracts" / "asyncapi").exists()
