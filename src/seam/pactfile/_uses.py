"""What an interaction uses: the status it expects, the fields it reads, the parameters it sends.

One notion of "uses", shared by ``contracts diff`` (which consumer a change breaks) and
``contracts usage`` (which consumer relies on each operation, parameter and field), so
the two never disagree about what a pact reads.

A field path is a tuple of property names, ``"[]"`` standing for "any item of an array":
``("items", "[]", "id")`` is read when some item of the response's ``items`` has an ``id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from seam.pactfile._read import Interaction

__all__ = ["dotted", "expects_status", "has_field", "sent_parameter"]


def has_field(value: Any, path: tuple[str, ...]) -> bool:
    """Whether ``value`` (a pact body) holds ``path``; the empty path is any value at all."""
    if not path:
        return value is not None
    head, rest = path[0], path[1:]
    if head == "[]":
        return isinstance(value, list) and any(has_field(v, rest) for v in value)
    if head == "*":  # any value of a map (additionalProperties, patternProperties)
        return isinstance(value, dict) and any(has_field(v, rest) for v in value.values())
    return isinstance(value, dict) and head in value and has_field(value[head], rest)


def dotted(path: tuple[str, ...]) -> str:
    """A field path as people write it: ``items[].id``."""
    return ".".join(path).replace(".[]", "[]")


def expects_status(status: str, interaction: Interaction) -> bool:
    """Whether the interaction's response is covered by an OpenAPI status key.

    ``status`` is a key of a ``responses`` object: ``"404"``, a range ``"4XX"`` or
    ``"default"``.
    """
    actual = interaction.response.status if interaction.response else None
    if actual is None:
        return False
    if status.isdigit():
        return int(status) == actual
    if status.upper().endswith("XX"):
        return str(actual)[0] == status[0]
    return status == "default"


def sent_parameter(
    interaction: Interaction,
    where: str,
    name: str,
    path_params: Mapping[str, str] | None = None,
) -> list[str] | str | None:
    """The raw value(s) the interaction sends for a parameter, or None when it sends none.

    Args:
        interaction: an HTTP interaction.
        where: ``query``, ``header``, ``cookie`` or ``path``.
        name: the parameter's name (headers compared without case).
        path_params: the raw path parameters the router matched; without them a path
            parameter counts as sent, with an unknown value (``""``).
    """
    request = interaction.request
    if request is None:
        return None
    if where == "query":
        return list(request.query[name]) if name in request.query else None
    if where == "header":
        found = request.header(name)
        return list(found) if found is not None else None
    if where == "cookie":
        cookies = "; ".join(request.header("Cookie") or [])
        for cookie in cookies.split(";"):
            key, sep, value = cookie.strip().partition("=")
            if sep and key == name:
                return value
        return None
    if where == "path":
        if path_params is None:
            return ""  # a path parameter is always sent
        return unquote(path_params.get(name, ""))
    return None
