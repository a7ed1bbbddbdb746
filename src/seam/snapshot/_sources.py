"""Where a provider's contract comes from: a URL, a Python object, or a file.

An OpenAPI document (GET a URL, ask an app) or a GraphQL schema (POST the introspection
query, unwrap a schema object).

These touch the outside world (network, imports), so they live in a side-effect package
beside ``seam.broker`` (they were ``seam.cli._sources``, issue 11); the pure snapshot logic is
:mod:`seam.openapi`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam._files import DEFAULT_MAX_BYTES, check_bounds, parse_bounds
from seam._imports import import_object
from seam.errors import (
    GraphQLSchemaError,
    InputError,
    OpenAPIError,
    ProviderUnreachable,
    UsageError,
)

if TYPE_CHECKING:
    from graphql import GraphQLSchema

__all__ = [
    "app_document",
    "fetch_document",
    "fetch_graphql_schema",
    "file_document",
]

# Statuses that mean "the provider is there but not serving yet" rather than a wrong URL.
_UNAVAILABLE = frozenset({502, 503, 504})


def fetch_document(
    url: str, *, timeout: float = 10.0, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """GET ``url`` and parse the OpenAPI document (JSON or YAML) it answers with.

    Raises:
        UsageError: ``url`` is not an http(s) URL.
        ProviderUnreachable: nothing answers, or the gateway says the service is down.
        InputError: the answer is not 200, is too large, or is not a document.
    """
    from seam.openapi import parse_document_text

    _, raw = _request(
        url,
        timeout=timeout,
        headers=_accept(headers),
        wrong_status="expected 200 with the OpenAPI document, got HTTP {status}; "
        "is this the document's URL (FastAPI serves /openapi.json; a GraphQL endpoint "
        "needs --graphql)?",
    )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OpenAPIError("the answer is not UTF-8 text", location=url) from None
    return parse_document_text(text, source=url)


def fetch_graphql_schema(
    url: str, *, timeout: float = 10.0, headers: Mapping[str, str] | None = None
) -> GraphQLSchema:
    """POST the standard introspection query to a GraphQL endpoint; build what it answers.

    Raises:
        UsageError: ``url`` is not an http(s) URL.
        ProviderUnreachable: nothing answers, or the gateway says the service is down.
        InputError: the answer is not 200 or is too large.
        GraphQLSchemaError: the answer is not an introspection result (introspection
            disabled, an error) or does not build a schema.
    """
    from seam.graphql import introspection_query, schema_from_introspection

    answer = _introspect(url, introspection_query(), timeout, headers)
    if _errors(answer):
        # A server older than the fields the full query asks for (graphql-js before 15)
        # refuses the whole query: ask again for what every server answers.
        answer = _introspect(url, introspection_query(full=False), timeout, headers)
    errors = _errors(answer)
    if errors:
        first = errors[0].get("message") if isinstance(errors[0], dict) else errors[0]
        raise GraphQLSchemaError(
            f"the endpoint refused the introspection query: {first}; "
            "enable introspection, or snapshot with --app MODULE:SCHEMA",
            location=url,
        )
    return schema_from_introspection(answer, source=url)


def _introspect(url: str, query: str, timeout: float, headers: Mapping[str, str] | None) -> Any:
    wrong_status = (
        "expected 200 with the introspection result, got HTTP {status}; "
        "is this the GraphQL endpoint (e.g. http://127.0.0.1:8000/graphql)?"
    )
    # GraphQL over HTTP answers a query the server cannot validate with 400 and its errors
    # (application/graphql-response+json): read those, as the errors of a 200 are read.
    status, body = _request(
        url,
        timeout=timeout,
        headers={"Accept": "application/json", **(headers or {})},
        json_body={"query": query, "operationName": "IntrospectionQuery"},
        wrong_status=wrong_status,
        also=frozenset({400}),
    )
    try:
        # Bounded: graphql-core builds the schema recursively, and a server nesting `ofType`
        # without end would otherwise end in a RecursionError, not a message. Python 3.13's
        # parser reads far deeper than 3.11's, so the depth is checked, not left to it.
        with parse_bounds(location=url, error=GraphQLSchemaError):
            answer = json.loads(body.decode("utf-8"))
        check_bounds(answer, location=url, error=GraphQLSchemaError)
    except (UnicodeDecodeError, ValueError):
        if status != 200:
            raise InputError(wrong_status.format(status=status), location=url) from None
        raise GraphQLSchemaError(
            "the answer is not JSON: is this a GraphQL endpoint?", location=url
        ) from None
    if status != 200 and not _errors(answer):
        raise InputError(wrong_status.format(status=status), location=url)
    return answer


def _errors(answer: Any) -> list[Any]:
    """The answer's GraphQL errors, unless it carries a schema all the same."""
    if not isinstance(answer, dict):
        return []
    data = answer.get("data")
    if isinstance(data, dict) and data.get("__schema"):
        return []
    errors = answer.get("errors")
    return errors if isinstance(errors, list) and errors else []


