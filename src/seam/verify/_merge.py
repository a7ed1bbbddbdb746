"""``merge_reports()``: the JSON reports of N ``--shard I/N`` runs as one verify report.

Each CI machine writes its share with ``--format json --output FILE``; merging checks
that the files are verify reports of one provider, one of each shard of the same N,
with no interaction verified twice, and gives the cases and findings of all of them.
Shards of the broker's pacts must have been given the same pacts (a pact published
between two shards' runs would be verified in part); their per-pact outcomes are added
up in ``meta["broker_pacts"]``, which ``publish_results`` publishes once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from seam._files import load_json, read_bounded
from seam.errors import InputError
from seam.model import Case, CaseStatus, Finding, Report, Severity

__all__ = ["merge_reports"]


def _finding(doc: Mapping[str, Any]) -> Finding:
    return Finding(
        rule=str(doc["rule"]),
        severity=Severity.parse(str(doc["severity"])),
        message=str(doc["message"]),
        path=str(doc.get("path", "")),
        method=str(doc.get("method", "")),
        location=str(doc.get("location", "")),
        file=doc.get("file"),
        line=doc.get("line"),
        consumers=tuple(doc.get("consumers") or ()),
        interaction=doc.get("interaction"),
        details=dict(doc.get("details") or {}),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = load_json(read_bounded(path, what="verify report"), what=str(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg}); expected `verify --format json`") from None
    if not isinstance(doc, dict) or doc.get("command") != "verify" or doc.get("version") != 1:
        raise InputError(f"{path}: not a report of `contracts verify --format json`")
    return doc


def _shard_of(path: Path, doc: Mapping[str, Any]) -> tuple[int, int]:
    meta = doc.get("meta") or {}
    index, _, count = str(meta.get("shard") or "").partition("/")
    if not (index.isdigit() and count.isdigit()):
        raise InputError(f"{path}: not the report of a `verify --shard I/N` run")
    return int(index), int(count)


def merge_reports(paths: Sequence[Path]) -> Report:
    """One report from the JSON reports of every shard of a ``--shard I/N`` verification.

    Args:
        paths: one JSON report per shard, in any order.

    Returns:
        The cases (shard by shard, in shard order) and findings of every report; ``meta``
        says which provider, which shards and how many interactions.

    Raises:
        InputError: a file that is not a shard's verify report, two providers, a shard
            missing or given twice, or one interaction in two shards.
    """
    if not paths:
        raise InputError("no reports to merge: give the JSON report of every shard")
    shards: dict[int, tuple[Path, dict[str, Any]]] = {}
    counts: set[int] = set()
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file; expected a `verify --format json` report")
        doc = _read(path)
        index, count = _shard_of(path, doc)
        counts.add(count)
        if index in shards:
            raise InputError(f"{path}: shard {index}/{count} is also {shards[index][0]}")
        shards[index] = (path, doc)
    if len(counts) > 1:
        raise InputError(f"the reports are shards of different splits (N = {sorted(counts)})")
    count = counts.pop()
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in shards]
    if missing:
        raise InputError(f"shard {', '.join(missing)} missing: give the report of every shard")
    providers = {str((d.get("meta") or {}).get("provider")) for _, d in shards.values()}
    if len(providers) > 1:
        raise InputError(f"the reports verify different providers ({', '.join(sorted(providers))})")

    report = Report(command="verify", meta={"show_cases": True})
    seen: dict[tuple[str, str], Path] = {}
    pacts: list[str] = []
    for index in sorted(shards):
        path, doc = shards[index]
        for case in doc.get("cases") or []:
            key = (str(case.get("group", "")), str(case["name"]))
            if seen.get(key, path) != path:
                raise InputError(
                    f"{path}: {key[1]!r} was verified by {seen[key]} too; "
                    "were the shards run on different pacts?"
                )
            seen[key] = path
            report.cases.append(
                Case(
                    name=str(case["name"]),
                    status=CaseStatus(case["status"]),
                    group=key[0],
                    duration=float(case.get("duration") or 0.0),
                    findings=tuple(_finding(f) for f in case.get("findings") or []),
                )
            )
        report.findings.extend(_finding(f) for f in doc.get("findings") or [])
        pacts.extend(p for p in (doc.get("meta") or {}).get("pacts") or [] if p not in pacts)
    report.meta.update(
        {
            "provider": providers.pop(),
            "pacts": pacts,
            "shards": count,
            "interactions": len(report.cases),
        }
    )
    broker_pacts = _broker_pacts([shards[i] for i in sorted(shards)])
    if broker_pacts is not None:
        brokers = {str((d.get("meta") or {}).get("broker")) for _, d in shards.values()}
        report.meta["broker"] = brokers.pop() if len(brokers) == 1 else None
        report.meta["broker_pacts"] = broker_pacts
    return report


def _broker_pacts(shards: Sequence[tuple[Path, Mapping[str, Any]]]) -> list[dict[str, Any]] | None:
    """The broker pacts' outcomes of every shard added up (``None``: no broker pacts).

    Raises:
        InputError: two shards were given different pacts by the broker.
    """
    lists = [((d.get("meta") or {}).get("broker_pacts"), path) for path, d in shards]
    if all(records is None for records, _ in lists):
        return None
    first, first_path = lists[0]
    urls = [str(r.get("url")) for r in first or []]
    merged = {str(r.get("url")): {**r, "interactions": 0, "failed": 0} for r in first or []}
    for records, path in lists:
        if sorted(str(r.get("url")) for r in records or []) != sorted(urls):
            raise InputError(
                f"{path}: the broker gave this shard other pacts than {first_path} (a pact "
                "published between their runs?): run every shard again"
            )
        for record in records or []:
            total = merged[str(record.get("url"))]
            total["interactions"] += int(record.get("interactions") or 0)
            total["failed"] += int(record.get("failed") or 0)
    return [merged[u] for u in urls]
