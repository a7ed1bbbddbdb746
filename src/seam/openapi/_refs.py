"""Every ``$ref`` of a document, walked and checked once, when the document is loaded.

An analysis follows only the references it reaches, so a dangling or looping ``$ref``
elsewhere used to pass unnoticed (``check`` against a schema that is only a loop passed;
``diff`` of a new endpoint whose schema points at nothing exited 0). :func:`check_refs`
resolves every distinct reference once, so each command refuses such a document up front,
naming the reference and the JSON pointer where it is written.

What counts as a reference: a string ``$ref`` in OpenAPI structure, and a discriminator
``mapping`` value (a local reference, or a schema name meaning ``#/components/schemas/<name>``).
A ``$ref`` key inside literal data (``example``, ``default``, ``enum``, ``const``, an Example's
``value``, ``x-`` extensions) is data and is left alone; ``x-seam-files`` (relative files
bundled on load) is structure.

What counts as a loop: a chain of references that never reaches anything else, such as
``A: {$ref: B}`` and ``B: {$ref: A}``, or ``A: {allOf: [{$ref: A}]}`` — a node that only
points, adding no constraint of its own, can only ever be what it points at, so a chain of
them that comes back on itself describes nothing. Recursion through a constraint is legal
and common and is kept: a ``Node`` whose ``children`` items are ``Node`` (GitHub, Stripe),
or polymorphism written as ``Pet: {oneOf: [Cat], discriminator}`` with
``Cat: {allOf: [Pet, {properties}]}`` (``Cat`` adds properties; JSON Schema validators and
Seam's analyses stop at such nodes).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from seam.errors import RefError

if TYPE_CHECKING:
    from seam.openapi._load import Document

__all__ = ["BUNDLE_KEY", "bundled_file", "check_refs", "is_literal", "walk_structure"]

BUNDLE_KEY = "x-seam-files"
# Keys whose values are data, not OpenAPI structure: a "$ref" key inside them is just data.
_LITERAL_KEYS = frozenset({"example", "default", "enum", "const", "value", "externalValue"})
# Keys that describe a node without constraining it (x- extensions too): beside a lone
# allOf/anyOf/oneOf they leave the node pointing only at its one subschema.
_ANNOTATIONS = frozenset(
    {"description", "title", "summary", "externalDocs", "deprecated", "example", "examples"}
)
_COMBINERS = ("allOf", "anyOf", "oneOf")


def is_literal(key: str) -> bool:
    """Whether the value under ``key`` is literal data rather than OpenAPI structure."""
    return key in _LITERAL_KEYS or (key.startswith("x-") and key != BUNDLE_KEY)


def walk_structure(root: Any, *, pointers: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each mapping below ``root`` outside literal data (:func:`is_literal`), with its pointer.

    In document order, each container once (YAML aliases may share or loop nodes). With
    ``pointers=False`` every pointer is ``""``: building them is most of the walk's cost
    (0.3 s on Stripe's YAML), and the bundler rewriting refs needs none.
    """
    stack: list[tuple[str, Any]] = [("#", root)]
    seen = {id(root)}
    while stack:
        at, node = stack.pop()
        if isinstance(node, dict):
            yield at, node
            items: Any = [(k, v) for k, v in node.items() if not is_literal(k)]
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        children = [
            (f"{at}/{_escape(str(k))}" if pointers else "", v)
            for k, v in items
            if isinstance(v, (dict, list)) and id(v) not in seen
        ]
        seen.update(id(v) for _, v in children)
        stack.extend(reversed(children))


def _references(root: Any) -> Iterator[tuple[str, str, str]]:
    """``(what, reference, where it is written)`` for every reference below ``root``."""
    for at, node in walk_structure(root):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield "$ref", ref, at
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            for key, target in _mapping(discriminator):
                where = f"{at}/discriminator/mapping/{_escape(key)}"
                yield "discriminator mapping", target, where


