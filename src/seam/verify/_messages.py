"""Message producers: a registry of Python functions, keyed by message description.

``contracts verify --messages MODULE:OBJ`` replays every message interaction by asking
the registry for the message its description names; the Rust verifier then compares
what came back with the pact (body with its matchers, metadata, content type). No
provider process or ``--base-url`` is needed.

The producers are served on 127.0.0.1 by :class:`MessageServer`, which speaks the
protocol of pact-python's ``Verifier.message_handler`` relay (``POST {"description",
"providerStates"}``; the message is the response body, its metadata base64 JSON in
``Pact-Message-Metadata``) and is registered the same way, as a ``message`` transport.
Seam serves it itself for the reasons it serves provider states itself: pact-python's
relay logs every request and every producer's traceback on standard error, binds
``localhost`` (which may be ``::1`` first), and closes the connection after each
message; this one is quiet, loopback-only and keeps the verifier's connection open.

The producer sees the same values a provider-state handler does: the parameters of the
interaction's provider states, plus whatever their handlers returned (a task id the
state created, say), so that the message describes the data the state set up.
"""

from __future__ import annotations

import base64
import json
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

from seam._imports import import_object
from seam.errors import UsageError
from seam.verify._loopback import JsonPostHandler, LoopbackServer
from seam.verify._states import call_with

__all__ = [
    "MessageError",
    "MessageServer",
    "ProducedMessage",
    "ProviderMessages",
    "load_messages",
]

F = TypeVar("F", bound=Callable[..., Any])

JSON = "application/json"


class MessageError(Exception):
    """A message could not be produced (no producer, the producer raised, or bad return)."""


@dataclass(frozen=True, slots=True)
class ProducedMessage:
    """What a producer returned, as the verifier receives it."""

    contents: bytes
    metadata: dict[str, Any]
    content_type: str | None


def _part(result: Any, name: str) -> Any:
    if isinstance(result, Mapping):
        return result.get(name)
    return getattr(result, name, None)


