"""Read, write and normalise Pact files (V1–V4).

Every version is read into one view (:class:`Pact`, :class:`Interaction`) so that
the analyses never branch on the specification: V2's flat ``$.body.x`` matching
rules become V3's per-category form, V1/V2 query strings become ``{name: [values]}``,
V4 bodies (``{"content", "contentType", "encoded"}``) become plain values.

``has_field``, ``sent_parameter`` and ``expects_status`` say what an interaction uses;
``contracts diff`` and ``contracts usage`` share them. ``interaction_key`` is how Pact tells
interactions apart, for every merge: ``merge_pacts`` merges a pact published again into
the stored one (the embedded broker), ``merge_interactions`` merges declared interactions
(HTTP and messages alike) into a pact document (the pytest plugin writes every pact
through it).
"""

from seam.pactfile._json_path import parse_json_path
from seam.pactfile._merge import (
    Conflict,
    Declared,
    MergePlan,
    interaction_key,
    interactions_of,
    merge_interactions,
    merge_pacts,
)
from seam.pactfile._read import (
    Body,
    Interaction,
    Pact,
    ProviderState,
    Request,
    Response,
    is_json,
    load_pacts,
    media_essence,
    parse_pact,
    read_pact,
)
from seam.pactfile._uses import dotted, expects_status, has_field, sent_parameter
from seam.pactfile._write import canonical_json, write_pact

__all__ = [
    "Body",
    "Conflict",
    "Declared",
    "Interaction",
    "MergePlan",
    "Pact",
    "ProviderState",
    "Request",
    "Response",
    "canonical_json",
    "dotted",
    "expects_status",
    "has_field",
    "interaction_key",
    "interactions_of",
    "is_json",
    "load_pacts",
    "media_essence",
    "merge_interactions",
    "merge_pacts",
    "parse_json_path",
    "parse_pact",
    "read_pact",
    "sent_parameter",
    "write_pact",
]
