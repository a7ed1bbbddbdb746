"""The ASGI application: routing on the raw path, auth, body limit, error mapping."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import request_response

from seam.errors import UsageError
from seam.server._documents import Urls
from seam.server._errors import Invalid, ServiceError
from seam.server._requests import check_name
from seam.server._routes import ROUTES, Call, Reply, Route
from seam.server._service import BrokerService
from seam.server._storage import Storage

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]

log = logging.getLogger("seam.server")

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
_HAL = "application/hal+json;charset=utf-8"
_PARAM = re.compile(r"^\{(\w+)\}$")


class _Denied(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Router:
    """Matches the raw (still percent-encoded) path segment by segment.

    Matching before decoding keeps ``%2F`` inside one segment, so a name containing ``/``
    reaches the name check and is refused instead of being routed somewhere else.
    """

    def __init__(self, routes: list[Route]) -> None:
        self._routes = [([seg for seg in route.path.split("/") if seg], route) for route in routes]

    def match(self, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        segments = [seg for seg in raw_path.split("/") if seg]
        for pattern, route in self._routes:
            if len(pattern) != len(segments):
                continue
            params: dict[str, str] = {}
            for expected, actual in zip(pattern, segments, strict=True):
                name = _PARAM.match(expected)
                if name:
                    params[name.group(1)] = _decode(name.group(1), actual)
                elif expected != actual:
                    break
            else:
                return route, params
        return None


# What each path parameter names, for messages about it.
_PARAM_KINDS = {
    "p": "pacticipant name",
    "prov": "provider name",
    "c": "consumer name",
    "v": "version number",
    "t": "tag",
    "tag": "tag",
    "b": "branch",
    "uuid": "uuid",
    "sha": "pact version",
    "n": "verification number",
    "kind": "resource kind",
}


def _decode(param: str, raw: str) -> str:
    """Percent-decode one path segment as strict UTF-8.

    The lenient default turns every invalid byte into U+FFFD, so ``%FE`` and ``%FF`` would
    name the same pacticipant; they are refused instead.
    """
    # The raw path was read as latin-1 (byte for byte): bytes sent unencoded are UTF-8 too.
    data = unquote_to_bytes(raw.encode("latin-1"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        kind = _PARAM_KINDS.get(param, param)
        # Where the first undecodable byte lands, counted in characters like check_name does.
        position = len(data[: exc.start].decode("utf-8")) + 1
        message = (
            f"{kind} {raw!r} is not valid UTF-8 (byte 0x{data[exc.start]:02X} at "
            f"position {position}); percent-encode names as UTF-8"
        )
        raise Invalid(message, errors={kind: [message]}) from None


def _query(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        message = "the query string is not valid UTF-8; percent-encode values as UTF-8"
        raise Invalid(message, errors={"query": [message]}) from None


def _out_of_space(exc: BaseException) -> bool:
    """True when SQLite says the disk (or its page limit) is full.

    SQLite turns a write's ENOSPC into SQLITE_FULL itself; the broker writes nothing else.
    """
    # The primary result code; extended codes keep it in the low byte.
    code = getattr(exc, "sqlite_errorcode", 0) if isinstance(exc, sqlite3.Error) else 0
    return (code & 0xFF) == sqlite3.SQLITE_FULL


def _check_tokens(token: str | None, read_token: str | None, write_token: str | None) -> None:
    if token and (read_token or write_token):
        raise UsageError("give either --token or --read-token/--write-token, not both")
    if bool(read_token) != bool(write_token):
        raise UsageError("--read-token and --write-token go together; give both")
    if read_token and read_token == write_token:
        raise UsageError("--read-token and --write-token must differ")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _same(given: str | None, expected: str | None) -> bool:
    return (
        given is not None
        and expected is not None
        and hmac.compare_digest(given.encode(), expected.encode())
    )


def _authenticate(request: Request, token: str | None, read: str | None, write: str | None) -> bool:
    """Refuse a request without a valid token (401); return whether it may write."""
    if not (token or read or write):
        return True
    given = _bearer(request)
    if _same(given, token) or _same(given, write):
        return True
    if _same(given, read):
        return False
    raise _Denied(401, "a valid bearer token is required (Authorization: Bearer <token>)")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _Denied(413, f"request body is larger than the limit of {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Denied(413, f"request body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_response(
    status: int, doc: Any, accept: str, headers: dict[str, str] | None = None
) -> Response:
    # Official clients ask for application/hal+json; a client that asks only for JSON gets it.
    media = (
        "application/json" if "application/json" in accept and "hal+json" not in accept else _HAL
    )
    body = b"" if doc is None else json.dumps(doc, ensure_ascii=False).encode("utf-8")
    response = Response(body, status_code=status, headers=headers or {})
    if doc is not None:
        response.headers["content-type"] = media
    return response


def _error(status: int, errors: Any, accept: str) -> Response:
    return _json_response(status, {"errors": errors}, accept)


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    read_token: str | None = None,
    write_token: str | None = None,
    base_url: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    allow_contract_modification: bool = False,
) -> Starlette:
    """Return the embedded broker as an ASGI app over the database ``db_path``.

    Args:
        db_path: The SQLite file, or a ``postgresql://`` URL (created or migrated when
            needed; see :class:`seam.server.Storage`).
        token: One bearer token every request must carry.
        read_token: With ``write_token``: reads need either token, writes the write token.
        write_token: The token that may change the broker.
        base_url: The public base URL for hrefs (default: the request's own).
        max_body_bytes: Larger request bodies are refused with 413.
        allow_contract_modification: Accept different pact content for an existing version.

    Returns:
        A Starlette app; ``app.state.service`` is its :class:`BrokerService`.

    Raises:
        UsageError: The token options contradict each other.
        InputError: The database cannot be opened.
        DatabaseUnreachable: The PostgreSQL server does not answer.
    """
    _check_tokens(token, read_token, write_token)
    storage = Storage(db_path)
    service = BrokerService(storage, allow_contract_modification=allow_contract_modification)
    router = _Router(ROUTES)

    async def endpoint(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        try:
            may_write = _authenticate(request, token, read_token, write_token)
            raw = request.scope.get("raw_path") or request.scope["path"].encode()
            raw_path = raw.decode("latin-1").split("?", 1)[0]
            found = router.match(raw_path)
            if found is None:
                return _error(404, [f"no resource at {request.url.path}"], accept)
            route, params = found
            method = "GET" if request.method == "HEAD" else request.method
            handler = route.methods.get(method)
            if handler is None:
                allowed = ", ".join(sorted(route.methods))
                response = _error(
                    405, [f"{request.method} is not allowed here; use {allowed}"], accept
                )
                response.headers["allow"] = allowed
                return response
            # The route decides what writes, never the URL's text (issue 16).
            if route.writes(method) and not may_write:
                raise _Denied(403, "the read token cannot change the broker; use the write token")
            for key, value in params.items():
                if key != "meta":
                    check_name(_PARAM_KINDS.get(key, key), value)
            body = await _read_body(request, max_body_bytes)
            query = _query(request.url.query)
            urls = Urls(base_url or str(request.base_url))
            call = Call(service, urls, params, query, body, accept, method, raw_path)
            # Handlers run on the event loop thread: each is one short SQLite transaction
            # (about a millisecond), and a hand-off to a worker thread costs several times
            # that on a busy machine. It also serialises writers without lock contention.
            reply: Reply = handler(call)
        except _Denied as exc:
            response = _error(exc.status, [exc.message], accept)
            if exc.status == 401:
                # RFC 6750 section 3: say which scheme the broker expects.
                response.headers["www-authenticate"] = 'Bearer realm="seam-broker"'
            return response
        except ServiceError as exc:
            return _error(exc.status, exc.errors, accept)
        except Exception as exc:
            if _out_of_space(exc):
                # Every request fails the same way until someone frees space: one line each,
                # no traceback, and a status that says so (RFC 4918 section 11.5).
                log.error(
                    "no space left for the broker database %s (%s) on %s %s",
                    storage.path,
                    exc,
                    request.method,
                    request.url.path,
                )
                message = (
                    "the broker's disk is full, so nothing was stored; "
                    "free space for its database and retry"
                )
                return _error(507, [message], accept)
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                # Another process held the write lock for the whole busy timeout.
                response = _error(503, ["the broker database is busy; retry shortly"], accept)
                response.headers["retry-after"] = "1"
                return response
            # Never a stack trace in a response: log it with a reference the user can quote.
            reference = uuid.uuid4().hex[:12]
            log.exception(
                "internal error (reference %s) on %s %s",
                reference,
                request.method,
                request.url.path,
            )
            return _error(
                500, [f"internal error; the broker log has details (reference {reference})"], accept
            )
        if reply.html is not None:
            return HTMLResponse(reply.html, status_code=reply.status)
        response = _json_response(reply.status, reply.doc, accept, reply.headers)
        if request.method == "HEAD":
            response.body = b""
        return response

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        storage.close()

    app = Starlette(lifespan=lifespan)
    # Every request goes to our own router (Starlette's path regexes stop at a newline, and
    # they see the decoded path, where %2F is already a '/').
    app.router.default = request_response(endpoint)
    app.state.service = service
    return app
