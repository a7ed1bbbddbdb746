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
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seam._layout import DEFAULT_CONTRACTS, Layout
from seam.errors import (
    BrokerError,
    BrokerUnreachable,
    InputError,
    ProviderUnreachable,
    SeamError,
    UsageError,
    redact,
)
from seam.model import Case, CaseStatus, Finding, Report, Severity
from seam.openapi import load_document
from seam.pactfile import Interaction, Pact, load_pacts
from seam.verify._conformance import run_conformance
from seam.verify._messages import ProviderMessages, load_messages
from seam.verify._provider import (
    ProviderProcess,
    check_seconds,
    free_port,
    http_address,
    wait_until_reachable,
)
from seam.verify._replay import (
    BrokerSource,
    PublishOptions,
    Shard,
    ShardResult,
    run_shard,
    selector_keywords,
)
from seam.verify._results import build_cases
from seam.verify._states import ProviderStates, load_states

__all__ = ["ConformanceOptions", "verify"]

DEFAULT_PACTS = Layout(DEFAULT_CONTRACTS).pacts_dir
PROGRESS_FROM = 50  # interactions: shorter runs print no progress lines
CHUNK = 25  # interactions per pact file the verifier reads (see _write_shards)
Progress = Callable[[str], None]


@dataclass(slots=True)
class ConformanceOptions:
    """``--conformance``: schemathesis against the provider's own OpenAPI document."""

    openapi: Path | None = None
    max_examples: int = 10
    seed: int | None = None
    headers: tuple[str, ...] = ()  # "Name: value", e.g. the token protected operations need
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")  # schemathesis's


class _Launched:
    """Context manager: launch a provider on entry (no waiting), stop it on exit."""

    def __init__(self, process: ProviderProcess) -> None:
        self.process = process

    def __enter__(self) -> ProviderProcess:
        return self.process.launch()

    def __exit__(self, *exc: object) -> None:
        self.process.stop()


def _noop(_: str) -> None:
    return None


def _expand(template: str, *, worker: int, port: int | None) -> str:
    out = template.replace("{worker}", str(worker))
    if port is not None:
        out = out.replace("{port}", str(port))
    return out


