"""Inferring an OpenAPI snapshot of what a consumer uses from its pact (seam.openapi._infer)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seam.openapi import dump_yaml, infer_openapi, validate_document
from seam.pactfile import parse_pact


def rules(**by_path: dict[str, Any]) -> dict[str, Any]:
    """V3+ body matching rules: one matcher per JSON path."""
    return {"body": {path: {"combine": "AND", "matchers": [m]} for path, m in by_path.items()}}


def http(
    description: str,
    path: str,
    *,
    method: str = "GET",
    status: int = 200,
    body: Any = None,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """A V4 HTTP interaction."""
    resp: dict[str, Any] = {"status": status, **(response or {})}
    if body is not None:
        resp["body"] = {"content": body, "contentType": content_type, "encoded": False}
        resp["headers"] = {"Content-Type": [content_type]}
    return {
        "type": "Synchronous/HTTP",
        "description": description,
        "request": {"method": method, "path": path, **(request or {})},
        "response": resp,
    }


def infer(*interactions: dict[str, Any]) -> dict[str, Any]:
    """The snapshot of a pact holding ``interactions``; it must validate."""
    doc = {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": list(interactions),
    }
    snapshot = infer_openapi(parse_pact(doc))
    validate_document(snapshot)
    return snapshot


def response_schema(snapshot: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    """The JSON schema of the first response of an operation."""
    responses = snapshot["paths"][path][method]["responses"]
    first = responses[sorted(responses)[0]]
    schema: dict[str, Any] = first["content"]["application/json"]["schema"]
    return schema


def test_provider_state_generator_templates_the_path() -> None:
    """A path filled in by a provider-state generator becomes a parameter of that name."""
    request = {"generators": {"path": {"type": "ProviderState", "expression": "/tasks/${taskId}"}}}
    snapshot = infer(http("get", "/tasks/1", request=request))
    (param,) = snapshot["paths"]["/tasks/{taskId}"]["get"]["parameters"]
    assert param == {
        "in": "path",
        "name": "taskId",
        "required": True,
        "schema": {"type": "integer"},
    }


def test_segments_that_vary_between_interactions_are_templated() -> None:
    """Paths differing in one data-like segment under the same parent share one template."""
    snapshot = infer(http("ann", "/users/ann.lee"), http("bob", "/users/Bob"))
    assert list(snapshot["paths"]) == ["/users/{id}"]


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(["/api/tasks", "/api/users"], id="collections"),
        pytest.param(["/tasks/1/comments", "/tasks/1/history"], id="sub-resources"),
        pytest.param(["/tasks", "/users"], id="roots"),
    ],
)
def test_resource_names_stay_literal(paths: list[str]) -> None:
    """Lowercase resource names that differ are separate routes, not a parameter."""
    snapshot = infer(*(http(p, p) for p in paths))
    assert len(snapshot["paths"]) == len(paths)


def test_identifier_segments_are_templated() -> None:
    """A UUID segment is a path parameter with format uuid."""
    snapshot = infer(http("get", "/tasks/7f1c2a9e-3b1d-4c5e-9f00-1234567890ab"))
    (param,) = snapshot["paths"]["/tasks/{id}"]["get"]["parameters"]
    assert param["schema"] == {"type": "string", "format": "uuid"}


def test_path_regex_templates_the_segments_it_lets_vary() -> None:
    """A path regex matcher templates only the segments it lets vary."""
    request = {
        "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": r"/items/[a-z]+/x"}]}}
    }
    snapshot = infer(http("get", "/items/abc/x", request=request))
    assert list(snapshot["paths"]) == ["/items/{id}/x"]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        pytest.param(
            ["/articles/how-to-x", "/articles/why-y"], ["/articles/{slug}"], id="two-slugs"
        ),
        pytest.param(
            ["/api/posts/how-to-x/comments", "/api/posts/why-y/comments"],
            ["/api/posts/{slug}/comments"],
            id="nested",
        ),
        pytest.param(
            ["/articles/2024-year-in-review", "/articles/why-y"],
            ["/articles/{slug}"],
            id="with-digits",
        ),
        pytest.param(
            ["/articles/how-to-x", "/articles/why-y", "/articles/feed"],
            ["/articles/feed", "/articles/{slug}"],
            id="fixed-word-beside-slugs",
        ),
        pytest.param(
            ["/users/me", "/users/42"], ["/users/me", "/users/{id}"], id="me-beside-an-id"
        ),
        pytest.param(
            ["/tasks/bulk-update", "/tasks/bulk-delete"],
            ["/tasks/bulk-delete", "/tasks/bulk-update"],
            id="two-word-actions",
        ),
        pytest.param(
            ["/api/user-groups", "/api/how-to-x-and-y"],
            ["/api/how-to-x-and-y", "/api/user-groups"],
            id="not-under-a-collection",
        ),
        pytest.param(["/articles/how-to-x"], ["/articles/how-to-x"], id="one-alone"),
    ],
)
def test_slugs_under_a_collection_are_one_template(paths: list[str], expected: list[str]) -> None:
    """Kebab-case titles under a plural collection are one `{slug}`; fixed routes stay."""
    snapshot = infer(*(http(p, p) for p in paths))
    assert sorted(snapshot["paths"]) == expected


def test_slug_template_is_byte_stable() -> None:
    """The slug template and its parameter come out the same in any interaction order."""
    calls = [http(p, p) for p in ("/articles/how-to-x", "/articles/why-y", "/articles/a-b-c")]
    first = dump_yaml(infer(*calls))
    for seed in range(5):
        random.Random(seed).shuffle(calls)
        assert dump_yaml(infer(*calls)) == first
    (param,) = infer(*calls)["paths"]["/articles/{slug}"]["get"]["parameters"]
    assert param == {"in": "path", "name": "slug", "required": True, "schema": {"type": "string"}}


def test_literal_segments_stay_literal() -> None:
    """A word beside an identifier at the same position keeps its own path."""
    snapshot = infer(http("one", "/tasks/1"), http("export", "/tasks/export"))
    assert sorted(snapshot["paths"]) == ["/tasks/export", "/tasks/{id}"]


def test_query_parameters_required_only_when_always_sent() -> None:
    """A query parameter sent by every interaction is required; one sent by some is not."""
    snapshot = infer(
        http("a", "/tasks", request={"query": {"status": ["open"], "limit": ["10"]}}),
        http("b", "/tasks", request={"query": {"status": ["done"]}}),
    )
    params = {p["name"]: p for p in snapshot["paths"]["/tasks"]["get"]["parameters"]}
    assert params["status"]["required"] and not params["limit"]["required"]
    assert params["limit"]["schema"] == {"type": "integer"}


def test_header_regex_becomes_a_pattern() -> None:
    """A request header with a regex matcher becomes a header parameter with a pattern."""
    request = {
        "headers": {"X-Request-Id": ["abc"]},
        "matchingRules": {
            "header": {"X-Request-Id": {"matchers": [{"match": "regex", "regex": "^[a-z]+$"}]}}
        },
    }
    (param,) = infer(http("a", "/tasks", request=request))["paths"]["/tasks"]["get"]["parameters"]
    assert param == {
        "in": "header",
        "name": "X-Request-Id",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z]+$"},
    }


def test_bearer_token_becomes_a_security_requirement() -> None:
    """A bearer token becomes a bearer scheme; a refused anonymous call adds no `{}`."""
    snapshot = infer(
        http(
            "with",
            "/tasks/1",
            method="DELETE",
            status=204,
            request={"headers": {"Authorization": ["Bearer t"]}},
        ),
        http("without", "/tasks/1", method="DELETE", status=401),
    )
    assert snapshot["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }
    assert snapshot["paths"]["/tasks/{id}"]["delete"]["security"] == [{"bearerAuth": []}]


def test_body_types_and_required_fields() -> None:
    """Example values give types; fields present in the example are required."""
    schema = response_schema(
        infer(http("a", "/t", body={"id": 1, "ok": True, "score": 1.5, "name": "x"})), "/t"
    )
    assert schema == {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "ok": {"type": "boolean"},
            "score": {"type": "number"},
        },
        "required": ["id", "name", "ok", "score"],
    }


def test_matchers_give_pattern_and_format() -> None:
    """regex becomes pattern and a datetime matcher becomes format date-time."""
    body = {"status": "open", "at": "2024-01-01T00:00:00+00:00"}
    matchers = rules(
        **{
            "$.status": {"match": "regex", "regex": "^(open|done)$"},
            "$.at": {"match": "datetime", "format": "yyyy"},
        }
    )
    schema = response_schema(
        infer(http("a", "/t", body=body, response={"matchingRules": matchers})), "/t"
    )
    assert schema["properties"]["status"] == {"type": "string", "pattern": "^(open|done)$"}
    assert schema["properties"]["at"] == {"type": "string", "format": "date-time"}


@pytest.mark.parametrize(
    ("regex", "key"),
    [
        pytest.param(r"^\d{3}$", "pattern", id="ecma"),
        pytest.param(r"\Qa.b\E", "x-pact-regex", id="java-quote"),
        pytest.param(r".*/pacticipants/{name}", "x-pact-regex", id="lone-brace"),
    ],
)
def test_regex_outside_ecma_is_kept_as_an_extension(regex: str, key: str) -> None:
    """A regex OpenAPI cannot hold (Java syntax, lone braces) is kept as x-pact-regex."""
    matchers = rules(**{"$.href": {"match": "regex", "regex": regex}})
    schema = response_schema(
        infer(http("a", "/t", body={"href": "x"}, response={"matchingRules": matchers})), "/t"
    )
    assert schema["properties"]["href"] == {"type": "string", key: regex}


def test_each_like_becomes_an_array_with_min_items() -> None:
    """A type matcher with min on an array gives minItems and the element's schema."""
    matchers = rules(**{"$": {"match": "type", "min": 1}, "$[*].id": {"match": "integer"}})
    schema = response_schema(
        infer(http("a", "/t", body=[{"id": 1}], response={"matchingRules": matchers})), "/t"
    )
    assert schema["type"] == "array" and schema["minItems"] == 1
    assert schema["items"]["properties"]["id"] == {"type": "integer"}


