"""The GraphQL registry, what a rule returns (:class:`Change`) and the shape of a table row.

:class:`CoreRule` is one row of ``core``'s table; ``@walk_rule`` registers a function of
``walks``. Both register in :data:`RULES`, which ``seam.graphql.rules`` fills on import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from graphql import GraphQLInputObjectType, GraphQLSchema

from seam.graphql._load import Schema
from seam.model import Registry, Severity

__all__ = [
    "RULES",
    "Change",
    "CoreRule",
    "Pair",
    "arg_coordinate",
    "walk_rule",
]

RULES = Registry("graphql")


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two schemas, judged.

    Attributes:
        rule: the registered rule id.
        coordinate: the schema coordinate of what changed (``User.name``).
        message: one sentence for a reviewer: what changed, who it breaks, what to do.
        type_name, field_name, arg_name: the parts of the coordinate, for consumer blame.
        details: machine-readable facts (old and new types, values).
    """

    rule: str
    coordinate: str
    message: str
    type_name: str = ""
    field_name: str = ""
    arg_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pair:
    """The two schemas a rule compares."""

    base: Schema
    revision: Schema

    @property
    def old(self) -> GraphQLSchema:
        return self.base.schema

    @property
    def new(self) -> GraphQLSchema:
        return self.revision.schema


F = TypeVar("F", bound=Callable[..., Any])


def walk_rule(rule_id: str, severity: Severity) -> Callable[[F], F]:
    """Register a rule that finds its changes by walking both schemas."""
    return RULES.rule(rule_id, severity=severity, area="graphql", kind="walk")


def arg_coordinate(type_name: str, field_name: str, arg_name: str) -> str:
    """``Type.field(arg:)``, or ``@directive(arg:)`` when ``type_name`` is ``@name``."""
    if type_name.startswith("@"):
        return f"{type_name}({arg_name}:)"
    return f"{type_name}.{field_name}({arg_name}:)"


def _is_input(schema: GraphQLSchema, type_name: str) -> bool:
    return isinstance(schema.type_map.get(type_name), GraphQLInputObjectType)


@dataclass(frozen=True, slots=True)
class CoreRule:
    """One row: a graphql-core change type and sentence, read into a :class:`Change`.

    Attributes:
        id, severity, summary: the rule, as listed.
        change_type: the graphql-core ``BreakingChangeType``/``DangerousChangeType``.
        pattern: a regex over graphql-core 3.2's sentence, naming ``type``, ``field``,
            ``arg``, ``value`` (and ``old``, ``new``, ``location``).
        subject: what the coordinate names: ``type``, ``value`` (``Enum.VALUE``),
            ``field``, ``arg``, ``directive`` or ``directive-arg``.
        message: a ``str.format`` template over the pattern's groups, ``c`` (the
            coordinate), ``d`` (``@directive``) and ``hint``.
        details: ``key`` or ``key=group``: groups copied into the change's details.
        hint: the message's ``{hint}``, from the match.
        inputs: ``True``/``False``: the row reads only changes of an input type / of any
            other type; ``None``: either.
    """

    id: str
    severity: Severity
    change_type: Enum
    pattern: str
    subject: str
    summary: str
    message: str
    details: tuple[str, ...] = ()
    hint: Callable[[re.Match[str]], str] | None = None
    inputs: bool | None = None

    def __call__(self, m: re.Match[str], pair: Pair) -> Change | None:
        """The change this row reads from a match of its pattern (``None``: not this row's)."""
        if self.inputs is not None and _is_input(pair.old, m["type"]) != self.inputs:
            return None
        t, f, a, v = (_group(m, name) for name in ("type", "field", "arg", "value"))
        d = f"@{t}"
        parts = {
            "type": (t, t, "", ""),
            "value": (f"{t}.{v}", t, v, ""),
            "field": (f"{t}.{f}", t, f, ""),
            "arg": (arg_coordinate(t, f, a), t, f, a),
            "directive": (d, d, "", ""),
            "directive-arg": (arg_coordinate(d, "", a), d, "", a),
        }
        c, type_name, field_name, arg_name = parts[self.subject]
        hint = self.hint(m) if self.hint else ""
        names = {k: v for k, v in m.groupdict().items() if v is not None}
        details = {}
        for entry in self.details:
            key, _, group = entry.partition("=")
            details[key] = m[group or key]
        return Change(
            self.id,
            c,
            self.message.format(**names, c=c, d=d, hint=hint),
            type_name=type_name,
            field_name=field_name,
            arg_name=arg_name,
            details=details,
        )


def _group(m: re.Match[str], name: str) -> str:
    return m.groupdict().get(name) or ""
