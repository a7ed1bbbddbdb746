"""Canonical YAML: the same document always gives the same bytes."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["dump_yaml"]

_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc]
    """Never writes anchors: shared sub-documents are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: Any, value: str) -> Any:
    # Multi-line strings as literal blocks keep snapshots readable in a pull request.
    style = "|" if "\n" in value else None
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