def test_null_merges_into_nullable() -> None:
    """A field null in one example and a string in another is a nullable string, still required."""
    snapshot = infer(
        http("a", "/t/1", body={"assignee": None}),
        http("b", "/t/2", body={"assignee": "ann"}),
    )
    schema = response_schema(snapshot, "/t/{id}")
    assert schema["properties"]["assignee"] == {"type": "string", "nullable": True}
    assert schema["required"] == ["assignee"]


def test_field_missing_from_one_example_is_optional() -> None:
    """Only fields present in every example are required."""
    snapshot = infer(http("a", "/t/1", body={"id": 1, "x": 1}), http("b", "/t/2", body={"id": 2}))
    assert response_schema(snapshot, "/t/{id}")["required"] == ["id"]


def test_statuses_and_content_types_are_kept() -> None:
    """Each status is a response; a text body is a string under its media type."""
    snapshot = infer(
        http("ok", "/t", body="hello", content_type="text/plain; charset=utf-8"),
        http("missing", "/t", status=404),
    )
    responses = snapshot["paths"]["/t"]["get"]["responses"]
    assert sorted(responses) == ["200", "404"]
    assert responses["200"]["content"] == {"text/plain": {"schema": {"type": "string"}}}


def test_request_body_schema() -> None:
    """A request body becomes a required requestBody with its schema."""
    request = {
        "body": {"content": {"title": "x"}, "contentType": "application/json", "encoded": False},
        "headers": {"Content-Type": ["application/json"]},
    }
    body = infer(http("create", "/tasks", method="POST", status=201, request=request))["paths"][
        "/tasks"
    ]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"]["properties"] == {
        "title": {"type": "string"}
    }


