"""``contracts usage``: which consumers use each operation, parameter and field of a provider.

From the consumers' pacts and the provider's OpenAPI document: every HTTP interaction is
routed with :meth:`seam.openapi.Api.route` (the router ``check`` and ``diff`` use), and
what it sends and reads is judged with :mod:`seam.pactfile`'s ``sent_parameter`` and
``has_field`` (the notion of "reads a field" behind ``diff``'s consumer verdicts). What no
consumer uses is what the provider may change without breaking a known consumer.
Pure analysis: nothing is written, no network.
"""

from seam.usage._render import USAGE_FORMATS, render_usage
from seam.usage._usage import FieldUse, OperationUse, ResponseUse, Usage, usage, usage_files

__all__ = [
    "USAGE_FORMATS",
    "FieldUse",
    "OperationUse",
    "ResponseUse",
    "Usage",
    "render_usage",
    "usage",
    "usage_files",
]
