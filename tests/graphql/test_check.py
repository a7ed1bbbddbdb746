"""GraphQL requests in pacts checked against the provider's schema (`seam.graphql._check`)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from seam.compat import check, check_files
from seam.graphql import load_schema
from seam.model import Finding, Severity
from seam.openapi import load_document
from seam.pactfile import read_pact

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = FIXTURES / "users-api.graphql"
PACT = FIXTURES / "web-users-api.json"

GET_USER = "query GetUser($id: ID!) { user(id: $id) { id name age score active role } }"
USER = {"id": "u1", "name": "Ada", "age": 36, "score": 9.5, "active": True, "role": "ADMIN"}


def post(
    query: Any,
    variables: Any = None,
    body: Any = None,
    *,
    name: str | None = None,
    description: str = "web asks",
) -> dict[str, Any]:
    """One GraphQL POST interaction as pact-python records it (V3)."""
    sent: dict[str, Any] = {"query": query}
    if variables is not None:
        sent["variables"] = variables
    if name is not None:
        sent["operationName"] = name
    return {
        "description": description,
        "request": {
            "method": "POST",
            "path": "/graphql",
            "headers": {"Content-Type": "application/json"},
            "body": sent,
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": {"data": {}} if body is None else body,
        },
    }


def get(params: dict[str, str], body: Any) -> dict[str, Any]:
    """One GraphQL GET interaction (query string parameters)."""
    return {
        "description": "web asks by GET",
        "request": {
            "method": "GET",
            "path": "/graphql",
            "query": {k: [v] for k, v in params.items()},
        },
        "response": {"status": 200, "body": body},
    }


def write_pact(tmp_path: Path, *interactions: dict[str, Any], name: str = "web") -> Path:
    """A V3 pact file of consumer `name` with users-api."""
    path = tmp_path / f"{name}-users-api.json"
    path.write_text(
        json.dumps(
            {
                "consumer": {"name": name},
                "provider": {"name": "users-api"},
                "interactions": list(interactions),
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    return path


def findings(tmp_path: Path, *interactions: dict[str, Any]) -> list[Finding]:
    """Every finding of a pact holding `interactions`, checked against the fixture schema."""
    pact = write_pact(tmp_path, *interactions)
    return check_files([pact], None, graphql_path=SCHEMA).findings


def test_recorded_pact_of_valid_operations_passes() -> None:
    """Aliases, fragments, unions, interfaces, GET, mutations, errors and operationName all pass."""
    report = check_files([PACT], None, graphql_path=SCHEMA)
    assert report.findings == []
    assert [c.status.value for c in report.cases] == ["passed"] * 7
    assert report.meta["graphql"] == str(SCHEMA)


INVALID = [
    pytest.param(
        post(5), "graphql.request.malformed", '"query" must be a string', id="query-not-string"
    ),
    pytest.param(
        post(GET_USER, ["u1"]),
        "graphql.request.malformed",
        '"variables" must be an object, got list',
        id="variables-not-object",
    ),
    pytest.param(
        get({"query": GET_USER, "variables": "{id: u1}"}, {"data": None}),
        "graphql.request.malformed",
        "variables= parameter is not JSON",
        id="get-variables-not-json",
    ),
    pytest.param(
        post('query { user(id: "1") { id }'),
        "graphql.operation.invalid",
        "the query does not parse: Syntax Error: Expected Name, found <EOF>.",
        id="syntax-error",
    ),
    pytest.param(
        post('{ user(id: "1") { email } }'),
        "graphql.operation.invalid",
        "Cannot query field 'email' on type 'User'. (query line 1, column 19)",
        id="unknown-field",
    ),
    pytest.param(
        post("{ user { id } }"),
        "graphql.operation.invalid",
        "argument 'id' of type 'ID!' is required",
        id="required-argument-missing",
    ),
    pytest.param(
        post('{ user(id: "1") { ... on Team { title } } }'),
        "graphql.operation.invalid",
        "Fragment cannot be spread here",
        id="fragment-on-wrong-type",
    ),
    pytest.param(
        post('query A { user(id: "1") { id } } query B { users { id } }', name="C"),
        "graphql.operation.invalid",
        "operationName 'C' names no operation (found: A, B)",
        id="operation-name-unknown",
    ),
    pytest.param(
        post('query A { user(id: "1") { id } } query B { users { id } }'),
        "graphql.operation.invalid",
        "operationName must choose one",
        id="operation-name-missing",
    ),
    pytest.param(
        post("query Q($n: Int) { users(first: $n) { id } }", {"n": "two"}),
        "graphql.variables.invalid",
        "Int cannot represent non-integer value: 'two'",
        id="variable-wrong-scalar",
    ),
    pytest.param(
        post(GET_USER, {}),
        "graphql.variables.invalid",
        "Variable '$id' of required type 'ID!' was not provided.",
        id="required-variable-missing",
    ),
    pytest.param(
        post(
            "mutation M($input: CreateUserInput!) { createUser(input: $input) { id } }",
            {"input": {"name": "Grace", "role": "OWNER"}},
        ),
        "graphql.variables.invalid",
        "Value 'OWNER' does not exist in 'Role' enum.",
        id="variable-enum-value-unknown",
    ),
    pytest.param(
        post(
            "mutation M($input: CreateUserInput!) { createUser(input: $input) { id } }",
            {"input": {"role": "ADMIN"}},
        ),
        "graphql.variables.invalid",
        "Field 'name' of required type 'String!' was not provided.",
        id="variable-input-field-missing",
    ),
]


@pytest.mark.parametrize(("interaction", "rule", "says"), INVALID)
def test_invalid_request_is_one_finding_of_its_kind(
    tmp_path: Path, interaction: dict[str, Any], rule: str, says: str
) -> None:
    """Each malformed request, invalid operation or bad variable yields its code and the cause."""
    (f,) = findings(tmp_path, interaction)
    assert (f.rule, f.severity) == (rule, Severity.ERROR)
    assert says in f.message
    assert f.interaction == interaction["description"] and f.consumers == ("web",)


def test_variable_finding_is_located_at_the_variable(tmp_path: Path) -> None:
    """A variable that does not coerce is located at request.body.variables.<name>."""
    (f,) = findings(tmp_path, post("query Q($n: Int) { users(first: $n) { id } }", {"n": "x"}))
    assert f.location == "request.body.variables.n"


def user(**fields: Any) -> dict[str, Any]:
    """A response to GET_USER with `fields` replaced."""
    return {"data": {"user": {**USER, **fields}}}


RESPONSES = [
    pytest.param(
        user(active=None),
        "data.user.active",
        "is null, but its type Boolean! is non-null",
        id="non-null-is-null",
    ),
    pytest.param(
        user(age=2**31),
        "data.user.age",
        "2147483648 does not fit Int (32-bit signed)",
        id="int-out-of-range",
    ),
    pytest.param(user(age="36"), "data.user.age", "expected Int, got '36'", id="int-as-string"),
    pytest.param(user(age=True), "data.user.age", "expected Int, got true", id="int-as-boolean"),
    pytest.param(
        user(score="9.5"), "data.user.score", "expected Float, got '9.5'", id="float-as-string"
    ),
    pytest.param(
        user(active="true"),
        "data.user.active",
        "expected Boolean, got 'true'",
        id="boolean-as-string",
    ),
    pytest.param(
        user(id=1), "data.user.id", "expected ID (a JSON string), got 1", id="id-as-number"
    ),
    pytest.param(
        user(name=5),
        "data.user.name",
        "expected String (a JSON string), got 5",
        id="string-as-number",
    ),
    pytest.param(
        user(role="OWNER"),
        "data.user.role",
        "'OWNER' is not a value of enum Role",
        id="enum-value-unknown",
    ),
    pytest.param(
        user(email="a@b.c"),
        "data.user.email",
        "is not selected by the operation (on User)",
        id="field-not-selected",
    ),
    pytest.param(
        {"data": {"user": [USER]}},
        "data.user",
        "expected an object (User), got a list",
        id="object-as-list",
    ),
    pytest.param(
        {"data": None},
        "data",
        "is null, which a response without errors cannot be",
        id="data-null-without-errors",
    ),
    pytest.param(
        {"extensions": {}},
        "",
        "the response holds neither data nor errors",
        id="neither-data-nor-errors",
    ),
    pytest.param(
        {"data": {"user": None}, "errors": []},
        "errors",
        "must be a non-empty list, got an empty one",
        id="errors-empty",
    ),
    pytest.param(
        {"data": {"user": None}, "errors": ["boom"]},
        "errors[0]",
        "an error is an object with a message string",
        id="error-without-message",
    ),
    pytest.param(
        {"data": {"user": None}, "warnings": []},
        "",
        "a GraphQL response holds only data, errors and extensions, not ['warnings']",
        id="extra-top-level-key",
    ),
    pytest.param(
        ["not", "an", "object"],
        "",
        "a GraphQL response is a JSON object with data or errors, got a list",
        id="response-not-object",
    ),
]


@pytest.mark.parametrize(("body", "path", "says"), RESPONSES)
def test_response_that_does_not_fit_the_selection_is_incompatible(
    tmp_path: Path, body: Any, path: str, says: str
) -> None:
    """A recorded response whose value breaks its field's type is named by its path and why."""
    (f,) = findings(tmp_path, post(GET_USER, {"id": "u1"}, body))
    assert f.rule == "graphql.response.incompatible" and f.severity is Severity.ERROR
    assert f.message == (f"{path}: {says}" if path else says)
    assert f.location == (f"response.body.{path}" if path else "response.body")


