"""The ``contracts diff`` rule table: one registry, :data:`RULES`, one module per area.

Complete on import: importing this package (or any module in it) registers every rule,
so no caller imports an area module for its side effect. Areas, in run order:

- ``components``, ``parameters``, ``paths``, ``request_bodies``, ``responses``,
  ``security``: document and operation rules (``@document_rule``, ``@operation_rule``);
- ``schema_keywords``, ``schemas``: schema rules (``@schema_rule``), run once per schema
  node and context;
- ``asyncapi``: the ``asyncapi-*`` rows :mod:`seam.diff._asyncapi` emits;
- ``pacts``: two versions of one pact (``pact-*``);
- ``files``: contract files added or removed, pacts that judge no document.

The GraphQL rules (``graphql-*``, :mod:`seam.graphql`) join the table when first looked
for, so graphql-core loads only for GraphQL. Registration order is run order
(:meth:`seam.model.Registry.functions`): the area modules below, in the order they are
imported, then each module from top to bottom. An id is declared once, where its rule is.
"""

from seam.diff.rules import (  # noqa: F401  (registering is what importing them does)
    asyncapi,
    components,
    files,
    pacts,
    parameters,
    paths,
    request_bodies,
    responses,
    schema_keywords,
    schemas,
    security,
)
from seam.diff.rules._registry import RULES, Context, Hit, family_id

__all__ = ["RULES", "Context", "Hit", "family_id"]