def _request(
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str],
    wrong_status: str,
    json_body: Any = None,
    also: frozenset[int] = frozenset(),
) -> tuple[int, bytes]:
    """GET ``url`` (POST ``json_body`` when given): the status and body of its 200 answer,
    or of an answer with a status in ``also``."""
    import httpx

    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--url must be an http:// or https:// URL, not {url!r}")
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL as exc:
        raise UsageError(f"--url {url!r} is not a valid URL: {exc}") from None
    if not host:
        raise UsageError(
            f"--url {url!r} has no host: expected e.g. http://127.0.0.1:8000/openapi.json"
        )
    method = "GET" if json_body is None else "POST"
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream(method, url, headers=dict(headers), json=json_body) as response,
        ):
            if response.status_code in _UNAVAILABLE:
                raise ProviderUnreachable(
                    f"the provider is unavailable (HTTP {response.status_code}); "
                    "start it or wait until it is ready",
                    location=url,
                )
            if response.status_code != 200 and response.status_code not in also:
                raise InputError(wrong_status.format(status=response.status_code), location=url)
            return response.status_code, _read_capped(response, url)
    except httpx.TransportError as exc:
        reason = str(exc) or type(exc).__name__
        raise ProviderUnreachable(
            f"cannot reach the provider ({reason}); is it running?", location=url
        ) from None


def _accept(headers: Mapping[str, str] | None) -> dict[str, str]:
    merged = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.1"}
    merged.update(headers or {})
    return merged


def _read_capped(response: Any, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > DEFAULT_MAX_BYTES:
            raise InputError(
                f"the document is over the {DEFAULT_MAX_BYTES / 1e6:.0f} MB limit; "
                "raise SEAM_MAX_DOCUMENT_BYTES if it is genuine",
                location=url,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def app_document(reference: str, target: Any = None) -> dict[str, Any]:
    """Import ``MODULE:ATTR`` and ask it for its OpenAPI document.

    ``ATTR`` (dotted names allowed) may be an app with an ``openapi()`` method (FastAPI),
    a mapping that is the document, or a callable returning one. The current directory
    is importable, as with ``python -m`` (:func:`seam._imports.import_object`).

    Args:
        reference: ``MODULE:ATTR``.
        target: the object, when :func:`import_object` already imported it.

    Raises:
        UsageError: the reference is malformed, the import fails, or the object is none
            of the above.
        OpenAPIError: ``openapi()`` fails or returns something that is not JSON data.
    """
    if target is None:
        target = import_object(reference, option="--app", example="tasks_api.app:app")
    try:
        if callable(getattr(target, "openapi", None)):
            document = target.openapi()
        elif isinstance(target, Mapping):
            document = target
        elif callable(target):
            document = target()
        else:
            raise UsageError(
                f"{reference} is a {type(target).__name__}: expected an app with .openapi() "
                "(FastAPI), a mapping, or a callable returning one; or a GraphQL schema "
                "(strawberry, graphene, graphql-core)"
            )
    except UsageError:
        raise
    except Exception as exc:
        raise OpenAPIError(
            f"producing the document failed: {type(exc).__name__}: {_first_line(exc)}",
            location=reference,
        ) from None
    return _plain(document, reference)


def _plain(document: Any, reference: str) -> dict[str, Any]:
    """The document as plain JSON data (tuples become lists; anything else is refused)."""
    if not isinstance(document, Mapping):
        raise OpenAPIError(
            f"expected the document as a mapping, got {type(document).__name__}",
            location=reference,
        )
    try:
        with parse_bounds(location=reference, error=OpenAPIError):
            plain: dict[str, Any] = json.loads(json.dumps(document, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise OpenAPIError(
            f"the document is not JSON data: {_first_line(exc)}", location=reference
        ) from None
    check_bounds(plain, location=reference, error=OpenAPIError)
    return plain


def file_document(path: Path) -> dict[str, Any]:
    """Load an OpenAPI file (JSON or YAML, local ``$ref``s bundled).

    Raises:
        InputError: the file cannot be read or parsed.
    """
    from seam.openapi import load_document

    return load_document(path).data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"