def test_list_field_holding_an_object_is_incompatible(tmp_path: Path) -> None:
    """A list field recorded as one object is not a list (and its items are judged too)."""
    query = "{ users { id role } }"
    found = findings(
        tmp_path,
        post(query, body={"data": {"users": {"id": "u1"}}}, description="one"),
        post(query, body={"data": {"users": [{"id": "u1", "role": "X"}]}}, description="two"),
    )
    assert [f.message for f in found] == [
        "data.users: expected a list ([User!]), got an object",
        "data.users[0].role: 'X' is not a value of enum Role",
    ]


def test_alias_is_the_response_key(tmp_path: Path) -> None:
    """An aliased field is recorded under its alias; its field name is then not selected."""
    query = '{ user(id: "1") { id displayName: name } }'
    good = post(query, body={"data": {"user": {"id": "1", "displayName": "Ada"}}}, description="a")
    bad = post(query, body={"data": {"user": {"id": "1", "name": "Ada"}}}, description="b")
    found = findings(tmp_path, good, bad)
    assert [(f.interaction, f.message) for f in found] == [
        ("b", "data.user.name: is not selected by the operation (on User)")
    ]


SEARCH = '{ search(text: "a") { __typename ... on User { id name } ... on Team { id title } } }'


@pytest.mark.parametrize(
    ("item", "says"),
    [
        pytest.param(
            {"__typename": "Robot", "id": "r1"},
            "data.search[0].__typename: 'Robot' is not a possible type of SearchResult"
            " (Team, User)",
            id="typename-not-a-member",
        ),
        pytest.param(
            {"__typename": "Team", "id": "t1", "name": "Core"},
            "data.search[0].name: is not selected by the operation (on Team)",
            id="member-fields-of-another-type",
        ),
        pytest.param(
            {"__typename": "User", "id": "u1", "name": None, "title": "x"},
            "data.search[0].title: is not selected by the operation (on User)",
            id="inline-fragment-of-another-member",
        ),
    ],
)
def test_union_member_is_judged_by_its_typename(
    tmp_path: Path, item: dict[str, Any], says: str
) -> None:
    """On a union, __typename picks the member whose inline fragment applies."""
    (f,) = findings(tmp_path, post(SEARCH, body={"data": {"search": [item]}}))
    assert f.message == says


