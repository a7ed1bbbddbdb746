"""The Tasks HTTP API (FastAPI), over the database in :mod:`tasks_api.db`.

``app`` reads ``DATABASE_URL`` and ``TASKS_API_TOKEN`` when it starts, not when it is
imported, so importing it (``contracts snapshot --app tasks_api.app:app``) touches nothing.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from tasks_api import __version__, changes, db
from tasks_api.models import ErrorBody, Task, TaskCreate, TaskUpdate

__all__ = ["DEFAULT_TOKEN", "app", "create_app"]

DEFAULT_TOKEN = "dev-token"
# Ids are 64-bit in both databases; larger numbers are refused as invalid input, not a 500.
TaskId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The task's id.")]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No task has this id."}
}
# FastAPI answers 400 (not 422) when a body is not even JSON; say so in the document.
_BAD_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."}
}
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or invalid bearer token."}
}
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    description="A token from TASKS_API_TOKEN (comma-separated; default dev-token).",
)


def create_app(database_url: str | None = None, tokens: str | None = None) -> FastAPI:
    """Build the service.

    Args:
        database_url: where tasks are stored; default ``DATABASE_URL`` at startup,
            then ``sqlite:///tasks.db``.
        tokens: comma-separated bearer tokens accepted by ``DELETE``; default
            ``TASKS_API_TOKEN`` at startup, then ``dev-token``.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database_url = db.resolve_url(database_url)
        raw_tokens = tokens if tokens is not None else os.environ.get("TASKS_API_TOKEN")
        app.state.tokens = _parse_tokens(raw_tokens or DEFAULT_TOKEN)
        db.migrate(app.state.database_url)
        yield

    app = FastAPI(
        title="Tasks API",
        version=__version__,
        description="The example provider for Seam: tasks with a title, a status and an assignee.",
        lifespan=lifespan,
    )
    _add_routes(app)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 body, written as ASCII JSON.

    FastAPI echoes the offending input; a lone surrogate (``"\\ud800"`` is valid JSON but
    not Unicode text) cannot be encoded as UTF-8 and would turn the 422 into a 500.
    """
    assert isinstance(exc, RequestValidationError)
    body = json.dumps({"detail": jsonable_encoder(exc.errors())})
    return Response(body, status_code=422, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own handler, except that a 405 lists every method of the path in ``Allow``.

    Starlette stops at the first route whose path matches, so by itself it would answer
    ``Allow: GET`` for ``/tasks/{id}`` although PATCH and DELETE exist (RFC 9110 15.5.6).
    """
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        allowed: set[str] = set()
        for route in request.app.routes:
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL and isinstance(route, APIRoute) and route.methods:
                allowed |= route.methods
        exc = StarletteHTTPException(
            exc.status_code, detail=exc.detail, headers={"Allow": ", ".join(sorted(allowed))}
        )
    return await http_exception_handler(request, exc)


def _parse_tokens(raw: str) -> tuple[str, ...]:
    return tuple(token.strip() for token in raw.split(",") if token.strip())


def _connection(request: Request) -> Iterator[db.Connection]:
    # One connection per request: SQLite connections are cheap, and no request ever waits
    # on another's transaction in Python.
    with db.connect(request.app.state.database_url) as conn:
        yield conn


Conn = Annotated[db.Connection, Depends(_connection)]


def _require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    given = credentials.credentials if credentials else ""
    accepted = request.app.state.tokens
    if not given or not any(hmac.compare_digest(given, token) for token in accepted):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required to delete tasks",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _add_routes(app: FastAPI) -> None:
    @app.post(
        "/tasks",
        status_code=status.HTTP_201_CREATED,
        response_model=Task,
        responses=_BAD_BODY,
        summary="Create a task",
        response_description="The new task, open.",
        operation_id="createTask",
        tags=["tasks"],
    )
    def create_task(body: TaskCreate, conn: Conn) -> dict[str, Any]:
        return changes.create_task(conn, title=body.title, assignee=body.assignee)

    @app.get(
        "/tasks",
        response_model=list[Task],
        summary="List tasks",
        response_description="Every task, oldest first.",
        operation_id="listTasks",
        tags=["tasks"],
    )
    def list_tasks(conn: Conn) -> list[dict[str, Any]]:
        return db.list_tasks(conn)

    @app.get(
        "/tasks/{id}",
        response_model=Task,
        responses=_NOT_FOUND,
        summary="Get a task",
        response_description="The task.",
        operation_id="getTask",
        tags=["tasks"],
    )
    def get_task(id: TaskId, conn: Conn) -> dict[str, Any]:
        return _found(db.get_task(conn, id), id)

    @app.patch(
        "/tasks/{id}",
        response_model=Task,
        responses={**_BAD_BODY, **_NOT_FOUND},
        summary="Change a task's status or assignee",
        response_description="The task as changed.",
        operation_id="updateTask",
        tags=["tasks"],
    )
    def update_task(id: TaskId, body: TaskUpdate, conn: Conn) -> dict[str, Any]:
        fields = body.model_dump(exclude_unset=True, mode="json")
        return _found(changes.update_task(conn, id, fields), id)

    @app.delete(
        "/tasks/{id}",
        status_code=status.HTTP_204_NO_CONTENT,
        response_class=Response,
        responses={**_UNAUTHORIZED, **_NOT_FOUND},
        dependencies=[Depends(_require_token)],
        summary="Delete a task",
        response_description="Deleted; no body.",
        operation_id="deleteTask",
        tags=["tasks"],
    )
    def delete_task(id: TaskId, conn: Conn) -> Response:
        if not db.delete_task(conn, id):
            raise _not_found(id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def _found(task: dict[str, Any] | None, task_id: int) -> dict[str, Any]:
    if task is None:
        raise _not_found(task_id)
    return task


def _not_found(task_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found")


app = create_app()
