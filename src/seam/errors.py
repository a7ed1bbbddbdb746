"""One error tree for the whole library.

The library raises these and never calls ``sys.exit``; the CLI maps them to exit
codes in one place (``seam.cli``)::

    SeamError                       base; exit 2 unless a subclass says otherwise
    ├── UsageError                  bad options or arguments                      (2)
    ├── InputError                  unreadable or invalid input                   (2)
    │   ├── PactError               a malformed pact file
    │   └── OpenAPIError            a broken OpenAPI document
    │       └── RefError            an unresolvable, remote or cyclic ``$ref``
    ├── UnreachableError            a service could not be reached                (3)
    │   ├── ProviderUnreachable     the provider under verification
    │   └── BrokerUnreachable       a Pact Broker
    ├── BrokerError                 the broker answered, but refused              (2)
    └── CheckFailed                 a check ran and failed (rarely raised: most
                                    commands return a Report instead)             (1)

A message says what was expected, what was found, and what to do, on one line.
"""

from __future__ import annotations

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "BrokerError",
    "BrokerUnreachable",
    "CheckFailed",
    "InputError",
    "OpenAPIError",
    "PactError",
    "ProviderUnreachable",
    "RefError",
    "SeamError",
    "UnreachableError",
    "UsageError",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


class SeamError(Exception):
    """Base of every error Seam raises on purpose."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location:
            return f"{self.location}: {self.message}"
        return self.message


class UsageError(SeamError):
    """Options or arguments that cannot work together."""


class InputError(SeamError):
    """A file or document that cannot be read or is not what it should be."""


class PactError(InputError):
    """A pact file that is not valid JSON or not a Pact V1–V4 document."""


class OpenAPIError(InputError):
    """An OpenAPI/Swagger document that cannot be loaded or fails validation."""


class RefError(OpenAPIError):
    """A ``$ref`` that is unresolvable, remote (and not allowed) or cyclic where it must not be."""


class UnreachableError(SeamError):
    """A service (provider or broker) could not be reached."""

    exit_code = EXIT_UNREACHABLE


class ProviderUnreachable(UnreachableError):
    """The provider under verification did not answer."""


class BrokerUnreachable(UnreachableError):
    """The Pact Broker did not answer."""


class BrokerError(SeamError):
    """The broker answered but refused the request (auth, not found, invalid)."""


class CheckFailed(SeamError):
    """A check ran to the end and failed."""

    exit_code = EXIT_FAILED
