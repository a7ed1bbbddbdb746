"""The ASGI application: routing on the raw path, auth, body limit, error mapping."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import request_response

from seam.errors import DatabaseUnreachable
from seam.server._auth import Auth, Denied
from seam.server._badges import BADGE_ROUTES
from seam.server._documents import Urls
from seam.server._errors import Invalid, ServiceError
from seam.server._label_routes import LABEL_ROUTES
from seam.server._ops import ACCESS_LOG, UNMATCHED, Metrics, ops_routes
from seam.server._requests import check_name
from seam.server._routes import ROUTES, Call, Reply, Route
from seam.server._service import BrokerService
from seam.server._storage import (
    DEFAULT_POOL_SIZE,
    DEFAULT_POOL_TIMEOUT,
    Outage,
    Storage,
    is_database_url,
)
from seam.server._webhook_delivery import DeliverySettings, Dispatcher
from seam.server._webhook_events import BASE_URL
from seam.server._webhook_routes import WEBHOOK_ROUTES

__all__ = ["DEFAULT_MAX_BODY_BYTES", "BrokerApp", "create_app"]

log = logging.getLogger("seam.server")

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
_HAL = "application/hal+json;charset=utf-8"
_PARAM = re.compile(r"^\{(\w+)\}$")


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
    "to": "environment tag",
    "env": "environment name",
    "label": "label",
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


def _outage(storage: Storage, exc: BaseException) -> Outage | None:
    """The 503 for an error that means the database is down or saturated, else None."""
    if isinstance(exc, DatabaseUnreachable):
        # A lazy storage opening on first use, with no server to answer.
        return Outage("the broker database is unavailable; retry shortly", retry_after=5)
    return storage.outage(exc)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Denied(413, f"request body is larger than the limit of {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Denied(413, f"request body is larger than the limit of {limit} bytes")
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


class BrokerApp(Starlette):
    """The broker's ASGI app; it owns its database and closes it.

    Served (uvicorn, or anything that runs the ASGI lifespan) it opens the database at
    start-up and closes it at shutdown. Driven without a lifespan (``httpx.ASGITransport``)
    it opens on first use: use it as a context manager, or call :meth:`close`, so every
    connection is closed when the test ends::

        with create_app(tmp_path / "broker.db") as app:
            transport = httpx.ASGITransport(app=app)
    """

    service: BrokerService
    metrics: Metrics

    def open(self) -> None:
        """Open (and migrate) the database now rather than on first use.

        Raises:
            InputError: The database cannot be opened or is newer than this Seam.
        """
        self.service.storage.open()

    def close(self) -> None:
        """Close every database connection the app opened (it reopens on next use)."""
        self.service.storage.close()

    def __enter__(self) -> BrokerApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    read_token: str | None = None,
    write_token: str | None = None,
    basic_auth_user: str | None = None,
    basic_auth_password: str | None = None,
    read_only_user: str | None = None,
    read_only_password: str | None = None,
    allow_public_read: bool = False,
    base_url: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    allow_contract_modification: bool = False,
    access_log: bool = False,
    webhooks: DeliverySettings | None = None,
    db_pool_size: int = DEFAULT_POOL_SIZE,
    db_pool_timeout: float = DEFAULT_POOL_TIMEOUT,
) -> BrokerApp:
    """Return the embedded broker as an ASGI app over the database ``db_path``.

    Nothing is opened here, on either engine: the database is opened (created and migrated
    when needed; for PostgreSQL, its pool) by :meth:`BrokerApp.open`, the app's lifespan or
    its first request, and closed by the lifespan's end or :meth:`BrokerApp.close`. Only the
    form of a ``postgresql://`` URL is checked now.

    Args:
        db_path: The SQLite file, or a ``postgresql://`` URL (created or migrated when
            needed; see :class:`seam.server.Storage`).
        token: One bearer token every request must carry.
        read_token: With ``write_token``: reads need either token, writes the write token.
        write_token: The token that may change the broker.
        basic_auth_user: The read/write basic-auth user (the Pact Broker's setting).
        basic_auth_password: Its password.
        read_only_user: A basic-auth user that may only read (403 on writes).
        read_only_password: Its password.
        allow_public_read: Reads need no credentials; writes still do.
        base_url: The public base URL for hrefs (default: the request's own).
        max_body_bytes: Larger request bodies are refused with 413.
        allow_contract_modification: Accept different pact content for an existing version.
        access_log: Log one line per request to the ``seam.server.access`` logger (INFO).
        webhooks: Run a webhook delivery worker with these settings while the app's
            lifespan runs (``broker serve`` does); None: deliveries wait in the outbox
            for an instance that runs one.
        db_pool_size: PostgreSQL: the most connections this instance opens (SQLite has one
            per thread and ignores it).
        db_pool_timeout: PostgreSQL: seconds a request waits for a pooled connection before
            it is answered 503 with ``Retry-After``.

    Returns:
        A :class:`BrokerApp`; ``app.state.service`` is its :class:`BrokerService`.

    Raises:
        UsageError: The credential options contradict each other.
        InputError: ``db_path`` is a malformed or non-PostgreSQL URL, or psycopg is missing.
    """
    auth = Auth(
        token=token,
        read_token=read_token,
        write_token=write_token,
        basic_user=basic_auth_user,
        basic_password=basic_auth_password,
        read_only_user=read_only_user,
        read_only_password=read_only_password,
        allow_public_read=allow_public_read,
    )
    pool = (
        {"pool_size": db_pool_size, "pool_timeout": db_pool_timeout}
        if is_database_url(db_path)
        else {}
    )
    storage = Storage(db_path, lazy=True, **pool)
    service = BrokerService(storage, allow_contract_modification=allow_contract_modification)
    metrics = Metrics()
    # The operations routes first: a badge path such as .../latest/badge would otherwise
    # be read as the tag "badge".
    router = _Router(ops_routes(metrics) + BADGE_ROUTES + ROUTES + WEBHOOK_ROUTES + LABEL_ROUTES)

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        raw = request.scope.get("raw_path") or request.scope["path"].encode()
        raw_path = raw.decode("latin-1").split("?", 1)[0]
        metrics.in_flight += 1
        try:
            response, template = await answer(request, raw_path)
        finally:
            metrics.in_flight -= 1
        seconds = time.perf_counter() - started
        metrics.observe(request.method, template, response.status_code, seconds)
        if access_log:
            ACCESS_LOG.info(
                "%s %s %d %.1fms route=%s",
                request.method,
                raw_path,
                response.status_code,
                seconds * 1000,
                template,
            )
        return response

    async def answer(request: Request, raw_path: str) -> tuple[Response, str]:
        """Answer one request; return the response and the route template it matched."""
        template = UNMATCHED
        accept = request.headers.get("accept", "")
        authorization = request.headers.get("authorization", "")
        method = "GET" if request.method == "HEAD" else request.method
        try:
            try:
                found = router.match(raw_path)
                bad_path = None
            except Invalid as exc:
                # Credentials are checked first, as before routing decoded anything.
                found, bad_path = None, exc
            route = found[0] if found else None
            writes = route.writes(method) if route else method != "GET"
            may_write = True
            if route is None or not route.public:
                may_write = auth.authenticate(authorization, writes)
            if bad_path is not None:
                raise bad_path
            if found is None:
                return _error(404, [f"no resource at {request.url.path}"], accept), template
            route, params = found
            template = route.path
            handler = route.methods.get(method)
            if handler is None:
                allowed = ", ".join(sorted(route.methods))
                response = _error(
                    405, [f"{request.method} is not allowed here; use {allowed}"], accept
                )
                response.headers["allow"] = allowed
                return response, template
            # The route decides what writes, never the URL's text (issue 16).
            if writes and not may_write:
                raise Denied(403, auth.read_only_message(authorization))
            for key, value in params.items():
                if key != "meta":
                    check_name(_PARAM_KINDS.get(key, key), value)
            body = await _read_body(request, max_body_bytes)
            query = _query(request.url.query)
            urls = Urls(base_url or str(request.base_url))
            BASE_URL.set(urls.base)  # for the links a webhook's template renders
            call = Call(service, urls, params, query, body, accept, method, raw_path)
            # Handlers run on the event loop thread: each is one short SQLite transaction
            # (about a millisecond), and a hand-off to a worker thread costs several times
            # that on a busy machine. It also serialises writers without lock contention.
            # A handler that waits on the network (webhook execute, up to its timeout)
            # runs in a worker thread instead, so other requests are answered meanwhile.
            reply: Reply
            if method in route.offload:
                reply = await run_in_threadpool(handler, call)
            else:
                reply = handler(call)
        except Denied as exc:
            response = _error(exc.status, [exc.message], accept)
            if exc.status == 401:
                # RFC 7235 section 4.1: say which schemes the broker expects.
                response.headers["www-authenticate"] = auth.challenge()
            return response, template
        except ServiceError as exc:
            return _error(exc.status, exc.errors, accept), template
        except Exception as exc:
            outage = _outage(storage, exc)
            if outage is not None:
                # Not the request's fault, and no traceback helps: one line in the log, a
                # 503 a load balancer or client retries (RFC 9110 section 15.6.4).
                log.warning(
                    "database unavailable on %s %s: %s",
                    request.method,
                    request.url.path,
                    " ".join(str(exc).split()) or type(exc).__name__,
                )
                response = _error(503, [outage.message], accept)
                response.headers["retry-after"] = str(outage.retry_after)
                return response, template
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
                return _error(507, [message], accept), template
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                # Another process held the write lock for the whole busy timeout.
                response = _error(503, ["the broker database is busy; retry shortly"], accept)
                response.headers["retry-after"] = "1"
                return response, template
            # Never a stack trace in a response: log it with a reference the user can quote.
            reference = uuid.uuid4().hex[:12]
            log.exception(
                "internal error (reference %s) on %s %s",
                reference,
                request.method,
                request.url.path,
            )
            message = f"internal error; the broker log has details (reference {reference})"
            return _error(500, [message], accept), template
        if reply.html is not None:
            media = reply.media or "text/html"
            text = Response(reply.html, reply.status, reply.headers, media_type=media)
            return text, template
        response = _json_response(reply.status, reply.doc, accept, reply.headers)
        if request.method == "HEAD":
            response.body = b""
        return response, template

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Open (and migrate) at start-up, so a broken database stops the server before it
        # accepts a request, and close whatever the requests opened at shutdown.
        storage.open()
        dispatcher = Dispatcher(storage, webhooks) if webhooks is not None else None
        if dispatcher is not None:
            dispatcher.start()
        app.state.dispatcher = dispatcher
        try:
            yield
        finally:
            if dispatcher is not None:
                dispatcher.stop()
            storage.close()

    app = BrokerApp(lifespan=lifespan)
    # Every request goes to our own router (Starlette's path regexes stop at a newline, and
    # they see the decoded path, where %2F is already a '/').
    app.router.default = request_response(endpoint)
    app.state.service = service
    app.service = service
    app.metrics = metrics
    return app
