"""The options of ``verify()``: one place for their classes and for the checks between them.

Every check here runs before anything starts (no provider, no broker round trip), so a
mistyped option is one usage error, not a half-run verification.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from seam._layout import DEFAULT_CONTRACTS, Layout
from seam.errors import UsageError
from seam.verify._messages import ProviderMessages
from seam.verify._provider import check_seconds, http_address
from seam.verify._results import case_name
from seam.verify._states import ProviderStates

__all__ = [
    "DEFAULT_PACTS",
    "BrokerSource",
    "ConformanceOptions",
    "InteractionFilter",
    "PublishOptions",
    "ShardSpec",
    "check_options",
    "conformance_spec",
    "selector_keywords",
]

DEFAULT_PACTS = Layout(DEFAULT_CONTRACTS).pacts_dir

# camelCase keys of a consumer version selector (Pact Broker API) → pact-python keywords.
_SELECTOR_KEYS = {
    "consumer": "consumer",
    "tag": "tag",
    "fallbackTag": "fallback_tag",
    "latest": "latest",
    "deployedOrReleased": "deployed_or_released",
    "deployed": "deployed",
    "released": "released",
    "environment": "environment",
    "mainBranch": "main_branch",
    "branch": "branch",
    "matchingBranch": "matching_branch",
    "fallbackBranch": "fallback_branch",
}


@dataclass(slots=True)
class BrokerSource:
    """Where and how to fetch pacts from a Pact Broker (``pacts for verification``)."""

    url: str
    token: str | None = None
    username: str | None = None
    password: str | None = None
    selectors: list[dict[str, Any]] = field(default_factory=list)
    include_pending: bool = False
    include_wip_since: str | None = None
    provider_branch: str | None = None
    provider_tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PublishOptions:
    """Verification results to publish back to the broker."""

    provider_version: str
    branch: str | None = None
    tags: list[str] = field(default_factory=list)
    build_url: str | None = None


@dataclass(slots=True)
class ConformanceOptions:
    """``--conformance``: schemathesis against the provider's own OpenAPI document."""

    openapi: Path | None = None
    max_examples: int = 10
    seed: int | None = None
    headers: tuple[str, ...] = ()  # "Name: value", e.g. the token protected operations need
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")  # schemathesis's
    contracts: Path = DEFAULT_CONTRACTS  # where openapi/<provider>.yaml is looked for


def selector_keywords(selector: Mapping[str, Any]) -> dict[str, Any]:
    """Translate a Pact Broker consumer version selector into pact-python keywords.

    Raises:
        UsageError: a key the Pact Broker API does not define.
    """
    out: dict[str, Any] = {}
    for key, value in selector.items():
        if key not in _SELECTOR_KEYS:
            known = ", ".join(sorted(_SELECTOR_KEYS))
            raise UsageError(f"consumer version selector key {key!r} is unknown (known: {known})")
        out[_SELECTOR_KEYS[key]] = value
    return out


def check_options(
    *,
    base_url: str | None,
    start: str | None,
    states: str | ProviderStates | None,
    state_url: str | None,
    broker: BrokerSource | None,
    publish: PublishOptions | None,
    workers: int,
    ready_timeout: float,
    request_timeout: float,
    messages: str | ProviderMessages | None = None,
) -> None:
    if not base_url and (start or messages is None):
        raise UsageError("--base-url is required: where the provider answers (with --start too)")
    if workers > 1 and isinstance(messages, ProviderMessages):
        raise UsageError(
            "--workers > 1 needs the messages as 'module:object' so worker processes can "
            "import them"
        )
    if state_url:
        http_address(state_url, "--state-url")
    if states is not None and state_url:
        raise UsageError("--states and --state-url cannot be used together: pick one")
    if workers < 1:
        raise UsageError(f"--workers {workers}: expected 1 or more")
    if publish is not None and broker is None:
        raise UsageError("--publish needs --broker-base-url: results are published to a broker")
    if broker is not None:
        check_broker_options(broker)
    if not base_url:
        return  # Messages only: no provider process is involved; the checks below are about it.
    # Checked before anything starts; {port} is filled in later, any number will do here.
    http_address(base_url.replace("{port}", "1"), "--base-url")
    check_seconds("--ready-timeout", ready_timeout)
    check_seconds("--request-timeout", request_timeout)
    if "{port}" in base_url and not (start and "{port}" in start):
        raise UsageError("{port} in --base-url needs {port} in --start too (Seam picks the port)")
    if start and "{port}" in start and "{port}" not in base_url:
        raise UsageError(
            "{port} in --start needs {port} in --base-url too, e.g. http://127.0.0.1:{port}"
        )
    if workers > 1 and isinstance(states, ProviderStates):
        raise UsageError(
            "--workers > 1 needs the states as 'module:object' so worker processes can import them"
        )


