"""Canonical, atomic pact writing: the same document always gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from seam._files import atomic_write_text

__all__ = ["canonical_json", "write_pact"]


def canonical_json(doc: Any) -> str:
    """JSON with sorted keys, two-space indent, UTF-8 text and a final newline."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_pact(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` canonically, through a temporary file and a rename."""
    atomic_write_text(path, canonical_json(doc))
