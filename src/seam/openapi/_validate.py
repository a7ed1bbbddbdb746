"""Validation with openapi-spec-validator, reported as one line: the first error and where."""

from __future__ import annotations

from typing import Any

from seam.errors import OpenAPIError

__all__ = ["validate_document"]


def validate_document(data: dict[str, Any], *, source: str = "document") -> None:
    """Validate an OpenAPI 3.0/3.1 or Swagger 2.0 document.

    Raises:
        OpenAPIError: the first validation error, with its JSON location.
    """
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    if "swagger" in data:
        validator_cls: Any = OpenAPIV2SpecValidator
    elif str(data.get("openapi", "")).startswith("3.1"):
        validator_cls = OpenAPIV31SpecValidator
    elif str(data.get("openapi", "")).startswith("3.0"):
        validator_cls = OpenAPIV30SpecValidator
    else:
        raise OpenAPIError(
            "not an OpenAPI document: no 'openapi' or 'swagger' field at the top level",
            location=source,
        )
    try:
        errors = validator_cls(data).iter_errors()
        first = next(iter(errors), None)
    except RecursionError:
        raise OpenAPIError(
            "the document's $refs nest too deeply to validate", location=source
        ) from None
    except Exception as exc:  # the validator raises its own types for unresolvable refs
        raise OpenAPIError(
            f"cannot validate: {type(exc).__name__}: {exc}", location=source
        ) from None
    if first is None:
        return
    # "not valid under any of the schemas listed in oneOf" says little: the deepest
    # alternative's complaint (jsonschema's best_match) says what is actually missing.
    context = getattr(first, "context", None)
    if context:
        from jsonschema.exceptions import best_match

        first = best_match(context) or first
    path = "/".join(
        str(p).replace("~", "~0").replace("/", "~1")
        for p in getattr(first, "absolute_path", ()) or ()
    )
    message = str(getattr(first, "message", first)).splitlines()[0]
    where = f"{source}#/{path}" if path else source
    raise OpenAPIError(f"invalid OpenAPI document: {message}", location=where)