def test_messages_are_listed_as_an_extension() -> None:
    """Asynchronous messages appear under x-seam-messages with their schema."""
    message = {
        "type": "Asynchronous/Messages",
        "description": "a task event",
        "contents": {"content": {"id": 1}, "contentType": "application/json", "encoded": False},
    }
    (entry,) = infer(message)["x-seam-messages"]
    assert entry["schema"]["properties"] == {"id": {"type": "integer"}}


def test_interaction_order_does_not_change_the_bytes() -> None:
    """The snapshot's YAML is the same whatever order the pact lists its interactions in."""
    items = [
        http(f"get {n}", f"/t/{n}", body={"id": n, "v": None if n % 2 else "x"}) for n in range(8)
    ]
    first = dump_yaml(infer(*items))
    random.Random(4).shuffle(items)
    assert dump_yaml(infer(*items)) == first


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)
SEGMENT = st.sampled_from(
    ["tasks", "users", "1", "2", "ann", "x", "7f1c2a9e-3b1d-4c5e-9f00-1234567890ab"]
)
INTERACTION = st.builds(
    lambda d, segs, method, status, body, query: http(
        d,
        "/" + "/".join(segs),
        method=method,
        status=status,
        body=body,
        request={"query": query} if query else None,
    ),
    st.text(min_size=1, max_size=8),
    st.lists(SEGMENT, max_size=4),
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    st.sampled_from([200, 201, 204, 400, 404]),
    JSON,
    st.dictionaries(
        st.sampled_from(["a", "b"]),
        st.lists(st.text(max_size=3), min_size=1, max_size=2),
        max_size=2,
    ),
)

