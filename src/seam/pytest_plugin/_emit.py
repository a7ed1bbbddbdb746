"""Write a session's pact files and OpenAPI snapshots, all or nothing, once per session.

Imported only at the end of a session that recorded something: it pulls in
``seam.pactfile``, ``seam.openapi`` (PyYAML, openapi-spec-validator) and filelock, and
graphql-core only for a pact holding GraphQL-over-HTTP interactions, whose operations go
to ``graphql/<consumer>-<provider>.graphql`` beside the pact.

Two sessions may write one contracts folder at once (a watch mode and a pre-commit
hook, two CI jobs in one workspace). Each merges what it recorded into the file on
disk, so the read, the merge and the rename of each pact file happen under an
inter-process lock on that file, and the file is read again once the lock is held:
otherwise the last rename wins and the other session's interactions are lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from seam._files import atomic_write_files, atomic_write_text, read_bounded
from seam._layout import Layout
from seam.asyncapi import infer_asyncapi, validation_problems
from seam.errors import AsyncAPIError, SeamError
from seam.graphql import graphql_body
from seam.openapi import (
    Api,
    dump_yaml,
    infer_openapi,
    load_document,
    validate_document,
)
from seam.pactfile import Pact, canonical_json, parse_pact, read_pact
from seam.pytest_plugin._config import Settings
from seam.pytest_plugin._record import MergePlan, Recorder, RunFacts, plan_merge

__all__ = ["EmitResult", "emit"]

# How many kept interactions the terminal names before it summarises the rest.
_NAMED = 5

# The locks live in the contracts folder, so that sessions in different containers or with
# different temporary folders that share one workspace still see each other's; the folder
# ignores itself in git as .pytest_cache and .mypy_cache do, since a flock file cannot be
# deleted on release without letting a third session lock a fresh file beside a waiter.
_GITIGNORE = "# Created by the seam pytest plugin: locks of sessions writing this folder.\n*\n"

# A merge takes well under a second; a lock held this long belongs to a session that hangs.
LOCK_TIMEOUT = 60.0


@dataclass
class EmitResult:
    """What the terminal summary shows."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _show(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _read_existing(path: Path, pair: tuple[str, str]) -> dict[str, Any] | None:
    """The pact on disk, if any, refused unless it is a readable pact of ``pair``.

    Whatever the merge cannot read it would overwrite, so anything ``contracts check``
    would refuse (not JSON, ``interactions`` not a list, ...) stops the write instead.
    """
    if not path.exists():
        return None
    try:
        pact = read_pact(path)
    except SeamError as exc:
        raise SeamError(
            f"cannot read the existing pact: {exc.message}; fix or delete it, then run again",
            location=str(path),
        ) from None
    if (pact.consumer, pact.provider) != pair:
        raise SeamError(
            f"the existing pact is between {pact.consumer} and {pact.provider}, not "
            f"{pair[0]} and {pair[1]}, whose file has the same name; rename one of them",
            location=str(path),
        )
    return dict(pact.raw)


