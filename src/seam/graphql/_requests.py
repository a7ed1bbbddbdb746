"""Which pact interactions are GraphQL-over-HTTP requests, and what they send.

The one place both ``contracts diff --pacts`` (consumer blame) and ``contracts check
--graphql`` read a consumer's operation from a pact. It imports no graphql-core: ``check``
sorts interactions into GraphQL and plain HTTP before deciding whether it needs it.

An interaction is a GraphQL request when its path ends in ``/graphql`` and it is a
``POST`` with a JSON body holding ``query`` (``variables``, ``operationName`` optional) or
a ``GET`` with a ``query=`` parameter (``variables`` then JSON text), as the GraphQL over
HTTP draft specifies (https://graphql.github.io/graphql-over-http/draft/#sec-Request).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from seam.pactfile import Interaction

__all__ = ["GraphQLRequest", "graphql_request"]


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    """One GraphQL request as a pact records it.

    Attributes:
        query: the operation document's text ("" when the request has none).
        variables: the variables object (empty when none were sent).
        operation_name: which operation of the document to run, if named.
        problem: why the request is not a well-formed GraphQL request, or None.
    """

    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    problem: str | None = None


def _is_graphql_path(path: str) -> bool:
    return path.split("?", 1)[0].rstrip("/").endswith("/graphql")


def _post(body: Any) -> GraphQLRequest | None:
    if not isinstance(body, dict) or "query" not in body:
        return None  # not a GraphQL body (a persisted-query hash, a plain JSON API)
    query, variables, name = body.get("query"), body.get("variables"), body.get("operationName")
    if not isinstance(query, str):
        return GraphQLRequest("", problem=f'"query" must be a string, got {_kind(query)}')
    if variables is not None and not isinstance(variables, dict):
        return GraphQLRequest(
            query, problem=f'"variables" must be an object, got {_kind(variables)}'
        )
    if name is not None and not isinstance(name, str):
        return GraphQLRequest(query, problem=f'"operationName" must be a string, got {_kind(name)}')
    return GraphQLRequest(query, variables or {}, name)


def _get(params: dict[str, list[str]]) -> GraphQLRequest | None:
    if "query" not in params:
        return None
    query = params["query"][0] if params["query"] else ""
    name = (params.get("operationName") or [""])[0] or None
    raw = (params.get("variables") or [""])[0]
    if not raw:
        return GraphQLRequest(query, {}, name)
    try:
        variables = json.loads(raw)
    except ValueError:
        return GraphQLRequest(query, problem="the variables= parameter is not JSON")
    if not isinstance(variables, dict):
        return GraphQLRequest(
            query, problem=f"the variables= parameter must be a JSON object, got {_kind(variables)}"
        )
    return GraphQLRequest(query, variables, name)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__.replace("dict", "object")


def graphql_request(interaction: Interaction) -> GraphQLRequest | None:
    """The GraphQL request an HTTP interaction makes, or None when it makes none."""
    request = interaction.request
    if interaction.kind != "http" or request is None or not _is_graphql_path(request.path):
        return None
    method = request.method.upper()
    if method == "POST":
        return _post(request.body.value if request.body is not None else None)
    if method == "GET":
        return _get({k: list(v) for k, v in request.query.items()})
    return None
