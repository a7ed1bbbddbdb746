"""Consumer verdicts route pacts like `check` does, and judge constraints by the values sent."""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.diff import diff
from seam.model import Finding, Report, Severity
from seam.pactfile import Pact, read_pact

ROOT = Path(__file__).resolve().parents[2]

ARTICLE = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
}


def articles_api(**top: Any) -> dict[str, Any]:
    """A small API: read an article (200/404), delete one (204), list them (limit)."""
    json_body = {"application/json": {"schema": copy.deepcopy(ARTICLE)}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "articles", "version": "1"},
        "paths": {
            "/articles": {
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "default": 20},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"title": {"type": "string"}},
                                }
                            }
                        }
                    },
                    "responses": {"201": {"description": "made"}},
                },
            },
            "/articles/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": json_body},
                        "404": {"description": "missing"},
                    }
                },
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
        **top,
    }


def swagger_api(base_path: str) -> dict[str, Any]:
    """The read operation in Swagger 2.0 under ``basePath``."""
    return {
        "swagger": "2.0",
        "info": {"title": "articles", "version": "1"},
        "basePath": base_path,
        "produces": ["application/json"],
        "paths": {
            "/articles/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "integer"}
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": copy.deepcopy(ARTICLE)},
                        "404": {"description": "missing"},
                    },
                },
                "delete": {"responses": {"204": {"description": "gone"}}},
            }
        },
    }


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A fresh folder for one test's documents and pacts."""
    made = tmp_path / uuid.uuid4().hex[:8]
    made.mkdir()
    yield made


@pytest.fixture
def make_pact(folder: Path) -> Callable[..., Pact]:
    """Write a V3 pact of ``consumer`` with the given interactions and read it back."""

    def _make(consumer: str, *interactions: dict[str, Any], provider: str = "articles") -> Pact:
        doc = {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": list(interactions),
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        path = folder / f"{consumer}-{provider}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return read_pact(path)

    return _make


def call(
    method: str,
    path: str,
    status: int,
    body: Any = None,
    *,
    query: dict[str, list[str]] | None = None,
    request_body: Any = None,
) -> dict[str, Any]:
    """One interaction, described by what it does."""
    request: dict[str, Any] = {"method": method, "path": path}
    if query:
        request["query"] = query
    if request_body is not None:
        request["headers"] = {"Content-Type": "application/json"}
        request["body"] = request_body
    response: dict[str, Any] = {"status": status}
    if body is not None:
        response["headers"] = {"Content-Type": "application/json"}
        response["body"] = body
    return {
        "description": f"{method} {path} {uuid.uuid4().hex[:6]}",
        "request": request,
        "response": response,
    }


def run(folder: Path, base: Any, revision: Any, pacts: list[Pact] | None = None) -> Report:
    b, r = folder / "articles.json", folder / "articles-next.json"
    b.write_text(json.dumps(base), encoding="utf-8")
    r.write_text(json.dumps(revision), encoding="utf-8")
    return diff(b, r, pacts=pacts or [], provider="articles" if pacts else None)


def only(report: Report, rule: str) -> Finding:
    (found,) = [f for f in report.findings if f.rule == rule]
    return found


def without_title(doc: dict[str, Any], swagger: bool = False) -> dict[str, Any]:
    revision = copy.deepcopy(doc)
    get = revision["paths"]["/articles/{id}"]["get"]
    schema = (
        get["responses"]["200"]["schema"]
        if swagger
        else (get["responses"]["200"]["content"]["application/json"]["schema"])
    )
    del schema["properties"]["title"]
    return revision


BASE_PATH_FORMS = [
    pytest.param({"servers": [{"url": "https://api.example.com/api"}]}, "/api", id="absolute"),
    pytest.param({"servers": [{"url": "/api/v1"}]}, "/api/v1", id="relative"),
    pytest.param(
        {
            "servers": [
                {
                    "url": "https://{host}/{base}",
                    "variables": {
                        "host": {"default": "api.example.com"},
                        "base": {"default": "v2"},
                    },
                }
            ]
        },
        "/v2",
        id="server-variables",
    ),
]


@pytest.mark.parametrize(("top", "prefix"), BASE_PATH_FORMS)
def test_removed_field_read_under_a_server_base_path_names_the_consumer(
    folder: Path, make_pact: Callable[..., Pact], top: dict[str, Any], prefix: str
) -> None:
    """A removed response field the consumer reads under the server's base path is its error."""
    web = make_pact("web", call("GET", f"{prefix}/articles/1", 200, {"id": 1, "title": "a"}))
    base = articles_api(**top)
    finding = only(
        run(folder, base, without_title(base), [web]), "response-optional-property-removed"
    )
    assert finding.severity is Severity.ERROR
    assert finding.consumers == ("web",)
    assert "reads `title`" in finding.message


def test_removed_field_under_swagger_base_path_names_the_consumer(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """Swagger 2.0 `basePath` is part of the path a pact calls."""
    web = make_pact("web", call("GET", "/api/articles/1", 200, {"id": 1, "title": "a"}))
    base = swagger_api("/api")
    finding = only(
        run(folder, base, without_title(base, swagger=True), [web]),
        "response-optional-property-removed",
    )
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))


