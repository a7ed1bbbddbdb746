"""Shards and worker processes: who replays which interactions, and where.

The replayable interactions are split round-robin into one folder of pact files per
worker; worker 0 runs in this process (its state handlers and message producers are
the objects the caller passed), the others in ``python -m seam.verify._worker``
processes that import them by name. ``start_shards`` starts the provider(s) for them:
one per worker with ``{port}`` in the start command, else one shared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from seam.errors import SeamError
from seam.pactfile import Interaction, Pact
from seam.verify._messages import ProviderMessages
from seam.verify._provider import ProviderProcess, free_port, wait_until_reachable
from seam.verify._replay import Shard, ShardResult, run_shard
from seam.verify._states import ProviderStates

__all__ = [
    "in_shard",
    "interruptible",
    "run_all",
    "shard_number",
    "start_shards",
    "write_shards",
]

Progress = Callable[[str], None]


def shard_number(pact: Pact, interaction: Interaction, count: int) -> int:
    """The 1-based share of ``count`` that ``interaction`` belongs to (``--shard I/N``).

    A hash of consumer, provider, description and provider states: the same on every
    machine, whatever order the pacts are read in; SHA-256 rather than ``hash()``, which
    Python salts per process.
    """
    identity = "\x1f".join(
        [pact.consumer, pact.provider, interaction.description, *interaction.state_names]
    )
    digest = hashlib.sha256(identity.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(
    pairs: Sequence[tuple[Pact, Interaction]], index: int, count: int
) -> list[tuple[Pact, Interaction]]:
    """The interactions of ``pairs`` in share ``index`` of ``count``, in their order."""
    return [(p, i) for p, i in pairs if shard_number(p, i, count) == index]


class _Launched:
    """Context manager: launch a provider on entry (no waiting), stop it on exit."""

    def __init__(self, process: ProviderProcess) -> None:
        self.process = process

    def __enter__(self) -> ProviderProcess:
        return self.process.launch()

    def __exit__(self, *exc: object) -> None:
        self.process.stop()


def _expand(template: str, *, worker: int, port: int | None) -> str:
    out = template.replace("{worker}", str(worker))
    if port is not None:
        out = out.replace("{port}", str(port))
    return out


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def write_shards(
    pacts: Sequence[Pact],
    replayable: Sequence[tuple[Pact, Interaction]],
    workers: int,
    root: Path,
    chunk: int,
) -> list[list[str]]:
    """Split the interactions round-robin into ``workers`` folders of pact files.

    Each worker's share of a pact is written as files of at most ``chunk`` interactions,
    in pact order: the verifier's cost per interaction grows with the size of the pact
    file it is in (from ~2.5 ms at 25 to ~35 ms at 2,000), not with the run. The broker's
    pacts are split too when Seam fetched them (``_broker_pacts``: pending and publishing
    are then Seam's); cases are matched back to interactions by consumer, description
    and states, whatever file they were in.
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


def interruptible(func: Callable[[], ShardResult]) -> ShardResult:
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


def run_all(
    shards: Sequence[Shard],
    states: ProviderStates | None,
    on_setup: Callable[[], None] | None,
    messages: ProviderMessages | None = None,
) -> list[ShardResult]:
    """Run the first shard in this process and the others in worker processes, all at once."""
    replay = functools.partial(run_shard, shards[0], states, on_setup, messages)
    first = functools.partial(interruptible, replay)
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


def start_shards(
    stack: ExitStack,
    template: Shard,
    shard_files: Sequence[list[str]],
    *,
    start: str | None,
    ready_timeout: float,
    say: Progress,
) -> tuple[list[Shard], list[ProviderProcess]]:
    """One shard per worker, with its URL and environment; start the provider(s) for them.

    When the verifier fetches the broker's pacts (one worker, no ``--shard``), only worker
    0 is given the broker and publishes, so results are published once; otherwise Seam
    fetched them and they are in ``shard_files`` like local pacts.
    """
    per_worker_provider = bool(start and "{port}" in start)
    shards: list[Shard] = []
    launched: list[ProviderProcess] = []
    for w, files in enumerate(shard_files):
        port = free_port() if per_worker_provider else None
        url = _expand(template.base_url, worker=w, port=port) if template.base_url else None
        env = {k: _expand(v, worker=w, port=port) for k, v in template.env.items()}
        if start and (per_worker_provider or w == 0):
            assert url is not None  # --start needs --base-url (check_options)
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
