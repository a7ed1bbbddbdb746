"""Pact-vs-OpenAPI compatibility: can the provider's spec satisfy every consumer's pact?

Each interaction is routed to an operation and checked by small registered rules (``RULES``)
whose ids are PactFlow's comparator codes (``request.path-or-method.unknown``,
``response.body.incompatible``, ...), so results read the same for teams moving over.
"""

from seam.compat._api import check, check_files, compare
from seam.compat._context import RULES, Spec, build_spec

__all__ = ["RULES", "Spec", "build_spec", "check", "check_files", "compare"]