def test_interface_value_without_typename_fits_one_implementation(tmp_path: Path) -> None:
    """Without __typename, an interface value passes when it fits one possible type's selection."""
    query = '{ node(id: "t1") { id ... on Team { title } } }'
    team = post(query, body={"data": {"node": {"id": "t1", "title": "Core"}}}, description="team")
    neither = post(query, body={"data": {"node": {"id": "t1", "title": 5}}}, description="bad")
    found = findings(tmp_path, team, neither)
    assert [(f.interaction, f.message) for f in found] == [
        ("bad", "data.node.title: expected String (a JSON string), got 5")
    ]


def test_errors_allow_nulls_where_the_schema_says_non_null(tmp_path: Path) -> None:
    """A response with errors may hold null in non-null fields (errors propagate as nulls)."""
    body = {"data": {"user": {**USER, "active": None}}, "errors": [{"message": "partial"}]}
    assert findings(tmp_path, post(GET_USER, {"id": "u1"}, body)) == []


def test_include_directive_follows_the_recorded_variables(tmp_path: Path) -> None:
    """A field left out by @include(if: false) is not selected, so a response holding it fails."""
    query = 'query Q($full: Boolean!) { user(id: "1") { id name @include(if: $full) } }'
    body = {"data": {"user": {"id": "1", "name": "Ada"}}}
    on = post(query, {"full": True}, body, description="full")
    off = post(query, {"full": False}, body, description="short")
    found = findings(tmp_path, on, off)
    assert [(f.interaction, f.message) for f in found] == [
        ("short", "data.user.name: is not selected by the operation (on User)")
    ]