@pytest.mark.parametrize(
    "base",
    [
        pytest.param(articles_api(servers=[{"url": "https://api.example.com/api"}]), id="servers"),
        pytest.param(swagger_api("/api"), id="swagger-base-path"),
    ],
)
def test_delete_204_to_200_under_a_base_path_is_the_consumers_error(
    folder: Path, make_pact: Callable[..., Pact], base: dict[str, Any]
) -> None:
    """DELETE 204 → 200 breaks the consumer that calls it under the base path; pacts never
    downgrade what is an error without them."""
    revision = copy.deepcopy(base)
    responses = revision["paths"]["/articles/{id}"]["delete"]["responses"]
    responses["200"] = responses.pop("204")
    alone = only(run(folder, base, revision), "response-success-status-changed")
    assert alone.severity is Severity.ERROR
    admin = make_pact("admin", call("DELETE", "/api/articles/3", 204))
    judged = only(run(folder, base, revision, [admin]), "response-success-status-changed")
    assert (judged.severity, judged.consumers) == (Severity.ERROR, ("admin",))


def test_status_change_without_pacts_is_an_error(folder: Path) -> None:
    """404 → 400 fails CI with no pacts at hand."""
    base = articles_api()
    revision = copy.deepcopy(base)
    responses = revision["paths"]["/articles/{id}"]["get"]["responses"]
    responses["400"] = responses.pop("404")
    finding = only(run(folder, base, revision), "response-non-success-status-changed")
    assert finding.severity is Severity.ERROR


def test_removed_error_status_without_pacts_is_an_error(folder: Path) -> None:
    """A documented 404 that is no longer returned fails CI with no pacts at hand."""
    base = articles_api()
    revision = copy.deepcopy(base)
    del revision["paths"]["/articles/{id}"]["get"]["responses"]["404"]
    finding = only(run(folder, base, revision), "response-non-success-status-removed")
    assert finding.severity is Severity.ERROR


