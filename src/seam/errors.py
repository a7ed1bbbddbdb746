"""One error tree for the whole library.

The library raises these and never calls ``sys.exit``; the CLI maps them to exit
codes in one place (``seam.cli``)::

    SeamError                       base; exit 2 unless a subclass says otherwise
    ├── UsageError                  bad options or arguments                      (2)
    ├── InputError                  unreadable or invalid input                   (2)
    │   ├── PactError               a malformed pact file
    │   │   └── PactConflict        pacts that declare one interaction differently
    │   ├── OpenAPIError            a broken OpenAPI document
    │   │   └── RefError            an unresolvable, remote or cyclic ``$ref``
    │   ├── GraphQLSchemaError      a GraphQL SDL or introspection result that does not build
    │   └── AsyncAPIError           a broken AsyncAPI document
    ├── UnreachableError            a service could not be reached                (3)
    │   ├── ProviderUnreachable     the provider under verification
    │   ├── BrokerUnreachable       a Pact Broker
    │   ├── DatabaseUnreachable     the embedded broker's PostgreSQL server
    │   └── GitHubUnreachable       GitHub's API (the pull-request comment)
    ├── BrokerError                 the broker answered, but refused              (2)
    ├── GitHubError                 GitHub's API answered, but refused            (2)
    ├── StateError                  a provider state could not be set up or torn
    │                               down (no handler, or the handler raised)      (2)
    └── CheckFailed                 a check ran and failed: the one way a command
                                    exits 1 (the report said why; a message adds
                                    one ``error:`` line)                          (1)

A message says what was expected, what was found, and what to do, on one line. A URL in
a message never shows its password: :func:`redact` hides userinfo (issue 16), and every
``SeamError`` applies it to its message; reports and logs that show URLs call it too.
"""

from __future__ import annotations

import re

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "AsyncAPIError",
    "BrokerError",
    "BrokerUnreachable",
    "CheckFailed",
    "DatabaseUnreachable",
    "GitHubError",
    "GitHubUnreachable",
    "GraphQLSchemaError",
    "InputError",
    "OpenAPIError",
    "PactConflict",
    "PactError",
    "ProviderUnreachable",
    "RefError",
    "SeamError",
    "StateError",
    "UnreachableError",
    "UsageError",
    "redact",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


# scheme://userinfo@ — the authority runs to the first '/', '?', '#' or space, and its
# userinfo to the last '@' in it (RFC 3986 section 3.2), so a raw '@' in a password is hidden.
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#\s]*)@")


def redact(text: str) -> str:
    """Hide the credentials in every URL in ``text``: ``http://user:***@host``.

    A password becomes ``***``; userinfo without a password is hidden whole, since
    ``https://TOKEN@host`` carries a token in the user name. Text without URLs is unchanged.

    Args:
        text: A URL, or a message or log line that may contain URLs.

    Returns:
        ``text`` with each URL's userinfo redacted.
    """

    def hide(match: re.Match[str]) -> str:
        user, colon, _ = match.group(2).partition(":")
        return f"{match.group(1)}{user}:***@" if colon else f"{match.group(1)}***@"

    return _USERINFO.sub(hide, text)


class SeamError(Exception):
    """Base of every error Seam raises on purpose.

    The message and location go through :func:`redact`, so no error shows a URL's password.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, location: str | None = None) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.location = redact(location) if location else location

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


class PactConflict(PactError):
    """Two pacts declare one interaction (description, provider states, type) differently."""


class OpenAPIError(InputError):
    """An OpenAPI/Swagger document that cannot be loaded or fails validation."""


class GraphQLSchemaError(InputError):
    """A GraphQL schema (SDL or introspection JSON) that does not parse or build."""


class AsyncAPIError(InputError):
    """An AsyncAPI document that cannot be loaded or fails validation."""


class RefError(OpenAPIError):
    """A ``$ref`` that is unresolvable, remote (and not allowed) or cyclic where it must not be."""


class UnreachableError(SeamError):
    """A service (provider or broker) could not be reached."""

    exit_code = EXIT_UNREACHABLE


class ProviderUnreachable(UnreachableError):
    """The provider under verification did not answer."""


class BrokerUnreachable(UnreachableError):
    """The Pact Broker did not answer."""


class DatabaseUnreachable(UnreachableError):
    """The embedded broker's PostgreSQL server did not answer."""


class GitHubUnreachable(UnreachableError):
    """GitHub's API did not answer."""


class GitHubError(SeamError):
    """GitHub's API answered but refused the request (token, permissions, not found)."""


class BrokerError(SeamError):
    """The broker answered but refused the request (auth, not found, invalid)."""


class StateError(SeamError):
    """A provider state could not be set up or torn down (no handler, or the handler raised).

    Raised by :class:`seam.verify.ProviderStates`; the state-change server answers it with
    422 and the message, which the verifier reports against the interaction.
    """


class CheckFailed(SeamError):
    """A check ran to the end and failed.

    The CLI raises it, without a message, once the report that says why is written; a
    message (a stale snapshot) is shown as one ``error:`` line like any other error.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str = "", *, location: str | None = None) -> None:
        super().__init__(message, location=location)
