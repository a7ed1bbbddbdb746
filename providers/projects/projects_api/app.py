"""The Projects HTTP service: the strawberry schema served at ``/graphql`` (Starlette).

``create_app`` reads ``DATABASE_URL`` when it starts, not when it is built, and migrates
the database before it answers. ``GET /health`` answers once it is ready.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from projects_api import db
from projects_api.schema import schema

__all__ = ["create_app"]


class _GraphQL(GraphQL):  # type: ignore[type-arg]
    """Strawberry's ASGI app, with the service's database URL in every request's context."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, Any]:
        return {"request": request, "response": response, "database_url": request.app.state.url}


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(database_url: str | None = None) -> Starlette:
    """Build the service.

    Args:
        database_url: where projects are stored; default ``DATABASE_URL`` at startup,
            then ``sqlite:///projects.db``.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.url = db.resolve_url(database_url)
        db.migrate(app.state.url)
        yield

    # No GraphiQL page: the example serves machines (and the HTML would be a GET surprise).
    graphql = _GraphQL(schema, graphql_ide=None)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", _health),
        ],
        lifespan=lifespan,
    )