def test_status_change_no_consumer_expects_says_why(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """404 → 400 with a consumer that only reads 200s is a warning saying so."""
    web = make_pact("web", call("GET", "/articles/1", 200, {"id": 1}))
    base = articles_api()
    revision = copy.deepcopy(base)
    responses = revision["paths"]["/articles/{id}"]["get"]["responses"]
    responses["400"] = responses.pop("404")
    finding = only(run(folder, base, revision, [web]), "response-non-success-status-changed")
    assert finding.severity is Severity.WARNING
    assert "no consumer affected: web calls it but expects 200, not 404" in finding.message


def test_change_nobody_calls_says_no_pact_calls_it(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """A breaking change to an endpoint no pact calls names the endpoint in its reason."""
    web = make_pact("web", call("GET", "/articles", 200))
    base = articles_api()
    finding = only(
        run(folder, base, without_title(base), [web]), "response-optional-property-removed"
    )
    assert finding.severity is Severity.WARNING
    assert finding.message.endswith("no consumer affected: no pact calls GET /articles/{id}")
    assert finding.details["unaffected"] == "no pact calls GET /articles/{id}"


def test_field_the_caller_does_not_read_says_so(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """A caller that reads only `id` is unaffected by `title` going, and the reason says so."""
    web = make_pact("web", call("GET", "/articles/1", 200, {"id": 1}))
    base = articles_api()
    finding = only(
        run(folder, base, without_title(base), [web]), "response-optional-property-removed"
    )
    assert finding.severity is Severity.WARNING
    assert "web calls it but reads no `title`" in finding.message


def with_limit(schema: dict[str, Any]) -> dict[str, Any]:
    revision = articles_api()
    revision["paths"]["/articles"]["get"]["parameters"][0]["schema"] = schema
    return revision


@pytest.mark.parametrize(
    ("schema", "rule"),
    [
        pytest.param(
            {"type": "integer", "default": 20, "minimum": 1},
            "request-parameter-min-set",
            id="minimum",
        ),
        pytest.param(
            {"type": "integer", "default": 20, "maximum": 50},
            "request-parameter-max-set",
            id="maximum",
        ),
        pytest.param(
            {"type": "integer", "default": 20, "enum": [10, 20]},
            "request-parameter-became-enum",
            id="enum",
        ),
    ],
)
def test_constraint_the_sent_value_meets_blames_nobody(
    folder: Path, make_pact: Callable[..., Pact], schema: dict[str, Any], rule: str
) -> None:
    """A tighter constraint the recorded `limit=10` still meets is a warning that says why."""
    web = make_pact("web", call("GET", "/articles", 200, query={"limit": ["10"]}))
    report = run(folder, articles_api(), with_limit(schema), [web])
    finding = only(report, rule)
    assert finding.severity is Severity.WARNING
    assert "web calls it but sends `limit=10`, which the new schema accepts" in finding.message


@pytest.mark.parametrize(
    ("schema", "rule", "sent"),
    [
        pytest.param(
            {"type": "integer", "default": 20, "minimum": 1},
            "request-parameter-min-set",
            "0",
            id="minimum",
        ),
        pytest.param(
            {"type": "integer", "default": 20, "maximum": 50},
            "request-parameter-max-set",
            "80",
            id="maximum",
        ),
        pytest.param(
            {"type": "integer", "default": 20, "enum": [10, 20]},
            "request-parameter-became-enum",
            "30",
            id="enum",
        ),
    ],
)
def test_constraint_the_sent_value_breaks_blames_the_consumer(
    folder: Path, make_pact: Callable[..., Pact], schema: dict[str, Any], rule: str, sent: str
) -> None:
    """A tighter constraint the recorded value no longer meets is an error naming the consumer."""
    web = make_pact("web", call("GET", "/articles", 200, query={"limit": [sent]}))
    finding = only(run(folder, articles_api(), with_limit(schema), [web]), rule)
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
    assert f"`limit={sent}`" in finding.message


def test_removed_default_breaks_only_consumers_that_omit_the_parameter(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """Without its default, `limit` breaks the consumer relying on it, not one that sends it."""
    revision = with_limit({"type": "integer"})
    sends = make_pact("web", call("GET", "/articles", 200, query={"limit": ["10"]}))
    finding = only(
        run(folder, articles_api(), revision, [sends]), "request-parameter-default-value-removed"
    )
    assert finding.severity is Severity.WARNING
    assert "web calls it but always sends the query parameter `limit`" in finding.message
    omits = make_pact("mobile", call("GET", "/articles", 200))
    finding = only(
        run(folder, articles_api(), revision, [omits]), "request-parameter-default-value-removed"
    )
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("mobile",))
    assert "relying on its default" in finding.message


@pytest.mark.parametrize(("title", "broken"), [("short", False), ("far too long a title", True)])
def test_request_body_judged_by_the_recorded_body(
    folder: Path, make_pact: Callable[..., Pact], title: str, broken: bool
) -> None:
    """A new maxLength breaks a consumer only if the body it sends is now refused."""
    revision = articles_api()
    schema = revision["paths"]["/articles"]["post"]["requestBody"]["content"]["application/json"]
    schema["schema"]["properties"]["title"]["maxLength"] = 10
    web = make_pact("web", call("POST", "/articles", 201, request_body={"title": title}))
    finding = only(run(folder, articles_api(), revision, [web]), "request-property-max-length-set")
    if broken:
        assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
    else:
        assert finding.severity is Severity.WARNING
        assert "in a body the new schema accepts" in finding.message


def form_api(enum: list[str]) -> dict[str, Any]:
    """POST /charges takes a form body (as Stripe's API does): a currency from ``enum``."""
    doc = articles_api()
    doc["paths"]["/charges"] = {
        "post": {
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "amount": {"type": "integer", "minimum": 1},
                                "currency": {"type": "string", "enum": enum},
                            },
                        }
                    }
                }
            },
            "responses": {"200": {"description": "charged"}},
        }
    }
    return doc


