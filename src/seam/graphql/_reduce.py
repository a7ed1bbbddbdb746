"""Skip what did not change: two SDL texts reduced to the definitions that differ.

graphql-core's parser reads about 0.7 MB of SDL a second; GitHub's schema is 1.1 MB and a
pull request changes a few of its 2,000 definitions. A definition whose text is the same
in both versions cannot yield a change (graphql-core compares types by name, definition
by definition), so both texts keep in full only the definitions that differ, those just
after them (whose description sits at the end of the previous definition's text), every
directive and schema definition; every other definition becomes a stub of the same kind
and name (``type Repository``), padded with the newlines it had, so that line numbers
stay those of the file. The stubs are the same on both sides, so they add no change.

Inside a definition kept whole, the same holds member by member: a field, input field or
enum value whose text (description, arguments, type, default, directives) is the same on
both sides cannot yield a change either (graphql-core compares members by name), so it
is left out on both sides, its lines kept blank (but one, kept on both sides as a stub,
``name: <stub scalar>``, so that no body is empty; an enum value keeps its bare name). A
far pair of GitHub's schema changes 473 of 1,516 definitions, most by a field or two:
parsing only the members that differ is what makes the diff faster than Inspector's.
Members are found by a scanner that reads GraphQL's tokens (block strings, strings,
comments), so a ``name:`` inside a description is never taken for a field.

Anything unusual falls back to the whole text (``None``): type extensions, a definition
name seen twice, a block string that a definition boundary would cut; a definition whose
members cannot be read (a member named twice, a character that is no GraphQL token) is
kept whole. Consumer operations need the whole schema to be validated, so
``diff --pacts`` never reduces.
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["reduce_pair"]

_START = re.compile(
    r"^(extend[ \t]+)?(type|interface|enum|union|input|scalar|directive|schema)\b"
    r"[ \t]*(@?[_A-Za-z][_0-9A-Za-z]*)?",
    re.M,
)
_ALWAYS = {"directive", "schema"}
_SCALARS = ("Int", "Float", "String", "Boolean", "ID")
_WITH_MEMBERS = {"type", "interface", "input", "enum"}
# The type of a stubbed field: one scalar, defined the same way on both sides.
_STUB = "SeamUnchangedMember__"

Chunk = tuple[tuple[str, str], str]  # (kind, name), text
Key = tuple[str, str]

# GraphQL's lexical tokens (spec 2.1), each with the ignored tokens (whitespace, commas,
# comments) before it: block strings before strings, `...` before other punctuators.
# Anything else (a stray character) makes the definition unreadable here: kept whole.
_TOKEN = re.compile(
    r"(?:[\s,\ufeff]|#[^\n\r]*+)*+"  # possessive: a stray character fails fast
    r'(?:(?P<block>"""(?:\\"""|\\|[^"\\]|"(?!""))*+""")'
    r'|(?P<string>"(?:\\.|[^"\\\n\r])*+")'
    r"|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"
    r"|(?P<number>-?[0-9][0-9.eE+-]*)"
    r"|(?P<punct>\.\.\.|[!$&()\[\]{}:=@|]))"
)
# Inside arguments, list types and default values only brackets matter (and strings and
# comments, which may hold brackets): one match runs to the next bracket.
_NESTED = re.compile(
    r'(?:[^()\[\]{}"#]++|#[^\n\r]*+|"""(?:\\"""|\\|[^"\\]|"(?!""))*+"""'
    r'|"(?:\\.|[^"\\\n\r])*+")*+'
)
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def _chunks(text: str) -> list[Chunk] | None:
    starts = list(_START.finditer(text))
    if not starts or text[: starts[0].start()].count('"""') % 2:
        return None
    # Whatever precedes the first definition (its description, comments) is kept as is.
    out: list[Chunk] = [(("", ""), text[: starts[0].start()])]
    seen: set[tuple[str, str]] = set()
    for i, m in enumerate(starts):
        if m.group(1):
            return None  # `extend type`: merged into another definition by the builder
        key = (m.group(2), m.group(3) or "")
        body = text[m.start() : starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        # An odd number of `"""` means a boundary fell inside a block string (a
        # description with a line starting `type ...`): not safe to cut here.
        if key in seen or body.count('"""') % 2:
            return None
        seen.add(key)
        out.append((key, body))
    return out


_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_DEFAULTED = {"type", "interface", "input"}  # kinds whose members may have default values


def _names(text: str) -> set[str]:
    return set(_NAME.findall(text))


def _value_names(text: str | None) -> set[str] | None:
    members = _members(text) if text is not None else None
    return {n for n, _ in members[1]} if members is not None else None


def _defaults_moved(before: dict[Key, str], after: dict[Key, str], changed: set[Key]) -> set[str]:
    """The types whose change can change a default value written elsewhere.

    graphql-core compares arguments' and input fields' defaults after coercing them: a
    default ``{direction: ASC}`` changes when ``ASC`` leaves its enum, or when its input
    type gains a required field or a field's default. So an enum whose value names differ,
    a changed input type or scalar, and every input type that holds one of these (to any
    depth) move the defaults that name them, though those defaults' text is the same.
    """
    moved: set[str] = set()
    for kind, name in changed:
        if kind == "enum":
            a, b = _value_names(before.get((kind, name))), _value_names(after.get((kind, name)))
            if a is None or a != b:
                moved.add(name)
        elif kind in ("input", "scalar"):
            moved.add(name)
    if not moved:
        return moved
    inputs: dict[str, set[str]] = {}
    for side in (before, after):
        for (kind, name), text in side.items():
            if kind == "input":
                inputs.setdefault(name, set()).update(_names(text))
    grown = True
    while grown:
        grown = False
        for name, named in inputs.items():
            if name not in moved and named & moved:
                moved.add(name)
                grown = True
    return moved


def _default_moves(text: str, moved: set[str]) -> bool:
    """The text may hold a default value of a type in ``moved`` (over-approximated)."""
    return bool(moved) and "=" in text and not _names(text).isdisjoint(moved)


def _keep(old: list[Chunk], new: list[Chunk]) -> tuple[set[Key], set[str]]:
    """The definitions kept whole on both sides, and the types whose defaults moved."""
    before, after = dict(old), dict(new)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    keep = changed | {k for k in before.keys() | after.keys() if k[0] in _ALWAYS}
    moved = _defaults_moved(before, after, changed)
    if moved:  # the same text, but a default in it may coerce to another value now
        keep.update(
            k for k, text in before.items() if k[0] in _DEFAULTED and _default_moves(text, moved)
        )
    for side in (old, new):
        for (key, _), (following, _) in pairwise(side):
            if key in changed:  # ("", "") is the text before the first definition
                keep.add(following)  # its description is the tail of `key`'s text
    return keep, moved


def _stub(key: Key, body: str, values: dict[str, str]) -> str:
    """An unchanged definition's stub: its kind and name, on as many lines as it had.

    An enum keeps its values' names: a default value elsewhere (``= {direction: ASC}``)
    naming a value of an empty enum would fail to coerce on both sides, which changes
    nothing but costs graphql-core a scan of the whole text per failure to place the error.
    ``values`` caches the stubs by text, as both sides stub the same definitions.
    """
    lines = "\n" * max(body.count("\n"), 1)
    if key[0] != "enum":
        return f"{key[0]} {key[1]}" + lines
    if body not in values:
        members = _members(body)
        names = " ".join(name for name, _ in members[1]) if members is not None else ""
        values[body] = f"enum {key[1]} {{ {names} }}" if names else f"enum {key[1]}"
    return values[body] + lines


def _reduced(
    chunks: list[Chunk],
    keep: set[Key],
    whole: str,
    members: dict[Key, str] | None = None,
    values: dict[str, str] | None = None,
) -> str:
    parts = []
    for key, body in chunks:
        if members and key in members:
            parts.append(members[key])
        elif key in keep or key == ("", ""):
            parts.append(body)
        else:
            parts.append(_stub(key, body, {} if values is None else values))
    # The builder adds a standard scalar only where the SDL names it; name the ones the
    # whole text names, so that a stubbed reference is not taken for a removal.
    defined = {key for key, _ in chunks}
    parts.extend(
        f"scalar {s}\n"
        for s in _SCALARS
        if ("scalar", s) not in defined and re.search(rf"\b{s}\b", whole)
    )
    return "".join(parts)


Members = tuple[str, list[tuple[str, str]], str]  # head, [(name, text)], tail


def _members(text: str) -> Members | None:
    """A definition's text split around its body's members, or None if it cannot be read.

    ``head`` runs to the first member (``type User implements Node {`` and what precedes
    it), each member from its description (or name) to the next member, ``tail`` from the
    closing brace (with the next definition's description, if any).
    """
    pos, depth, body = 0, 0, -1
    prev = ""  # the previous significant token
    starts: list[tuple[str, int]] = []
    described = -1  # where a description that may belong to the next member starts
    while pos < len(text):
        if depth > 0 and body >= 0:
            nested = _NESTED.match(text, pos)  # it matches "" too: never None
            pos = nested.end() if nested is not None else pos
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        kind = m.lastgroup or ""
        pos, start, token = m.end(), m.start(kind), m.group(kind)
        if body < 0:  # the definition's head: find the `{` its body opens with
            if token in _OPEN:
                depth += 1
            elif token in _CLOSE:
                depth -= 1
            if token == "{" and depth == 1:
                body, depth = pos, 0
            prev = token
            continue
        if depth == 0:
            if kind in ("block", "string") and prev != "=":
                described = start
                prev = token
                continue
            if kind == "name" and prev not in ("@", ":", "="):
                # A member's name: what follows a `:` is a type, an `@` a directive, an `=`
                # a default value; arguments and list types are deeper than the body.
                starts.append((token, described if described >= 0 else start))
        described = -1
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth -= 1
            if depth < 0:  # the body's closing brace
                names = [n for n, _ in starts]
                if not starts or len(set(names)) != len(names):
                    return None
                end = start
                bounds = [s for _, s in starts] + [end]
                members = [
                    (name, text[start : bounds[i + 1]]) for i, (name, start) in enumerate(starts)
                ]
                return text[: starts[0][1]], members, text[end:]
        prev = token
    return None


def _same(a: str, b: str) -> bool:
    # A member's text runs to the next member's start: the blank space before it may differ.
    return a.rstrip(" \t\r\n,") == b.rstrip(" \t\r\n,")


def _stubbed(kind: str, members: Members, unchanged: set[str], stub: str) -> str:
    """The definition with its unchanged members left out, their lines kept as blank ones.

    A body cannot be empty (``{}`` does not parse), so one unchanged member, ``stub``, the
    same on both sides, stays as ``stub: <stub scalar>``. An enum keeps every value's bare
    name: default values elsewhere name them (see :func:`_stub`).
    """
    head, items, tail = members
    parts = [head]
    for name, text in items:
        if name not in unchanged:
            parts.append(text)
        elif kind == "enum" or name == stub:
            short = name if kind == "enum" else f"{name}: {_STUB}"
            parts.append(short + "\n" * text.count("\n") + " ")
        else:
            parts.append("\n" * text.count("\n"))
    parts.append(tail)
    return "".join(parts)


def _reduce_members(
    old: list[Chunk], new: list[Chunk], keep: set[Key], moved: set[str]
) -> tuple[dict[Key, str], dict[Key, str]] | None:
    """The kept definitions' texts with unchanged members stubbed, per side (None: none)."""
    before, after = dict(old), dict(new)
    out_old: dict[Key, str] = {}
    out_new: dict[Key, str] = {}
    for key in keep:
        if key[0] not in _WITH_MEMBERS or key not in before or key not in after:
            continue
        a = _members(before[key])
        # A definition kept for its neighbour's sake has the same text on both sides.
        b = a if after[key] == before[key] else _members(after[key])
        if a is None or b is None:
            continue
        theirs = dict(b[1])
        same = [
            n
            for n, text in a[1]
            if n in theirs and _same(text, theirs[n]) and not _default_moves(text, moved)
        ]
        if same:
            out_old[key] = _stubbed(key[0], a, set(same), same[0])
            out_new[key] = _stubbed(key[0], b, set(same), same[0])
    if not out_old:
        return None
    return out_old, out_new


def reduce_pair(old: str, new: str) -> tuple[str, str] | None:
    """Both SDL texts with unchanged definitions stubbed, or ``None`` to use them whole."""
    a, b = _chunks(old), _chunks(new)
    if a is None or b is None:
        return None
    keep, moved = _keep(a, b)
    defined = {key[1] for key, _ in a} | {key[1] for key, _ in b}
    members = _reduce_members(a, b, keep, moved) if _STUB not in defined else None
    values: dict[str, str] = {}
    if members is None:
        return _reduced(a, keep, old, None, values), _reduced(b, keep, new, None, values)
    stub = f"scalar {_STUB}\n"  # the same on both sides, so no change
    return (
        _reduced(a, keep, old, members[0], values) + stub,
        _reduced(b, keep, new, members[1], values) + stub,
    )
