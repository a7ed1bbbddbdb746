"""The structural diff of schemas: what changed, with no opinion on whether it matters.

Two schemas are compared once per pair of schema objects, keyed by identity after
``$ref`` resolution, so a component used by a hundred operations, or a schema that
refers to itself, is compared once. The result is a graph of :class:`SchemaDiff`
nodes (cycles included); the rules in ``_schemas.py`` judge each node in each of
the contexts it is reached from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from seam.openapi import Api, pointer_join

__all__ = ["ABSENT", "SchemaDiff", "SchemaDiffer", "shape", "type_info", "type_only"]


class _Absent:
    """A keyword that is not written on one side."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "absent"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

# Keywords that hold one subschema: compared by recursion when both sides have one.
_SINGLE = (
    "items",
    "additionalProperties",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "if",
    "then",
    "else",
    "not",
)
_MAPS = ("patternProperties", "dependentSchemas")
_COMPOSITIONS = ("oneOf", "anyOf", "allOf")
# Annotations: they change documentation, never what is valid.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "externalDocs", "xml", "$comment", "$id"}
)
_DERIVED = frozenset({"type", "format", "nullable", "x-nullable"})
# What may stand beside a lone `allOf: [$ref]` for it to be "that schema, or null".
_WRAPS = _ANNOTATIONS | {"nullable", "x-nullable", "readOnly", "writeOnly", "deprecated"}
_HANDLED = frozenset({"properties", "required", "prefixItems", *_SINGLE, *_MAPS, *_COMPOSITIONS})
# Names the unmatched base subschema an added one pairs with (or None): one matcher.
_Pick: TypeAlias = Callable[[int, Any], int | None]


def type_info(schema: Mapping[str, Any]) -> tuple[frozenset[str], Any, bool]:
    """``(types without null, format, nullable)``; no ``type`` means any type."""
    raw = schema.get("type")
    types = set(raw) if isinstance(raw, list) else {raw} if isinstance(raw, str) else set()
    # `oneOf: [{type: string}, {type: integer}]` is a list of types written longhand.
    for key in ("oneOf", "anyOf"):
        alternatives = schema.get(key)
        if isinstance(alternatives, list) and type_only(alternatives):
            types.update(str(a["type"]) for a in alternatives)
    nullable = "null" in types or schema.get("nullable") is True or schema.get("x-nullable") is True
    types.discard("null")
    return frozenset(types), schema.get("format"), nullable


def type_only(alternatives: Any) -> bool:
    """A ``oneOf``/``anyOf`` list whose entries say nothing but ``type: X``."""
    return isinstance(alternatives, list) and all(
        isinstance(a, dict) and set(a) == {"type"} and isinstance(a["type"], str)
        for a in alternatives
    )


def _title(raw: Any) -> str:
    if isinstance(raw, dict) and "$ref" not in raw and isinstance(raw.get("title"), str):
        return str(raw["title"])
    return ""


def _is_ref(raw: Any) -> bool:
    return isinstance(raw, dict) and "$ref" in raw


def shape(raw: Any) -> str:
    """A canonical text of a schema as written (references by name), for matching."""
    if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
        return "$ref:" + str(raw["$ref"]).rsplit("/", 1)[-1]
    return json.dumps(raw, sort_keys=True, default=str)


@dataclass(eq=False, slots=True)
class SchemaDiff:
    """How one schema differs between base and revision.

    Attributes:
        location: where the schema is written in the revision (a ``$ref`` target or
            an inline pointer).
        base, revision: the two schema objects.
        keywords: every changed keyword, ``name -> (base value, revision value)``,
            :data:`ABSENT` for a missing side; ``type`` holds ``(types, format)``
            and ``nullable`` a bool, both derived across OpenAPI versions.
        added, removed: properties present on one side only, with their schemas.
        renamed: ``(old, new)`` property pairs removed and added with the same schema.
        subschemas_added, subschemas_removed: ``oneOf``/``anyOf``/``allOf`` entries
            that match nothing on the other side.
        children: ``(step, node)`` for every nested pair that differs somewhere.
    """

    location: str
    base_location: str
    base: Mapping[str, Any]
    revision: Mapping[str, Any]
    keywords: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    added: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    removed: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    subschemas_added: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    subschemas_removed: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    children: list[tuple[str, SchemaDiff]] = field(default_factory=list)

    @property
    def own_changes(self) -> bool:
        return bool(
            self.keywords
            or self.added
            or self.removed
            or self.renamed
            or self.subschemas_added
            or self.subschemas_removed
            or self.base_required != self.revision_required
        )

    @property
    def base_required(self) -> frozenset[str]:
        return _required(self.base)

    @property
    def revision_required(self) -> frozenset[str]:
        return _required(self.revision)

    def common_properties(self) -> Iterator[str]:
        """Property names written on both sides, sorted."""
        base = _props(self.base)
        revision = _props(self.revision)
        return iter(sorted(n for n in revision if n in base))