def test_get_request_is_checked_like_a_post(tmp_path: Path) -> None:
    """A GET with query= and variables= is validated and its variables coerced."""
    ok = get({"query": GET_USER, "variables": '{"id": "u1"}'}, user())
    missing = get({"query": GET_USER}, user())
    missing["description"] = "web asks by GET without variables"
    found = findings(tmp_path, ok, missing)
    assert [(f.rule, f.interaction) for f in found] == [
        ("graphql.variables.invalid", "web asks by GET without variables")
    ]


def test_findings_carry_the_pact_file_and_the_interaction_line(tmp_path: Path) -> None:
    """A finding names the pact file and the line of its interaction's description."""
    pact = write_pact(tmp_path, post("{ nope }"))
    pact.write_text(json.dumps(json.loads(pact.read_text()), indent=2))
    (f,) = check_files([pact], None, graphql_path=SCHEMA).findings
    line = pact.read_text().splitlines().index('      "description": "web asks",') + 1
    assert (f.file, f.line, f.method, f.path) == (str(pact), line, "POST", "/graphql")


OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "users-api", "version": "1"},
    "paths": {"/health": {"get": {"responses": {"200": {"description": "up"}}}}},
}


def test_http_interactions_go_to_openapi_and_graphql_ones_to_the_schema(tmp_path: Path) -> None:
    """In a mixed pact the plain HTTP interactions are checked against the OpenAPI document."""
    health = {
        "description": "web pings",
        "request": {"method": "GET", "path": "/healthz"},
        "response": {"status": 200},
    }
    spec = tmp_path / "users-api.json"
    spec.write_text(json.dumps(OPENAPI))
    pact = write_pact(tmp_path, health, post(GET_USER, {"id": "u1"}, user(age="x")))
    report = check_files([pact], spec, graphql_path=SCHEMA)
    assert sorted((f.rule, f.interaction) for f in report.findings) == [
        ("graphql.response.incompatible", "web asks"),
        ("request.path-or-method.unknown", "web pings"),
    ]


def test_without_openapi_plain_http_interactions_are_reported_unchecked(tmp_path: Path) -> None:
    """Given only a GraphQL schema, a non-GraphQL HTTP interaction is a warning, not a pass."""
    health = {
        "description": "web pings",
        "request": {"method": "GET", "path": "/healthz"},
        "response": {"status": 200},
    }
    (f,) = findings(tmp_path, health)
    assert (f.rule, f.severity) == ("interaction.type.unsupported", Severity.WARNING)
    assert "without an OpenAPI document" in f.message


def test_without_a_schema_graphql_interactions_go_to_openapi(tmp_path: Path) -> None:
    """With no GraphQL schema, a /graphql POST is an HTTP interaction like any other."""
    spec = tmp_path / "users-api.json"
    spec.write_text(json.dumps(OPENAPI))
    pact = write_pact(tmp_path, post(GET_USER, {"id": "u1"}, user()))
    (f,) = check_files([pact], spec).findings
    assert f.rule == "request.path-or-method.unknown"


def test_graphql_rules_take_severity_overrides_and_ignores() -> None:
    """graphql.* ids are check rules: severities change and ignores drop them by id."""
    pact = read_pact(PACT)
    broken = copy.deepcopy(pact.raw)
    broken["interactions"][0]["request"]["body"]["query"] = "{ nope }"
    from seam.pactfile import parse_pact

    bad = parse_pact(broken)
    schema = load_schema(SCHEMA)
    graded = check(
        [bad], None, graphql=schema, severities={"graphql.operation.invalid": Severity.INFO}
    )
    assert [f.severity for f in graded.findings] == [Severity.INFO]
    ignored = check([bad], None, graphql=schema, ignore=["graphql.operation.invalid"])
    assert ignored.findings == []


def test_nothing_to_check_against_is_a_usage_error(tmp_path: Path) -> None:
    """Neither an OpenAPI document nor a GraphQL schema: the call is refused."""
    from seam.errors import UsageError

    with pytest.raises(UsageError, match="nothing to check against"):
        check_files([PACT], None)


def test_openapi_document_and_schema_both_load(tmp_path: Path) -> None:
    """Both documents are named in the report's meta."""
    spec = tmp_path / "users-api.json"
    spec.write_text(json.dumps(OPENAPI))
    report = check([read_pact(PACT)], load_document(spec), graphql=load_schema(SCHEMA))
    assert report.meta["openapi"] == str(spec) and report.meta["graphql"] == str(SCHEMA)
