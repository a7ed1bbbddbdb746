"""Property: whatever arrives, the broker answers with a status below 500 and no traceback."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seam.server._routes import ROUTES

from .conftest import Client, publish_body

_TEMPLATES = [route.path for route in ROUTES]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.sampled_from(
    [
        "pacticipantName",
        "pacticipantVersionNumber",
        "contracts",
        "tags",
        "branch",
        "name",
        "success",
        "providerApplicationVersion",
        "consumerVersionSelectors",
        "request",
        "currentlyDeployed",
        "content",
        "consumer",
        "provider",
        "interactions",
    ]
)
_BODIES = _JSON | st.dictionaries(_FIELDS, _JSON, max_size=5)
_RANDOM_SEGMENT = st.text(min_size=1, max_size=12).map(
    lambda s: "".join(c if c.isalnum() else f"%{ord(c) & 0xFF:02X}" for c in s)
)
# Mostly names the seeded broker knows, so requests get past "not found".
_SEGMENT = (
    st.sampled_from(["Foo", "Bar", "1", "2", "main", "prod", "env1", "latest"]) | _RANDOM_SEGMENT
)


def _seed(client: Client) -> None:
    body = publish_body("Foo", "1", ["Bar"], branch="main", tags=["prod"])
    client.post("/contracts/publish", json=body)
    client.put("/environments/env1", json={"name": "env1"})


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, Any]:
    template = draw(st.sampled_from(_TEMPLATES))
    path = re.sub(r"\{\w+\}", lambda _: draw(_SEGMENT), template)
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]))
    return method, path, draw(_BODIES)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request=requests())
def test_no_request_causes_a_server_error(client: Client, request: tuple[str, str, Any]) -> None:
    """Random methods, path segments and JSON bodies on every route never yield a 5xx."""
    method, path, body = request
    _seed(client)
    response = client.request(method, path, json=body)
    assert response.status_code < 500, (method, path, body, response.text)
    assert "Traceback" not in response.text


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "q[][pacticipant]",
                    "q[][version]",
                    "q[][latest]",
                    "q[][tag]",
                    "q[][branch]",
                    "q[][mainBranch]",
                    "latestby",
                    "latest",
                    "tag",
                    "environment",
                    "ignore[][pacticipant]",
                    "ignore[][version]",
                    "success[]",
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=8,
    )
)
def test_no_matrix_query_causes_a_server_error(
    client: Client, query: list[tuple[str, str]]
) -> None:
    """Any combination of matrix query parameters is answered without a 5xx."""
    client.put("/pacticipants/Foo/versions/1", json={})
    response = client.get("/matrix", params=query)
    assert response.status_code < 500, (query, response.text)


def test_nul_in_a_query_is_bad_input_on_every_engine(client: Client) -> None:
    """A NUL character in a matrix query answers 4xx on SQLite and PostgreSQL, never 500."""
    response = client.get("/matrix", params=[("q[][pacticipant]", "\x00"), ("latestby", "cvp")])
    assert 400 <= response.status_code < 500, response.text
