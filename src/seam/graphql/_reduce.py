"""Skip what did not change: two SDL texts reduced to the definitions that differ.

graphql-core's parser reads about 0.7 MB of SDL a second; GitHub's schema is 1.1 MB and a
pull request changes a few of its 2,000 definitions. A definition whose text is the same
in both versions cannot yield a change (graphql-core compares types by name, definition
by definition), so both texts keep in full only the definitions that differ, those just
after them (whose description sits at the end of the previous definition's text), every
directive and schema definition; every other definition becomes a stub of the same kind
and name (``type Repository``), padded with the newlines it had, so that line numbers
stay those of the file. The stubs are the same on both sides, so they add no change.

Anything unusual falls back to the whole text (``None``): type extensions, a definition
name seen twice, a block string that a definition boundary would cut. Consumer
operations need the whole schema to be validated, so ``diff --pacts`` never reduces.
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

Chunk = tuple[tuple[str, str], str]  # (kind, name), text


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


def _keep(old: list[Chunk], new: list[Chunk]) -> set[tuple[str, str]]:
    """The definitions kept whole on both sides."""
    before, after = dict(old), dict(new)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    keep = changed | {k for k in before.keys() | after.keys() if k[0] in _ALWAYS}
    for side in (old, new):
        for (key, _), (following, _) in pairwise(side):
            if key in changed:  # ("", "") is the text before the first definition
                keep.add(following)  # its description is the tail of `key`'s text
    return keep


def _reduced(chunks: list[Chunk], keep: set[tuple[str, str]], whole: str) -> str:
    parts = []
    for key, body in chunks:
        if key in keep or key == ("", ""):
            parts.append(body)
        else:
            parts.append(f"{key[0]} {key[1]}" + "\n" * max(body.count("\n"), 1))
    # The builder adds a standard scalar only where the SDL names it; name the ones the
    # whole text names, so that a stubbed reference is not taken for a removal.
    defined = {key for key, _ in chunks}
    parts.extend(
        f"scalar {s}\n"
        for s in _SCALARS
        if ("scalar", s) not in defined and re.search(rf"\b{s}\b", whole)
    )
    return "".join(parts)


def reduce_pair(old: str, new: str) -> tuple[str, str] | None:
    """Both SDL texts with unchanged definitions stubbed, or ``None`` to use them whole."""
    a, b = _chunks(old), _chunks(new)
    if a is None or b is None:
        return None
    keep = _keep(a, b)
    return _reduced(a, keep, old), _reduced(b, keep, new)
