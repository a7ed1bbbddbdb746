"""AsyncAPI documents: load safely, validate like the official parser, model, infer.

``load_asyncapi`` reads an AsyncAPI 2.0–2.6 or 3.0/3.1 document (JSON or YAML, through
:mod:`seam.openapi`'s bounded reader), validates it against the official JSON Schema of its
version and the parser's semantic rules, and models it as :class:`AsyncApi`: channels,
operations (who sends what: 2.x ``subscribe`` and 3.x ``send`` are the application sending)
and messages (traits merged, default content type applied, payload schemas with local refs).
``check`` and ``diff`` of message pacts use this one model.
"""

from seam.asyncapi._infer import ASYNCAPI_VERSION, infer_asyncapi
from seam.asyncapi._load import (
    SUPPORTED_VERSIONS,
    is_asyncapi,
    load_asyncapi_document,
    parse_asyncapi_document,
    validation_problems,
)
from seam.asyncapi._model import (
    CHANNEL_KEYS,
    AsyncApi,
    Channel,
    Message,
    Operation,
    asyncapi_from_data,
    load_asyncapi,
    message_payload,
)

__all__ = [
    "ASYNCAPI_VERSION",
    "CHANNEL_KEYS",
    "SUPPORTED_VERSIONS",
    "AsyncApi",
    "Channel",
    "Message",
    "Operation",
    "asyncapi_from_data",
    "infer_asyncapi",
    "is_asyncapi",
    "load_asyncapi",
    "load_asyncapi_document",
    "message_payload",
    "parse_asyncapi_document",
    "validation_problems",
]