def _required(schema: Mapping[str, Any]) -> frozenset[str]:
    raw = schema.get("required")
    return frozenset(x for x in raw if isinstance(x, str)) if isinstance(raw, list) else frozenset()


def _props(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    raw = schema.get("properties")
    return raw if isinstance(raw, dict) else {}


class SchemaDiffer:
    """Builds the :class:`SchemaDiff` graph for two documents, memoised by identity.

    The work list is iterative (no recursion), so deep reference chains cannot
    overflow the stack, and each pair of schema objects is compared exactly once.
    """

    def __init__(self, base: Api, revision: Api) -> None:
        self.base = base
        self.revision = revision
        self._memo: dict[tuple[int, int], SchemaDiff] = {}
        self._pending: list[SchemaDiff] = []
        self._finished = False
        self._kept: set[int] | None = None
        self.alive: set[int] = set()
        self._unwrapped: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._unwrapped_at: dict[int, str] = {}

    def pair(self, base: Any, base_at: str, revision: Any, revision_at: str) -> SchemaDiff | None:
        """The node for two schemas (``None`` unless both are schema objects)."""
        b, b_at = self._unwrap(self.base, *self.base.deref(base, base_at))
        r, r_at = self._unwrap(self.revision, *self.revision.deref(revision, revision_at))
        if not isinstance(b, dict) or not isinstance(r, dict):
            return None
        key = (id(b), id(r))
        node = self._memo.get(key)
        if node is None:
            node = SchemaDiff(r_at, b_at, b, r)
            self._memo[key] = node
            self._pending.append(node)
        return node

    def _unwrap(self, api: Api, node: Any, at: str) -> tuple[Any, str]:
        """``{nullable: true, allOf: [{$ref: X}]}`` is OpenAPI 3.0's way to write "X or null"
        (a ``$ref``'s siblings are ignored there): it is X with the wrapper's keywords, so that
        renaming the wrapper into a component of its own compares X with X, not the wrapper's
        ``allOf`` with X's properties (a removed field two levels below went unseen)."""
        if not isinstance(node, dict):
            return node, at
        parts = node.get("allOf")
        if not (isinstance(parts, list) and len(parts) == 1 and set(node) - {"allOf"} <= _WRAPS):
            return node, at
        found = self._unwrapped.get(id(node))
        if found is None:
            target, target_at = api.deref(parts[0], at + "/allOf/0")
            if not isinstance(target, dict) or "allOf" in target:
                return node, at
            merged = {**target, **{k: v for k, v in node.items() if k != "allOf"}}
            # Keyed by the wrapper's id (kept alive beside it), so a recursive schema meets the
            # same merged object again and the pair memo still ends the walk.
            found = self._unwrapped[id(node)] = (node, merged)
            self._unwrapped_at[id(merged)] = target_at
        return found[1], self._unwrapped_at[id(found[1])]

    def resolve_base(self, raw: Any, at: str) -> tuple[Any, str]:
        return self.base.deref(raw, at)

    def resolve_revision(self, raw: Any, at: str) -> tuple[Any, str]:
        return self.revision.deref(raw, at)

    def finish(self) -> None:
        """Compare every pair queued so far (and all they lead to), then prune."""
        while self._pending:
            self._fill(self._pending.pop())
        self._prune()

    # -- comparing one pair ----------------------------------------------------------

    def _fill(self, node: SchemaDiff) -> None:
        b, r = node.base, node.revision
        self._keywords(node, b, r)
        if "properties" in b or "properties" in r:
            self._properties(node, b, r)
        present = b.keys() | r.keys()
        # Only the structural keywords written on either side (most schemas have one or two).
        for key in _SINGLE:
            if key in present:
                self._single(node, key)
        for key in _MAPS:
            if key in present:
                self._map(node, key)
        if "prefixItems" in present:
            self._prefix_items(node)
        for key in _COMPOSITIONS:
            if key in present:
                self._composition(node, key)

    def _keywords(self, node: SchemaDiff, b: Mapping[str, Any], r: Mapping[str, Any]) -> None:
        for key in sorted(set(b) | set(r)):
            if key in _ANNOTATIONS or key in _DERIVED or key in _HANDLED:
                continue
            if key.startswith("x-") and key != "x-extensible-enum":
                continue
            bv, rv = b.get(key, ABSENT), r.get(key, ABSENT)
            if bv != rv or type(bv) is not type(rv):
                node.keywords[key] = (bv, rv)
        bt, bf, bn = type_info(b)
        rt, rf, rn = type_info(r)
        if (bt, bf) != (rt, rf):
            node.keywords["type"] = ((bt, bf), (rt, rf))
        if bn != rn:
            node.keywords["nullable"] = (bn, rn)

    def _properties(self, node: SchemaDiff, b: Mapping[str, Any], r: Mapping[str, Any]) -> None:
        bp, rp = _props(b), _props(r)
        for name in sorted(set(bp) | set(rp)):
            if name in bp and name in rp:
                self._child(node, f"properties/{name}", ("properties", name), bp[name], rp[name])
            elif name in bp:
                node.removed[name] = self.base.deref(bp[name], "")[0]
            else:
                node.added[name] = self.revision.deref(rp[name], "")[0]
        self._renames(node, bp, rp)

    def _renames(self, node: SchemaDiff, bp: Mapping[str, Any], rp: Mapping[str, Any]) -> None:
        # A rename is one removed and one added property of the very same schema; with
        # two candidates of one shape the pairing would be a guess, so none is made.
        if not node.removed or not node.added:
            return
        by_shape: dict[str, tuple[list[str], list[str]]] = {}
        for name in node.removed:
            by_shape.setdefault(shape(bp[name]), ([], []))[0].append(name)
        for name in node.added:
            by_shape.setdefault(shape(rp[name]), ([], []))[1].append(name)
        for olds, news in by_shape.values():
            if len(olds) == 1 and len(news) == 1:
                node.renamed.append((olds[0], news[0]))
        for old, new in node.renamed:
            del node.removed[old]
            del node.added[new]
        node.renamed.sort()

    def _child(
        self, node: SchemaDiff, step: str, tokens: tuple[str, ...], bv: Any, rv: Any
    ) -> None:
        child = self.pair(
            bv, pointer_join(node.base_location, *tokens), rv, pointer_join(node.location, *tokens)
        )
        if child is not None:
            node.children.append((step, child))
        elif bv != rv:
            node.keywords[step] = (bv, rv)

    def _single(self, node: SchemaDiff, key: str) -> None:
        bv, rv = node.base.get(key, ABSENT), node.revision.get(key, ABSENT)
        if isinstance(bv, dict) and isinstance(rv, dict):
            self._child(node, key, (key,), bv, rv)
        elif bv != rv:
            node.keywords[key] = (bv, rv)

    def _map(self, node: SchemaDiff, key: str) -> None:
        bm, rm = node.base.get(key), node.revision.get(key)
        bm = bm if isinstance(bm, dict) else {}
        rm = rm if isinstance(rm, dict) else {}
        if set(bm) != set(rm):
            node.keywords[key] = (frozenset(bm), frozenset(rm))
        for name in sorted(set(bm) & set(rm)):
            self._child(node, f"{key}/{name}", (key, name), bm[name], rm[name])

    def _prefix_items(self, node: SchemaDiff) -> None:
        bl, rl = node.base.get("prefixItems", ABSENT), node.revision.get("prefixItems", ABSENT)
        if isinstance(bl, list) and isinstance(rl, list):
            for i, (bv, rv) in enumerate(zip(bl, rl, strict=False)):
                self._child(node, f"prefixItems/{i}", ("prefixItems", str(i)), bv, rv)
            if len(bl) != len(rl):
                node.keywords["prefixItems"] = (len(bl), len(rl))
        elif bl != rl:
            node.keywords["prefixItems"] = (bl, rl)

    def _composition(self, node: SchemaDiff, key: str) -> None:
        bl, rl = node.base.get(key, ABSENT), node.revision.get(key, ABSENT)
        if (bl is ABSENT or type_only(bl)) and (rl is ABSENT or type_only(rl)) and key != "allOf":
            return  # a list of types: judged as a type change
        if not isinstance(bl, list) or not isinstance(rl, list):
            if bl != rl:
                node.keywords[key] = (bl, rl)
            return
        # Match subschemas by reference name, then by identical text; the rest were
        # added or removed (an inline subschema that changed is both, as in oasdiff).
        unmatched = {i: shape(s) for i, s in enumerate(bl)}

        def same_shape(j: int, rv: Any) -> int | None:
            text = shape(rv)
            return next((i for i, t in unmatched.items() if t == text), None)

        added = self._pair(node, key, bl, unmatched, list(enumerate(rl)), same_shape)
        for by in (self._by_content, self._by_title, self._by_type):
            if added and unmatched:
                added = self._pair(node, key, bl, unmatched, added, by(bl, unmatched, added))
        if added:
            node.subschemas_added[key] = added
        if unmatched:
            node.subschemas_removed[key] = [(i, bl[i]) for i in sorted(unmatched)]

    def _pair(
        self,
        node: SchemaDiff,
        key: str,
        bl: list[Any],
        unmatched: dict[int, str],
        added: list[tuple[int, Any]],
        pick: _Pick,
    ) -> list[tuple[int, Any]]:
        """Pair each added subschema with the unmatched one ``pick`` names; return the rest."""
        still: list[tuple[int, Any]] = []
        for j, rv in added:
            match = pick(j, rv)
            if match is None:
                still.append((j, rv))
                continue
            del unmatched[match]
            self._child(node, f"{key}/{j}", (key, str(j)), bl[match], rv)
        return still

    def _by_content(
        self, bl: list[Any], unmatched: dict[int, str], added: list[tuple[int, Any]]
    ) -> _Pick:
        """Pair a ``$ref`` with an inline schema of the same content (a refactor, no change)."""
        # Only a reference against an inline schema: two differently named components
        # that happen to be alike are still a change of documented type.
        left = {i: self._content(self.base, bl[i]) for i in unmatched}

        def same_content(j: int, rv: Any) -> int | None:
            text = self._content(self.revision, rv)
            match = next(
                (i for i, t in left.items() if t == text and (_is_ref(bl[i]) != _is_ref(rv))),
                None,
            )
            if match is not None:
                del left[match]
            return match

        return same_content

    def _by_title(
        self, bl: list[Any], unmatched: dict[int, str], added: list[tuple[int, Any]]
    ) -> _Pick:
        """Pair inline alternatives that carry the same title: one alternative, changed."""
        titles = {_title(bl[i]): i for i in unmatched if _title(bl[i])}

        def same_title(j: int, rv: Any) -> int | None:
            return titles.pop(_title(rv), None) if _title(rv) else None

        return same_title

    def _by_type(
        self, bl: list[Any], unmatched: dict[int, str], added: list[tuple[int, Any]]
    ) -> _Pick:
        """Pair the one inline alternative of a type on each side: the same one, changed."""

        def kind(raw: Any) -> str:
            if not isinstance(raw, dict) or "$ref" in raw:
                return ""
            return ",".join(sorted(type_info(raw)[0]))

        olds: dict[str, list[int]] = {}
        for i in unmatched:
            olds.setdefault(kind(bl[i]), []).append(i)
        news: dict[str, list[int]] = {}
        for j, rv in added:
            news.setdefault(kind(rv), []).append(j)
        pairs = {
            news[k][0]: olds[k][0]
            for k in news
            if k and len(news[k]) == 1 and len(olds.get(k, ())) == 1
        }
        return lambda j, rv: pairs.get(j)

    @staticmethod
    def _content(spec: Api, raw: Any) -> str:
        target, _ = spec.deref(raw, "")
        if isinstance(target, dict):
            target = {k: v for k, v in target.items() if k not in _ANNOTATIONS}
        return json.dumps(target, sort_keys=True, default=str)

    # -- pruning --------------------------------------------------------------------

    def _prune(self) -> None:
        """Drop links to nodes under which nothing changed (cycles included)."""
        nodes = list(self._memo.values())
        parents: dict[int, list[SchemaDiff]] = {}
        for n in nodes:
            for _, child in n.children:
                parents.setdefault(id(child), []).append(n)
        alive: set[int] = set()
        stack = [n for n in nodes if n.own_changes]
        while stack:
            n = stack.pop()
            if id(n) in alive:
                continue
            alive.add(id(n))
            stack.extend(parents.get(id(n), ()))
        for n in nodes:
            n.children = [(s, c) for s, c in n.children if id(c) in alive]
        self.alive = alive

    def kept_elsewhere(self, base_schema: Any) -> bool:
        """True when ``base_schema`` was compared with a revision schema and nothing differed.

        A component that was removed but inlined unchanged where it was used is a
        refactor, not a removal.
        """
        if self._kept is None:
            self._kept = {id(n.base) for n in self._memo.values() if id(n) not in self.alive}
        return id(base_schema) in self._kept

    def changed(self, node: SchemaDiff | None) -> bool:
        """True when ``node`` or anything under it differs."""
        return node is not None and id(node) in self.alive
