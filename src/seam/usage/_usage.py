"""Who uses what: pacts routed into the provider's operations, fields read and sent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seam.errors import InputError, RefError
from seam.openapi import Api, Document, Operation, load_document
from seam.pactfile import Interaction, Pact, dotted, has_field, load_pacts, sent_parameter

__all__ = ["FieldUse", "OperationUse", "ResponseUse", "Usage", "usage", "usage_files"]

# Deep enough for real payloads (`data[].customer.address.city` is 4); recursive and
# heavily expanded schemas (Stripe's) would otherwise list fields without end.
DEFAULT_MAX_DEPTH = 6


@dataclass(frozen=True, slots=True)
class FieldUse:
    """One parameter or body field and the consumers that send or read it (sorted)."""

    name: str
    consumers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResponseUse:
    """One documented response (status key), who expects it and who reads which field."""

    status: str
    consumers: tuple[str, ...]
    fields: tuple[FieldUse, ...]


@dataclass(frozen=True, slots=True)
class OperationUse:
    """One operation and who calls it, sends each parameter and request field, reads each
    response field. Parameters are named ``"<in> <name>"`` (``query limit``)."""

    method: str
    path: str
    consumers: tuple[str, ...]
    parameters: tuple[FieldUse, ...]
    request_fields: tuple[FieldUse, ...]
    responses: tuple[ResponseUse, ...]

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Usage:
    """What the consumers use of one provider's API.

    Attributes:
        provider: the provider's name, when known.
        consumers: every consumer whose pacts were read, sorted.
        operations: one entry per operation, in document order.
        unrouted: ``consumer: description (METHOD /path)`` for each interaction that
            reaches no operation (``contracts check`` says why).
    """

    provider: str | None
    consumers: tuple[str, ...]
    operations: tuple[OperationUse, ...]
    unrouted: tuple[str, ...] = ()

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {"used", "total"}}`` for operations, parameters, request and response fields."""
        tallies: dict[str, list[int]] = {
            k: [0, 0] for k in ("operations", "parameters", "request_fields", "response_fields")
        }

        def add(kind: str, consumers: tuple[str, ...]) -> None:
            tallies[kind][0] += bool(consumers)
            tallies[kind][1] += 1

        for op in self.operations:
            add("operations", op.consumers)
            for p in op.parameters:
                add("parameters", p.consumers)
            for f in op.request_fields:
                add("request_fields", f.consumers)
            for response in op.responses:
                for f in response.fields:
                    add("response_fields", f.consumers)
        return {k: {"used": used, "total": total} for k, (used, total) in tallies.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; the shape is documented in the README (``contracts usage``)."""

        def fields(items: Iterable[FieldUse], key: str) -> list[dict[str, Any]]:
            return [{key: f.name, "consumers": list(f.consumers)} for f in items]

        return {
            "version": 1,
            "provider": self.provider,
            "consumers": list(self.consumers),
            "summary": self.counts(),
            "operations": [
                {
                    "method": op.method,
                    "path": op.path,
                    "consumers": list(op.consumers),
                    "parameters": fields(op.parameters, "parameter"),
                    "request_fields": fields(op.request_fields, "field"),
                    "responses": [
                        {
                            "status": r.status,
                            "consumers": list(r.consumers),
                            "fields": fields(r.fields, "field"),
                        }
                        for r in op.responses
                    ],
                }
                for op in self.operations
            ],
            "unrouted": list(self.unrouted),
        }


def usage(
    pacts: Iterable[Pact],
    openapi: Document | Mapping[str, Any] | Api,
    *,
    provider: str | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Usage:
    """Which consumers use each operation, parameter and field of ``openapi``.

    Args:
        pacts: the consumers' pacts (only HTTP interactions count).
        openapi: the provider's document, loaded, as plain data, or an :class:`Api`.
        provider: the provider's name, for the report.
        max_depth: how deep body fields are listed (nested objects and arrays).

    Returns:
        A :class:`Usage`, operations in document order.

    Raises:
        OpenAPIError: the document is not an OpenAPI document.
    """
    api = openapi if isinstance(openapi, Api) else Api(openapi)
    pacts = list(pacts)
    calls: dict[int, list[tuple[str, Interaction, Mapping[str, str]]]] = defaultdict(list)
    unrouted: list[str] = []
    for pact in pacts:
        for interaction in pact.interactions:
            request = interaction.request
            if interaction.kind != "http" or request is None:
                continue
            route = api.route(request.method, request.path)
            if route is None:
                unrouted.append(
                    f"{pact.consumer}: {interaction.description} "
                    f"({request.method.upper()} {request.path})"
                )
                continue
            calls[id(route.operation)].append((pact.consumer, interaction, route.params))
    operations = tuple(
        _operation_use(api, op, calls.get(id(op), []), max_depth) for op in api.all_operations()
    )
    return Usage(
        provider=provider,
        consumers=tuple(sorted({p.consumer for p in pacts})),
        operations=operations,
        # Sorted: the pacts' order (the command line's, a folder listing's) must not show.
        unrouted=tuple(sorted(unrouted)),
    )


def usage_files(
    pact_paths: Sequence[str | Path],
    openapi_path: str | Path,
    *,
    provider: str | None = None,
    allow_remote_refs: bool = False,
) -> Usage:
    """Read pact files (or folders of them) and an OpenAPI file, then :func:`usage`.

    Raises:
        InputError: no pact was found, or a file cannot be read.
        PactError: a pact file is not a pact.
        OpenAPIError: the document cannot be loaded.
    """
    document = load_document(openapi_path, allow_remote_refs=allow_remote_refs)
    pacts = load_pacts(pact_paths, provider=provider)
    if not pacts:
        where = ", ".join(str(p) for p in pact_paths) or "(none given)"
        wanted = f" for provider {provider!r}" if provider else ""
        raise InputError(f"no pact files{wanted} found in {where}; pass pact files or a folder")
    names = {p.provider for p in pacts}
    return usage(pacts, document, provider=provider or (names.pop() if len(names) == 1 else None))


def _names(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(items)))


def _operation_use(
    api: Api,
    op: Operation,
    calls: list[tuple[str, Interaction, Mapping[str, str]]],
    max_depth: int,
) -> OperationUse:
    parameters = tuple(
        FieldUse(
            f"{p.location} {p.name}",
            _names(
                consumer
                for consumer, interaction, params in calls
                if sent_parameter(interaction, p.location, p.name, params) is not None
            ),
        )
        for p in op.parameters.values()
    )
    sent_bodies = [
        (c, i.request.body.value) for c, i, _ in calls if i.request and i.request.body is not None
    ]
    request_fields = tuple(
        FieldUse(dotted(path), _names(c for c, body in sent_bodies if has_field(body, path)))
        for path in _content_fields(api, op.body, op.body_pointer, max_depth)
    )
    responses = []
    for status, node in op.responses.items():
        # The response object that describes what a consumer expects: exact status, then
        # its range, then `default`, as the provider's document is read everywhere else.
        expecting = [
            (c, i)
            for c, i, _ in calls
            if i.response is not None and op.response(i.response.status)[0] == status
        ]
        bodies = [
            (c, i.response.body.value) for c, i in expecting if i.response and i.response.body
        ]
        where = op.response_pointers.get(status, "")
        responses.append(
            ResponseUse(
                status,
                _names(c for c, _ in expecting),
                tuple(
                    FieldUse(dotted(path), _names(c for c, body in bodies if has_field(body, path)))
                    for path in _content_fields(api, node, where, max_depth)
                ),
            )
        )
    return OperationUse(
        method=op.method.upper(),
        path=op.path,
        consumers=_names(c for c, _, _ in calls),
        parameters=parameters,
        request_fields=request_fields,
        responses=tuple(responses),
    )


def _content_fields(
    api: Api, node: Mapping[str, Any] | None, where: str, max_depth: int
) -> list[tuple[str, ...]]:
    """The field paths of every media type's schema under a body or response node."""
    content = node.get("content") if isinstance(node, Mapping) else None
    out: dict[tuple[str, ...], None] = {}
    if isinstance(content, Mapping):
        for media, entry in content.items():
            schema = entry.get("schema") if isinstance(entry, Mapping) else None
            if schema is not None:
                _walk(api, schema, f"{where}/content/{media}/schema", (), (), out, max_depth)
    return list(out)


def _walk(
    api: Api,
    schema: Any,
    where: str,
    prefix: tuple[str, ...],
    stack: tuple[str, ...],
    out: dict[tuple[str, ...], None],
    max_depth: int,
) -> None:
    """Collect property paths under ``schema`` (alternatives merged, recursion cut)."""
    try:
        node, at = api.deref(schema, where)
    except RefError:
        return  # a broken $ref is `check`'s and `validate`'s to report, not usage's
    if not isinstance(node, Mapping) or at in stack or len(prefix) >= max_depth:
        return
    stack = (*stack, at)
    for key in ("allOf", "oneOf", "anyOf"):
        alternatives = node.get(key)
        if isinstance(alternatives, list):
            for i, sub in enumerate(alternatives):
                _walk(api, sub, f"{at}/{key}/{i}", prefix, stack, out, max_depth)
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            path = (*prefix, str(name))
            out.setdefault(path, None)
            _walk(api, sub, f"{at}/properties/{name}", path, stack, out, max_depth)
    items = node.get("items")
    if isinstance(items, Mapping):
        _walk(api, items, f"{at}/items", (*prefix, "[]"), stack, out, max_depth)
