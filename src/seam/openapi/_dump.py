"""Canonical YAML: the same document always gives the same bytes."""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["dump_yaml"]

_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc]
    """Never writes anchors: shared sub-documents are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# Plain scalars that YAML 1.2's core schema reads as something other than a string.
# PyYAML writes by YAML 1.1 rules, under which "0E0" or "0o7" are strings; our reader
# (yaml-rs) follows 1.2, so such strings must be quoted to read back the same. yaml-rs also
# reads signed and upper-case 0x/0o/0b forms, and ignores underscores anywhere in a number
# ("_0" and "1_000_" are integers to it), so those are quoted too.
_YAML12_NON_STRING = re.compile(
    r"""^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE
    |[-+]?(?:0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[bB][01]+)
    |[-+]?[0-9]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


def _str_representer(dumper: Any, value: str) -> Any:
    # Multi-line strings as literal blocks keep snapshots readable in a pull request.
    style: str | None = "|" if "\n" in value else None
    if style is None and (
        _YAML12_NON_STRING.match(value)
        or ("_" in value and _YAML12_NON_STRING.match(value.replace("_", "")))
    ):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """YAML with sorted keys, block style, UTF-8 text, no anchors, no line folding."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
        indent=2,
    )
    return text
