"""Every rule about paths, parameters, bodies, responses, properties and security: a fixture
pair that fires it and a near miss that must not."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from seam.diff import RULES
from seam.diff._catalogue import FAMILIES
from seam.graphql import RULES as GRAPHQL_RULES
from seam.model import Report

S = {"type": "string"}
Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


def base_document() -> Doc:
    """One API with something of everything, for the mutations below to change."""
    post = {
        "operationId": "createItem",
        "tags": ["items"],
        "security": [{"key": ["read"]}],
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            {"name": "X-Trace", "in": "header", "required": True, "schema": S},
        ],
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"name": S, "colour": S},
                        "required": ["name"],
                    }
                }
            },
        },
        "responses": {
            "200": {
                "description": "ok",
                "headers": {"X-Rate": {"required": True, "schema": S}, "X-Opt": {"schema": S}},
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"id": S, "status": S, "note": S},
                            "required": ["id", "status"],
                        }
                    }
                },
            },
            "404": {"description": "not found"},
        },
    }
    get = {"responses": {"200": {"description": "ok"}}}
    put = {"responses": {"204": {"description": "done"}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/items/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": S}],
                "post": post,
                "get": get,
                "put": put,
            },
            "/other": {"get": copy.deepcopy(get)},
        },
        "webhooks": {"itemCreated": {"post": copy.deepcopy(get)}},
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}}},
    }
    return copy.deepcopy(doc)  # no sharing: mutations must not leak into S or other tests


def post(d: Doc) -> Doc:
    return d["paths"]["/items/{id}"]["post"]  # type: ignore[no-any-return]


def body(d: Doc) -> Doc:
    return post(d)["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def resp(d: Doc) -> Doc:
    return post(d)["responses"]["200"]  # type: ignore[no-any-return]


def rbody(d: Doc) -> Doc:
    return resp(d)["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def docs_only(d: Doc) -> None:
    post(d)["description"] = "documentation only"
    body(d)["properties"]["name"]["description"] = "the name"


def header_param_object(d: Doc) -> None:
    post(d)["parameters"][1]["schema"] = {"type": "object", "properties": {"a": S}}


def _set(path: str, value: Any) -> Mutation:
    def apply(d: Doc) -> None:
        *head, last = path.split(".")
        node: Any = d
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value

    return apply


def _do(*steps: Mutation) -> Mutation:
    def apply(d: Doc) -> None:
        for step in steps:
            step(d)

    return apply


def _del(getter: Callable[[Doc], Any], key: Any) -> Mutation:
    return lambda d: getter(d).pop(key)


def _add_param(param: Doc) -> Mutation:
    return lambda d: post(d)["parameters"].append(param)


def _props(getter: Callable[[Doc], Doc], **props: Any) -> Mutation:
    return lambda d: getter(d)["properties"].update(props)


def _required(getter: Callable[[Doc], Doc], *names: str) -> Mutation:
    return lambda d: getter(d).__setitem__("required", list(names))


def _rename(getter: Callable[[Doc], Doc], old: str, new: str) -> Mutation:
    def apply(d: Doc) -> None:
        schema = getter(d)
        schema["properties"][new] = schema["properties"].pop(old)
        schema["required"] = [new if n == old else n for n in schema.get("required", [])]

    return apply


def _status(old: str, new: str) -> Mutation:
    return lambda d: post(d)["responses"].__setitem__(new, post(d)["responses"].pop(old))


def _media(old: str, new: str) -> Mutation:
    return lambda d: resp(d)["content"].__setitem__(new, resp(d)["content"].pop(old))


PATH = "paths./items/{id}"
# rule id -> (prepare base, change that fires, near miss that must not fire)
CASES: dict[str, tuple[Mutation | None, Mutation, Mutation]] = {
    # paths
    "api-path-removed-without-deprecation": (
        None,
        _del(lambda d: d["paths"], "/other"),
        _set("paths./other.get.deprecated", True),
    ),
    "api-path-removed-with-deprecation": (
        _set("paths./other.get.deprecated", True),
        _del(lambda d: d["paths"], "/other"),
        docs_only,
    ),
    "api-removed-without-deprecation": (
        None,
        _del(lambda d: d["paths"]["/items/{id}"], "get"),
        _del(lambda d: d["paths"], "/other"),
    ),
    "api-removed-with-deprecation": (
        _set(f"{PATH}.get.deprecated", True),
        _del(lambda d: d["paths"]["/items/{id}"], "get"),
        docs_only,
    ),
    "endpoint-added": (
        None,
        _set(f"{PATH}.delete", {"responses": {"204": {"description": "x"}}}),
        docs_only,
    ),
    "endpoint-deprecated": (None, _set(f"{PATH}.get.deprecated", True), docs_only),
    "endpoint-reactivated": (
        _set(f"{PATH}.get.deprecated", True),
        _set(f"{PATH}.get.deprecated", False),
        docs_only,
    ),
    "api-operation-id-removed": (None, _set(f"{PATH}.post.operationId", "makeItem"), docs_only),
    "api-tag-removed": (
        None,
        _set(f"{PATH}.post.tags", []),
        _set(f"{PATH}.post.tags", ["items", "more"]),
    ),
    "webhook-added": (
        None,
        _set("webhooks.itemDeleted", {"post": {"responses": {"200": {"description": "ok"}}}}),
        docs_only,
    ),
    "webhook-removed": (None, _set("webhooks", {}), docs_only),
    # parameters
    "new-required-request-parameter": (
        None,
        _add_param({"name": "q", "in": "query", "required": True, "schema": S}),
        _add_param({"name": "q", "in": "query", "schema": S}),
    ),
    "new-optional-request-parameter": (
        None,
        _add_param({"name": "q", "in": "query", "schema": S}),
        _add_param({"name": "q", "in": "query", "required": True, "schema": S}),
    ),
    "new-request-path-parameter": (
        None,
        _add_param({"name": "v", "in": "path", "required": True, "schema": S}),
        _add_param({"name": "v", "in": "query", "schema": S}),
    ),
    "request-parameter-removed": (
        None,
        _del(lambda d: post(d)["parameters"], 0),
        _set(f"{PATH}.post.parameters.0.required", True),
    ),
    "request-parameter-location-changed": (
        None,
        _set(f"{PATH}.post.parameters.0.in", "header"),
        _set(f"{PATH}.post.parameters.0.name", "offset"),
    ),
    "request-parameter-became-required": (
        None,
        _set(f"{PATH}.post.parameters.0.required", True),
        _set(f"{PATH}.post.parameters.1.required", False),
    ),
    "request-parameter-became-optional": (
        None,
        _set(f"{PATH}.post.parameters.1.required", False),
        _set(f"{PATH}.post.parameters.0.required", True),
    ),
    "request-parameter-style-changed": (
        None,
        _set(f"{PATH}.post.parameters.0.style", "spaceDelimited"),
        _set(f"{PATH}.post.parameters.0.style", "form"),
    ),
    # request bodies
    "request-body-added-required": (
        None,
        _set(
            f"{PATH}.put.requestBody", {"required": True, "content": {"text/plain": {"schema": S}}}
        ),
        _set(f"{PATH}.put.requestBody", {"content": {"text/plain": {"schema": S}}}),
    ),
    "request-body-added-optional": (
        None,
        _set(f"{PATH}.put.requestBody", {"content": {"text/plain": {"schema": S}}}),
        _set(
            f"{PATH}.put.requestBody", {"required": True, "content": {"text/plain": {"schema": S}}}
        ),
    ),
    "request-body-removed": (
        None,
        _del(post, "requestBody"),
        _set(f"{PATH}.post.requestBody.required", True),
    ),
    "request-body-became-required": (
        None,
        _set(f"{PATH}.post.requestBody.required", True),
        docs_only,
    ),
    "request-body-became-optional": (
        _set(f"{PATH}.post.requestBody.required", True),
        _set(f"{PATH}.post.requestBody.required", False),
        docs_only,
    ),
    "request-body-media-type-added": (
        None,
        _set(f"{PATH}.post.requestBody.content.text/plain", {"schema": S}),
        docs_only,
    ),
    "request-body-media-type-removed": (
        _set(f"{PATH}.post.requestBody.content.text/plain", {"schema": S}),
        _del(lambda d: post(d)["requestBody"]["content"], "text/plain"),
        docs_only,
    ),
    "request-body-media-type-schema-added": (
        _set(f"{PATH}.post.requestBody.content.text/plain", {}),
        _set(f"{PATH}.post.requestBody.content.text/plain", {"schema": S}),
        docs_only,
    ),
    # request properties
    "new-required-request-property": (
        None,
        _do(_props(body, size=S), _required(body, "name", "size")),
        _props(body, size=S),
    ),
    "new-required-request-property-with-default": (
        None,
        _do(_props(body, size={**S, "default": "m"}), _required(body, "name", "size")),
        _props(body, size={**S, "default": "m"}),
    ),
    "new-optional-request-property": (
        None,
        _props(body, size={"type": "integer"}),
        _do(_props(body, size={"readOnly": True, **S}), _required(body, "name", "size")),
    ),
    "request-property-removed": (
        None,
        _del(lambda d: body(d)["properties"], "colour"),
        _set(
            f"{PATH}.post.requestBody.content.application/json.schema.properties.colour.description",
            "x",
        ),
    ),
    "request-property-renamed": (None, _rename(body, "colour", "color"), docs_only),
    "request-property-became-required": (
        None,
        _required(body, "name", "colour"),
        _required(body, "name"),
    ),
    "request-property-became-required-with-default": (
        _set(
            f"{PATH}.post.requestBody.content.application/json.schema.properties.colour.default",
            "red",
        ),
        _required(body, "name", "colour"),
        docs_only,
    ),
    "request-property-became-optional": (None, _required(body), _required(body, "name")),
    "new-required-request-header-property": (
        header_param_object,
        _do(
            _props(lambda d: post(d)["parameters"][1]["schema"], b=S),
            _required(lambda d: post(d)["parameters"][1]["schema"], "b"),
        ),
        _props(lambda d: post(d)["parameters"][1]["schema"], b=S),
    ),
    "request-header-property-became-required": (
        header_param_object,
        _required(lambda d: post(d)["parameters"][1]["schema"], "a"),
        docs_only,
    ),
    # response properties
    "response-required-property-added": (
        None,
        _do(_props(rbody, size=S), _required(rbody, "id", "status", "size")),
        _props(rbody, size=S),
    ),
    "response-optional-property-added": (
        None,
        _props(rbody, size=S),
        _do(_props(rbody, size=S), _required(rbody, "id", "status", "size")),
    ),
    "response-required-property-removed": (
        None,
        _del(lambda d: rbody(d)["properties"], "status"),
        _del(lambda d: rbody(d)["properties"], "note"),
    ),
    "response-optional-property-removed": (
        None,
        _del(lambda d: rbody(d)["properties"], "note"),
        _del(lambda d: rbody(d)["properties"], "status"),
    ),
    "response-property-renamed": (
        None,
        _rename(rbody, "status", "state"),
        _do(
            _rename(rbody, "status", "state"),
            _set(
                f"{PATH}.post.responses.200.content.application/json.schema.properties.state",
                {"type": "integer"},
            ),
        ),
    ),
    "response-property-became-optional": (
        None,
        _required(rbody, "id"),
        _required(rbody, "id", "status", "note"),
    ),
    "response-property-became-required": (
        None,
        _required(rbody, "id", "status", "note"),
        _required(rbody, "id"),
    ),
    # statuses and media types
    "response-success-status-removed": (
        _set(f"{PATH}.post.responses.201", {"description": "c"}),
        _del(lambda d: post(d)["responses"], "201"),
        docs_only,
    ),
    "response-success-status-added": (
        None,
        _set(f"{PATH}.post.responses.201", {"description": "c"}),
        _set(f"{PATH}.post.responses.400", {"description": "c"}),
    ),
    "response-success-status-changed": (None, _status("200", "201"), _status("404", "400")),
    "response-non-success-status-changed": (None, _status("404", "400"), _status("200", "201")),
    "response-non-success-status-removed": (
        None,
        _del(lambda d: post(d)["responses"], "404"),
        _del(lambda d: d["paths"]["/items/{id}"]["put"]["responses"], "204"),
    ),
    "response-non-success-status-removed-covered": (
        _set(f"{PATH}.post.responses.default", {"description": "any error"}),
        _del(lambda d: post(d)["responses"], "404"),
        _del(lambda d: post(d)["responses"], "default"),
    ),
    "response-non-success-status-added": (
        None,
        _set(f"{PATH}.post.responses.409", {"description": "c"}),
        _set(f"{PATH}.post.responses.201", {"description": "c"}),
    ),
    "response-media-type-removed": (
        _set(f"{PATH}.post.responses.200.content.text/csv", {"schema": S}),
        _del(lambda d: resp(d)["content"], "text/csv"),
        docs_only,
    ),
    "response-media-type-added": (
        None,
        _set(f"{PATH}.post.responses.200.content.text/csv", {"schema": S}),
        _media("application/json", "application/problem+json"),
    ),
    "response-media-type-name-generalized": (
        _media("application/json", "application/problem+json"),
        _media("application/problem+json", "application/json"),
        docs_only,
    ),
    "response-media-type-name-specialized": (
        None,
        _media("application/json", "application/problem+json"),
        _media("application/json", "text/json"),
    ),
    "response-media-type-name-changed": (
        None,
        _media("application/json", "text/json"),
        _media("application/json", "application/problem+json"),
    ),
    "response-body-media-type-schema-removed": (
        None,
        _set(f"{PATH}.post.responses.200.content.application/json", {}),
        docs_only,
    ),
    # response headers
    "required-response-header-removed": (
        None,
        _del(lambda d: resp(d)["headers"], "X-Rate"),
        _del(lambda d: resp(d)["headers"], "X-Opt"),
    ),
    "optional-response-header-removed": (
        None,
        _del(lambda d: resp(d)["headers"], "X-Opt"),
        _del(lambda d: resp(d)["headers"], "X-Rate"),
    ),
    "response-header-became-optional": (
        None,
        _set(f"{PATH}.post.responses.200.headers.X-Rate.required", False),
        _set(f"{PATH}.post.responses.200.headers.X-Opt.required", True),
    ),
    "response-header-added": (
        None,
        _set(f"{PATH}.post.responses.200.headers.X-New", {"schema": S}),
        docs_only,
    ),
    # components and the document's default security
    "api-schema-removed": (
        _set("components.schemas", {"Old": S}),
        _set("components.schemas", {}),
        _set("components.schemas", {"Old": S, "New": S}),
    ),
    "api-security-component-removed": (
        None,
        _set("components.securitySchemes", {}),
        _set("components.securitySchemes.other", {"type": "http", "scheme": "basic"}),
    ),
    "api-security-component-added": (
        None,
        _set("components.securitySchemes.other", {"type": "http", "scheme": "basic"}),
        docs_only,
    ),
    "api-global-security-added": (None, _set("security", [{"key": []}]), docs_only),
    "api-global-security-removed": (
        _set("security", [{"key": []}]),
        _set("security", []),
        docs_only,
    ),
    # security
    "api-security-added": (
        None,
        _set(f"{PATH}.post.security", [{"key": ["read"], "other": []}]),
        _set(f"{PATH}.post.security", [{"key": ["read"]}, {}]),
    ),
    "api-security-removed": (
        None,
        _set(f"{PATH}.post.security", []),
        _set(f"{PATH}.post.security", [{"key": []}]),
    ),
    "api-security-scope-added": (
        None,
        _set(f"{PATH}.post.security", [{"key": ["read", "write"]}]),
        _set(f"{PATH}.post.security", [{"key": []}]),
    ),
    "api-security-scope-removed": (
        None,
        _set(f"{PATH}.post.security", [{"key": []}]),
        _set(f"{PATH}.post.security", [{"key": ["read", "write"]}]),
    ),
}

# Rules tested in their own modules (files of a contracts tree, pact changes).
ELSEWHERE = {
    "contract-file-added",
    "contract-file-removed",
    "pacts-not-attached",  # tests/diff/test_consumer_routing.py
    "pact-interaction-added",
    "pact-interaction-removed",
    "pact-request-changed",
    "pact-response-field-dropped",
    "pact-response-field-expected",
    "pact-response-status-changed",
    "pact-message-field-expected",  # tests/diff/test_pacts.py
    "pact-message-field-dropped",
    "pact-message-metadata-changed",
}


def _pair(prepare: Mutation | None, change: Mutation) -> tuple[Doc, Doc]:
    base = base_document()
    if prepare:
        prepare(base)
    revision = copy.deepcopy(base)
    change(revision)
    return base, revision


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str, run_diff: Callable[..., Report]) -> None:
    """The rule fires on its fixture pair."""
    prepare, change, _ = CASES[rule_id]
    report = run_diff(*_pair(prepare, change))
    assert rule_id in {f.rule for f in report.findings}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet_on_near_miss(rule_id: str, run_diff: Callable[..., Report]) -> None:
    """The rule does not fire on a similar change that is not its kind."""
    prepare, _, near_miss = CASES[rule_id]
    report = run_diff(*_pair(prepare, near_miss))
    assert rule_id not in {f.rule for f in report.findings}


def test_every_rule_has_a_fixture_pair() -> None:
    """Every registered rule is covered here, by the schema table, or in its own module."""
    families = {f"{p}-{k}" for k, levels in FAMILIES.items() for p in levels}
    graphql = set(GRAPHQL_RULES.ids())  # tests/graphql/test_rules.py has their table
    asyncapi = {r for r in RULES.ids() if r.startswith("asyncapi-")}  # test_asyncapi.py
    uncovered = set(RULES.ids()) - set(CASES) - families - ELSEWHERE - graphql - asyncapi
    assert uncovered == set()


def test_identical_documents_have_no_findings(run_diff: Callable[..., Report]) -> None:
    """The fixture document compared with itself has no findings."""
    assert run_diff(base_document(), base_document()).findings == []