def _mapping(discriminator: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The local references of a discriminator's ``mapping`` (OAS 3 §4.8.25).

    A value is a reference (``#/components/schemas/Dog``) or a schema name (``Dog``);
    one naming another file is the bundler's business and is left alone here.
    """
    mapping = discriminator.get("mapping")
    for key, value in mapping.items() if isinstance(mapping, dict) else ():
        if not isinstance(value, str):
            continue
        if value.startswith("#"):
            yield str(key), value
        elif "#" not in value and "/" not in value and "." not in value:
            yield str(key), "#/components/schemas/" + _escape(value)


def check_refs(document: Document, *, text_size: int | None = None) -> None:
    """Resolve every ``$ref`` of ``document`` once; refuse dangling refs and pure loops.

    Args:
        document: the document, its relative-file references already bundled.
        text_size: the length of the text it was parsed from, if known. Parsed text holds
            at most one container per character, so a walk that meets more is going round
            shared or looping YAML aliases; knowing it allows the quicker walk.

    Raises:
        RefError: a reference points at nothing, is not a local JSON pointer, or belongs
            to a chain of references that comes back on itself; the message names the
            reference and where it is written.
    """
    refs = _ref_values(document.data, text_size) if text_size is not None else None
    if refs is None:  # aliases, or a size unknown: the walk that visits each node once
        refs = {ref for _, ref, _ in _references(document.data)}
    broken = {}
    for ref in refs:
        try:
            document.resolve(ref)  # also fills the document's cache for the analyses
        except RefError as exc:
            broken[ref] = exc.message
    if broken:
        _refuse_dangling(document, broken)
    settled: set[str] = set()
    for ref in sorted(refs):
        _follow(document, ref, settled)


def _ref_values(root: Any, budget: int) -> set[str] | None:
    """Every string ``$ref`` below ``root``; None past ``budget`` containers.

    The load-time hot path (Stripe's 4 MB document is ~60,000 containers): plain type
    tests and no visited set, which would cost as much again as the rest of the walk.
    """
    refs: set[str] = set()
    stack = [root]
    push, pop, literal = stack.append, stack.pop, _LITERAL_KEYS
    while stack:
        node = pop()
        budget -= 1
        if budget < 0:
            return None
        if type(node) is dict:
            ref = node.get("$ref")
            if type(ref) is str:
                refs.add(ref)
            discriminator = node.get("discriminator")
            if type(discriminator) is dict:
                refs.update(target for _, target in _mapping(discriminator))
            for key, value in node.items():
                kind = type(value)
                # is_literal(key), inlined: a call per key would double the walk's time.
                if (
                    (kind is dict or kind is list)
                    and key not in literal
                    and (key[:2] != "x-" or key == BUNDLE_KEY)
                ):
                    push(value)
        else:
            for value in node:
                kind = type(value)
                if kind is dict or kind is list:
                    push(value)
    return refs


def _refuse_dangling(document: Document, broken: dict[str, str]) -> None:
    """Raise for the first broken reference in document order, saying where it is written."""
    found = [(what, ref, at) for what, ref, at in _references(document.data) if ref in broken]
    what, ref, at = found[0] if found else ("$ref", min(broken), "")
    reason = broken[ref].removeprefix(f"$ref {ref!r} ")
    more = len(found) - 1
    tail = f" (and {more} more broken reference{'s' if more > 1 else ''})" if more > 0 else ""
    where = f" at {_display(at)}" if at else ""
    raise RefError(f"{what} {_display(ref)!r}{where} {reason}{tail}", location=document.source)


def _follow(document: Document, ref: str, settled: set[str]) -> None:
    """Follow ``ref`` through nodes that only point; refuse a chain that comes back."""
    chain: list[str] = []  # the references followed, in order
    places: list[str] = []  # where the reference after each of them is written
    while ref not in settled:
        if ref in chain:
            loop = " → ".join(_display(r) for r in [*chain[chain.index(ref) :], ref])
            raise RefError(
                f"$ref {_display(ref)!r} at {_display(places[-1])} closes a cyclic $ref chain "
                f"that never reaches a schema or object ({loop}); give one of them a definition",
                location=document.source,
            )
        try:
            target = document.resolve(ref)
        except RefError as exc:  # only a reference met along a chain can fail here
            reason = exc.message.removeprefix(f"$ref {ref!r} ")
            where = f" at {_display(places[-1])}" if places else ""
            raise RefError(
                f"$ref {_display(ref)!r}{where} {reason}", location=document.source
            ) from None
        hop = _only_points(target)
        if hop is None:
            break
        chain.append(ref)
        places.append(ref + hop[1])
        ref = hop[0]
    settled.update(chain)
    settled.add(ref)


def _only_points(node: Any) -> tuple[str, str] | None:
    """``(ref, where below node)`` when ``node`` adds nothing to the one node it points at.

    That is a ``$ref`` (siblings ignored, as OpenAPI 3.0 says and ``Document.deref``
    does), or a lone one-item ``allOf``/``anyOf``/``oneOf`` beside annotations only.
    """
    path = ""
    while isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            return ref, path
        combiners = [k for k in _COMBINERS if k in node]
        if len(combiners) != 1:
            return None
        (combiner,) = combiners
        if any(k != combiner and k not in _ANNOTATIONS and k[:2] != "x-" for k in node):
            return None
        items = node[combiner]
        if not isinstance(items, list) or len(items) != 1:
            return None
        node, path = items[0], f"{path}/{combiner}/0"
    return None


def _escape(token: str) -> str:
    """One JSON pointer token (RFC 6901 section 4)."""
    return token.replace("~", "~0").replace("/", "~1")


def bundled_file(pointer: str) -> tuple[str, str] | None:
    """``#/x-seam-files/common.yaml/A`` → ``("common.yaml", "#/A")``; None outside the bundle.

    Where a pointer into the loaded document is really written: a file bundled on load is
    named by its path relative to the root document (or its URL).
    """
    prefix = f"#/{BUNDLE_KEY}/"
    if not pointer.startswith(prefix):
        return None
    key, _, rest = pointer[len(prefix) :].partition("/")
    name = urllib.parse.unquote(key).replace("~1", "/").replace("~0", "~")
    return name, "#/" + rest if rest else "#"


def _display(pointer: str) -> str:
    """A pointer as the user wrote it: ``common.yaml#/A`` for one into a bundled file."""
    found = bundled_file(pointer)
    return pointer if found is None else found[0] + found[1]
