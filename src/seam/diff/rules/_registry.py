"""The diff registry and the decorators the rule modules (one per area) register with.

Three kinds of rule, each run by the engine in registration order:

- ``@operation_rule(id, severity, area)``: a function of an :class:`OperationDiff`
  (paths, parameters, request bodies, responses, security) yielding :class:`Hit`.
- ``@schema_rule(kind)``: a function of a :class:`SchemaDiff` node and the context it
  is reached from (request/response, body/parameter/header, root or nested). It
  yields hits whose ``rule`` is either a full id or a *kind*; a kind becomes the id
  ``<object>-<kind>`` for the context (``request-body-min-increased`` at the root of a
  request body, ``request-property-min-increased`` below it), with the severity of
  :data:`~seam.diff._catalogue.FAMILIES`. Every concrete id is in :data:`RULES`.
- ``@document_rule(id, severity, area)``: a function of the whole :class:`DocumentDiff`.

A hit may only carry an id its function registered (:meth:`seam.model.Registry.emitted`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from seam.diff._catalogue import FAMILIES
from seam.model import Registry, Severity

__all__ = [
    "RULES",
    "Context",
    "Hit",
    "document_rule",
    "family_id",
    "operation_rule",
    "schema_rule",
]

RULES = Registry("diff")
# One table for `contracts diff`: --severity, the ignore file and --list-rules know the
# GraphQL rules (graphql-*) as they know the OpenAPI ones.
RULES.include_later("graphql-", lambda: importlib.import_module("seam.graphql").RULES)
_LEVEL = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing a rule noticed, before it is tied to endpoints and consumers.

    Attributes:
        rule: a registered rule id, or (schema rules) a kind from ``FAMILIES``.
        message: one sentence, without the endpoint (the report adds that).
        location: the JSON pointer in the revision (or base, for removals).
        details: machine-readable facts (old and new values, the property, ...).
        field: for schema hits, the property path below the node (``["status"]``),
            used to tell which consumers read or send it.
        side: ``revision`` or ``base``: which file ``location`` points into.
    """

    rule: str
    message: str
    location: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    field: tuple[str, ...] = ()
    side: str = "revision"


@dataclass(frozen=True, slots=True)
class Context:
    """Where a schema is used: ``request``/``response``; ``body``/``parameter``/``header``."""

    direction: str
    object: str
    root: bool
    header: bool = False  # a parameter that is a header (ids say request-header-property)
    xml: bool = False  # an XML body: objects and strings serialise alike

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Candidate id prefixes, most specific first."""
        d = self.direction
        if self.object == "body":
            return (f"{d}-body", f"{d}-property") if self.root else (f"{d}-property",)
        if self.object == "parameter":
            if self.root:
                return ("request-parameter",)
            first = ("request-header-property",) if self.header else ()
            # Array items of a parameter are its values: last, the parameter's own ids.
            return (*first, "request-parameter-property", "request-property", "request-parameter")
        return ("response-header",) if self.root else ()

    def nested(self) -> Context:
        return (
            Context(self.direction, self.object, False, self.header, self.xml)
            if self.root
            else self
        )


def family_id(kind: str, ctx: Context) -> str | None:
    """The concrete rule id for a kind of change in a context, if there is one."""
    levels = FAMILIES.get(kind)
    if levels is None:
        return None
    for prefix in ctx.prefixes:
        if prefix in levels:
            return f"{prefix}-{kind}"
    return None


F = TypeVar("F", bound=Callable[..., Any])


def operation_rule(rule_id: str, severity: Severity, area: str) -> Callable[[F], F]:
    """Register a rule about one operation (its docstring's first line is the summary)."""
    return RULES.rule(rule_id, severity=severity, area=area, kind="operation")


def document_rule(rule_id: str, severity: Severity, area: str) -> Callable[[F], F]:
    """Register a rule about the document as a whole (components, global security)."""
    return RULES.rule(rule_id, severity=severity, area=area, kind="document")


def schema_rule(*ids: tuple[str, Severity], kinds: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Register a rule about one schema node: its full ids and the kinds it can yield."""

    def register(func: F) -> F:
        # Every id the function can yield is registered with the function itself, so the
        # table (`contracts diff --list-rules`) is the code, one entry per concrete id, and
        # the engine refuses any other id from it.
        for rule_id, severity in ids:
            RULES.rule(rule_id, severity=severity, area="schemas", kind="schema")(func)
        for kind in kinds:
            for prefix, level in FAMILIES[kind].items():
                RULES.rule(
                    f"{prefix}-{kind}", severity=_LEVEL[level], area="schemas", kind="schema"
                )(func)
        return func

    return register