@pytest.mark.parametrize(
    ("currency", "broken"),
    [pytest.param("eur", False, id="kept"), pytest.param("gbp", True, id="removed")],
)
def test_form_body_judged_by_the_recorded_fields(
    folder: Path, make_pact: Callable[..., Pact], currency: str, broken: bool
) -> None:
    """An enum value removed from a form field blames only the consumer that sends that value."""
    interaction = call("POST", "/charges", 200)
    interaction["request"]["headers"] = {"Content-Type": "application/x-www-form-urlencoded"}
    interaction["request"]["body"] = f"amount=100&currency={currency}"
    shop = make_pact("shop", interaction)
    report = run(folder, form_api(["eur", "gbp", "usd"]), form_api(["eur", "usd"]), [shop])
    finding = only(report, "request-property-enum-value-removed")
    if broken:
        assert (finding.severity, finding.consumers) == (Severity.ERROR, ("shop",))
    else:
        assert finding.severity is Severity.WARNING
        assert "sends `currency` in a body the new schema accepts" in finding.message


@pytest.fixture
def example_404_to_400(folder: Path) -> tuple[Path, Path]:
    """The example system's own provider document, and a copy where GET /tasks/{id} 404 → 400."""
    import yaml

    old = folder / "old.yaml"
    new = folder / "new.yaml"
    doc = yaml.safe_load((ROOT / "contracts/openapi/tasks-api.yaml").read_text(encoding="utf-8"))
    old.write_text(yaml.safe_dump(doc), encoding="utf-8")
    responses = doc["paths"]["/tasks/{id}"]["get"]["responses"]
    responses["400"] = responses.pop("404")
    new.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return old, new


def diff_with_example_pacts(old: Path, new: Path, *extra: str) -> Any:
    """`contracts diff OLD NEW --pacts contracts/pacts EXTRA...` through the real CLI."""
    pacts = str(ROOT / "contracts/pacts")
    return CliRunner().invoke(main, ["diff", str(old), str(new), "--pacts", pacts, *extra])


@pytest.mark.parametrize(
    "extra",
    [pytest.param([], id="by-title"), pytest.param(["--provider", "tasks-api"], id="provider")],
)
def test_two_files_and_pacts_name_the_consumer(
    example_404_to_400: tuple[Path, Path], extra: list[str]
) -> None:
    """Two bare files plus --pacts: 404 → 400 is an error naming notifier, exit 1."""
    result = diff_with_example_pacts(*example_404_to_400, "--format", "json", *extra)
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    (finding,) = [
        f for f in report["findings"] if f["rule"] == "response-non-success-status-changed"
    ]
    assert (finding["severity"], finding["consumers"]) == ("error", ["notifier"])


def test_pacts_of_another_provider_say_they_did_not_attach(
    example_404_to_400: tuple[Path, Path],
) -> None:
    """Pacts that name no provider of the document leave a warning naming their providers."""
    result = diff_with_example_pacts(*example_404_to_400, "--provider", "billing")
    assert result.exit_code == 1
    assert "pacts-not-attached" in result.output
    assert "no pact has provider 'billing'; the pacts name projects-api, tasks-api" in result.output


def test_removed_status_a_default_covers_fails_only_the_consumer_expecting_it(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """404 removed while `default` still answers: a warning alone, an error for the consumer
    whose pact expects the 404 (as in the real Petstore's history, 405 → default)."""
    base = articles_api()
    base["paths"]["/articles/{id}"]["get"]["responses"]["default"] = {"description": "error"}
    revision = copy.deepcopy(base)
    del revision["paths"]["/articles/{id}"]["get"]["responses"]["404"]
    rule = "response-non-success-status-removed-covered"
    assert only(run(folder, base, revision), rule).severity is Severity.WARNING
    web = make_pact("web", call("GET", "/articles/9", 404))
    finding = only(run(folder, base, revision, [web]), rule)
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))