def _read_text(path: Path) -> str | None:
    """The text of the file at ``path``, or None when there is no readable UTF-8 file there.

    Read within the size bound every reader has, so a huge file in the way is rewritten
    rather than read into memory. Line ends read as universal newlines, so a checkout that
    turned them into CRLF (git's autocrlf) is not rewritten on every run.
    """
    try:
        text = read_bounded(path, what="contract file").decode("utf-8")
    except (OSError, SeamError, UnicodeDecodeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _summary(plan: MergePlan, shown: str, unchanged: bool) -> list[str]:
    count = len(plan.doc.get("interactions", [])) + len(plan.doc.get("messages", []))
    changes = (
        f"+{len(plan.added)} added, -{len(plan.removed)} removed, ~{len(plan.changed)} changed"
    )
    state = "unchanged" if unchanged else changes
    lines = [f"{shown}: {count} interaction(s), {state}"]
    for label, items in (
        ("added", plan.added),
        ("removed", plan.removed),
        ("changed", plan.changed),
    ):
        lines.extend(f"    {label}: {item}" for item in items)
    if plan.kept:
        lines.append(
            f"    partial run: kept {len(plan.kept)} interaction(s) whose tests did not run:"
        )
        for description, name in plan.kept[:_NAMED]:
            lines.append(f"      {description} ({name or 'no test name recorded'})")
        if len(plan.kept) > _NAMED:
            lines.append(f"      ... and {len(plan.kept) - _NAMED} more")
    return lines


def _shared_names(
    pairs: list[tuple[str, str]], contracts: Path
) -> dict[Path, list[tuple[str, str]]]:
    """Pact paths that two pairs would write: ``a-b`` → ``c`` and ``a`` → ``b-c``."""
    by_path: dict[Path, list[tuple[str, str]]] = {}
    for pair in pairs:
        by_path.setdefault(Layout(contracts).pact(*pair), []).append(pair)
    return {path: owners for path, owners in by_path.items() if len(owners) > 1}


def _provider_document(contracts: Path, provider: str) -> Api | None:
    """The provider's own OpenAPI in the contracts folder, when it is there and readable.

    The consumer's snapshot then takes the provider's path templates for the requests they
    route (one router, :meth:`seam.openapi.Api.route`). A document that cannot be read
    leaves the snapshot inferred from the pact alone: it is the provider's to fix, and
    `contracts check` says what is wrong with it.
    """
    found = Layout(contracts).find_provider_openapi(provider)
    if found is None:
        return None
    try:
        return Api(load_document(found))
    except SeamError:
        return None


def _operations(pact: Pact, pact_path: Path) -> str | None:
    """The GraphQL operations file of ``pact``, or None when it records no GraphQL request.

    The header names the pact relative to the contracts folder, so the bytes do not depend
    on where the checkout lives.
    """
    if not any(graphql_body(i) is not None for i in pact.interactions):
        return None  # graphql-core is not imported for a pact without GraphQL
    from seam.graphql import operations_text

    return operations_text(pact, source=f"{pact_path.parent.name}/{pact_path.name}")


def _merge(
    recorder: Recorder, settings: Settings, facts: RunFacts, base: Path, *, validate: bool
) -> tuple[EmitResult, dict[Path, str | None]]:
    """Read the files on disk and merge every recorded pair into them; write nothing.

    ``validate`` checks each changed snapshot against the OpenAPI schema, as every
    snapshot that is written must be; a merge that only asks whether anything would
    change can skip it.
    """
    result = EmitResult()
    files: dict[Path, str | None] = {}
    shared = _shared_names(sorted(recorder.templates), settings.contracts)
    layout = Layout(settings.contracts)
    for pair in sorted(recorder.templates):
        consumer, provider = pair
        pact_path = layout.pact(consumer, provider)
        openapi_path = layout.consumer_openapi(consumer, provider)
        if pact_path in shared:
            result.errors.append(
                f"seam: {consumer} → {provider} writes {_show(pact_path, base)}, as "
                f"{' and '.join(f'{c} → {p}' for c, p in shared[pact_path] if (c, p) != pair)} "
                "does; rename a consumer or a provider. It was not written."
            )
            continue
        template = recorder.templates[pair]
        # The bookkeeping pact_ffi adds (its own versions) changes on upgrades, not with the API.
        metadata = {k: v for k, v in template.get("metadata", {}).items() if k != "pactRust"}
        template = {**template, "metadata": metadata}
        version = str(metadata.get("pactSpecification", {}).get("version", ""))
        try:
            existing = _read_existing(pact_path, pair)
            plan = plan_merge(
                template,
                recorder.declared.get(pair, []),
                existing,
                facts,
                with_testnames=version.startswith("4"),
            )
            if plan.conflicts:
                for c in plan.conflicts:
                    result.errors.append(
                        f"seam: {consumer} → {provider}: tests {c.first} and {c.second} both "
                        f"declare {c.description!r} (provider states {c.states}) with different "
                        "content; give one a different description or state. "
                        f"{_show(pact_path, base)} was not written."
                    )
                continue
            pact_text = canonical_json(plan.doc)
            parsed = parse_pact(plan.doc, source=str(pact_path))
            snapshot = infer_openapi(parsed, _provider_document(settings.contracts, provider))
            operations = _operations(parsed, pact_path)
            operations_file = layout.consumer_operations(consumer, provider)
            openapi_text = dump_yaml(snapshot)
            # The validator costs a quarter of a second; a snapshot identical to the one
            # on disk passed it when it was written.
            if validate and _read_text(openapi_path) != openapi_text:
                validate_document(snapshot, source=str(openapi_path))
            events_path, events_text = _asyncapi_snapshot(settings.contracts, parsed, validate)
        except SeamError as exc:
            result.errors.append(f"seam: {exc}")
            continue
        unchanged = (
            existing is not None
            and canonical_json(existing) == pact_text
            and _read_text(openapi_path) == openapi_text
            and (events_text is None or _read_text(events_path) == events_text)
            and _read_text(operations_file) == operations  # None: no file, and none due
        )
        result.lines.extend(_summary(plan, _show(pact_path, base), unchanged))
        result.lines.append(
            f"{_show(openapi_path, base)}: OpenAPI snapshot of what {consumer} uses"
        )
        if events_text is not None:
            result.lines.append(
                f"{_show(events_path, base)}: AsyncAPI snapshot of the messages {consumer} expects"
            )
        if operations is not None:
            result.lines.append(
                f"{_show(operations_file, base)}: the GraphQL operations {consumer} sends"
            )
        if not unchanged:
            files[pact_path] = pact_text
            files[openapi_path] = openapi_text
            if events_text is not None:
                files[events_path] = events_text
            # A consumer whose pact no longer holds GraphQL loses its operations file.
            if operations is not None or operations_file.exists():
                files[operations_file] = operations
    return result, files


def _asyncapi_snapshot(contracts: Path, pact: Any, validate: bool) -> tuple[Path, str | None]:
    """The consumer's AsyncAPI snapshot file and text; None when the pact has no messages.

    Raises:
        AsyncAPIError: the inferred document fails the official schema (a Seam bug).
    """
    path = Layout(contracts).consumer_asyncapi(pact.consumer, pact.provider)
    document = infer_asyncapi(pact)
    if document is None:
        return path, None
    text = dump_yaml(document)
    if validate and _read_text(path) != text:
        problems = validation_problems(document)
        if problems:
            raise AsyncAPIError(
                f"inferred AsyncAPI snapshot is invalid: {problems[0]}", location=str(path)
            )
    return path, text


@contextlib.contextmanager
def _locked(contracts: Path, pact_paths: list[Path]) -> Iterator[None]:
    """Hold the lock of every pact in ``pact_paths``, taken in sorted order.

    Every session takes its locks in the same order, so two sessions writing
    overlapping sets of pairs cannot each hold one lock the other waits for.

    Raises:
        OSError: the lock folder cannot be created.
        filelock.Timeout: another session held a lock for ``LOCK_TIMEOUT`` seconds.
    """
    folder = Layout(contracts).locks_dir
    folder.mkdir(parents=True, exist_ok=True)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        atomic_write_text(gitignore, _GITIGNORE)
    with contextlib.ExitStack() as stack:
        for path in sorted(set(pact_paths)):
            lock = FileLock(folder / f"{path.name}.lock", timeout=LOCK_TIMEOUT)
            stack.enter_context(lock)
        yield


def emit(recorder: Recorder, settings: Settings, facts: RunFacts, base: Path) -> EmitResult:
    """Merge, infer and write every pair the session recorded.

    The merge runs once without a lock; when it would change a file it runs again
    under the locks of the session's pact files, on the files as they are then, and
    its result is written before the locks are released. A run that changes nothing
    (or may not write) takes no lock, and so writes nothing, not even a lock file.

    Args:
        recorder: What the session (all workers) recorded.
        settings: Where to write, and whether to.
        facts: What ran, for pruning.
        base: The folder paths are shown relative to.

    Returns:
        Summary lines and error lines for the terminal.
    """
    result, files = _merge(recorder, settings, facts, base, validate=not settings.write)
    if not settings.write:
        result.lines.append("--seam-no-write: nothing was written")
        return result
    if not files:
        return result
    pact_paths = [Layout(settings.contracts).pact(*pair) for pair in recorder.templates]
    try:
        with _locked(settings.contracts, pact_paths):
            result, files = _merge(recorder, settings, facts, base, validate=True)
            atomic_write_files(files)
    except Timeout as exc:  # a TimeoutError, so an OSError: caught first
        result.lines.clear()
        result.errors.append(
            f"seam: another pytest session has held {_show(Path(exc.lock_file), base)} for "
            f"{LOCK_TIMEOUT:.0f} s; no contract was changed. Run again once it has finished"
        )
    except OSError as exc:
        where = exc.filename or settings.contracts
        result.lines.clear()
        result.errors.append(
            f"seam: cannot write contracts under {_show(Path(where), base)}: "
            f"{exc.strerror or exc}; no contract was changed. Make the folder writable, "
            "or pass --seam-contracts DIR or --seam-no-write"
        )
    return result
