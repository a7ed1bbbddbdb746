"""Run the rules over a structural diff and turn hits into findings.

Schema rules run once per (schema node, context), never once per operation: the
operations that reach a node are carried as a bit set, propagated through the
schema graph in one pass over its strongly connected components (so recursive
schemas are visited once). Each change is reported once per schema location, with
every endpoint it affects. Rules run in registration order (``seam.diff.rules``), and a
hit whose id its rule did not register is refused (:class:`seam.model.RuleIdError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from seam.diff._catalogue import FAMILIES
from seam.diff._schemas_diff import SchemaDiff
from seam.diff._structure import DocumentDiff, OperationDiff
from seam.diff.rules import RULES, Context, Hit, family_id
from seam.model import Finding
from seam.openapi import bundled_file

__all__ = ["Change", "Root", "judge"]


@dataclass(frozen=True, slots=True)
class Root:
    """A schema where an operation uses it: a parameter, a body, a response, a header."""

    op: OperationDiff
    ctx: Context
    node: SchemaDiff
    status: str = ""  # responses only
    parameter: tuple[str, str] | None = None
    media: str = ""  # bodies only


@dataclass(slots=True)
class Change:
    """A finding and what is needed to tell which consumers it affects."""

    finding: Finding
    ops: list[OperationDiff]
    roots: list[Root] = field(default_factory=list)
    node: SchemaDiff | None = None
    hit: Hit | None = None


def judge(diff: DocumentDiff) -> list[Change]:
    """Every change the rules find in ``diff``, in a fixed order."""
    changes = list(_operation_changes(diff))
    changes.extend(_schema_changes(diff))
    changes.sort(key=lambda c: c.finding.sort_key())
    return changes


def _finding(
    diff: DocumentDiff, rule: str, hit: Hit, op: OperationDiff | None, message: str
) -> Finding:
    spec = diff.base if hit.side == "base" else diff.revision
    file, location = _source(spec.file, hit.location)
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        message=message,
        # Webhooks come and go as a whole document-level entry, as in oasdiff.
        path=op.path if op and not rule.startswith("webhook-") else "",
        method=op.method if op and not rule.startswith("webhook-") else "",
        location=location,
        file=file,
        details=dict(hit.details),
    )


def _source(file: str | None, location: str) -> tuple[str | None, str]:
    """The file a location is really written in: bundled ``$ref`` files are named as such."""
    bundled = bundled_file(location)
    if file is None or bundled is None:
        return file, location
    name, pointer = bundled
    if "://" in name:
        return name, pointer
    return (PurePosixPath(file).parent / name).as_posix(), pointer


def _operation_changes(diff: DocumentDiff) -> Iterator[Change]:
    """Findings of the document-level and operation-level rules."""
    for document_rule in RULES.functions("document"):
        for hit in document_rule(diff):
            rule = RULES.emitted(document_rule, hit.rule)
            yield Change(_finding(diff, rule, hit, None, hit.message), [], hit=hit)
    operation_rules = RULES.functions("operation")
    for od in diff.operations:
        for operation_rule in operation_rules:
            for hit in operation_rule(od):
                rule = RULES.emitted(operation_rule, hit.rule)
                yield Change(_finding(diff, rule, hit, od, hit.message), [od], hit=hit)


# -- schemas -----------------------------------------------------------------------------


def _roots(diff: DocumentDiff) -> list[Root]:
    changed = diff.schemas.changed
    roots: list[Root] = []
    for od in diff.operations:
        for pd in od.parameters:
            if changed(pd.schema):
                assert pd.schema is not None
                ctx = Context("request", "parameter", True, header=pd.key[0] == "header")
                roots.append(Root(od, ctx, pd.schema, parameter=pd.key))
        for md in od.body:
            if changed(md.schema):
                assert md.schema is not None
                ctx = Context("request", "body", True, xml="xml" in md.media)
                roots.append(Root(od, ctx, md.schema, media=md.media))
        for rd in od.responses:
            for md in rd.media:
                if changed(md.schema):
                    assert md.schema is not None
                    ctx = Context("response", "body", True, xml="xml" in md.media)
                    roots.append(Root(od, ctx, md.schema, rd.status, media=md.media))
            for hd in rd.headers:
                if changed(hd.schema):
                    assert hd.schema is not None
                    roots.append(
                        Root(od, Context("response", "header", True), hd.schema, rd.status)
                    )
    return roots


Vertex = tuple[int, Context]


def _propagate(roots: list[Root]) -> tuple[dict[Vertex, int], dict[Vertex, SchemaDiff]]:
    """Which roots reach each (node, context), as bit sets, in one pass over the SCCs."""
    nodes: dict[Vertex, SchemaDiff] = {}
    seeds: dict[Vertex, int] = {}
    for i, root in enumerate(roots):
        v = (id(root.node), root.ctx)
        nodes[v] = root.node
        seeds[v] = seeds.get(v, 0) | (1 << i)

    def successors(v: Vertex) -> list[Vertex]:
        ctx = v[1].nested()
        out = []
        for _, child in nodes[v].children:
            w = (id(child), ctx)
            nodes.setdefault(w, child)
            out.append(w)
        return out

    components = _tarjan(list(seeds), successors)
    masks: dict[Vertex, int] = {}
    incoming: dict[Vertex, int] = dict(seeds)
    for component in reversed(components):  # sources first
        mask = 0
        for v in component:
            mask |= incoming.get(v, 0)
        members = set(component)
        for v in component:
            masks[v] = mask
            for w in successors(v):
                if w not in members:
                    incoming[w] = incoming.get(w, 0) | mask
    return masks, nodes


def _tarjan(starts: list[Vertex], successors: Any) -> list[list[Vertex]]:
    """Strongly connected components, sinks first (iterative Tarjan)."""
    index: dict[Vertex, int] = {}
    low: dict[Vertex, int] = {}
    on_stack: set[Vertex] = set()
    stack: list[Vertex] = []
    out: list[list[Vertex]] = []
    counter = 0
    for start in starts:
        if start in index:
            continue
        work: list[tuple[Vertex, Iterator[Vertex]]] = []
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work.append((start, iter(successors(start))))
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(successors(w))))
                    pushed = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                out.append(component)
    return out


def _bits(mask: int) -> Iterator[int]:
    """The set bits of ``mask``, lowest first (one step per set bit, not per bit)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _schema_changes(diff: DocumentDiff) -> Iterable[Change]:
    roots = _roots(diff)
    if not roots:
        return []
    masks, nodes = _propagate(roots)
    schema_rules = RULES.functions("schema")
    grouped: dict[tuple[str, str, str], tuple[int, Hit, SchemaDiff]] = {}
    for v in sorted(masks, key=lambda v: (nodes[v].location, _ctx_key(v[1]))):
        node, ctx = nodes[v], v[1]
        if not node.own_changes:
            continue
        for rule in schema_rules:
            for hit in rule(node, ctx):
                rule_id = hit.rule if hit.rule in RULES else family_id(hit.rule, ctx)
                if rule_id is None:
                    if hit.rule not in FAMILIES:  # neither an id nor a kind: refused
                        RULES.emitted(rule, hit.rule)
                    continue  # a kind of change that breaks no one in this context
                RULES.emitted(rule, rule_id)
                key = (rule_id, hit.location, hit.message)
                prev = grouped.get(key)
                grouped[key] = ((prev[0] if prev else 0) | masks[v], hit, node)
    changes = []
    for (rule_id, _, _), (mask, hit, node) in grouped.items():
        hit_roots = [roots[i] for i in _bits(mask)]
        ops = sorted({id(r.op): r.op for r in hit_roots}.values(), key=lambda o: (o.path, o.method))
        # A property finding is about its parent object: `Task: property `status` removed`.
        prop = hit.details.get("renamed_to", hit.details.get("property"))
        where = hit.location
        if isinstance(prop, str) and where.endswith(f"/properties/{prop}"):
            where = where[: -len(f"/properties/{prop}")]
        subject = _subject(where)
        params = {r.parameter for r in hit_roots}
        if len(params) == 1 and None not in params and not hit.location.startswith("#/components"):
            subject = _parameter_subject(hit_roots[0], subject)
        message = f"{subject}: {hit.message}" if subject else hit.message
        finding = _finding(diff, rule_id, hit, ops[0], message)
        if len(ops) > 1:
            endpoints = [f"{o.method} {o.path}" for o in ops]
            finding = replace(
                finding,
                message=f"{message} (and {_more(len(ops) - 1)})",
                details={**finding.details, "endpoints": endpoints},
            )
        changes.append(Change(finding, ops, hit_roots, node, hit))
    return changes


