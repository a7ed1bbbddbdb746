"""``diff_schemas``: every change between two GraphQL schemas, as findings.

graphql-core finds the breaking and dangerous changes (``find_breaking_changes``,
``find_dangerous_changes``); the rule table (``_rules``) names each one, gives it a
coordinate and a message; the walk rules add what graphql-core leaves out (additions,
deprecations, safe type changes). A field removed and one added on the same type with
the same signature is reported once, as a rename. Each finding gets a line: where the
thing is in the revision, or for something removed, where its parent still is.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from enum import Enum
from typing import Any

from graphql import GraphQLField, GraphQLInterfaceType, GraphQLObjectType
from graphql.utilities import find_breaking_changes, find_dangerous_changes

from seam.graphql._consumers import Operation, judge_with_operations
from seam.graphql._load import Schema
from seam.graphql.rules import RULES, Change, CoreRule, Pair, field_renamed
from seam.model import Finding
from seam.pactfile import Pact

__all__ = ["changes", "diff_schemas"]


def changes(base: Schema, revision: Schema) -> list[Change]:
    """The judged changes between two schemas, renames paired, in a stable order."""
    pair = Pair(base, revision)
    out: list[Change] = []
    breaking = find_breaking_changes(pair.old, pair.new)
    dangerous = find_dangerous_changes(pair.old, pair.new)
    rows = [rule.func for rule in RULES.rules("core") if isinstance(rule.func, CoreRule)]
    for core in [*breaking, *dangerous]:
        out.append(_read_core(core[0], core[1], pair, rows))  # (type, description) NamedTuples
    for walk in RULES.functions("walk"):
        for change in walk(pair):
            RULES.emitted(walk, change.rule)
            out.append(change)
    return _renames(out, pair)


def _read_core(change_type: Enum, description: str, pair: Pair, rows: Sequence[CoreRule]) -> Change:
    """The first row of ``change_type`` that reads ``description`` (table order)."""
    for row in rows:
        if row.change_type is not change_type:
            continue
        m = _pattern(row.pattern).fullmatch(description)
        change = row(m, pair) if m is not None else None
        if change is not None:
            return change
    # A sentence this table cannot read (a graphql-core outside the pinned range):
    # reported as is, under the most cautious id, rather than dropped.
    return Change("graphql-unrecognised-change", "", description)


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _signature(f: GraphQLField) -> str:
    args = ", ".join(
        f"{name}: {arg.type}" for name, arg in sorted(f.args.items(), key=lambda kv: kv[0])
    )
    return f"({args}): {f.type}" if args else str(f.type)


def _renames(found: list[Change], pair: Pair) -> list[Change]:
    """Pair each type's one removed field with its one added field of the same signature."""
    removed: dict[tuple[str, str], list[Change]] = defaultdict(list)
    added: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for c in found:
        if c.rule not in ("graphql-field-removed", "graphql-field-added"):
            continue
        schema = pair.old if c.rule == "graphql-field-removed" else pair.new
        t = schema.type_map.get(c.type_name)
        if not isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            continue
        key = (c.type_name, _signature(t.fields[c.field_name]))
        (removed if c.rule == "graphql-field-removed" else added)[key].append(c)
    dropped: set[int] = set()
    renamed: list[Change] = []
    for key, gone in removed.items():
        new = added.get(key, [])
        # Only an unambiguous pair is a rename: two removed `String` fields and one added
        # could be anything, and calling it a rename would hide a removal.
        if len(gone) == 1 and len(new) == 1:
            dropped.update((id(gone[0]), id(new[0])))
            renamed.append(field_renamed(key[0], gone[0].field_name, new[0].field_name, key[1]))
    return [c for c in found if id(c) not in dropped] + renamed


def _line(c: Change, pair: Pair) -> int | None:
    """The line of what changed in the revision, or of its nearest parent still there."""
    if not pair.revision.sdl:
        return None
    schema = pair.new
    if c.type_name.startswith("@"):
        d = schema.get_directive(c.type_name[1:])
        return Schema.line(d.ast_node) if d is not None else None
    t = schema.type_map.get(c.type_name)
    if t is None:
        return None
    node: Any = t.ast_node
    member = None
    if c.field_name:
        members = getattr(t, "fields", None) or getattr(t, "values", None) or {}
        # A rename is annotated on the new name: the line the reviewer sees in the diff.
        name = c.details["new"] if c.rule == "graphql-field-renamed" else c.field_name
        member = members.get(name)
    if member is not None:
        node = member.ast_node or node
        if c.arg_name and isinstance(member, GraphQLField) and c.arg_name in member.args:
            node = member.args[c.arg_name].ast_node or node
    return Schema.line(node)


def diff_schemas(
    base: Schema,
    revision: Schema,
    *,
    pacts: Sequence[Pact] = (),
    operations: Sequence[Operation] = (),
    revision_file: str | None = None,
) -> list[Finding]:
    """Every change between two GraphQL schemas, as findings.

    Args:
        base: the schema before the change.
        revision: the schema after it.
        pacts: consumer pacts; with any, their GraphQL operations judge each breaking
            change (an error naming the consumer and operation it breaks, or a warning
            saying why none is).
        operations: more consumer operations, from their own ``.graphql`` files
            (:func:`seam.graphql.read_operations`), judged as the pacts' are.
        revision_file: how findings name the revision's file (default: its own name).

    Returns:
        One finding per change: ``path`` and ``location`` are its schema coordinate,
        ``line`` its line in the revision (SDL only).
    """
    pair = Pair(base, revision)
    name = revision_file or revision.file
    judged = [(c, to_finding(c, name, _line(c, pair))) for c in changes(base, revision)]
    if pacts or operations:
        return judge_with_operations(judged, pacts, base.schema, revision.schema, operations)
    return [f for _, f in judged]


def to_finding(c: Change, file: str | None, line: int | None) -> Finding:
    """One change as a finding, with the registry's severity."""
    details = {"coordinate": c.coordinate, **c.details}
    return Finding(
        c.rule,
        RULES[c.rule].severity,
        c.message,
        path=c.coordinate,
        location=c.coordinate,
        file=file,
        line=line,
        details={k: v for k, v in details.items() if v is not None},
    )
