"""The client builds the same requests as the official Ruby client (its pact is the spec)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from seam._broker_client import expand
from seam.broker import Selector, links
from seam.broker._matrix import _query

from ..conftest import require_corpus

V2 = "broker/Pact_Broker_Client_V2-Pact_Broker.json"


def _official_query(description: str, state: str) -> list[tuple[str, str]]:
    """The /matrix query of the Ruby client's interaction with this description and state."""
    doc = json.loads(require_corpus(V2).read_text())
    for interaction in doc["interactions"]:
        if interaction["description"] == description and interaction.get("providerState") == state:
            return sorted(parse_qsl(interaction["request"]["query"]))
    raise LookupError(description)


@pytest.mark.parametrize(
    ("description", "state", "to_tag"),
    [
        pytest.param(
            "a request for the compatibility matrix where only the version of Foo is specified",
            "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version "
            "5.6.7",
            None,
            id="no-target",
        ),
        pytest.param(
            "a request for the compatibility matrix for Foo version 1.2.3 and the latest prod "
            "versions of all other pacticipants",
            "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 "
            "(tagged prod) and version 5.6.7",
            "prod",
            id="to-tag",
        ),
    ],
)
def test_matrix_query_matches_the_ruby_client(
    description: str, state: str, to_tag: str | None
) -> None:
    """A single-pacticipant can-i-deploy sends exactly the Ruby client's /matrix parameters."""
    ours = sorted(_query(Selector("Foo", version="1.2.3"), None, to_tag, ()))
    assert ours == _official_query(description, state)


def test_branch_selector_asks_for_the_latest_on_the_branch() -> None:
    """--branch B becomes q[][branch]=B&q[][latest]=true."""
    assert Selector("Foo", branch="main").query() == [
        ("q[][pacticipant]", "Foo"),
        ("q[][branch]", "main"),
        ("q[][latest]", "true"),
    ]


def test_environment_target() -> None:
    """--to-environment sends environment=E and no latest flag."""
    params = dict(_query(Selector("Foo", latest="prod"), "production", None, ()))
    assert params["environment"] == "production"
    assert "latest" not in params
    assert params["q[][tag]"] == "prod"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [("Pricing Service", "Pricing%20Service"), ("a/b", "a%2Fb"), ("1.2.3", "1.2.3")],
    ids=["space", "slash", "dots"],
)
def test_templates_encode_each_value_as_one_segment(value: str, encoded: str) -> None:
    """Link templates are filled with fully escaped values."""
    assert expand("/pacticipants/{pacticipant}", {"pacticipant": value}) == (
        f"/pacticipants/{encoded}"
    )


def test_links_accepts_one_link_or_a_list() -> None:
    """A relation holding one link object or an array reads as a list."""
    one = {"_links": {"self": {"href": "/a"}}}
    many = {"_links": {"pb:env": [{"href": "/b", "name": "x"}, {"href": "/c", "name": "y"}]}}
    assert [link["href"] for link in links(one, "self")] == ["/a"]
    assert [link["name"] for link in links(many, "pb:env")] == ["x", "y"]
    assert links(one, "missing") == []