def list_api(item: dict[str, Any], *, nullable_list: bool = False) -> dict[str, Any]:
    """GET /articles answers a list of items; the item schema is a component."""
    doc = articles_api()
    listing = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
    if nullable_list:
        listing["nullable"] = True
    doc["paths"]["/articles"]["get"]["responses"]["200"] = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Listing"}}},
    }
    doc["components"] = {
        "schemas": {
            "Listing": listing,
            "Item": item,
            "Base": {"type": "object", "properties": {"id": {"type": "integer"}}},
        }
    }
    return doc


TITLED = {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}}
COMPOSED = {
    "allOf": [
        {"$ref": "#/components/schemas/Base"},
        {"type": "object", "properties": {"title": {"type": "string"}}},
    ]
}
ONE_OF = {"oneOf": [{"$ref": "#/components/schemas/Base"}, TITLED]}


def untitled(item: dict[str, Any]) -> dict[str, Any]:
    item = copy.deepcopy(item)
    for node in [item, *item.get("allOf", []), *item.get("oneOf", [])]:
        node.get("properties", {}).pop("title", None)
    return item


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(TITLED, id="array-items-ref-chain"),
        pytest.param(COMPOSED, id="allOf"),
        pytest.param(ONE_OF, id="oneOf"),
    ],
)
@pytest.mark.parametrize("reads", [True, False])
def test_field_read_through_arrays_and_compositions(
    folder: Path, make_pact: Callable[..., Pact], item: dict[str, Any], reads: bool
) -> None:
    """`title` inside list items reached through $ref chains and allOf/oneOf is blamed exactly
    on the consumer that reads it."""
    body = [{"id": 1, "title": "a"}] if reads else [{"id": 1}]
    web = make_pact("web", call("GET", "/articles", 200, body))
    report = run(folder, list_api(item), list_api(untitled(item)), [web])
    removed = [f for f in report.findings if "title" in f.message and "removed" in f.rule]
    assert removed, [f.rule for f in report.findings]
    for finding in removed:
        if reads:
            assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
            assert "reads `[].title`" in finding.message
        else:
            assert finding.severity is Severity.WARNING
            assert "web calls it but reads no `[].title`" in finding.message


def clique_api(leaf_type: str, size: int = 10) -> dict[str, Any]:
    """Objects that all refer to one another, each with a map whose values are ``Leaf``."""
    names = [f"K{i}" for i in range(size)]
    schemas: dict[str, Any] = {
        name: {
            "type": "object",
            "properties": {
                **{other.lower(): {"$ref": f"#/components/schemas/{other}"} for other in names},
                "m": {"$ref": "#/components/schemas/Map"},
            },
        }
        for name in names
    }
    schemas["Map"] = {
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/Leaf"},
    }
    schemas["Leaf"] = {"type": leaf_type}
    ok = {"application/json": {"schema": {"$ref": "#/components/schemas/K0"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "articles", "version": "1"},
        "paths": {"/k": {"get": {"responses": {"200": {"description": "ok", "content": ok}}}}},
        "components": {"schemas": schemas},
    }


def test_recursive_schemas_are_judged_by_the_paths_the_body_holds(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """A change under schemas that all refer to one another is judged without walking every
    path through them (Stripe's are like this): the recorded body says which paths are used."""
    web = make_pact("web", call("GET", "/k", 200, {"k1": {"k2": {"k3": {}}}}))
    started = time.perf_counter()
    report = run(folder, clique_api("integer"), clique_api("string"), [web])
    assert time.perf_counter() - started < 10  # walking every simple path takes minutes
    finding = only(report, "response-property-type-changed")
    assert finding.severity is Severity.WARNING
    assert "web calls it but" in finding.message


def test_change_to_a_map_value_the_consumer_reads_names_it(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """A map's values (`additionalProperties`) are fields too: a type change there breaks a
    consumer whose recorded body holds a value of the map."""
    reads = make_pact("web", call("GET", "/k", 200, {"m": {"any-key": 1}}))
    finding = only(
        run(folder, clique_api("integer", 2), clique_api("string", 2), [reads]),
        "response-property-type-changed",
    )
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
    assert "reads `m.*`" in finding.message


def conditional_api(then_required: list[str]) -> dict[str, Any]:
    """POST /things: `data` whose `then` subschema (under `if`) lists required fields."""
    data = {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        "if": {"properties": {"kind": {"type": "string"}}},
        "then": {"properties": {"code": {"type": "string"}}, "required": then_required},
    }
    body = {"type": "object", "properties": {"data": data}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "articles", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": {"201": {"description": "made"}},
                }
            }
        },
    }


