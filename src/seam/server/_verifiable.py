"""Pacts for verification: consumer version selectors, pending and work-in-progress pacts.

The provider asks which pacts to verify. Each consumer version selector picks consumer
versions (``mainBranch``, ``branch``, ``matchingBranch``, ``tag``/``latest``,
``deployed``/``released``/``deployedOrReleased``/``environment``, ``consumer``,
``fallbackTag``/``fallbackBranch``); the pacts of those versions with the provider are
de-duplicated by content. A pact is *pending* while no provider version on the given
branch (or with one of the given tags, or any version when neither is given) has verified
its content successfully; pending failures do not fail the provider's build. With
``includeWipPactsSince``, the latest pacts of every consumer branch and tag published since
then that are still pending and not already selected come back as work in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seam.server._errors import Invalid
from seam.server._storage import Connection

__all__ = ["VerifiablePact", "pacts_for_verification"]

_KNOWN = {
    "mainBranch",
    "branch",
    "matchingBranch",
    "tag",
    "latest",
    "deployed",
    "released",
    "deployedOrReleased",
    "environment",
    "consumer",
    "fallbackTag",
    "fallbackBranch",
}


@dataclass
class VerifiablePact:
    """One pact content to verify, with why it was selected."""

    consumer: str
    provider: str
    sha: str
    consumer_versions: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    pending: bool = False
    wip: bool = False
    created_at: str = ""


_PUB = (
    "SELECT pp.pact_version_id, pp.created_at, pv.sha, cv.id AS version_id, "
    "cv.number, c.name AS consumer, c.id AS consumer_id "
    "FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id "
    "JOIN versions cv ON cv.id = pp.consumer_version_id "
    "JOIN pacticipants c ON c.id = cv.pacticipant_id"
)


def _rows(conn: Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _latest_per_consumer(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    best: dict[int, dict[str, Any]] = {}
    for row in rows:
        if (
            row["consumer_id"] not in best
            or row["version_id"] > best[row["consumer_id"]]["version_id"]
        ):
            best[row["consumer_id"]] = row
    return list(best.values())


def _select(
    conn: Connection, provider_id: int, sel: dict[str, Any], provider_branch: str | None
) -> tuple[list[dict[str, Any]], str]:
    where = ["pp.provider_id = ?"]
    params: list[Any] = [provider_id]
    join = ""
    latest = sel.get("latest")
    if isinstance(sel.get("consumer"), str):
        where.append("c.name = ?")
        params.append(sel["consumer"])
    branch = sel.get("branch")
    if sel.get("matchingBranch"):
        branch = provider_branch
        if not branch:
            return [], "matching branch (no providerVersionBranch given)"
    if sel.get("mainBranch"):
        join = (
            "JOIN branch_versions bv ON bv.version_id = cv.id "
            "JOIN branches b ON b.id = bv.branch_id"
        )
        where.append("b.name = c.main_branch")
        latest, description = True, "latest from main branch"
    elif isinstance(branch, str):
        join = (
            "JOIN branch_versions bv ON bv.version_id = cv.id "
            "JOIN branches b ON b.id = bv.branch_id"
        )
        where.append("b.name = ?")
        params.append(branch)
        latest = latest is not False
        description = f"latest from branch {branch}" if latest else f"from branch {branch}"
    elif isinstance(sel.get("tag"), str):
        join = "JOIN tags t ON t.version_id = cv.id"
        where.append("t.name = ?")
        params.append(sel["tag"])
        description = f"latest with tag {sel['tag']}" if latest else f"with tag {sel['tag']}"
    elif (
        sel.get("deployed")
        or sel.get("released")
        or sel.get("deployedOrReleased")
        or (isinstance(sel.get("environment"), str))
    ):
        return _in_environment(conn, provider_id, sel, where, params)
    elif latest:
        description = "latest"
    else:
        raise Invalid(
            f"consumer version selector {sel} selects nothing",
            errors={"consumerVersionSelectors": [f"{sel} is not a valid selector"]},
        )
    rows = _rows(conn, f"{_PUB} {join} WHERE {' AND '.join(where)}", params)
    if sel.get("consumer"):
        description += f" for {sel['consumer']}"
    return (_latest_per_consumer(rows) if latest else rows), description


def _in_environment(
    conn: Connection,
    provider_id: int,
    sel: dict[str, Any],
    where: list[str],
    params: list[Any],
) -> tuple[list[dict[str, Any]], str]:
    env = sel.get("environment")
    parts = []
    kinds = []
    if sel.get("deployed") or sel.get("deployedOrReleased") or (env and not sel.get("released")):
        parts.append(
            "SELECT version_id, environment_id FROM deployed_versions WHERE currently_deployed = 1"
        )
        kinds.append("deployed")
    if sel.get("released") or sel.get("deployedOrReleased") or (env and not sel.get("deployed")):
        parts.append(
            "SELECT version_id, environment_id FROM released_versions WHERE currently_supported = 1"
        )
        kinds.append("released")
    union = " UNION ".join(parts)
    env_clause = ""
    if isinstance(env, str):
        env_clause = " AND e.name = ?"
    sql = (
        f"{_PUB} JOIN ({union}) dr ON dr.version_id = cv.id "
        f"JOIN environments e ON e.id = dr.environment_id{env_clause} "
        f"WHERE {' AND '.join(where)}"
    )
    rows = _rows(conn, sql, ([env] if isinstance(env, str) else []) + params)
    where_to = f" to {env}" if isinstance(env, str) else ""
    return rows, f"currently {' or '.join(kinds)}{where_to}"


def _is_pending(
    conn: Connection, pact_version_id: int, branch: str | None, tags: list[str]
) -> bool:
    # No join to versions: PostgreSQL's planner would hash the whole table for one lookup.
    sql = "SELECT 1 FROM verifications vr WHERE vr.pact_version_id = ? AND vr.success = 1"
    params: list[Any] = [pact_version_id]
    if branch:
        sql += (
            " AND vr.provider_version_id IN (SELECT bv.version_id FROM branch_versions bv "
            "JOIN branches b ON b.id = bv.branch_id WHERE b.name = ?)"
        )
        params.append(branch)
    elif tags:
        marks = ",".join("?" * len(tags))
        sql += (
            f" AND vr.provider_version_id IN (SELECT version_id FROM tags WHERE name IN ({marks}))"
        )
        params += tags
    return conn.execute(sql + " LIMIT 1", params).fetchone() is None


def _wip_candidates(conn: Connection, provider_id: int, since: str) -> list[dict[str, Any]]:
    # The latest consumer version (with a pact for this provider) of every consumer branch
    # and every consumer tag: one grouped scan each, then one lookup of their pacts.
    newest = conn.execute(
        "SELECT MAX(cv.id) FROM pact_publications pp "
        "JOIN versions cv ON cv.id = pp.consumer_version_id "
        "JOIN branch_versions bv ON bv.version_id = cv.id "
        "WHERE pp.provider_id = ? GROUP BY bv.branch_id "
        "UNION SELECT MAX(cv.id) FROM pact_publications pp "
        "JOIN versions cv ON cv.id = pp.consumer_version_id "
        "JOIN tags t ON t.version_id = cv.id "
        "WHERE pp.provider_id = ? GROUP BY cv.pacticipant_id, t.name",
        (provider_id, provider_id),
    ).fetchall()
    ids = [row[0] for row in newest]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = _rows(
        conn,
        f"{_PUB} WHERE pp.provider_id = ? AND cv.id IN ({marks}) AND pp.created_at >= ?",
        [provider_id, *ids, since],
    )
    return rows


def pacts_for_verification(
    conn: Connection, provider: dict[str, Any], body: dict[str, Any]
) -> list[VerifiablePact]:
    """Return the pacts a provider should verify for a pacts-for-verification request body.

    Raises:
        Invalid: A selector is not an object or selects nothing.
    """
    selectors = body.get("consumerVersionSelectors") or []
    if not isinstance(selectors, list) or not all(isinstance(s, dict) for s in selectors):
        raise Invalid(
            "consumerVersionSelectors must be a list of objects",
            errors={"consumerVersionSelectors": ["must be a list of objects"]},
        )
    for sel in selectors:
        unknown = set(sel) - _KNOWN
        if unknown:
            raise Invalid(
                f"unknown consumer version selector keys: {sorted(unknown)}",
                errors={"consumerVersionSelectors": [f"unknown keys {sorted(unknown)}"]},
            )
    branch = body.get("providerVersionBranch")
    branch = branch if isinstance(branch, str) and branch else None
    tags = [t for t in body.get("providerVersionTags") or [] if isinstance(t, str)]
    if not selectors:
        # The Pact Broker's default: the latest pact of every consumer.
        selectors = [{"latest": True}]
    found: dict[int, VerifiablePact] = {}
    for sel in selectors:
        rows, description = _select(conn, provider["id"], sel, branch)
        if not rows and (sel.get("fallbackTag") or sel.get("fallbackBranch")):
            fallback = {k: v for k, v in sel.items() if k not in ("tag", "branch")}
            if sel.get("fallbackTag"):
                fallback["tag"] = sel["fallbackTag"]
            else:
                fallback["branch"] = sel["fallbackBranch"]
            fallback.pop("fallbackTag", None)
            fallback.pop("fallbackBranch", None)
            rows, description = _select(conn, provider["id"], fallback, branch)
            description += " (fallback)"
        for row in rows:
            pact = found.setdefault(
                row["pact_version_id"],
                VerifiablePact(
                    row["consumer"], provider["name"], row["sha"], created_at=row["created_at"]
                ),
            )
            if row["number"] not in pact.consumer_versions:
                pact.consumer_versions.append(row["number"])
            if description not in pact.descriptions:
                pact.descriptions.append(description)
    include_pending = bool(body.get("includePendingStatus"))
    for pact_version_id, pact in found.items():
        pact.pending = include_pending and _is_pending(conn, pact_version_id, branch, tags)
    since = body.get("includeWipPactsSince")
    if include_pending and isinstance(since, str) and since:
        for row in _wip_candidates(conn, provider["id"], since):
            pid = row["pact_version_id"]
            if pid in found or not _is_pending(conn, pid, branch, tags):
                continue
            found[pid] = VerifiablePact(
                row["consumer"],
                provider["name"],
                row["sha"],
                [row["number"]],
                ["work in progress"],
                pending=True,
                wip=True,
                created_at=row["created_at"],
            )
    return sorted(found.values(), key=lambda p: (p.wip, p.consumer.lower(), p.created_at))
