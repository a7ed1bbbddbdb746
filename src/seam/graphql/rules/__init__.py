"""The ``graphql-*`` rule table: one registry, :data:`RULES`, complete on import.

- ``core``: :data:`~seam.graphql.rules.core.CORE_TABLE`, one row per change graphql-core
  reports (``find_breaking_changes``/``find_dangerous_changes``);
- ``walks``: what graphql-core does not report, one ``@walk_rule`` function each, and
  ``graphql-field-renamed``.

``seam.diff.RULES`` includes this table, so ``contracts diff`` lists, re-grades and ignores
these ids as its own.
"""

from seam.graphql.rules import core, walks
from seam.graphql.rules._registry import RULES, Change, CoreRule, Pair, arg_coordinate
from seam.graphql.rules.walks import field_renamed

__all__ = [
    "RULES",
    "Change",
    "CoreRule",
    "Pair",
    "arg_coordinate",
    "core",
    "field_renamed",
    "walks",
]
