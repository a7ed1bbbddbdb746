"""Properties of the diff that hold for any schema."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seam.diff import diff
from seam.model import Report
from seam.reporters import render

names = st.sampled_from(["id", "name", "status", "tags", "owner"])
scalars = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
    optional={
        "minimum": st.integers(-5, 5),
        "maxLength": st.integers(0, 9),
        "enum": st.lists(
            st.text("ab", min_size=1, max_size=2), min_size=1, max_size=3, unique=True
        ),
        "nullable": st.booleans(),
        "pattern": st.sampled_from(["^a", "b$"]),
        "default": st.integers(0, 3),
    },
)


def _containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    objects = st.builds(
        lambda props, required: {
            "type": "object",
            "properties": props,
            "required": sorted(set(required) & set(props)),
        },
        st.dictionaries(names, children, max_size=3),
        st.lists(names, max_size=3),
    )
    arrays = st.builds(lambda items: {"type": "array", "items": items}, children)
    one_of = st.builds(lambda alts: {"oneOf": alts}, st.lists(children, min_size=1, max_size=3))
    return objects | arrays | one_of


schemas = st.recursive(scalars, _containers, max_leaves=12)


def document(
    request: Any, response: Any, components: dict[str, Any] | None = None
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": request}}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": response}},
                        }
                    },
                }
            }
        },
    }
    if components:
        doc["components"] = {"schemas": components}
    return doc


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(schemas, schemas)
def test_a_document_against_itself_has_no_findings(
    run_diff: Callable[..., Report], req: Any, res: Any
) -> None:
    """diff(x, x) is empty for any request and response schema."""
    doc = document(req, res)
    assert run_diff(doc, copy.deepcopy(doc)).findings == []


@FAST
@given(schemas)
def test_moving_a_schema_into_components_changes_nothing(
    run_diff: Callable[..., Report], schema: Any
) -> None:
    """An inline schema refactored into a $ref'd component is no change at all."""
    inline = document(schema, schema)
    ref = {"$ref": "#/components/schemas/Thing"}
    refactored = document(ref, ref, {"Thing": copy.deepcopy(schema)})
    assert run_diff(inline, refactored).findings == []
    assert run_diff(refactored, inline).findings == []


@FAST
@given(schemas, schemas)
def test_same_input_same_report(write: Callable[..., Path], a: Any, b: Any) -> None:
    """Two runs over the same files give the same report, byte for byte."""
    base, revision = write(document(a, b)), write(document(b, a))
    assert render(diff(base, revision), "json") == render(diff(base, revision), "json")


@FAST
@given(st.dictionaries(names, schemas, min_size=1, max_size=4), st.data())
def test_a_renamed_property_is_one_finding(
    run_diff: Callable[..., Report], props: dict[str, Any], data: Any
) -> None:
    """Renaming one response property, whatever its schema, is one `response-property-renamed`."""
    old = data.draw(st.sampled_from(sorted(props)))
    obj = {"type": "object", "properties": props}
    renamed = {
        "type": "object",
        "properties": {("renamed" if k == old else k): v for k, v in props.items()},
    }
    report = run_diff(document({"type": "string"}, obj), document({"type": "string"}, renamed))
    assert [(f.rule, f.details["property"], f.details["renamed_to"]) for f in report.findings] == [
        ("response-property-renamed", old, "renamed")
    ]
