"""Text (and JSON) of the commands whose report is a result, not findings.

The broker commands answer with what the broker did (a version published, a deployment
recorded) or, for ``can-i-deploy``, with the matrix and a verdict worded as the official
Pact CLI words them, so a pipeline reading either reads the same lines. Their ``Report``
carries the result in ``meta`` (``meta["result"]``: the same plain data ``--format json``
has always printed), and the functions here turn it into text. ``snapshot --check`` prints
the stale snapshot's diff. Every function is pure.
"""

from __future__ import annotations

import json
from typing import Any

from seam.model import Report


def result_json(report: Report) -> str:
    """``meta["result"]`` as indented JSON: what the broker commands print for ``json``."""
    return json.dumps(report.meta["result"], indent=2, sort_keys=True) + "\n"


def _lines(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def published(report: Report) -> str:
    """``publish``: one line per pact stored with its URL, then the broker's notices."""
    result = report.meta["result"]
    lines = [
        f"published {p['consumer']} {result['version']} → {p['provider']}  {p['url']}".rstrip()
        for p in result["pacts"]
    ]
    lines += [f"[{n['type']}] {n['text']}" for n in result["notices"]]
    return _lines("\n".join(lines))


def environment_created(report: Report) -> str:
    """``create-environment``: the environment's name and uuid."""
    env = report.meta["result"]
    return f"created environment {env['name']} ({env['uuid']})\n"


def _recorded_line(done: dict[str, Any]) -> str:
    instance = f" (instance {done['application_instance']})" if done["application_instance"] else ""
    verb = {"deployment": "deployed to", "release": "released to"}.get(
        done["action"], "undeployed from"
    )
    what = f"{done['pacticipant']} {done['version']}"
    return f"recorded {what} as {verb} {done['environment']}{instance}"


def recorded(report: Report) -> str:
    """``record-deployment``/``-release``/``-undeployment``: one line per record."""
    result = report.meta["result"]
    records = result if isinstance(result, list) else [result]
    return _lines("\n".join(_recorded_line(r) for r in records))


def version_described(report: Report) -> str:
    """``describe-version``: the version as a few aligned lines."""
    info = report.meta["result"]
    lines = [
        f"pacticipant: {info['pacticipant']}",
        f"version:     {info['number']}",
        f"branches:    {', '.join(info['branches']) or '-'}",
        f"tags:        {', '.join(info['tags']) or '-'}",
    ]
    if info["build_url"]:
        lines.append(f"build:       {info['build_url']}")
    if info["created_at"]:
        lines.append(f"created:     {info['created_at']}")
    return "\n".join(lines) + "\n"


def _success(value: Any) -> str:
    if value is None:
        return "???"  # no verification result yet
    return "true" if value else "false"


def can_i_deploy(report: Report) -> str:
    """``can-i-deploy``: the matrix rows, the broker's notices and the verdict.

    The table and the "Computer says yes/no" verdict are the official CLI's.
    """
    meta = report.meta
    header = ("CONSUMER", "C.VERSION", "PROVIDER", "P.VERSION", "SUCCESS?", "RESULT")
    rows = [
        (
            r["consumer"],
            r["consumer_version"],
            r["provider"],
            r["provider_version"] or "???",
            _success(r["success"]) + (" (ignored)" if r["ignored"] else ""),
            r["verification_url"] or "",
        )
        for r in meta["matrix"]
    ]
    lines: list[str] = []
    if rows:
        widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
        for line in [header, tuple("-" * w for w in widths), *rows]:
            cells = (str(v).ljust(w) for v, w in zip(line, widths, strict=True))
            lines.append(" | ".join(cells).rstrip())
        lines.append("")
    else:
        lines += ["There are no matrix rows for this query.", ""]
    for notice in meta["notices"]:
        lines.append(f"[{notice['type']}] {notice['text']}")
    if meta["deployable"] is True:
        verdict = "Computer says yes \\o/"
    elif meta["deployable"] is False:
        verdict = "Computer says no ¯\\_(ツ)_/¯"
    else:
        verdict = "Computer says no ¯\\_(ツ)_/¯ (some results are unknown)"
    where = f" to {meta['target']}" if meta["target"] else ""
    lines.append(f"{verdict}  ({meta['selector']}{where})")
    reason = meta["reason"]
    if reason and reason not in {n["text"] for n in meta["notices"]}:
        lines.append(reason)
    return "\n".join(lines) + "\n"


def snapshot_checked(report: Report) -> str:
    """``snapshot --check``: "up to date", or the start of a stale snapshot's diff.

    A missing snapshot prints nothing here: its one error line says what to run.
    """
    meta = report.meta
    if meta["state"] == "up-to-date":
        return f"{meta['snapshot']} is up to date\n"
    if meta["state"] == "missing":
        return ""
    lines = list(meta["diff"])
    if meta["diff_lines"] > len(lines):
        lines.append(f"... {meta['diff_lines'] - len(lines)} more diff lines")
    return "\n".join(lines) + "\n"
