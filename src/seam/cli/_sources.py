"""Where a provider's OpenAPI document comes from: a URL, a Python app, or a file.

These touch the outside world (network, imports), so they live with the CLI; the pure
snapshot logic is :mod:`seam.openapi`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from seam._files import DEFAULT_MAX_BYTES, check_bounds, parse_bounds
from seam._imports import import_object
from seam.errors import InputError, OpenAPIError, ProviderUnreachable, UsageError

__all__ = ["app_document", "fetch_document", "file_document"]

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
    import httpx

    from seam.openapi import parse_document_text

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
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers=_accept(headers)) as response,
        ):
            if response.status_code in _UNAVAILABLE:
                raise ProviderUnreachable(
                    f"the provider is unavailable (HTTP {response.status_code}); "
                    "start it or wait until it is ready",
                    location=url,
                )
            if response.status_code != 200:
                raise InputError(
                    f"expected 200 with the OpenAPI document, got HTTP {response.status_code}; "
                    "is this the document's URL (FastAPI serves /openapi.json)?",
                    location=url,
                )
            raw = _read_capped(response, url)
    except httpx.TransportError as exc:
        reason = str(exc) or type(exc).__name__
        raise ProviderUnreachable(
            f"cannot reach the provider ({reason}); is it running?", location=url
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OpenAPIError("the answer is not UTF-8 text", location=url) from None
    return parse_document_text(text, source=url)


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


def app_document(reference: str) -> dict[str, Any]:
    """Import ``MODULE:ATTR`` and ask it for its OpenAPI document.

    ``ATTR`` (dotted names allowed) may be an app with an ``openapi()`` method (FastAPI),
    a mapping that is the document, or a callable returning one. The current directory
    is importable, as with ``python -m`` (:func:`seam._imports.import_object`).

    Raises:
        UsageError: the reference is malformed, the import fails, or the object is none
            of the above.
        OpenAPIError: ``openapi()`` fails or returns something that is not JSON data.
    """
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
                "(FastAPI), a mapping, or a callable returning one"
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
