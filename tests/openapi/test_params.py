"""Parameter text becomes the JSON value its schema describes."""

from __future__ import annotations

from typing import Any

import pytest

from seam.openapi._params import coerce, nest, parameter_schema


@pytest.mark.parametrize(
    ("schema", "text", "value"),
    [
        pytest.param({"type": "integer"}, "42", 42, id="integer"),
        pytest.param({"type": "integer"}, "4.2", "4.2", id="not-an-integer-stays-text"),
        pytest.param({"type": "number"}, "4.5", 4.5, id="number"),
        pytest.param({"type": "boolean"}, "true", True, id="boolean"),
        pytest.param({"type": "string"}, "42", "42", id="string-stays-text"),
        pytest.param({"type": "array", "items": {"type": "integer"}}, "1,2", [1, 2], id="csv"),
        pytest.param(
            {"type": "object", "properties": {"n": {"type": "integer"}}},
            "n,1",
            {"n": 1},
            id="object-pairs",
        ),
    ],
)
def test_coerce(schema: dict[str, Any], text: str, value: Any) -> None:
    """Text is read as the schema's type where it can be."""
    assert coerce({}, schema, text) == value


def test_nest_folds_deep_objects() -> None:
    """`person[address][city]=X` becomes `{"person": {"address": {"city": "X"}}}`."""
    values = {"person[address][city]": ["Melbourne"], "other": ["1"]}
    assert nest(values, {"person"}) == {
        "person": {"address": {"city": "Melbourne"}},
        "other": ["1"],
    }


def test_swagger_parameter_is_its_own_schema() -> None:
    """A Swagger 2.0 parameter's type keywords form its schema."""
    param = {"name": "n", "in": "query", "type": "integer", "required": True}
    assert parameter_schema(param) == {"type": "integer"}
