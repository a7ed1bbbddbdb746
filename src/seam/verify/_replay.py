"""One verifier run: pact-python's ``Verifier`` (the Rust verifier) over some pact sources.

A run is described by a :class:`Shard`, plain JSON-able data, so the same function
runs in this process (``--workers 1``) or in a worker process (``python -m
seam.verify._worker``). It never raises for a verification failure: pact-python's
bare ``RuntimeError`` is swallowed and the verifier's own JSON results are returned.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seam.errors import redact
from seam.verify._options import BrokerSource, PublishOptions, selector_keywords
from seam.verify._results import bound_output, bound_results
from seam.verify._tls import TLS_VARIABLES, environment, verifier_tls_env

if TYPE_CHECKING:
    from seam.verify._messages import ProviderMessages
    from seam.verify._states import ProviderStates

__all__ = ["Shard", "ShardResult", "run_shard"]


@dataclass(slots=True)
class Shard:
    """Everything one verifier run needs; JSON-able so a worker process can receive it."""

    provider: str
    base_url: str | None  # None: only messages are replayed
    files: list[str] = field(default_factory=list)
    broker: BrokerSource | None = None
    publish: PublishOptions | None = None
    states: str | None = None  # "module:obj" of a ProviderStates
    state_url: str | None = None
    messages: str | None = None  # "module:obj" of a ProviderMessages
    env: dict[str, str] = field(default_factory=dict)
    request_timeout_ms: int = 5000
    worker: int = 0
    consumers: list[str] = field(default_factory=list)  # --consumer: the verifier's filter
    description: str | None = None  # --interaction: a regex the verifier matches descriptions by

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Shard:
        data = dict(doc)
        if data.get("broker"):
            data["broker"] = BrokerSource(**data["broker"])
        if data.get("publish"):
            data["publish"] = PublishOptions(**data["publish"])
        return cls(**data)


@dataclass(slots=True)
class ShardResult:
    """What the verifier reported, plus the state handlers' own errors."""

    worker: int
    results: dict[str, Any]
    output: str
    state_errors: list[dict[str, Any]] = field(default_factory=list)
    logs: str = ""
    message_errors: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ShardResult:
        return cls(**doc)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send what the Rust verifier prints to file descriptor 1 elsewhere.

    pact_ffi prints its whole report on standard output as well as returning it;
    Seam renders its own report there (and a worker's stdout is its result channel).
    """
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as sink:
        os.dup2(sink.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _Collect(logging.Handler):
    """Keeps the verifier's warnings and errors (pact-python forwards them to ``logging``)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # pact_ffi logs the broker URLs it fetches, with their userinfo.
        self.lines.append(f"{record.levelname}: {redact(record.getMessage())}")


@contextmanager
def _capture_logs() -> Iterator[_Collect]:
    """Collect ``pact.ffi`` warnings instead of letting logging's last resort print them."""
    handler = _Collect()
    target = logging.getLogger("pact.ffi")
    target.addHandler(handler)
    try:
        yield handler
    finally:
        target.removeHandler(handler)


def _add_broker(verifier: Any, broker: BrokerSource) -> None:
    auth: dict[str, Any] = (
        {"token": broker.token}
        if broker.token
        else {"username": broker.username, "password": broker.password}
    )
    builder = verifier.broker_source(broker.url, selector=True, use_env=False, **auth)
    for selector in broker.selectors:
        builder.consumer_version(**selector_keywords(selector))
    # WIP pacts are pending by definition: the broker only sends them with pending on.
    if broker.include_pending or broker.include_wip_since:
        builder.include_pending()
    if broker.include_wip_since:
        builder.include_wip_since(broker.include_wip_since)
    if broker.provider_branch:
        builder.provider_branch(broker.provider_branch)
    if broker.provider_tags:
        builder.provider_tags(*broker.provider_tags)
    builder.build()


def run_shard(
    shard: Shard,
    states: ProviderStates | None = None,
    on_setup: Callable[[], None] | None = None,
    messages: ProviderMessages | None = None,
) -> ShardResult:
    """Run the Rust verifier over ``shard`` and collect everything it knows.

    Args:
        shard: what to verify and where.
        states: handlers to serve (in this process only); otherwise ``shard.states``
            is imported, or ``shard.state_url`` is called.
        on_setup: called at each state setup the verifier asks for (progress); with no
            states and no ``shard.state_url``, a state server that only counts is started.
        messages: message producers (in this process only); otherwise
            ``shard.messages`` is imported.

    Raises:
        UsageError: ``--states`` or ``--messages`` cannot be loaded.
    """
    from pact import Verifier

    from seam.verify._messages import MessageServer, load_messages
    from seam.verify._states import StateServer, load_states

    with ExitStack() as stack:
        # Opt out of pact_ffi's anonymous usage tracking unless the user chose otherwise.
        tracking = {"PACT_DO_NOT_TRACK": os.environ.get("PACT_DO_NOT_TRACK", "true")}
        stack.enter_context(environment({**tracking, **shard.env}))
        verifier = Verifier(shard.provider, host="127.0.0.1")
        if shard.base_url:
            verifier.add_transport(url=shard.base_url)
        if messages is None and shard.messages:
            messages = load_messages(shard.messages)
        verifier.set_request_timeout(shard.request_timeout_ms)
        for path in shard.files:
            verifier.add_source(path)
        if shard.broker is not None:
            _add_broker(verifier, shard.broker)
        # Local pacts are filtered before they are written; these filter the broker's.
        if shard.consumers:
            verifier.filter_consumers(*shard.consumers)
        if shard.description:
            verifier.filter(shard.description)
        if shard.publish is not None:
            verifier.set_publish_options(
                version=shard.publish.provider_version,
                url=shard.publish.build_url,
                branch=shard.publish.branch,
                tags=shard.publish.tags,
            )
        server = None
        state_url = shard.state_url
        if states is None and shard.states:
            states = load_states(shard.states)
        if states is not None or (on_setup is not None and not state_url):
            # Handlers see the user's TLS settings, not the verifier's (set below). Without
            # handlers the server only counts interactions for ``on_setup`` (progress).
            user_tls = {k: os.environ.get(k) for k in TLS_VARIABLES}
            server = stack.enter_context(
                StateServer(states, on_setup=on_setup, handler_env=user_tls)
            )
            state_url = server.url
        if state_url:
            verifier.state_handler(state_url, teardown=True, body=True)
        relay = None
        if messages is not None:
            # Values the state handlers returned reach the producer with the states' params.
            relay = stack.enter_context(
                MessageServer(messages, states.values if states is not None else None)
            )
            verifier.add_transport(protocol="message", port=relay.port, path=relay.path)
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="seam-tls-")))
        targets = [shard.base_url, state_url, shard.broker.url if shard.broker else None]
        stack.enter_context(environment(verifier_tls_env(targets, scratch)))
        # pact-python raises a bare RuntimeError for any failure; the details are in
        # the verifier's JSON results and output, read below.
        logs = stack.enter_context(_capture_logs())
        with suppress(RuntimeError), _quiet_stdout():
            verifier.verify()
        errors = [asdict(call) for call in server.errors] if server else []
        return ShardResult(
            worker=shard.worker,
            results=bound_results(verifier.results),
            output=bound_output(str(verifier.output(strip_ansi=True))),
            state_errors=errors,
            logs="\n".join(logs.lines),
            message_errors=list(relay.errors) if relay else [],
        )