def _more(n: int) -> str:
    return f"{n} more endpoint{'s' if n > 1 else ''}"


def _parameter_subject(root: Root, subject: str) -> str:
    """``query parameter `limit```, then the path inside its schema if any."""
    assert root.parameter is not None
    op = root.op.revision or root.op.base
    assert op is not None
    param = op.parameters.get(root.parameter)
    name = param.name if param else root.parameter[1]
    head = f"{root.parameter[0]} parameter `{name}`"
    return f"{head} {subject}" if subject else head


def _ctx_key(ctx: Context) -> tuple[str, str, bool, bool, bool]:
    return (ctx.direction, ctx.object, ctx.root, ctx.header, ctx.xml)


def _subject(location: str) -> str:
    """A short name for a schema location: ``Task.owner.name``, ``tags[]``."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in location.lstrip("#/").split("/")]
    if len(tokens) >= 2 and tokens[0] == "x-seam-files":
        # A schema bundled from another file: named by the file, then as in a document.
        head, rest = tokens[1], tokens[2:]
        if len(rest) >= 2 and rest[0] in ("components", "definitions"):
            rest = rest[2:] if rest[0] == "components" else rest[1:]
        tokens = [head.rsplit("/", 1)[-1], *rest]
    elif len(tokens) >= 3 and tokens[0] in ("components", "definitions"):
        tokens = tokens[2:] if tokens[0] == "components" else tokens[1:]
    elif "schema" in tokens:
        tokens = tokens[len(tokens) - tokens[::-1].index("schema") :]
    else:
        return ""
    keywords = {
        "type",
        "enum",
        "minimum",
        "maximum",
        "format",
        "pattern",
        "nullable",
        "required",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "const",
        "default",
        "discriminator",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "x-extensible-enum",
        "dependentRequired",
        "patternProperties",
        "dependentSchemas",
        "contentEncoding",
        "contentMediaType",
    }
    while tokens and tokens[-1] in keywords:
        tokens.pop()
    out: list[str] = []
    skip = False
    for i, t in enumerate(tokens):
        if skip:
            skip = False
            continue
        if t == "properties" and i + 1 < len(tokens):
            out.append(tokens[i + 1])
            skip = True
        elif t == "items":
            out.append("[]")
        elif t in ("oneOf", "anyOf", "allOf", "prefixItems") and i + 1 < len(tokens):
            out.append(f"{t}[{tokens[i + 1]}]")
            skip = True
        elif t != "schema":  # `parameters/limit/schema`: the parameter is the subject
            out.append(t)
    text = ".".join(out).replace(".[]", "[]")
    return text
