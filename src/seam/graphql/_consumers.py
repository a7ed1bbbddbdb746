"""Who a schema change breaks: the consumers' GraphQL operations, read from their pacts.

A GraphQL-over-HTTP interaction (``POST`` to a path ending in ``/graphql`` with a JSON
body ``{"query": ..., "variables": ...}``, or a ``GET`` with ``query=``: ``_requests``) is
one consumer operation. Each is read once:
what it uses in the base schema (fields, arguments, input fields, enum values in
literals and in its recorded variables, types in fragments, directives: schema
coordinates, found with graphql-core's ``TypeInfo``), and whether it still works
against the revision (graphql-core ``validate``, then its recorded variables coerced
against the new types).

A breaking change (error) to something an operation uses becomes an error naming the
consumer, the interaction and the operation, with graphql-core's own validation message
when the operation no longer validates. An output change (a field that became nullable,
a union member removed) breaks an operation that reads it even though it still
validates. A breaking change no operation is broken by becomes a warning that says why
(``no consumer affected: ...``); a dangerous change (warning) names the consumers whose
operations reach it, and is info when none does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    type_from_ast,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values

from seam._files import decode_text, read_bounded
from seam.errors import GraphQLSchemaError
from seam.graphql._files import SDL_SUFFIXES, is_operations_file
from seam.graphql._requests import graphql_request
from seam.graphql.rules import Change, arg_coordinate
from seam.model import Finding, Severity
from seam.pactfile import Pact

__all__ = [
    "Operation",
    "judge_with_operations",
    "operations_of",
    "pick_operation",
    "read_operations",
]

# Changes that break a reader of the field although its operation still validates.
_OUTPUT_RULES = {
    "graphql-field-type-changed",
    "graphql-union-member-removed",
    "graphql-interface-removed-from-type",
    "graphql-type-kind-changed",
}


@dataclass(frozen=True, slots=True)
class Operation:
    """One consumer operation recorded in a pact."""

    consumer: str
    interaction: str
    name: str  # the operation's name, or "anonymous"
    document: DocumentNode
    variables: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"'{self.interaction}' (operation {self.name})"


def pick_operation(
    document: DocumentNode, wanted: str | None
) -> tuple[OperationDefinitionNode | None, str | None]:
    """The operation a request runs, and why it is not well chosen (None when it is).

    As GraphQL's GetOperation (spec 6.1): ``operationName`` picks one; without it the
    document must hold exactly one. The first operation stands in when the choice fails,
    so the rest of the analysis still has one to read.
    """
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not ops:
        return None, "the document holds no operation"
    if wanted is not None:
        named = next((o for o in ops if o.name and o.name.value == wanted), None)
        if named is None:
            found = ", ".join(o.name.value for o in ops if o.name) or "only anonymous ones"
            return ops[0], f"operationName {wanted!r} names no operation (found: {found})"
        return named, None
    if len(ops) > 1:
        return ops[0], "the document holds several operations: operationName must choose one"
    return ops[0], None


def operations_of(pacts: Sequence[Pact]) -> list[Operation]:
    """The GraphQL operations in the pacts' HTTP interactions (unparsable queries skipped)."""
    out = []
    for pact in pacts:
        for interaction in pact.interactions:
            request = graphql_request(interaction)
            if request is None or request.problem is not None:
                continue  # `contracts check` is where a malformed request is reported
            try:
                document = parse(request.query)
            except (GraphQLError, RecursionError):
                continue
            op, _ = pick_operation(document, request.operation_name)
            name = op.name.value if op is not None and op.name else "anonymous"
            out.append(
                Operation(pact.consumer, interaction.description, name, document, request.variables)
            )
    return out


def read_operations(path: Path, consumer: str) -> list[Operation]:
    """The operations of a consumer's ``.graphql`` file (or of every one in a folder).

    A client that keeps its queries in files (Apollo, gql, ariadne-codegen) uses what they
    select as much as one whose pact records them. Each operation is judged on its own,
    with the fragments it spreads (transitively), so one broken query blames only itself.

    Raises:
        InputError: a file cannot be read.
        GraphQLSchemaError: a file is not a GraphQL executable document.
    """
    if path.is_dir():  # a client's source folder: its operations files, not its schemas
        found = sorted(f for suffix in SDL_SUFFIXES for f in path.rglob(f"*{suffix}"))
        files = [f for f in found if is_operations_file(f)]
    else:
        files = [path]
    out: list[Operation] = []
    for file in files:
        raw = read_bounded(file, what="GraphQL operations file")
        text = decode_text(
            raw, what="GraphQL operations file", location=str(file), error=GraphQLSchemaError
        )
        try:
            document = parse(text)
        except GraphQLError as exc:
            raise GraphQLSchemaError(
                f"not a GraphQL operations document: {exc.message}", location=str(file)
            ) from None
        except RecursionError:
            raise GraphQLSchemaError("operations nested too deep", location=str(file)) from None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if not ops and not fragments:
            raise GraphQLSchemaError(
                "holds no operation (a schema? pass the schema as BASE/REVISION)",
                location=str(file),
            )
        for op in ops:
            name = op.name.value if op.name else "anonymous"
            own = DocumentNode(definitions=(op, *_spread(op, fragments)))
            out.append(Operation(consumer, f"{file.name}", name, own, {}))
    return out


