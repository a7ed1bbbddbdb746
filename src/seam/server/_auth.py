"""Who may read and who may write: bearer tokens and the Pact Broker's basic-auth users.

The Pact Broker's settings, by the same names: a read/write basic-auth user
(``PACT_BROKER_BASIC_AUTH_USERNAME``/``_PASSWORD``), a read-only one
(``PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME``/``_PASSWORD``: GET and HEAD only, 403 on
writes) and ``PACT_BROKER_ALLOW_PUBLIC_READ`` (reads need no credentials, writes still do).
Bearer tokens (``--token``, or ``--read-token``/``--write-token``) work beside them.
Every secret is compared in constant time, and every configured secret is compared on
every request, so the time taken says nothing about which one nearly matched.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from seam.errors import UsageError

__all__ = ["Auth", "Denied"]


class Denied(Exception):
    """A request refused before it reaches a handler: 401, 403 or 413."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _same(given: str | None, expected: str | None) -> bool:
    if given is None or expected is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class Auth:
    """The credentials a broker accepts, and what each may do.

    Args:
        token: One bearer token that may read and write.
        read_token: A bearer token that may only read (with ``write_token``).
        write_token: A bearer token that may read and write (with ``read_token``).
        basic_user: The read/write basic-auth user name (with ``basic_password``).
        basic_password: Its password.
        read_only_user: The read-only basic-auth user name (with ``read_only_password``).
        read_only_password: Its password.
        allow_public_read: Reads need no credentials; writes still need write credentials.
    """

    token: str | None = None
    read_token: str | None = None
    write_token: str | None = None
    basic_user: str | None = None
    basic_password: str | None = None
    read_only_user: str | None = None
    read_only_password: str | None = None
    allow_public_read: bool = False

    def __post_init__(self) -> None:
        if self.token and (self.read_token or self.write_token):
            raise UsageError("give either --token or --read-token/--write-token, not both")
        if bool(self.read_token) != bool(self.write_token):
            raise UsageError("--read-token and --write-token go together; give both")
        if self.read_token and self.read_token == self.write_token:
            raise UsageError("--read-token and --write-token must differ")
        if bool(self.basic_user) != bool(self.basic_password):
            raise UsageError(
                "--basic-auth-user and --basic-auth-password go together; give both "
                "(or PACT_BROKER_BASIC_AUTH_USERNAME and PACT_BROKER_BASIC_AUTH_PASSWORD)"
            )
        if bool(self.read_only_user) != bool(self.read_only_password):
            raise UsageError(
                "--basic-auth-read-only-user and --basic-auth-read-only-password go together; "
                "give both"
            )
        if self.read_only_user and not self.basic_user:
            raise UsageError(
                "a read-only basic-auth user needs the read/write one too: "
                "give --basic-auth-user and --basic-auth-password"
            )
        if self.read_only_user and self.read_only_user == self.basic_user:
            raise UsageError("the read-only and the read/write basic-auth users must differ")
        if self.allow_public_read and not self.writers:
            raise UsageError(
                "--allow-public-read opens reads of a broker that needs credentials; without "
                "--basic-auth-user or a token everything is public already"
            )

    @property
    def writers(self) -> bool:
        """True when any credentials are configured (so anonymous writes are refused)."""
        return bool(self.token or self.write_token or self.basic_user)

    @property
    def _basic(self) -> bool:
        return bool(self.basic_user)

    def authenticate(self, authorization: str, writes: bool) -> bool:
        """Refuse a request without valid credentials (401); return whether it may write.

        Args:
            authorization: The ``Authorization`` header ("" when absent).
            writes: Whether the request may change the broker (the route decides).

        Raises:
            Denied: 401 when credentials are needed and missing or wrong.
        """
        if not self.writers:
            return True
        scheme, _, value = authorization.partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "bearer" and value:
            # Every token is compared, in constant time, whichever matches.
            write = _same(value, self.token) | _same(value, self.write_token)
            read = _same(value, self.read_token)
            if write or read:
                return write
        elif scheme == "basic" and value and self._basic:
            user, password = _basic_credentials(value)
            if user is not None and password is not None:
                write = _same(user, self.basic_user) & _same(password, self.basic_password)
                read = _same(user, self.read_only_user) & _same(password, self.read_only_password)
                if write or read:
                    return write
        if self.allow_public_read and not authorization and not writes:
            return False
        raise Denied(401, self._required())

    def _required(self) -> str:
        if not self._basic:
            return "a valid bearer token is required (Authorization: Bearer <token>)"
        if self.token or self.write_token:
            return (
                "valid credentials are required (Authorization: Basic with the broker's user, "
                "or Bearer <token>)"
            )
        return "valid credentials are required (Authorization: Basic with the broker's user)"

    def challenge(self) -> str:
        """The ``WWW-Authenticate`` header of a 401 (RFC 7235 section 4.1)."""
        schemes = []
        if self._basic:
            schemes.append('Basic realm="seam-broker", charset="UTF-8"')
        if self.token or self.write_token:
            schemes.append('Bearer realm="seam-broker"')
        return ", ".join(schemes)

    def read_only_message(self, authorization: str) -> str:
        """The 403 message for a write with credentials that may only read."""
        if authorization.lower().startswith("basic"):
            return "the read-only user cannot change the broker; use the read/write user"
        return "the read token cannot change the broker; use the write token"


def _basic_credentials(value: str) -> tuple[str | None, str | None]:
    """Decode ``user:password`` from a Basic credential (RFC 7617); Nones when malformed."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None, None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else (None, None)