def _check_options(
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
    if not base_url:
        # Messages only: no provider process is involved; the remaining checks are about it.
        if state_url:
            http_address(state_url, "--state-url")
        if states is not None and state_url:
            raise UsageError("--states and --state-url cannot be used together: pick one")
        if workers < 1:
            raise UsageError(f"--workers {workers}: expected 1 or more")
        if publish is not None and broker is None:
            raise UsageError("--publish needs --broker-base-url: results are published to a broker")
        if broker is not None:
            _check_broker_options(broker)
        return
    # Checked before anything starts; {port} is filled in later, any number will do here.
    http_address(base_url.replace("{port}", "1"), "--base-url")
    if state_url:
        http_address(state_url, "--state-url")
    check_seconds("--ready-timeout", ready_timeout)
    check_seconds("--request-timeout", request_timeout)
    if states is not None and state_url:
        raise UsageError("--states and --state-url cannot be used together: pick one")
    if workers < 1:
        raise UsageError(f"--workers {workers}: expected 1 or more")
    if publish is not None and broker is None:
        raise UsageError("--publish needs --broker-base-url: results are published to a broker")
    if "{port}" in base_url and not (start and "{port}" in start):
        raise UsageError("{port} in --base-url needs {port} in --start too (Seam picks the port)")
    if start and "{port}" in start and "{port}" not in base_url:
        raise UsageError(
            "{port} in --start needs {port} in --base-url too, e.g. http://127.0.0.1:{port}"
        )
    if broker is not None:
        _check_broker_options(broker)
    if workers > 1 and isinstance(states, ProviderStates):
        raise UsageError(
            "--workers > 1 needs the states as 'module:object' so worker processes can import them"
        )


def _check_broker_options(broker: BrokerSource) -> None:
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


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _write_shards(
    pacts: Sequence[Pact],
    replayable: Sequence[tuple[Pact, Interaction]],
    workers: int,
    root: Path,
    chunk: int,
) -> list[list[str]]:
    """Split the interactions round-robin into ``workers`` folders of pact files.

    Each worker's share of a pact is written as files of at most ``chunk`` interactions,
    in pact order: the verifier's cost per interaction grows with the size of the pact
    file it is in (from ~2.5 ms at 25 to ~35 ms at 2,000), not with the run. Only local
    pacts are split, so publishing and pending (which concern broker pacts) are as
    before, and cases are matched back to interactions by consumer, description and
    states, whatever file they were in.
    """
    buckets: list[dict[int, list[Interaction]]] = [{} for _ in range(workers)]
    for i, (pact, interaction) in enumerate(replayable):
        buckets[i % workers].setdefault(id(pact), []).append(interaction)
    by_id = {id(p): p for p in pacts}
    out: list[list[str]] = []
    for w, bucket in enumerate(buckets):
        files: list[str] = []
        for n, (pact_id, interactions) in enumerate(bucket.items()):
            pact = by_id[pact_id]
            doc = {k: v for k, v in pact.raw.items() if k not in ("interactions", "messages")}
            for kind, key, members in _sections(pact, interactions):
                for part, start in enumerate(range(0, len(members), chunk)):
                    doc.pop("interactions", None)
                    doc.pop("messages", None)
                    doc[key] = [dict(x.raw) for x in members[start : start + chunk]]
                    name = _UNSAFE.sub(
                        "_", f"{n:03d}-{kind}-{part:05d}-{pact.consumer}-{pact.provider}.json"
                    )
                    path = root / f"worker-{w}" / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    # Scratch for this run only: no canonical form, no fsync (write_pact's
                    # fsync per chunk file cost ~0.7 ms per interaction on a busy disk).
                    path.write_text(json.dumps(doc), encoding="utf-8")
                    files.append(str(path))
        out.append(files)
    return out


def _sections(
    pact: Pact, interactions: Sequence[Interaction]
) -> list[tuple[str, str, list[Interaction]]]:
    """Each chunk file's section: ``interactions`` (V4: every kind), or ``messages``.

    Before V4 a pact holds HTTP interactions or messages, so messages get files of their own.
    """
    if pact.specification.lstrip(" vV").startswith("4"):
        return [("all", "interactions", list(interactions))]
    http = [i for i in interactions if i.kind != "message"]
    messages = [i for i in interactions if i.kind == "message"]
    return [
        (kind, key, members)
        for kind, key, members in (("http", "interactions", http), ("msg", "messages", messages))
        if members
    ]


def _conformance_spec(options: ConformanceOptions, provider: str, base_url: str) -> str:
    """``--openapi``, else ``contracts/openapi/<provider>.yaml``, else the provider's own."""
    local = _conformance_file(options, provider)
    return str(local) if local is not None else base_url.rstrip("/") + "/openapi.json"


def _conformance_file(options: ConformanceOptions, provider: str) -> Path | None:
    """The document file ``--conformance`` reads, if it reads one rather than a URL."""
    if options.openapi is not None:
        return options.openapi
    return Layout(DEFAULT_CONTRACTS).find_provider_openapi(provider)


def _check_broker(broker: BrokerSource) -> None:
    http_address(broker.url, "--broker-base-url")
    try:
        wait_until_reachable(broker.url, option="--broker-base-url")
    except ProviderUnreachable:
        raise BrokerUnreachable(
            f"the Pact Broker at {broker.url} does not answer; check --broker-base-url"
        ) from None


def _interruptible(func: Callable[[], ShardResult]) -> ShardResult:
    """Run ``func`` in a thread while this one waits in Python.

    The Rust verifier blocks the calling thread in native code, where Ctrl-C (and the
    CLI's SIGTERM handler) cannot reach it; waiting here keeps the interrupt prompt, so
    the providers are stopped at once (the abandoned daemon thread ends with the process).
    """
    outcome: list[ShardResult] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(func())
        except BaseException as exc:  # handed over to the waiting thread below
            failure.append(exc)

    thread = threading.Thread(target=target, name="seam-verifier", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
    if failure:
        raise failure[0]
    return outcome[0]


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


def _run_all(
    shards: Sequence[Shard],
    states: ProviderStates | None,
    on_setup: Callable[[], None] | None,
    messages: ProviderMessages | None = None,
) -> list[ShardResult]:
    """Run the first shard in this process and the others in worker processes, all at once."""
    replay = functools.partial(run_shard, shards[0], states, on_setup, messages)
    first = functools.partial(_interruptible, replay)
    if len(shards) == 1:
        return [first()]
    return _run_workers(shards[1:], first=first)


def _run_workers(
    shards: Sequence[Shard], first: Callable[[], ShardResult] | None = None
) -> list[ShardResult]:
    """Run each shard in its own ``python -m seam.verify._worker`` process, all at once.

    ``first``, when given, runs here while the workers run, and its result comes first.
    """
    # Worker processes import the user's states module: give them this process's path.
    path = os.pathsep.join(p for p in sys.path if p and Path(p).is_dir())
    procs = []
    try:
        for shard in shards:
            env = {**os.environ, **shard.env, "PYTHONPATH": path}
            proc = subprocess.Popen(
                [sys.executable, "-m", "seam.verify._worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            procs.append(proc)
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(shard.to_dict()).encode())
            proc.stdin.close()
            proc.stdin = None  # sent; communicate() below only reads
        results = [first()] if first is not None else []
        for shard, proc in zip(shards, procs, strict=True):
            out, err = proc.communicate()
            results.append(_worker_result(shard, out, err, proc.returncode))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def _worker_result(shard: Shard, out: bytes, err: bytes, code: int) -> ShardResult:
    try:
        doc = json.loads(out)
    except ValueError:
        tail = err.decode(errors="replace").strip().splitlines()[-3:]
        raise SeamError(
            f"verifier worker {shard.worker} exited with code {code}: {' | '.join(tail)}"
        ) from None
    if "error" in doc:
        error = SeamError(str(doc["error"]))
        error.exit_code = int(doc.get("exit_code", 2))
        raise error
    return ShardResult.from_dict(doc)


def _skipped_cases(skipped: Sequence[tuple[Pact, Interaction]], provider: str) -> list[Case]:
    cases = []
    for pact, interaction in skipped:
        why = (
            "message interactions are replayed with --messages MODULE:OBJECT (a registry "
            "of the provider's message producers)"
            if interaction.kind == "message"
            else f"{interaction.kind} interactions are not replayed by contracts verify"
        )
        finding = Finding(
            rule="interaction-not-replayed",
            severity=Severity.INFO,
            message=why,
            file=pact.source,
            consumers=(pact.consumer,),
            interaction=interaction.description,
        )
        cases.append(
            Case(
                name=interaction.description,
                status=CaseStatus.SKIPPED,
                group=f"{pact.consumer} -> {provider}",
                findings=(finding,),
            )
        )
    return cases


_BROKER_REFUSED = re.compile(r"Request to pact broker path '([^']*)' failed: (4\d\d [^.]*)")


def _orphan_errors(result: ShardResult) -> list[Finding]:
    """Errors the verifier reported outside any interaction (a pact it could not load).

    Raises:
        BrokerError: the broker refused the request for pacts (401/403/404...).
    """
    if result.results.get("interactionResults"):
        return []
    out = []
    for error in result.results.get("errors") or []:
        mismatch = error.get("mismatch") or {}
        message = str(mismatch.get("message") or error.get("interaction") or "verification failed")
        refused = _BROKER_REFUSED.search(message)
        if refused:
            what = refused.group(1) or "the request for pacts"
            raise BrokerError(
                f"the broker refused {what} with {refused.group(2)}; "
                "check --broker-token / --broker-username"
            )
        out.append(Finding(rule="verification-error", severity=Severity.ERROR, message=message))
    return out


def _publish_failures(results: Sequence[ShardResult]) -> list[Finding]:
    # pact_ffi only logs a failed publication; find it in the verifier's logs and output.
    out = []
    for result in results:
        for line in (result.logs + "\n" + result.output).splitlines():
            if "Publishing of verification results failed" in line:
                message = line.split(": ", 1)[1] if line.startswith("ERROR: ") else line
                out.append(
                    Finding(rule="publish-failed", severity=Severity.ERROR, message=message.strip())
                )
    return out


def _start_shards(
    stack: ExitStack,
    template: Shard,
    shard_files: Sequence[list[str]],
    *,
    start: str | None,
    ready_timeout: float,
    say: Progress,
) -> tuple[list[Shard], list[ProviderProcess]]:
    """One shard per worker, with its URL and environment; start the provider(s) for them.

    Only worker 0 fetches from the broker and publishes, so results are published once.
    """
    per_worker_provider = bool(start and "{port}" in start)
    shards: list[Shard] = []
    launched: list[ProviderProcess] = []
    for w, files in enumerate(shard_files):
        port = free_port() if per_worker_provider else None
        url = _expand(template.base_url, worker=w, port=port) if template.base_url else None
        env = {k: _expand(v, worker=w, port=port) for k, v in template.env.items()}
        if start and (per_worker_provider or w == 0):
            assert url is not None  # --start needs --base-url (_check_options)
            command = _expand(start, worker=w, port=port)
            say(f"starting the provider: {command}")
            process = ProviderProcess(command, url, env=env, ready_timeout=ready_timeout)
            launched.append(stack.enter_context(_Launched(process)))
        shard = Shard.from_dict({**template.to_dict(), "base_url": url, "env": env})
        shard.files, shard.worker = list(files), w
        if w:
            shard.broker, shard.publish = None, None
        shards.append(shard)
    # Started side by side, then waited for: two providers boot in the time of one.
    for process in launched:
        process.wait_ready()
    if not launched and template.base_url:
        wait_until_reachable(template.base_url)
    return shards, launched


def _exited(processes: Sequence[ProviderProcess]) -> list[Finding]:
    """A started provider that died during the run: say so, with the end of its log."""
    out = []
    for process in processes:
        code = process.exit_code()
        if code is not None:
            tail = process.log_tail()
            message = f"the provider exited with code {code} during the run ({process.command})"
            out.append(
                Finding(
                    rule="verification-error",
                    severity=Severity.ERROR,
                    message=message + (f"; its log ends: {tail}" if tail else ""),
                )
            )
    return out


def _report(
    pacts: Sequence[Pact], results: Sequence[ShardResult], provider: str, published: bool
) -> Report:
    cases, findings = build_cases(
        pacts,
        [r for res in results for r in res.results.get("interactionResults") or []],
        [e for res in results for e in res.state_errors],
        provider=provider,
        message_errors=[e for res in results for e in res.message_errors],
    )
    for res in results:
        findings.extend(_orphan_errors(res))
    if published:
        findings.extend(_publish_failures(results))
    return Report(command="verify", findings=findings, cases=cases, meta={"show_cases": True})


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
        broker: fetch pacts from a Pact Broker as well.
        publish: publish the verification results to ``broker``.
        env: environment for the provider command and the state handlers;
            ``{worker}`` in a value becomes the worker's number.
        workers: how many verifier processes share the interactions.
        conformance: also run schemathesis against the provider's OpenAPI.
        request_timeout: seconds the verifier waits for each response.
        progress: called with a line of text at each step (the CLI prints them).
        tally: called with a :class:`Tally` as each interaction starts and once at the
            end (a live display draws them); the lines at each tenth are then left out.

    Returns:
        A report with one case per interaction and a finding per mismatch.

    Raises:
        UsageError: options that cannot work together.
        InputError: a missing or malformed pact file, a broken --conformance document
            (a dangling or cyclic $ref, say), or no pacts to verify.
        ProviderUnreachable: the provider did not start or does not answer.
        BrokerUnreachable: the broker does not answer.
    """
    show = progress or _noop

    def say(line: str) -> None:
        # Progress lines name the provider and broker URLs; none shows a password.
        show(redact(line))

    _check_options(
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
    pacts = _load_local(sources, provider, use_default=broker is None)
    name = _provider_name(pacts, provider)
    kinds = ("http", "message") if messages is not None else ("http",)
    replayable = [(p, i) for p in pacts for i in p.interactions if i.kind in kinds]
    skipped = [(p, i) for p in pacts for i in p.interactions if i.kind not in kinds]
    if not replayable and broker is None:
        where = ", ".join(str(s) for s in sources) or str(DEFAULT_PACTS)
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
        spec = _conformance_spec(conformance, name, base_url)
        if not spec.startswith(("http://", "https://")):
            load_document(spec)
    if broker is not None:
        _check_broker(broker)

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
        shard_files = _write_shards(pacts, replayable, n_workers, tmp, CHUNK)
        shards, launched = _start_shards(
            stack,
            Shard(
                provider=name,
                base_url=base_url,
                broker=broker,
                publish=publish,
                states=states_name,
                state_url=state_url,
                messages=messages if isinstance(messages, str) else None,
                env=dict(env or {}),
                request_timeout_ms=int(request_timeout * 1000),
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
            + (" and the broker's pacts" if broker else "")
            + f" with {n_workers} worker(s)"
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
        results = _run_all(shards, states_obj, ticker, messages_obj)
        report = _report(pacts, results, name, publish is not None)
        if tally is not None:
            failed = sum(1 for c in report.cases if c.status is CaseStatus.FAILED)
            tally(Tally(total, failed, total, time.monotonic() - started))
        crashed = _exited(launched)
        conformance_cases: list[Case] = []
        conformance_findings: list[Finding] = []
        if conformance is not None:
            assert shards[0].base_url is not None
            spec = _conformance_spec(conformance, name, shards[0].base_url)
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

    report.cases.extend(_skipped_cases(skipped, name))
    report.cases.extend(conformance_cases)
    report.findings.extend(conformance_findings)
    report.findings.extend(crashed)
    report.meta.update(
        {
            "provider": name,
            # Reports are saved and shared: no URL in them keeps its password.
            "base_url": redact(base_url) if base_url else None,
            "base_urls": [redact(s.base_url) for s in shards if s.base_url],
            "pacts": [redact(p.source) if p.source else p.source for p in pacts],
            "broker": redact(broker.url) if broker else None,
            "workers": n_workers,
            "interactions": len(report.cases),
            "seconds": round(time.monotonic() - started, 3),
        }
    )
    return report