MATCHER = st.sampled_from(
    [
        {"match": "type"},
        {"match": "type", "min": 1, "max": 3},
        {"match": "integer"},
        {"match": "decimal"},
        {"match": "regex", "regex": "^[a-z]*$"},
        {"match": "regex", "regex": "\\Qa.b\\E"},
        {"match": "regex", "regex": ".*{name}"},
        {"match": "datetime", "format": "yyyy-MM-dd"},
        {"match": "null"},
        {"match": "equality"},
        {"match": "include", "value": "a+b"},
        {"match": "values"},
    ]
)
RULE_PATH = st.sampled_from(["$", "$.*", "$[*]", "$[0]", "$.a", "$.a[*].b", "$['x y']"])
RULED_INTERACTION = st.builds(
    lambda interaction, rules_by_path: {
        **interaction,
        "response": {
            **interaction["response"],
            "matchingRules": {
                "body": {path: {"matchers": [m]} for path, m in rules_by_path.items()}
            },
        },
    },
    INTERACTION,
    st.dictionaries(RULE_PATH, MATCHER, max_size=3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RULED_INTERACTION, max_size=6))
def test_an_inferred_snapshot_always_validates(interactions: list[dict[str, Any]]) -> None:
    """Any HTTP interactions, with any matchers, give a snapshot the validator accepts."""
    snapshot = infer(*interactions)
    assert dump_yaml(snapshot) == dump_yaml(infer(*interactions))


def test_anything_stays_anything_when_merged() -> None:
    """Once two examples disagree on the type, a third example does not narrow it again."""
    snapshot = infer(
        http("a", "/t/1", body={"v": "text"}),
        http("b", "/t/2", body={"v": {"k": 1}}),
        http("c", "/t/3", body={"v": {"k": 2}}),
    )
    assert response_schema(snapshot, "/t/{id}")["properties"]["v"] == {}