def test_field_required_by_a_then_subschema_breaks_a_sender_without_it(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """`if`/`then` describe the value they sit on: a field `then` newly requires breaks the
    consumer whose `data` lacks it."""
    web = make_pact("web", call("POST", "/things", 201, request_body={"data": {"kind": "a"}}))
    report = run(folder, conditional_api([]), conditional_api(["code"]), [web])
    finding = only(report, "request-property-became-required")
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
    assert "does not send `data.code`" in finding.message


def with_xml_title(direction: str, title_type: str) -> dict[str, Any]:
    """The articles API whose request or response body also comes as application/xml."""
    doc = articles_api()
    if direction == "request":
        content = doc["paths"]["/articles"]["post"]["requestBody"]["content"]
    else:
        content = doc["paths"]["/articles/{id}"]["get"]["responses"]["200"]["content"]
    xml = copy.deepcopy(content["application/json"])
    xml["schema"]["properties"]["title"]["type"] = title_type
    content["application/xml"] = xml
    return doc


@pytest.mark.parametrize(
    ("direction", "interaction"),
    [
        ("request", call("POST", "/articles", 201, request_body={"title": "a"})),
        ("response", call("GET", "/articles/1", 200, {"id": 1, "title": "a"})),
    ],
)
def test_change_to_a_media_type_the_consumer_does_not_use_blames_nobody(
    folder: Path, make_pact: Callable[..., Pact], direction: str, interaction: dict[str, Any]
) -> None:
    """A schema change under application/xml leaves a consumer that exchanges JSON alone."""
    web = make_pact("web", interaction)
    base, revision = with_xml_title(direction, "string"), with_xml_title(direction, "boolean")
    finding = only(run(folder, base, revision, [web]), f"{direction}-property-type-changed")
    assert finding.severity is Severity.WARNING
    assert "not application/xml" in finding.message


def test_removed_deprecated_operation_a_consumer_still_calls_names_it(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """A deprecated operation's removal is informational, unless a pact still calls it."""
    base = articles_api()
    base["paths"]["/articles/{id}"]["delete"]["deprecated"] = True
    revision = copy.deepcopy(base)
    del revision["paths"]["/articles/{id}"]["delete"]
    reader = make_pact("web", call("GET", "/articles/1", 200, {"id": 1}))
    finding = only(run(folder, base, revision, [reader]), "api-removed-with-deprecation")
    assert finding.severity is Severity.INFO
    deleter = make_pact("admin", call("DELETE", "/articles/1", 204))
    finding = only(run(folder, base, revision, [deleter]), "api-removed-with-deprecation")
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("admin",))


def test_nullable_all_of_wrapper_renamed_into_a_component_still_shows_a_field_below(
    folder: Path, make_pact: Callable[..., Pact]
) -> None:
    """`{nullable: true, allOf: [$ref A]}` becoming `$ref NA` (A plus nullable) compares A with
    NA, so a field removed two levels below is seen and blamed on its reader (GitHub's history)."""

    def doc(p: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
        body = {"type": "object", "properties": {"p": p}}
        ok = {"description": "ok", "content": {"application/json": {"schema": body}}}
        return {
            "openapi": "3.0.3",
            "info": {"title": "articles", "version": "1"},
            "paths": {"/y": {"get": {"responses": {"200": ok}}}},
            "components": {"schemas": schemas},
        }

    string = {"type": "string"}
    perms = {"type": "object", "properties": {"perms": {"$ref": "#/components/schemas/P"}}}
    base = doc(
        {"nullable": True, "allOf": [{"$ref": "#/components/schemas/A"}]},
        {"A": perms, "P": {"type": "object", "properties": {"a": string, "b": string}}},
    )
    revision = doc(
        {"$ref": "#/components/schemas/NA"},
        {"NA": {**perms, "nullable": True}, "P": {"type": "object", "properties": {"a": string}}},
    )
    web = make_pact("web", call("GET", "/y", 200, {"p": {"perms": {"a": "x", "b": "y"}}}))
    report = run(folder, base, revision, [web])
    finding = only(report, "response-optional-property-removed")
    assert (finding.severity, finding.consumers) == (Severity.ERROR, ("web",))
    assert "reads `p.perms.b`" in finding.message
    assert not [f for f in report.findings if "all-of" in f.rule]
