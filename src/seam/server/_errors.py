"""Errors the broker service raises; the routes turn each into one HTTP status."""

from __future__ import annotations

from seam.errors import InputError

__all__ = ["Conflict", "Invalid", "NotFound", "ServiceError"]


class ServiceError(InputError):
    """Base of the broker service's refusals; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | list[str] | None = None):
        super().__init__(message)
        # The Pact Broker answers validation failures as {"errors": {field: [messages]}}.
        self.errors: dict[str, list[str]] | list[str] = errors if errors is not None else [message]


class Invalid(ServiceError):
    """The request is well-formed HTTP but its content is not acceptable (400)."""


class NotFound(ServiceError):
    """The named pacticipant, version, pact or resource does not exist (404)."""

    status = 404


class Conflict(ServiceError):
    """The request would change something the broker keeps immutable (409)."""

    status = 409