def produced_message(description: str, result: Any) -> ProducedMessage:
    """Normalise what a producer returned.

    A producer returns either the body alone (a JSON-able value, ``str`` or ``bytes``)
    or a message: a mapping or an object with ``body`` (or ``contents``) and optionally
    ``metadata`` and ``content_type``. A body that is not ``str``/``bytes`` is sent as
    JSON, with ``application/json`` unless the producer names another content type. A
    mapping with a ``body`` or ``contents`` key is read as a message, so a payload that
    has such a field itself is returned wrapped: ``{"body": payload}``.

    Raises:
        MessageError: the body cannot be written as JSON, or the metadata is no mapping.
    """
    has_body = any(
        (k in result) if isinstance(result, Mapping) else hasattr(result, k)
        for k in ("body", "contents")
    )
    if has_body and not isinstance(result, (str, bytes)):
        body = _part(result, "body")
        if body is None:
            body = _part(result, "contents")
        metadata = _part(result, "metadata") or {}
        content_type = _part(result, "content_type")
    else:
        body, metadata, content_type = result, {}, None
    if not isinstance(metadata, Mapping):
        raise MessageError(
            f"message {description!r}: the producer's metadata is {type(metadata).__name__}, "
            "expected a mapping"
        )
    if isinstance(body, bytes):
        contents = body
    elif isinstance(body, str):
        contents = body.encode("utf-8")
    else:
        try:
            contents = json.dumps(body, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise MessageError(
                f"message {description!r}: the producer's body cannot be written as JSON: {exc}"
            ) from None
        content_type = content_type or JSON
    return ProducedMessage(contents, dict(metadata), str(content_type) if content_type else None)


class ProviderMessages:
    """A registry of message producers, keyed by the message's description in the pact.

    Example::

        messages = ProviderMessages()

        @messages.produces("a task.status_changed event")
        def status_changed(id: int, **values):
            task = change_status(id, "done")     # the provider's own code path
            return {"body": {...}, "metadata": {"topic": "task.status_changed"}}

    The function receives the parameters of the interaction's provider states and the
    values their handlers returned (these win), by name, converted to the parameter's
    annotated type; a ``**values`` parameter receives all of them.
    """

    def __init__(self) -> None:
        self._producers: dict[str, Callable[..., Any]] = {}

    def produces(self, description: str) -> Callable[[F], F]:
        """Register the producer of the message described as ``description``."""

        def register(func: F) -> F:
            if description in self._producers:
                raise ValueError(f"message {description!r} has two producers")
            self._producers[description] = func
            return func

        return register

    @property
    def descriptions(self) -> list[str]:
        """Every registered description, in registration order."""
        return list(self._producers)

    def __contains__(self, description: object) -> bool:
        return description in self._producers

    def produce(self, description: str, values: Mapping[str, Any] | None = None) -> ProducedMessage:
        """Call the producer of ``description`` with ``values``.

        Raises:
            MessageError: no producer is registered, or it raised or returned nothing usable.
        """
        func = self._producers.get(description)
        if func is None:
            known = ", ".join(repr(d) for d in self._producers) or "none"
            raise MessageError(f"no producer for message {description!r} (known: {known})")
        try:
            result = call_with(func, values or {})
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
            raise MessageError(
                f"message {description!r}: the producer raised {type(exc).__name__}: {exc}{where}"
            ) from exc
        if result is None:
            raise MessageError(f"message {description!r}: the producer returned None")
        return produced_message(description, result)


def load_messages(spec: str) -> ProviderMessages:
    """Import ``module:attr`` and return the :class:`ProviderMessages` it names.

    Imported as ``--states`` is (:func:`seam._imports.import_object`, the current folder
    importable).

    Raises:
        UsageError: the spec is malformed, the module cannot be imported or the
            attribute is not a ProviderMessages.
    """
    obj = import_object(spec, option="--messages", example="tasks_api.messages:messages")
    if not isinstance(obj, ProviderMessages):
        found = type(obj).__name__
        raise UsageError(
            f"--messages {spec!r}: expected a seam.verify.ProviderMessages, found {found}"
        )
    return obj


Values = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


def _no_values(name: str, params: Mapping[str, Any]) -> Mapping[str, Any]:
    return {}


class MessageServer:
    """Serves a :class:`ProviderMessages` to the Rust verifier on 127.0.0.1.

    Use as a context manager; register ``port`` and ``path`` as the verifier's
    ``message`` transport. Every failure is kept in ``errors`` (``{description,
    error}``) so the report shows the producer's own message.

    Args:
        messages: the producers.
        values: the values the state handlers returned for a state (name, params);
            they reach the producer with the states' own parameters.
    """

    path = "/_seam/messages"

    def __init__(self, messages: ProviderMessages, values: Values | None = None) -> None:
        self.messages = messages
        self.errors: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._values = values or _no_values
        self._server = LoopbackServer(_message_handler(self), name="seam-message-server")

    @property
    def port(self) -> int:
        return self._server.address[1]

    def produce(self, description: str, states: Any) -> ProducedMessage:
        """The message for ``description`` given the interaction's provider states.

        Raises:
            MessageError: the producer failed (also kept in ``errors``).
        """
        values: dict[str, Any] = {}
        for state in states if isinstance(states, list) else []:
            if not isinstance(state, Mapping):
                continue
            params = state.get("params") or {}
            values.update(params)
            values.update(self._values(str(state.get("name") or ""), params))
        try:
            return self.messages.produce(description, values)
        except MessageError as exc:
            with self._lock:
                self.errors.append({"description": description, "error": str(exc)})
            raise

    def __enter__(self) -> MessageServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


def _message_handler(server: MessageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonPostHandler):
        def do_POST(self) -> None:
            ok, doc = self.read_json()
            if not ok:
                self.send(400, b"message request body is not JSON", {})
                return
            description = str(doc.get("description") or "") if isinstance(doc, dict) else ""
            if not description:
                self.send(400, b"message request without a description", {})
                return
            try:
                message = server.produce(description, doc.get("providerStates"))
            except MessageError as exc:
                self.send(500, str(exc).encode("utf-8"), {"Content-Type": "text/plain"})
                return
            metadata = dict(message.metadata)
            headers = {}
            if message.content_type:
                headers["Content-Type"] = message.content_type
                metadata.setdefault("contentType", message.content_type)
            if metadata:
                encoded = json.dumps(metadata, default=str).encode("utf-8")
                headers["Pact-Message-Metadata"] = base64.b64encode(encoded).decode("ascii")
            self.send(200, message.contents, headers)

    return Handler
