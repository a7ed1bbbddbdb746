"""The contracts folder: where each contract lives. The one place its layout is spelled out.

::

    contracts/                              DEFAULT_CONTRACTS; [tool.seam] contracts may move it
    ├── pacts/<consumer>-<provider>.json    a consumer's pact (the pytest plugin writes it)
    ├── openapi/<provider>.yaml             the provider's OpenAPI (`contracts snapshot`;
    │                                       .yml and .json are found too)
    ├── openapi/<consumer>-<provider>.yaml  what the consumer uses, inferred from its pact
    ├── asyncapi/<provider>.yaml            the provider's AsyncAPI document (.yml, .json)
    ├── asyncapi/<consumer>-<provider>.yaml the messages the consumer expects
    ├── graphql/<provider>.graphql          the provider's GraphQL schema (`contracts
    │                                       snapshot`; .graphqls, .gql, introspection .json)
    ├── graphql/<consumer>-<provider>.graphql  the GraphQL operations the consumer sends
    └── .seam-locks/                        the plugin's inter-process locks (git-ignored)

The pytest plugin writes it, ``check``, ``usage``, ``verify``, ``diff``, ``publish`` and
``pull-request`` read it, ``snapshot`` and ``init`` write their part: all through
:class:`Layout`. A consumer or provider name becomes part of a file name only after
:data:`SAFE_NAME` accepted it, so no name reaches outside the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from seam.errors import UsageError

__all__ = [
    "DEFAULT_CONTRACTS",
    "DOCUMENT_SUFFIXES",
    "SAFE_NAME",
    "SAFE_NAME_HINT",
    "SDL_SUFFIXES",
    "Layout",
    "check_name",
    "pair_name",
]

DEFAULT_CONTRACTS = Path("contracts")

# What a consumer or provider name may hold to become part of a file name: no separator, no
# leading dot (``..``, a hidden file) or dash (an option), no space or control character.
# Checked before any name reaches a path (pact_ffi itself writes ``../../x`` wherever it leads).
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SAFE_NAME_HINT = "use letters, digits, '.', '_' and '-' (e.g. tasks-api)"

# A provider's own OpenAPI or AsyncAPI document, in the order they are looked for.
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
# GraphQL SDL files; a provider's schema may also be an introspection result (.json).
SDL_SUFFIXES = (".graphql", ".graphqls", ".gql")


def check_name(name: str, role: str) -> str:
    """Return ``name`` when it may be part of a file name.

    Args:
        name: A consumer or provider name.
        role: ``consumer`` or ``provider``, for the message.

    Raises:
        UsageError: ``name`` is empty or holds characters unsafe in a file name.
    """
    if not SAFE_NAME.match(name):
        raise UsageError(f"{role} name {name!r} cannot be a file name: {SAFE_NAME_HINT}")
    return name


def pair_name(consumer: str, provider: str) -> str:
    """``<consumer>-<provider>``: the stem of every file one consumer's contract writes."""
    return f"{consumer}-{provider}"


@dataclass(frozen=True)
class Layout:
    """Where each contract lives in one contracts folder.

    Paths of named files check the names (:func:`check_name`); ``find_*`` answer None for
    a name that cannot be a file name, as for a file that is not there.

    Args:
        root: The contracts folder (``contracts``).
    """

    root: Path

    @property
    def pacts_dir(self) -> Path:
        """``pacts/``: the consumers' pact files."""
        return self.root / "pacts"

    @property
    def openapi_dir(self) -> Path:
        """``openapi/``: providers' OpenAPI documents and consumers' inferred snapshots."""
        return self.root / "openapi"

    @property
    def asyncapi_dir(self) -> Path:
        """``asyncapi/``: providers' AsyncAPI documents and consumers' inferred snapshots."""
        return self.root / "asyncapi"

    @property
    def graphql_dir(self) -> Path:
        """``graphql/``: providers' GraphQL schemas and consumers' operations files."""
        return self.root / "graphql"

    @property
    def locks_dir(self) -> Path:
        """``.seam-locks/``: the pytest plugin's inter-process locks."""
        return self.root / ".seam-locks"

    # ------------------------------------------------------------------ pacts

    def pact(self, consumer: str, provider: str) -> Path:
        """``pacts/<consumer>-<provider>.json``."""
        name = pair_name(check_name(consumer, "consumer"), check_name(provider, "provider"))
        return self.pacts_dir / f"{name}.json"

    def pact_pattern(self, provider: str | None = None) -> Path:
        """``pacts/*-<provider>.json`` (every pact of ``provider``), or ``pacts/*.json``."""
        return self.pacts_dir / _pact_glob(provider)

    def pacts(self, provider: str | None = None) -> list[Path]:
        """The pact files :meth:`pact_pattern` matches, sorted."""
        return sorted(self.pacts_dir.glob(_pact_glob(provider)))

    # ---------------------------------------------------------------- OpenAPI

    def provider_openapi(self, provider: str) -> Path:
        """``openapi/<provider>.yaml``, where ``contracts snapshot`` writes."""
        return self.openapi_dir / f"{check_name(provider, 'provider')}.yaml"

    def find_provider_openapi(self, provider: str) -> Path | None:
        """The provider's OpenAPI document (``.yaml``, ``.yml``, ``.json``), or None."""
        return _find(self.openapi_dir, provider, DOCUMENT_SUFFIXES)

    def consumer_openapi(self, consumer: str, provider: str) -> Path:
        """``openapi/<consumer>-<provider>.yaml``: what the consumer uses of the provider."""
        name = pair_name(check_name(consumer, "consumer"), check_name(provider, "provider"))
        return self.openapi_dir / f"{name}.yaml"

    # --------------------------------------------------------------- AsyncAPI

    def find_provider_asyncapi(self, provider: str) -> Path | None:
        """The provider's AsyncAPI document (``.yaml``, ``.yml``, ``.json``), or None."""
        return _find(self.asyncapi_dir, provider, DOCUMENT_SUFFIXES)

    def consumer_asyncapi(self, consumer: str, provider: str) -> Path:
        """``asyncapi/<consumer>-<provider>.yaml``: the messages the consumer expects."""
        name = pair_name(check_name(consumer, "consumer"), check_name(provider, "provider"))
        return self.asyncapi_dir / f"{name}.yaml"

    # ---------------------------------------------------------------- GraphQL

    def provider_schema(self, provider: str) -> Path:
        """``graphql/<provider>.graphql``, where ``contracts snapshot`` writes a schema."""
        return self.graphql_dir / f"{check_name(provider, 'provider')}.graphql"

    def find_provider_schema(self, provider: str) -> Path | None:
        """The provider's GraphQL schema (SDL, or an introspection ``.json``), or None."""
        return _find(self.graphql_dir, provider, (*SDL_SUFFIXES, ".json"))

    def consumer_operations(self, consumer: str, provider: str) -> Path:
        """``graphql/<consumer>-<provider>.graphql``: the operations the consumer sends."""
        name = pair_name(check_name(consumer, "consumer"), check_name(provider, "provider"))
        return self.graphql_dir / f"{name}.graphql"


def _pact_glob(provider: str | None) -> str:
    # The provider is not checked: a pattern only finds, and "no pact files match" names it.
    return f"*-{provider}.json" if provider else "*.json"


def _find(folder: Path, provider: str, suffixes: tuple[str, ...]) -> Path | None:
    """The first ``<folder>/<provider><suffix>`` that is a file, or None."""
    if not SAFE_NAME.match(provider):
        return None
    for suffix in suffixes:
        candidate = folder / f"{provider}{suffix}"
        if candidate.is_file():
            return candidate
    return None
