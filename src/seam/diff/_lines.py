"""Line numbers for findings, so GitHub annotations point at the right line.

Only done when asked for (a format in ``seam.reporters.LINE_FORMATS``: ``github``): it
parses each file once more with the YAML composer, which keeps positions (JSON is read the
same way: it is YAML).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from seam.model import Finding

__all__ = ["with_lines"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(path: str) -> yaml.Node | None:
    try:
        with Path(path).open("rb") as handle:
            return yaml.compose(handle, Loader=_Loader)
    except (OSError, yaml.YAMLError):
        return None  # lines are a nicety: the finding stands without one


def _line(root: yaml.Node | None, pointer: str) -> int | None:
    if root is None or not pointer.startswith("#/"):
        return None
    node: yaml.Node = root
    line = None
    for raw in urllib.parse.unquote(pointer[2:]).split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == token), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1  # the line of the key names the entry
            node = pair[1]
        elif (
            isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value)
        ):
            node = node.value[int(token)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def with_lines(findings: Sequence[Finding]) -> list[Finding]:
    """The findings with ``line`` filled in where their file and location allow."""
    trees: dict[str, yaml.Node | None] = {}
    out = []
    for f in findings:
        if f.file and f.location.startswith("#/") and f.line is None:
            if f.file not in trees:
                trees[f.file] = _compose(f.file)
            f = replace(f, line=_line(trees[f.file], f.location))
        out.append(f)
    return out
