"""``contracts check --graphql``: a consumer's GraphQL requests against the provider's schema.

Each GraphQL-over-HTTP interaction of a pact (``_requests``) is judged without the
provider running, in the order a GraphQL server would (spec section 6):

1. the request is one (a ``query`` string; ``variables`` an object);
2. the operation parses, is the one ``operationName`` picks, and validates against the
   schema (graphql-core ``validate``: the reference implementation's rules);
3. its recorded variables coerce to their declared types (graphql-core
   ``get_variable_values``: nullability, lists, enums, input objects, scalars);
4. the recorded response fits what the operation selects (``_fits``): ``data`` holds
   only selected keys (aliases included), every value has its field's type —
   non-null, lists, enum values, the built-in scalars' JSON forms (an ``Int`` in 32 bits)
   — and each object's ``__typename`` is a possible type, whose fragments then apply.

A response with ``errors`` is allowed (a consumer may record a failure); its ``data`` may
then be null anywhere, as error propagation nulls fields (spec 6.4.4). Finding codes are
in the style of the OpenAPI check's (``graphql.operation.invalid``,
``graphql.variables.invalid``, ``graphql.response.incompatible``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    validate,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields
from graphql.execution.values import get_variable_values

from seam.graphql._consumers import pick_operation
from seam.graphql._requests import GraphQLRequest
from seam.model import Finding, Registry, Severity
from seam.pactfile import Interaction

__all__ = ["CHECK_RULES", "check_request"]

CHECK_RULES = Registry("check")
_MAX_PROBLEMS = 20  # per interaction and kind: the first ones say what is wrong
_UNSELECTED = "is not selected by the operation"


# The codes, one row each: the checks below emit them as they find problems.
for _id, _summary in (
    (
        "graphql.request.malformed",
        "The GraphQL request has no query string, or its variables are not a JSON object.",
    ),
    (
        "graphql.operation.invalid",
        "The operation does not parse, is not the one operationName picks, or does not validate.",
    ),
    (
        "graphql.variables.invalid",
        "A recorded variable does not coerce to the type the operation declares for it.",
    ),
    (
        "graphql.response.incompatible",
        "The recorded response does not fit the types of what the operation selects.",
    ),
):
    CHECK_RULES.add(_id, severity=Severity.ERROR, summary=_summary, area="graphql")


@dataclass(frozen=True, slots=True)
class _Where:
    """What every finding of one interaction repeats."""

    interaction: Interaction
    file: str | None
    consumer: str | None

    def finding(self, rule: str, message: str, location: str, **details: Any) -> Finding:
        request = self.interaction.request
        return Finding(
            rule=rule,
            severity=CHECK_RULES[rule].severity,
            message=message,
            path=request.path if request is not None else "",
            method=request.method.upper() if request is not None else "",
            location=location,
            file=self.file,
            consumers=(self.consumer,) if self.consumer else (),
            interaction=self.interaction.description,
            details={k: v for k, v in details.items() if v is not None},
        )


def _at(error: GraphQLError) -> str:
    if not error.locations:
        return ""
    loc = error.locations[0]
    return f" (query line {loc.line}, column {loc.column})"


def check_request(
    schema: GraphQLSchema,
    interaction: Interaction,
    request: GraphQLRequest,
    *,
    file: str | None = None,
    consumer: str | None = None,
) -> list[Finding]:
    """Every finding for one GraphQL request (and its recorded response) against a schema.

    Args:
        schema: the provider's schema (see :func:`~seam.graphql.load_schema`).
        interaction: the pact interaction that makes the request.
        request: what it sends, as :func:`~seam.graphql.graphql_request` read it.
        file: the pact file, for the findings' ``file``.
        consumer: the pact's consumer, for the findings' ``consumers``.

    Returns:
        The findings, request first, then variables, then the response.
    """
    where = _Where(interaction, file, consumer)
    if request.problem is not None:
        return [
            where.finding(
                "graphql.request.malformed",
                f"not a GraphQL request: {request.problem}",
                "request.body",
            )
        ]
    try:
        document = parse(request.query)
    except GraphQLError as exc:
        return [
            where.finding(
                "graphql.operation.invalid",
                f"the query does not parse: {exc.message}{_at(exc)}",
                "request.body.query",
            )
        ]
    except RecursionError:
        return [
            where.finding(
                "graphql.operation.invalid",
                "the query is nested too deep to read",
                "request.body.query",
            )
        ]
    op, choice = pick_operation(document, request.operation_name)
    if op is None or choice is not None:
        return [
            where.finding(
                "graphql.operation.invalid", choice or "no operation", "request.body.query"
            )
        ]
    errors = validate(schema, document)
    if errors:
        label = op.name.value if op.name else "anonymous"
        return [
            where.finding(
                "graphql.operation.invalid",
                f"operation {label} does not validate: {e.message}{_at(e)}",
                "request.body.query",
                operation=label,
            )
            for e in errors[:_MAX_PROBLEMS]
        ]
    out: list[Finding] = []
    coerced = get_variable_values(schema, op.variable_definitions or [], request.variables)
    if isinstance(coerced, list):
        out.extend(
            where.finding(
                "graphql.variables.invalid",
                e.message,
                f"request.body.variables{_variable(e.message)}",
            )
            for e in coerced[:_MAX_PROBLEMS]
        )
        coerced = {}
    response = interaction.response
    if response is not None and response.body is not None:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        walk = _Fits(schema, fragments, coerced)
        for path, problem in walk.response(response.body.value, op):
            out.append(
                where.finding(
                    "graphql.response.incompatible",
                    f"{path}: {problem}" if path else problem,
                    f"response.body.{path}" if path else "response.body",
                    graphql_path=path or None,
                )
            )
            if len(out) >= 2 * _MAX_PROBLEMS:
                break
    return out


def _variable(message: str) -> str:
    """``.id`` for graphql-core's "Variable '$id' ..." messages."""
    if message.startswith("Variable '$"):
        return "." + message[len("Variable '$") :].split("'", 1)[0]
    return ""


