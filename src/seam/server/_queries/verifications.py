"""Queries on verification results."""

from __future__ import annotations

from typing import Any, cast

from seam.server._queries.rows import Connection, VerificationRow

__all__ = [
    "VERIFICATION_SELECT",
    "find_verification",
    "insert_verification",
    "latest_for_pact_version",
    "latest_pact_version_id",
    "latest_success",
    "newest_id_between",
    "pact_version_ids_of_version",
    "verification",
]

VERIFICATION_SELECT = (
    "SELECT vr.id, vr.number, vr.success, vr.build_url, vr.test_results, vr.verified_by, "
    "vr.created_at, pv.sha, c.name AS consumer, p.name AS provider, "
    "prv.number AS provider_version "
    "FROM verifications vr "
    "JOIN pact_versions pv ON pv.id = vr.pact_version_id "
    "JOIN pacticipants c ON c.id = pv.consumer_id "
    "JOIN pacticipants p ON p.id = pv.provider_id "
    "JOIN versions prv ON prv.id = vr.provider_version_id"
)


def verification(conn: Connection, verification_id: int) -> VerificationRow | None:
    """Return a verification result by id, or None."""
    row = conn.execute(f"{VERIFICATION_SELECT} WHERE vr.id = ?", (verification_id,)).fetchone()
    return cast(VerificationRow, dict(row)) if row is not None else None


def latest_pact_version_id(conn: Connection, consumer_id: int, provider_id: int) -> int | None:
    """Return the content id of the newest consumer version's pact with the provider."""
    row = conn.execute(
        "SELECT pp.pact_version_id AS id FROM pact_publications pp "
        "JOIN versions cv ON cv.id = pp.consumer_version_id "
        "WHERE cv.pacticipant_id = ? AND pp.provider_id = ? "
        "ORDER BY cv.id DESC LIMIT 1",
        (consumer_id, provider_id),
    ).fetchone()
    return int(row["id"]) if row is not None else None


def insert_verification(
    conn: Connection,
    *,
    pact_version_id: int,
    provider_version_id: int,
    success: bool,
    build_url: str | None,
    test_results: str | None,
    verified_by: str | None,
    now: str,
) -> int:
    """Store a verification result, numbered after the pact version's others; returns its id.

    The caller holds the provider's write key (seam.server._locks), so no other result of
    the pact version is being numbered at once.
    """
    row = conn.execute(
        "INSERT INTO verifications (pact_version_id, provider_version_id, number, success, "
        "build_url, test_results, verified_by, created_at) "
        "SELECT ?, ?, COUNT(*) + 1, ?, ?, ?, ?, ? FROM verifications WHERE pact_version_id = ? "
        "RETURNING id",
        (
            pact_version_id,
            provider_version_id,
            int(success),
            build_url,
            test_results,
            verified_by,
            now,
            pact_version_id,
        ),
    ).fetchone()
    return int(row["id"])


def find_verification(
    conn: Connection, consumer_id: int, provider_id: int, sha: str, number: int | None
) -> VerificationRow | None:
    """Return a pact version's verification result by number (None: the newest), or None."""
    params: list[Any] = [consumer_id, provider_id, sha]
    sql = f"{VERIFICATION_SELECT} WHERE pv.consumer_id = ? AND pv.provider_id = ? AND pv.sha = ?"
    if number is not None:
        sql += " AND vr.number = ?"
        params.append(number)
    row = conn.execute(sql + " ORDER BY vr.id DESC LIMIT 1", params).fetchone()
    return cast(VerificationRow, dict(row)) if row is not None else None


def pact_version_ids_of_version(conn: Connection, consumer_version_id: int) -> list[int]:
    """Return the content ids of the pacts a consumer version published."""
    rows = conn.execute(
        "SELECT pact_version_id FROM pact_publications WHERE consumer_version_id = ?",
        (consumer_version_id,),
    ).fetchall()
    return [int(r["pact_version_id"]) for r in rows]


def latest_for_pact_version(conn: Connection, pact_version_id: int) -> VerificationRow | None:
    """Return a pact version's newest verification result, or None."""
    row = conn.execute(
        f"{VERIFICATION_SELECT} WHERE vr.pact_version_id = ? ORDER BY vr.id DESC LIMIT 1",
        (pact_version_id,),
    ).fetchone()
    return cast(VerificationRow, dict(row)) if row is not None else None


def newest_id_between(conn: Connection, consumer_id: int, provider_id: int) -> int | None:
    """Return the id of the newest verification of any pact between the two, or None."""
    row = conn.execute(
        "SELECT MAX(vr.id) AS newest FROM verifications vr WHERE vr.pact_version_id IN "
        "(SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ?)",
        (consumer_id, provider_id),
    ).fetchone()
    return int(row["newest"]) if row["newest"] is not None else None


def latest_success(conn: Connection, pact_version_id: int) -> bool | None:
    """Return whether a pact version's newest verification passed (None: never verified)."""
    row = conn.execute(
        "SELECT success FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1",
        (pact_version_id,),
    ).fetchone()
    return None if row is None else bool(row["success"])
