"""Pact matching rules: which schema complaints a matcher makes irrelevant.

A consumer that wrote ``like("abc")`` accepts any string; ``each_like(x, min=1)`` accepts any
array of at least one such item. So where a matcher covers a value, only the *kind* of value
must be producible by the spec; the example's own enum, pattern, format, range or length do
not matter. Matchers cascade to everything below them (Pact specification V3, "matching
rules"), and the most specific rule path wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

Token = str | int
_TOKEN = re.compile(r"\.([^.\[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+|\*)\]")

_VALUE_CONSTRAINTS = frozenset(
    {
        "Enum",
        "Constant",
        "Pattern",
        "Format",
        "Minimum",
        "Maximum",
        "ExclusiveMinimum",
        "ExclusiveMaximum",
        "MinLength",
        "MaxLength",
        "MultipleOf",
        "MinItems",
        "MaxItems",
        "UniqueItems",
    }
)
_TEXT_CONSTRAINTS = frozenset({"Enum", "Constant", "Pattern", "Format", "MinLength", "MaxLength"})

# matcher name → schema complaints it makes irrelevant below it
_RELAXES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "type",
            "min",
            "max",
            "minType",
            "maxType",
            "notEmpty",
            "values",
            "eachKey",
            "eachValue",
            "arrayContains",
            "integer",
            "decimal",
            "number",
        ),
        _VALUE_CONSTRAINTS,
    ),
    **dict.fromkeys(
        ("regex", "date", "time", "timestamp", "datetime", "semver", "include", "contentType"),
        _TEXT_CONSTRAINTS,
    ),
}


def parse_path(path: str) -> list[Token] | None:
    """``$.items[*]['a b'].c`` → ``["items", "*", "a b", "c"]``; None if not a rule path."""
    if not path.startswith("$"):
        return None
    tokens: list[Token] = []
    position = 1
    while position < len(path):
        found = _TOKEN.match(path, position)
        if found is None:
            return None
        name, quoted, index = found.groups()
        if name is not None:
            tokens.append(name)
        elif quoted is not None:
            tokens.append(quoted)
        else:
            tokens.append(int(index) if index.isdigit() else "*")
        position = found.end()
    return tokens


def _covers(rule: Sequence[Token], instance: Sequence[Token]) -> bool:
    if len(rule) > len(instance):
        return False
    for want, have in zip(rule, instance, strict=False):
        if want == "*":
            continue
        if isinstance(want, int) and isinstance(have, int):
            if want != have:
                return False
        elif str(want) != str(have):
            return False
    return True


class BodyRules:
    """The body matching rules of one message, compiled for quick look-up."""

    def __init__(self, rules: dict[str, list[dict[str, Any]]] | None) -> None:
        self._rules: list[tuple[list[Token], list[str]]] = []
        for path, matchers in (rules or {}).items():
            tokens = parse_path(path)
            if tokens is None:
                continue
            names = [str(m.get("match", "")) for m in matchers if isinstance(m, dict)]
            if any("min" in m or "max" in m for m in matchers if isinstance(m, dict)):
                names.append("type")  # V2 {"min": 1} without "match" is a type matcher
            self._rules.append((tokens, names))

    def __bool__(self) -> bool:
        return bool(self._rules)

    def relaxes(self, instance: Sequence[Token], kind: str) -> bool:
        """True when the nearest rule at or above ``instance`` makes ``kind`` irrelevant."""
        best: tuple[int, int, list[str]] | None = None
        for tokens, names in self._rules:
            if not _covers(tokens, instance):
                continue
            rank = (len(tokens), -tokens.count("*"))
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], names)
        if best is None:
            return False
        return any(kind in _RELAXES.get(name, frozenset()) for name in best[2])
