"""``verify()``: replay pacts against a running provider and report every interaction.

The order of work: read the local pacts (bad files fail before anything starts),
start the provider(s) or check the one at ``base_url``, split the interactions
across ``workers`` verifier runs, run them, and turn what the verifier knows —
results, mismatches, the state handlers' own errors — into one :class:`Report`.

Parallel runs and provider state: every worker sets up states before each of its
interactions, so two workers sharing one provider and one database would undo each
other's states. With ``{port}`` in the start command each worker gets its own
provider on its own port, and ``{worker}`` in ``env`` values gives each its own
database (``DATABASE_URL=sqlite:///tasks-{worker}.db``).

The pieces live beside it: the option classes and their checks in ``_options``, the
split into shards and the worker processes in ``_shards``, one verifier run in
``_replay``, and the report assembly in ``_assemble``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from seam.errors import BrokerUnreachable, InputError, ProviderUnreachable, UsageError, redact
from seam.model import Case, CaseStatus, Finding, Report
from seam.openapi import load_document
from seam.pactfile import Interaction, Pact, load_pacts
from seam.verify._assemble import build_report, exited, skipped_cases, with_rerun
from seam.verify._broker_pacts import (
    BrokerPact,
    failing_keys,
    fetch_pacts,
    mark_pending,
    pact_outcomes,
    publish_results,
)
from seam.verify._conformance import run_conformance
from seam.verify._messages import ProviderMessages, load_messages
from seam.verify._options import (
    DEFAULT_PACTS,
    BrokerSource,
    ConformanceOptions,
    InteractionFilter,
    PublishOptions,
    ShardSpec,
    check_options,
    conformance_spec,
)
from seam.verify._provider import http_address, wait_until_reachable
from seam.verify._replay import Shard
from seam.verify._shards import in_shard, run_all, start_shards, write_shards
from seam.verify._states import ProviderStates, load_states

__all__ = ["Tally", "verify"]

PROGRESS_FROM = 50  # interactions: shorter runs print no progress lines
CHUNK = 25  # interactions per pact file the verifier reads (see write_shards)
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def _load_local(
    sources: Sequence[str | Path], provider: str | None, use_default: bool
) -> list[Pact]:
    paths = [Path(s) for s in sources] or ([DEFAULT_PACTS] if use_default else [])
    for path in paths:
        if not path.exists():
            raise InputError(
                f"{path}: no such file or folder; expected pact files or a folder of them"
            )
    return load_pacts(paths, provider=provider) if paths else []


def _provider_name(pacts: Sequence[Pact], provider: str | None) -> str:
    if provider:
        return provider
    names = sorted({p.provider for p in pacts})
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError("--provider is required (no local pacts name one)")
    raise UsageError(f"the pacts name several providers ({', '.join(names)}): pass --provider")


def _check_broker(broker: BrokerSource) -> None:
    http_address(broker.url, "--broker-base-url")
    try:
        wait_until_reachable(broker.url, option="--broker-base-url")
    except ProviderUnreachable:
        raise BrokerUnreachable(
            f"the Pact Broker at {broker.url} does not answer; check --broker-base-url"
        ) from None


@dataclass(frozen=True, slots=True)
class Tally:
    """How far a verification run is: what a progress display shows.

    ``failed`` is what is known so far: the verifier reports each interaction's result at
    the end of its run, so mid-run it stays 0 and the last tally has the real count.
    """

    done: int
    failed: int
    total: int
    seconds: float

    @property
    def remaining(self) -> int:
        return max(self.total - self.done, 0)

    def estimate(self) -> float | None:
        """Seconds left at the pace so far (``None`` before the first interaction is done)."""
        if self.done <= 0:
            return None
        return self.seconds / self.done * self.remaining


class _Progress:
    """Reports how far the first shard got, from the state setups the verifier requests.

    The verifier sets up each interaction's states (or the empty state) before replaying
    it, so setups done / setups expected is how far the run is; the other workers run
    the same number of interactions at about the same pace. With a ``tally`` callback
    every setup is reported; without, a line at each tenth.
    """

    def __init__(
        self,
        say: Progress,
        expected: int,
        total: int,
        tally: Callable[[Tally], None] | None = None,
    ) -> None:
        self._say = say
        self._tally = tally
        self._expected = max(expected, 1)
        self._total = total
        self._done = 0
        self._next = 0.1
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def __call__(self) -> None:
        with self._lock:
            self._done += 1
            share = self._done / self._expected
            if self._tally is not None:
                # This setup starts an interaction: the ones set up before it are done.
                before = min((self._done - 1) / self._expected, 1.0)
                elapsed = time.monotonic() - self._started
                self._tally(Tally(round(before * self._total), 0, self._total, elapsed))
                return
            if share < self._next or share > 1:
                return
            self._next += 0.1
        self._say(
            f"  ... about {round(share * self._total)} of {self._total} interactions replayed"
        )


def verify(
    sources: Sequence[str | Path] = (),
    *,
    provider: str | None = None,
    base_url: str | None = None,
    start: str | None = None,
    ready_timeout: float = 30.0,
    states: str | ProviderStates | None = None,
    state_url: str | None = None,
    messages: str | ProviderMessages | None = None,
    broker: BrokerSource | None = None,
    publish: PublishOptions | None = None,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    conformance: ConformanceOptions | None = None,
    request_timeout: float = 5.0,
    progress: Progress | None = None,
    tally: Callable[[Tally], None] | None = None,
    shard: ShardSpec | None = None,
    only: InteractionFilter | None = None,
    rerun: Sequence[str] | None = None,
) -> Report:
    """Replay every pact interaction against the provider and report each one.

    Args:
        sources: pact files or folders; default ``contracts/pacts`` unless a broker
            is given.
        provider: the provider's name; only its pacts are replayed (default: the
            one provider the local pacts name).
        base_url: where the provider answers; may contain ``{port}`` with ``start``.
            Not needed when ``messages`` is given and the pacts hold no HTTP interaction.
        start: a shell command that starts the provider; it is stopped afterwards.
            With ``{port}`` in it, each worker gets its own provider on a free port.
        ready_timeout: seconds to wait for a started provider to answer.
        states: a :class:`ProviderStates` or its ``"module:object"`` name.
        state_url: a state-change URL speaking the standard protocol instead.
        messages: a :class:`ProviderMessages` or its ``"module:object"`` name: the
            producers message interactions are replayed against (else they are skipped).
        broker: fetch pacts from a Pact Broker as well: by the verifier, or by Seam with
            ``shard`` or ``workers`` > 1, so they are split like local pacts (the report's
            ``meta["broker_pacts"]`` then says each pact's URL, pending flag and outcome).
        publish: publish the verification results to ``broker``, one per pact.
        env: environment for the provider command and the state handlers;
            ``{worker}`` in a value becomes the worker's number.
        workers: how many verifier processes share the interactions.
        conformance: also run schemathesis against the provider's OpenAPI.
        request_timeout: seconds the verifier waits for each response.
        progress: called with a line of text at each step (the CLI prints them).
        tally: called with a :class:`Tally` as each interaction starts and once at the
            end (a live display draws them); the lines at each tenth are then left out.
        shard: verify only this machine's share of the interactions, local and the
            broker's (``--shard I/N``); the N reports merge with :func:`merge_reports`,
            whose result :func:`publish_results` publishes (not with ``publish``).
        only: replay only the interactions it matches (``--consumer``/``--interaction``).
        rerun: the command that ran this verification, without ``--consumer``,
            ``--interaction`` or ``--shard``; each failure's finding then carries the command
            that reruns just its interaction (``details["rerun"]``).

    Returns:
        A report with one case per interaction and a finding per mismatch.

    Raises:
        UsageError: options that cannot work together (``publish`` with ``shard``: publish
            the merged shards with :func:`publish_results`).
        InputError: a missing or malformed pact file, a broken --conformance document
            (a dangling or cyclic $ref, say), or no pacts to verify.
        ProviderUnreachable: the provider did not start or does not answer.
        BrokerUnreachable: the broker does not answer.
        BrokerError: the broker refused the request for pacts.
    """
    show = progress or _noop

    def say(line: str) -> None:
        # Progress lines name the provider and broker URLs; none shows a password.
        show(redact(line))

    check_options(
        base_url=base_url,
        start=start,
        states=states,
        state_url=state_url,
        broker=broker,
        publish=publish,
        workers=workers,
        ready_timeout=ready_timeout,
        request_timeout=request_timeout,
        messages=messages,
    )
    if publish is not None and shard is not None:
        raise UsageError(
            "--publish records a verification of every interaction, not of one shard: "
            "publish once with `contracts verify-merge REPORTS... --publish` after every shard"
        )
    if publish is not None and only:
        raise UsageError(
            "--publish records a verification of every interaction: not with --consumer "
            "or --interaction"
        )
    pacts = _load_local(sources, provider, use_default=broker is None)
    name = _provider_name(pacts, provider)
    # Split across machines or workers, the broker's pacts are fetched here and split like
    # local ones; else the verifier fetches them (and publishes), as it always has.
    fetched: list[BrokerPact] = []
    seam_fetches = broker is not None and (shard is not None or workers > 1)
    if seam_fetches:
        assert broker is not None
        _check_broker(broker)
        fetched = fetch_pacts(broker, name)
        say(f"the broker selected {len(fetched)} pact(s) for {name}")
        for selected in fetched:
            # Why each pact is verified, and whether it is pending: what the verifier prints.
            for notice in selected.notices:
                say(f"  {selected.pact.consumer}: {notice}")
        pacts = [*pacts, *(b.pact for b in fetched)]
    verifier_fetches = broker if not seam_fetches else None
    kinds = ("http", "message") if messages is not None else ("http",)
    replayable = [(p, i) for p in pacts for i in p.interactions if i.kind in kinds]
    skipped = [(p, i) for p in pacts for i in p.interactions if i.kind not in kinds]
    if (
        only
        and not any(
            only.matches(p.consumer, i.description, i.state_names) for p, i in replayable + skipped
        )
        and broker is None
    ):
        raise InputError(f"no interaction matches {only.describe()}; check the spelling")
    if only:
        replayable = [
            (p, i) for p, i in replayable if only.matches(p.consumer, i.description, i.state_names)
        ]
        skipped = [
            (p, i) for p, i in skipped if only.matches(p.consumer, i.description, i.state_names)
        ]
    if shard is not None and replayable:
        # Each machine of N keeps its share; together they verify every interaction once.
        share = {
            (id(p), id(i)) for p, i in in_shard(replayable + skipped, shard.index, shard.count)
        }
        replayable = [(p, i) for p, i in replayable if (id(p), id(i)) in share]
        skipped = [(p, i) for p, i in skipped if (id(p), id(i)) in share]
        if not replayable:
            say(f"shard {shard}: none of the interactions falls in this share; nothing to replay")
            report = _empty_shard(skipped, name, shard, pacts)
            if broker is not None:
                report.meta["broker"] = redact(broker.url)
                report.meta["broker_pacts"] = pact_outcomes(report, fetched, set())
            return report
    if not replayable and verifier_fetches is None:
        where = ", ".join(str(s) for s in sources) or str(DEFAULT_PACTS)
        if broker is not None:
            where = (", ".join(str(s) for s in sources) + " or " if sources else "") + (
                f"the pacts {redact(broker.url)} selected"
            )
        what = "HTTP or message" if messages is not None else "HTTP"
        raise InputError(
            f"no {what} interactions for provider {name!r} in {where}; nothing to verify"
        )
    http = sum(1 for _, i in replayable if i.kind == "http")
    if not base_url and http:
        raise UsageError(
            f"--base-url is required: the pacts hold {http} HTTP interaction(s) for {name!r} "
            "(only a provider with messages alone needs none)"
        )
    if conformance is not None and not base_url:
        raise UsageError("--conformance needs --base-url: schemathesis calls the running provider")
    if conformance is not None:
        assert base_url is not None
        if conformance.openapi and not conformance.openapi.is_file():
            raise InputError(f"--openapi {conformance.openapi}: no such file")
        # A document file is read here, within Seam's bounds, so a broken one fails before
        # the provider starts rather than in schemathesis after the whole replay.
        spec = conformance_spec(conformance, name, base_url)
        if not spec.startswith(("http://", "https://")):
            load_document(spec)
    if verifier_fetches is not None:
        _check_broker(verifier_fetches)

    n_workers = max(1, min(workers, len(replayable) or 1))
    per_worker_provider = bool(start and "{port}" in start)
    states_name = states if isinstance(states, str) else None
    # Imported here, before any provider starts, so a bad --states fails fast; worker 0
    # uses this registry, the worker processes import it again by name.
    states_obj = load_states(states) if isinstance(states, str) else states
    messages_obj = load_messages(messages) if isinstance(messages, str) else messages
    started = time.monotonic()

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="seam-verify-")))
        shard_files = write_shards(pacts, replayable, n_workers, tmp, CHUNK)
        shards, launched = start_shards(
            stack,
            Shard(
                provider=name,
                base_url=base_url,
                broker=verifier_fetches,
                publish=publish if verifier_fetches is not None else None,
                states=states_name,
                state_url=state_url,
                messages=messages if isinstance(messages, str) else None,
                env=dict(env or {}),
                request_timeout_ms=int(request_timeout * 1000),
                consumers=list(only.consumers) if only else [],
                description=only.description_pattern() if only else None,
            ),
            shard_files,
            start=start,
            ready_timeout=ready_timeout,
            say=say,
        )
        total = len(replayable)
        targets = [s.base_url for s in shards if s.base_url]
        if messages_obj is not None:
            targets.append("the message producers")
        say(
            f"verifying {total} interaction(s) of {len(pacts)} pact(s) against "
            + ", ".join(dict.fromkeys(targets))
            + (" and the broker's pacts" if verifier_fetches else "")
            + f" with {n_workers} worker(s)"
            + (f", shard {shard}" if shard is not None else "")
        )
        if (
            n_workers > 1
            and not per_worker_provider
            and any(i.provider_states for _, i in replayable)
        ):
            say("note: workers share one provider, so their provider states may interfere")
        ticker = None
        # Lines at each tenth only pay off on long runs, and need the states' setups to
        # count; a tally (a live display) counts every run, through a counting server.
        if tally is not None or (total >= PROGRESS_FROM and states_obj is not None):
            mine = replayable[::n_workers]
            expected = sum(max(1, len(i.provider_states)) for _, i in mine)
            ticker = _Progress(say, expected, total, tally)
        results = run_all(shards, states_obj, ticker, messages_obj)
        mark_pending(results, fetched)
        failing = failing_keys(results) if fetched else set()
        published = verifier_fetches is not None and publish is not None
        report = build_report(pacts, results, name, published)
        if only and verifier_fetches is not None:
            # The verifier's filter admits a little more of the broker's pacts than asked for.
            report = _only(report, only)
        if tally is not None:
            failed = sum(1 for c in report.cases if c.status is CaseStatus.FAILED)
            tally(Tally(total, failed, total, time.monotonic() - started))
        crashed = exited(launched)
        conformance_cases: list[Case] = []
        conformance_findings: list[Finding] = []
        if conformance is not None:
            assert shards[0].base_url is not None
            spec = conformance_spec(conformance, name, shards[0].base_url)
            say(f"conformance: schemathesis from {spec} against {shards[0].base_url}")
            conformance_cases, conformance_findings = run_conformance(
                spec,
                shards[0].base_url,
                max_examples=conformance.max_examples,
                seed=conformance.seed,
                headers=conformance.headers,
                request_timeout=request_timeout,
                phases=conformance.phases,
            )

    report.cases.extend(skipped_cases(skipped, name))
    if seam_fetches:
        assert broker is not None
        replayed = {(p.consumer, i.description, i.state_names) for p, i in replayable}
        report.meta["broker_pacts"] = pact_outcomes(report, fetched, replayed, failing)
        if publish is not None:
            report.findings.extend(publish_results(report, broker, publish, say))
    report.cases.extend(conformance_cases)
    report.findings.extend(conformance_findings)
    report.findings.extend(crashed)
    report.meta.update(
        {
            "provider": name,
            # Reports are saved and shared: no URL in them keeps its password.
            "base_url": redact(base_url) if base_url else None,
            "base_urls": [redact(s.base_url) for s in shards if s.base_url],
            "pacts": [redact(p.source) for p in pacts if p.source],  # broker_pacts: their URLs
            "broker": redact(broker.url) if broker else None,
            "workers": n_workers,
            "interactions": len(report.cases),
            "seconds": round(time.monotonic() - started, 3),
        }
    )
    if shard is not None:
        report.meta["shard"] = str(shard)
    if rerun is not None:
        report = with_rerun(report, rerun)
    return report


def _only(report: Report, only: InteractionFilter) -> Report:
    """``report`` without the cases (and their findings) that ``only`` does not match."""
    dropped: set[int] = set()
    cases = []
    for case in report.cases:
        consumer = case.group.split(" -> ", 1)[0]
        if case.group and not only.matches_case(consumer, case.name):
            dropped.update(id(f) for f in case.findings)
        else:
            cases.append(case)
    findings = [f for f in report.findings if id(f) not in dropped]
    return Report(command=report.command, findings=findings, cases=cases, meta=report.meta)


def _empty_shard(
    skipped: Sequence[tuple[Pact, Interaction]],
    provider: str,
    shard: ShardSpec,
    pacts: Sequence[Pact],
) -> Report:
    """A shard with nothing to replay (more machines than interactions): its report, at once."""
    report = Report(
        command="verify", cases=skipped_cases(skipped, provider), meta={"show_cases": True}
    )
    report.meta.update(
        {
            "provider": provider,
            "pacts": [redact(p.source) for p in pacts if p.source],  # broker_pacts: their URLs
            "interactions": len(report.cases),
            "shard": str(shard),
        }
    )
    return report