def _json(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # GraphQL's Int is a signed 32-bit integer (3.5.1)


def _scalar(t: GraphQLScalarType, value: Any) -> str | None:
    """Why ``value`` is not the JSON form of built-in scalar ``t`` (custom scalars: any)."""
    name = t.name
    if name == "Int":
        integral = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
        if not integral:
            return f"expected Int, got {_json(value)}"
        if not _INT_MIN <= value <= _INT_MAX:
            return f"{_json(value)} does not fit Int (32-bit signed)"
    elif name == "Float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected Float, got {_json(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value} is not a finite Float"
    elif name in ("String", "ID"):
        # An ID is serialised as a String (3.5.5), whatever the server holds.
        if not isinstance(value, str):
            return f"expected {name} (a JSON string), got {_json(value)}"
    elif name == "Boolean" and not isinstance(value, bool):
        return f"expected Boolean, got {_json(value)}"
    return None


class _Fits:
    """Walks a recorded response along the operation's selections and types."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.nulls_allowed = False

    def response(self, body: Any, op: OperationDefinitionNode) -> Iterator[tuple[str, str]]:
        """``(path, problem)`` for each way ``body`` is not a response to ``op``."""
        if not isinstance(body, dict):
            yield "", f"a GraphQL response is a JSON object with data or errors, got {_json(body)}"
            return
        extra = sorted(set(body) - {"data", "errors", "extensions"})
        if extra:
            yield "", f"a GraphQL response holds only data, errors and extensions, not {extra}"
        if "errors" in body:
            yield from self._errors(body["errors"])
            self.nulls_allowed = True
        elif "data" not in body:
            yield "", "the response holds neither data nor errors"
            return
        data = body.get("data")
        if data is None:
            if "data" in body and not self.nulls_allowed:
                yield "data", "is null, which a response without errors cannot be"
            return
        root = self.schema.get_root_type(op.operation)
        if root is None:  # validate() already refused it; kept for the type checker
            return
        yield from self._object(root, data, "data", root=op.selection_set)

    @staticmethod
    def _errors(errors: Any) -> Iterator[tuple[str, str]]:
        # Spec 7.1.2: a non-empty list of errors, each with a message.
        if not isinstance(errors, list) or not errors:
            got = "an empty one" if errors == [] else _json(errors)
            yield "errors", f"must be a non-empty list, got {got}"
            return
        for i, error in enumerate(errors):
            if not isinstance(error, dict) or not isinstance(error.get("message"), str):
                yield f"errors[{i}]", "an error is an object with a message string"

    def _value(
        self, t: GraphQLOutputType, nodes: Sequence[FieldNode], value: Any, path: str
    ) -> Iterator[tuple[str, str]]:
        if isinstance(t, GraphQLNonNull):
            if value is None:
                if not self.nulls_allowed:
                    yield path, f"is null, but its type {t} is non-null"
                return
            t = t.of_type
        if value is None:
            return
        if isinstance(t, GraphQLList):
            if not isinstance(value, list):
                yield path, f"expected a list ({t}), got {_json(value)}"
                return
            for i, item in enumerate(value):
                yield from self._value(t.of_type, nodes, item, f"{path}[{i}]")
        elif isinstance(t, GraphQLScalarType):
            problem = _scalar(t, value)
            if problem is not None:
                yield path, problem
        elif isinstance(t, GraphQLEnumType):
            if not isinstance(value, str) or value not in t.values:
                yield path, f"{_json(value)} is not a value of enum {t.name}"
        elif isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if not isinstance(value, dict):
                yield path, f"expected an object ({t.name}), got {_json(value)}"
                return
            yield from self._composite(t, nodes, value, path)

    def _composite(
        self,
        t: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        nodes: Sequence[FieldNode],
        value: dict[str, Any],
        path: str,
    ) -> Iterator[tuple[str, str]]:
        possible = [t] if isinstance(t, GraphQLObjectType) else self.schema.get_possible_types(t)
        typename = value.get("__typename")
        if isinstance(typename, str):
            named = [p for p in possible if p.name == typename]
            if not named:
                names = ", ".join(sorted(p.name for p in possible)) or "none"
                why = f"{typename!r} is not a possible type of {t.name} ({names})"
                yield f"{path}.__typename", why
                return
            possible = named
        # Without __typename the object must fit one of the possible types' selections;
        # if none fits, the type whose selection holds most of its keys says why.
        best: tuple[tuple[int, int], list[tuple[str, str]]] | None = None
        for candidate in possible:
            problems = list(self._object(candidate, value, path, field_nodes=nodes))
            if not problems:
                return
            unselected = sum(1 for _, why in problems if why.startswith(_UNSELECTED))
            score = (unselected, len(problems))
            if best is None or score < best[0]:
                best = (score, problems)
        yield from best[1] if best is not None else []

    def _object(
        self,
        t: GraphQLObjectType,
        value: Any,
        path: str,
        *,
        field_nodes: Sequence[FieldNode] = (),
        root: SelectionSetNode | None = None,
    ) -> Iterator[tuple[str, str]]:
        if not isinstance(value, dict):
            yield path, f"expected an object ({t.name}), got {_json(value)}"
            return
        try:
            # graphql-core's own field collection: fragments, inline fragments on this
            # type, @skip/@include with the coerced variables, aliases as response keys.
            if root is not None:
                fields = collect_fields(self.schema, self.fragments, self.variables, t, root)
            else:
                fields = collect_sub_fields(
                    self.schema, self.fragments, self.variables, t, list(field_nodes)
                )
        except GraphQLError:
            return  # @skip/@include on a variable that did not coerce: reported already
        for key in value:
            if key not in fields:
                yield f"{path}.{key}", f"{_UNSELECTED} (on {t.name})"
        for key, nodes in fields.items():
            if key not in value:
                continue  # a pact may leave out what the consumer does not read
            name = nodes[0].name.value
            if name == "__typename":
                if value[key] != t.name:
                    yield f"{path}.{key}", f"expected {t.name!r}, got {_json(value[key])}"
                continue
            definition = t.fields.get(name)
            if definition is None:  # __schema/__type: introspection, not judged here
                continue
            yield from self._value(definition.type, nodes, value[key], f"{path}.{key}")
