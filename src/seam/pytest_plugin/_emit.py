"""Write a session's pact files and OpenAPI snapshots, all or nothing, once per session.

Imported only at the end of a session that recorded something: it pulls in
``seam.pactfile`` and ``seam.openapi`` (PyYAML, openapi-spec-validator).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seam.errors import SeamError
from seam.openapi import dump_yaml, infer_openapi, validate_document
from seam.pactfile import canonical_json, parse_pact
from seam.pytest_plugin._config import Settings
from seam.pytest_plugin._record import MergePlan, Recorder, RunFacts, plan_merge

__all__ = ["EmitResult", "emit"]

# How many kept interactions the terminal names before it summarises the rest.
_NAMED = 5


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


def _read_existing(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeamError(
            f"cannot read the existing pact ({exc}); fix or delete it, then run again",
            location=str(path),
        ) from None
    if not isinstance(doc, dict):
        raise SeamError("the existing pact is not a JSON object; delete it", location=str(path))
    return doc


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _commit(files: dict[Path, str]) -> None:
    """Write every file through a temporary sibling, then rename them all.

    Nothing is replaced unless every temporary file could be written, so a folder
    that refuses writes leaves every existing contract as it was.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            if path.parent.exists() and not path.parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "a file is in the way", str(path.parent))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


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


def emit(recorder: Recorder, settings: Settings, facts: RunFacts, base: Path) -> EmitResult:
    """Merge, infer and write every pair the session recorded.

    Args:
        recorder: What the session (all workers) recorded.
        settings: Where to write, and whether to.
        facts: What ran, for pruning.
        base: The folder paths are shown relative to.

    Returns:
        Summary lines and error lines for the terminal.
    """
    result = EmitResult()
    files: dict[Path, str] = {}
    for pair in sorted(recorder.templates):
        consumer, provider = pair
        pact_path = settings.contracts / "pacts" / f"{consumer}-{provider}.json"
        openapi_path = settings.contracts / "openapi" / f"{consumer}-{provider}.yaml"
        template = recorder.templates[pair]
        # The bookkeeping pact_ffi adds (its own versions) changes on upgrades, not with the API.
        metadata = {k: v for k, v in template.get("metadata", {}).items() if k != "pactRust"}
        template = {**template, "metadata": metadata}
        version = str(metadata.get("pactSpecification", {}).get("version", ""))
        try:
            existing = _read_existing(pact_path)
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
            snapshot = infer_openapi(parse_pact(plan.doc, source=str(pact_path)))
            openapi_text = dump_yaml(snapshot)
            # The validator costs a quarter of a second; a snapshot identical to the one
            # on disk passed it when it was written.
            if _read_text(openapi_path) != openapi_text:
                validate_document(snapshot, source=str(openapi_path))
        except SeamError as exc:
            result.errors.append(f"seam: {exc}")
            continue
        unchanged = (
            existing is not None
            and canonical_json(existing) == pact_text
            and _read_text(openapi_path) == openapi_text
        )
        result.lines.extend(_summary(plan, _show(pact_path, base), unchanged))
        result.lines.append(
            f"{_show(openapi_path, base)}: OpenAPI snapshot of what {consumer} uses"
        )
        if not unchanged:
            files[pact_path] = pact_text
            files[openapi_path] = openapi_text
    if not settings.write:
        result.lines.append("--seam-no-write: nothing was written")
        return result
    try:
        _commit(files)
    except OSError as exc:
        where = exc.filename or settings.contracts
        result.errors.append(
            f"seam: cannot write contracts under {_show(Path(where), base)}: "
            f"{exc.strerror or exc}; no contract was changed. Make the folder writable, "
            "or pass --seam-contracts DIR or --seam-no-write"
        )
        result.lines.clear()
    return result
