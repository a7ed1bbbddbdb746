"""Pact content identity for the broker: the sha that names a pact version.

Merging (``merge=true`` publications) is ``seam.pactfile.merge_pacts``, the same merge the
pytest plugin uses.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["pact_sha"]


def pact_sha(content: dict[str, Any]) -> str:
    """Return the content hash that identifies a pact version (same content, same sha)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()