@pytest.mark.parametrize(
    ("media", "raw"),
    [
        pytest.param("application/x-www-form-urlencoded", "name=ann&role=admin", id="urlencoded"),
        pytest.param(
            "multipart/form-data; boundary=xx",
            '--xx\r\nContent-Disposition: form-data; name="name"\r\n\r\nann\r\n'
            '--xx\r\nContent-Disposition: form-data; name="role"\r\n\r\nadmin\r\n--xx--',
            id="multipart",
        ),
    ],
)
def test_form_bodies_become_objects_of_strings(media: str, raw: str) -> None:
    """A form body written as text is described by its field names."""
    request = {"body": raw, "headers": {"Content-Type": [media]}}
    operation = infer(http("a", "/login", method="POST", request=request))["paths"]["/login"]
    schema = operation["post"]["requestBody"]["content"][media.split(";")[0]]["schema"]
    assert schema["properties"] == {"name": {"type": "string"}, "role": {"type": "string"}}


def test_trailing_slash_is_kept() -> None:
    """A path that ends in a slash keeps it: servers tell the two apart."""
    assert list(infer(http("a", "/items/"))["paths"]) == ["/items/"]


def test_body_without_content_type_is_typed_from_its_value() -> None:
    """A JSON value without a declared content type is application/json, as Pact reads it."""
    interaction = http("a", "/t")
    interaction["response"]["body"] = {"id": 1}
    responses = infer(interaction)["paths"]["/t"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["application/json"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INTERACTION, max_size=5))
def test_a_pact_checks_clean_against_its_own_snapshot(interactions: list[dict[str, Any]]) -> None:
    """contracts check finds no error between a pact and the snapshot inferred from it."""
    from seam.compat import compare
    from seam.model import Severity

    doc = {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": interactions,
    }
    pact = parse_pact(doc)
    errors = [f for f in compare(pact, infer_openapi(pact)) if f.severity >= Severity.ERROR]
    assert errors == []


def test_empty_array_example_gives_way_to_a_full_one() -> None:
    """An empty list in one interaction does not erase the items another one shows."""
    snapshot = infer(http("none", "/t", body=[]), http("some", "/t", body=[{"id": 1}]))
    items = response_schema(snapshot, "/t")["items"]
    assert items["properties"] == {"id": {"type": "integer"}}


def test_uuid_format_only_when_every_value_is_one() -> None:
    """A path parameter seen as a UUID and as a number is a plain string."""
    snapshot = infer(http("a", "/t/7f1c2a9e-3b1d-4c5e-9f00-1234567890ab"), http("b", "/t/1"))
    (param,) = snapshot["paths"]["/t/{id}"]["get"]["parameters"]
    assert param["schema"] == {"type": "string"}


def test_provider_document_names_the_templates_its_router_reaches() -> None:
    """With the provider's own document at hand, a request it routes takes that operation's
    template: two slugs are one `/articles/{slug}`, an id is called what the provider calls it;
    a request the provider does not route is still inferred."""
    from seam.openapi import Api

    ok = {"responses": {"200": {"description": "ok"}}}
    provider = Api(
        {
            "openapi": "3.0.3",
            "info": {"title": "blog", "version": "1"},
            "servers": [{"url": "/api"}],
            "paths": {"/articles/{slug}": {"get": ok}, "/users/{userId}/posts": {"get": ok}},
        }
    )
    pact = parse_pact(
        {
            "consumer": {"name": "web"},
            "provider": {"name": "blog"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [
                http("an article", "/api/articles/hello"),
                http("another article", "/api/articles/world"),
                http("a user's posts", "/api/users/42/posts"),
                http("a page the provider lacks", "/api/pages/7"),
            ],
        }
    )
    with_provider = infer_openapi(pact, provider)
    validate_document(with_provider)
    assert sorted(with_provider["paths"]) == [
        "/api/articles/{slug}",
        "/api/pages/{id}",
        "/api/users/{userId}/posts",
    ]
    alone = infer_openapi(pact)
    assert "/api/users/{userId}/posts" not in alone["paths"]