def check_broker_options(broker: BrokerSource) -> None:
    """Selectors and dates are checked before any provider starts."""
    for selector in broker.selectors:
        selector_keywords(selector)
    if broker.include_wip_since:
        try:
            date.fromisoformat(broker.include_wip_since)
        except ValueError:
            raise UsageError(
                f"--include-wip-since {broker.include_wip_since!r}: expected a date, YYYY-MM-DD"
            ) from None


def conformance_spec(options: ConformanceOptions, provider: str, base_url: str) -> str:
    """``--openapi``, else ``<contracts>/openapi/<provider>.yaml``, else the provider's own."""
    local = _conformance_file(options, provider)
    return str(local) if local is not None else base_url.rstrip("/") + "/openapi.json"


def _conformance_file(options: ConformanceOptions, provider: str) -> Path | None:
    """The document file ``--conformance`` reads, if it reads one rather than a URL."""
    if options.openapi is not None:
        return options.openapi
    return Layout(options.contracts).find_provider_openapi(provider)


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """``--shard I/N``: this machine verifies the I-th of N shares of the interactions.

    Which share an interaction falls in is a hash of its identity, not its place in a
    list, so N machines reading the same pacts in any order verify each exactly once.
    """

    index: int  # 1-based, as CI matrices count
    count: int

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        """Read ``I/N`` (``2/4``).

        Raises:
            UsageError: not two whole numbers with 1 <= I <= N.
        """
        index, sep, count = text.partition("/")
        if sep and index.strip().isdigit() and count.strip().isdigit():
            spec = cls(int(index), int(count))
            if 1 <= spec.index <= spec.count:
                return spec
        raise UsageError(f"--shard {text!r}: expected I/N with 1 <= I <= N, e.g. --shard 2/4")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True, slots=True)
class InteractionFilter:
    """``--consumer`` / ``--interaction``: replay only these interactions (a rerun).

    An interaction matches ``--interaction`` by its description alone or by the name its
    case has in reports, ``DESCRIPTION (given STATE and STATE)``, the exact text every
    failure prints; like pact's ``PACT_DESCRIPTION``/``PACT_PROVIDER_STATE`` but exact,
    so a description holding regex characters reruns as printed.
    """

    consumers: tuple[str, ...] = ()
    interactions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.consumers or self.interactions)

    def matches(self, consumer: str, description: str, states: Sequence[str]) -> bool:
        """Whether the interaction of ``consumer`` is one to replay."""
        if self.consumers and consumer not in self.consumers:
            return False
        if not self.interactions:
            return True
        return description in self.interactions or case_name(description, states) in (
            self.interactions
        )

    def matches_case(self, consumer: str, name: str) -> bool:
        """Whether a reported case (its consumer and name) is one of the interactions to replay."""
        if self.consumers and consumer not in self.consumers:
            return False
        return not self.interactions or any(
            name == i or name.startswith(i + " (given ") for i in self.interactions
        )

    def description_pattern(self) -> str | None:
        """A regex for the Rust verifier (broker pacts) that every match of this filter meets.

        The verifier matches descriptions only, so a name with states also admits the
        description before `` (given ``; :meth:`matches_case` drops the extra cases.
        """
        if not self.interactions:
            return None
        texts = {t for i in self.interactions for t in (i, i.split(" (given ", 1)[0])}
        return "^(?:" + "|".join(re.escape(t) for t in sorted(texts)) + ")$"

    def describe(self) -> str:
        """The options as a user typed them, for messages."""
        parts = [f"--consumer {c!r}" for c in self.consumers]
        parts += [f"--interaction {i!r}" for i in self.interactions]
        return " ".join(parts)