def _spread(node: Any, fragments: Mapping[str, FragmentDefinitionNode]) -> list[Any]:
    """The fragment definitions ``node`` spreads, directly or through other fragments."""
    found: dict[str, FragmentDefinitionNode] = {}
    todo = [node]
    while todo:
        spreads = _Spreads()
        visit(todo.pop(), spreads)
        for name in spreads.names:
            if name in fragments and name not in found:
                found[name] = fragments[name]
                todo.append(fragments[name])
    return list(found.values())


class _Spreads(Visitor):
    """The fragment names a node spreads."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.append(node.name.value)


class _Usage(Visitor):
    """Collects the schema coordinates an operation uses (in one schema)."""

    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.used: set[str] = set()

    def enter_field(self, node: Any, *_: Any) -> None:
        parent, field = self.info.get_parent_type(), self.info.get_field_def()
        if parent is not None and field is not None:
            name = get_named_type(parent).name
            self.used.update((name, f"{name}.{node.name.value}", get_named_type(field.type).name))

    def enter_argument(self, node: Any, *_: Any) -> None:
        directive = self.info.get_directive()
        if directive is not None:
            self.used.add(arg_coordinate(f"@{directive.name}", "", node.name.value))
            return
        parent, field = self.info.get_parent_type(), self.info.get_field_def()
        if parent is not None and field is not None:
            # The field's name is the node's enclosing field: TypeInfo keeps its definition.
            fields: Mapping[str, Any] = getattr(get_named_type(parent), "fields", {})
            field_name = next((n for n, f in fields.items() if f is field), "")
            self.used.add(arg_coordinate(get_named_type(parent).name, field_name, node.name.value))

    def enter_object_field(self, node: Any, *_: Any) -> None:
        parent = self.info.get_parent_input_type()
        if parent is not None:
            name = get_named_type(parent).name
            self.used.update((name, f"{name}.{node.name.value}"))

    def enter_enum_value(self, node: Any, *_: Any) -> None:
        t = self.info.get_input_type()
        if t is not None:
            self.used.add(f"{get_named_type(t).name}.{node.value}")

    def enter_directive(self, node: Any, *_: Any) -> None:
        self.used.add(f"@{node.name.value}")

    def enter_named_type(self, node: Any, *_: Any) -> None:
        self.used.add(node.name.value)


def _values(value: Any, t: GraphQLInputType, used: set[str]) -> None:
    """The input fields and enum values a recorded variable value uses."""
    if isinstance(t, GraphQLNonNull):
        _values(value, t.of_type, used)
    elif isinstance(t, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            _values(item, t.of_type, used)
    elif isinstance(t, GraphQLInputObjectType) and isinstance(value, dict):
        used.add(t.name)
        for key, item in value.items():
            used.add(f"{t.name}.{key}")
            if key in t.fields:
                _values(item, t.fields[key].type, used)
    elif isinstance(t, GraphQLEnumType) and isinstance(value, str):
        used.update((t.name, f"{t.name}.{value}"))


def _usage(op: Operation, schema: GraphQLSchema) -> set[str]:
    info = TypeInfo(schema)
    usage = _Usage(info)
    visit(op.document, TypeInfoVisitor(info, usage))
    for definition in op.document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for var in definition.variable_definitions or ():
                t = type_from_ast(schema, var.type)
                if t is not None and var.variable.name.value in op.variables:
                    _values(op.variables[var.variable.name.value], t, usage.used)  # type: ignore[arg-type]
    return usage.used


def _problems(op: Operation, schema: GraphQLSchema) -> list[str]:
    """Why the operation fails against ``schema`` (validation, then its variables)."""
    errors = validate(schema, op.document)
    if errors:
        return [e.message for e in errors]
    for definition in op.document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            coerced = get_variable_values(
                schema, definition.variable_definitions or [], dict(op.variables)
            )
            if isinstance(coerced, list):
                return [e.message for e in coerced]
    return []


@dataclass(frozen=True, slots=True)
class _Judged:
    op: Operation
    used: set[str]
    before: list[str]  # its problems against the base schema (already broken there)
    after: list[str]  # its problems against the revision


def _touches(change: Change, used: set[str]) -> bool:
    """The operation uses what changed (or, for something added as required, its parent)."""
    if change.coordinate in used:
        return True
    if change.rule == "graphql-arg-added-required":
        return f"{change.type_name}.{change.field_name}" in used
    if change.rule in ("graphql-input-field-added-required", "graphql-enum-value-added"):
        return change.type_name in used
    return False


def _about(change: Change, messages: list[str]) -> str | None:
    """The first message that names what changed (graphql-core quotes the names it means)."""
    names = [n for n in (change.arg_name, change.field_name, change.type_name.lstrip("@")) if n]
    for name in names:
        pattern = re.compile(rf"(?<![\w$]){re.escape(name)}(?!\w)")
        for message in messages:
            if pattern.search(message):
                return message
    return None


def _ops_for(ops: list[_Judged], change: Change) -> Iterator[tuple[_Judged, bool, str]]:
    """Each operation that touches the change: (op, breaks, why)."""
    for j in ops:
        if not _touches(change, j.used):
            continue
        now = _about(change, j.after)
        if now is not None and _about(change, j.before) is None:
            yield j, True, f"no longer validates: {now}"
        elif change.rule in _OUTPUT_RULES and not j.before:
            yield j, True, f"reads {change.coordinate}"
        else:
            still = "still validates" if not j.after else "fails only for other changes"
            yield j, False, f"{j.op.consumer}'s {j.op.label} uses {change.coordinate} but {still}"


def judge_with_operations(
    judged: Sequence[tuple[Change, Finding]],
    pacts: Sequence[Pact],
    base: GraphQLSchema,
    revision: GraphQLSchema,
    operations: Sequence[Operation] = (),
) -> list[Finding]:
    """Re-grade findings by the consumer operations they break (see the module docstring).

    ``operations`` are more of them, from consumers' own files (:func:`read_operations`).
    """
    ops = [
        _Judged(op, _usage(op, base), _problems(op, base), _problems(op, revision))
        for op in [*operations_of(pacts), *operations]
    ]
    consumers = sorted({p.consumer for p in pacts} | {op.consumer for op in operations})
    out = []
    for change, f in judged:
        if f.severity < Severity.WARNING:
            out.append(f)
            continue
        verdicts = list(_ops_for(ops, change))
        broken = [(j, why) for j, breaks, why in verdicts if breaks]
        names = tuple(sorted({j.op.consumer for j, _ in broken}))
        if broken and f.severity is Severity.ERROR:
            j, why = broken[0]
            more = f" (and {len(names) - 1} more consumer(s))" if len(names) > 1 else ""
            out.append(
                replace(
                    f,
                    message=f"{f.message} — breaks {j.op.consumer}: {j.op.label} {why}{more}",
                    consumers=names,
                    interaction=j.op.interaction,
                    details={
                        **f.details,
                        "broken_operations": [f"{b.op.consumer}: {b.op.label}" for b, _ in broken],
                    },
                )
            )
            continue
        if f.severity is Severity.WARNING and verdicts:
            reached = tuple(sorted({j.op.consumer for j, _, _ in verdicts}))
            first = verdicts[0][0].op
            out.append(
                replace(
                    f,
                    message=f"{f.message} — reaches {first.consumer}: {first.label}",
                    consumers=reached,
                    interaction=first.interaction,
                )
            )
            continue
        why = _unaffected(change, verdicts, ops, consumers)
        out.append(
            replace(
                f,
                severity=Severity.WARNING if f.severity is Severity.ERROR else Severity.INFO,
                message=f"{f.message} — no consumer affected: {why}",
                details={**f.details, "consumers": "none affected", "unaffected": why},
            )
        )
    return out


def _unaffected(
    change: Change,
    verdicts: list[tuple[_Judged, bool, str]],
    ops: list[_Judged],
    consumers: list[str],
) -> str:
    """One line: why no consumer operation is broken by the change."""
    if not ops:
        return f"the pacts of {', '.join(consumers)} hold no GraphQL operation"
    if verdicts:
        return "; ".join(why for _, _, why in verdicts)
    names = ", ".join(sorted({j.op.consumer for j in ops}))
    return f"no operation of {names} uses {change.coordinate} ({len(ops)} operation(s) read)"
