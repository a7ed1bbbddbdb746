"""Validation reports the first error and where it is."""

from __future__ import annotations

import pytest

from seam.errors import OpenAPIError
from seam.openapi import parse_document_text, validate_document


def test_valid_document_passes() -> None:
    """A minimal valid document raises nothing."""
    validate_document(
        parse_document_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    )


def test_first_error_with_location() -> None:
    """A response without a description is refused with its JSON location."""
    doc = parse_document_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      responses:\n        '200': {}\n"
    )
    with pytest.raises(OpenAPIError) as info:
        validate_document(doc, source="spec.yaml")
    message = str(info.value)
    assert message.startswith("spec.yaml#/paths/~1a/get/responses/200: invalid OpenAPI document")
    assert "\n" not in message


def test_not_openapi() -> None:
    """A mapping with no version field is not validated, it is refused."""
    with pytest.raises(OpenAPIError, match="not an OpenAPI document"):
        validate_document({"info": {}})
