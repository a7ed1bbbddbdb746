"""``contracts diff``: breaking changes between two versions of the contracts.

A structural diff first (``_structure``, ``_schemas_diff``: what changed, no opinions),
then rules (one small registered function per kind of change, one module per area in
:mod:`seam.diff.rules`, whose :data:`RULES` is the one table), then, with consumer pacts
at hand, who each change breaks (``_consumers``). Two pacts are compared by ``_pacts``.
Pure analysis: no network, no pact_ffi; ``--base REF`` reads the old files with
``git show`` (``_git``).
"""

from seam.diff._api import (
    IgnoreEntry,
    diff,
    diff_documents,
    load_ignore_file,
    pacts_from,
    parse_severities,
)
from seam.diff._git import checkout_tree
from seam.diff._pacts import diff_pacts
from seam.diff.rules import RULES

__all__ = [
    "RULES",
    "IgnoreEntry",
    "checkout_tree",
    "diff",
    "diff_documents",
    "diff_pacts",
    "load_ignore_file",
    "pacts_from",
    "parse_severities",
]
