"""Queries on pact content, publications and integrations."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from seam.server._queries.rows import Connection, PublicationRow, VersionPactRow

__all__ = [
    "PUBLICATION_SELECT",
    "ExistingPact",
    "branch_publications",
    "find_publication",
    "insert_integration",
    "insert_pact_version",
    "insert_publication",
    "latest_publication_ids",
    "pact_version_id",
    "publication",
    "publication_of",
    "publications_between",
    "update_publication",
    "version_pacts",
]

PUBLICATION_SELECT = (
    "SELECT pp.id, pp.revision, pp.created_at, pp.pact_version_id, pp.consumer_version_id, "
    "pv.sha, pv.content, pv.consumer_id, pv.provider_id, c.name AS consumer, "
    "p.name AS provider, cv.number AS consumer_version "
    "FROM pact_publications pp "
    "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
    "JOIN versions cv ON cv.id = pp.consumer_version_id "
    "JOIN pacticipants c ON c.id = cv.pacticipant_id "
    "JOIN pacticipants p ON p.id = pp.provider_id"
)


class ExistingPact(TypedDict):
    """A consumer version's publication for a provider: its id, revision, content and sha."""

    id: int
    revision: int
    content: str
    sha: str


def publication_of(
    conn: Connection, consumer_version_id: int, provider_id: int
) -> ExistingPact | None:
    """Return what a consumer version published for a provider, or None."""
    row = conn.execute(
        "SELECT pp.id, pp.revision, pv.content, pv.sha FROM pact_publications pp "
        "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
        "WHERE pp.consumer_version_id = ? AND pp.provider_id = ?",
        (consumer_version_id, provider_id),
    ).fetchone()
    return cast(ExistingPact, dict(row)) if row is not None else None


def insert_pact_version(
    conn: Connection, sha: str, consumer_id: int, provider_id: int, content: str, now: str
) -> int | None:
    """Store pact content unless the pair already has content with this sha; returns its id.

    None when the pair had that content already.
    """
    row = conn.execute(
        "INSERT INTO pact_versions (sha, consumer_id, provider_id, content, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (sha, consumer_id, provider_id, content, now),
    ).fetchone()
    return int(row["id"]) if row is not None else None


def insert_integration(conn: Connection, consumer_id: int, provider_id: int, now: str) -> None:
    """Record that the consumer and provider have a pact, unless recorded."""
    conn.execute(
        "INSERT INTO integrations (consumer_id, provider_id, created_at) "
        "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (consumer_id, provider_id, now),
    )


def pact_version_id(conn: Connection, consumer_id: int, provider_id: int, sha: str) -> int | None:
    """Return the id of the pair's pact content with a sha, or None."""
    row = conn.execute(
        "SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
        (consumer_id, provider_id, sha),
    ).fetchone()
    return int(row["id"]) if row is not None else None


def insert_publication(
    conn: Connection, consumer_version_id: int, provider_id: int, content_id: int, now: str
) -> int:
    """Publish pact content (by id) for a consumer version; returns the publication's id."""
    row = conn.execute(
        "INSERT INTO pact_publications "
        "(consumer_version_id, provider_id, pact_version_id, revision, created_at) "
        "VALUES (?, ?, ?, 1, ?) RETURNING id",
        (consumer_version_id, provider_id, content_id, now),
    ).fetchone()
    return int(row["id"])


def update_publication(conn: Connection, publication_id: int, content_id: int, now: str) -> None:
    """Point a publication at other content, as its next revision."""
    conn.execute(
        "UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, "
        "created_at = ? WHERE id = ?",
        (content_id, now, publication_id),
    )


def publication(conn: Connection, publication_id: int) -> PublicationRow:
    """Return a publication by id (it must exist)."""
    row = conn.execute(f"{PUBLICATION_SELECT} WHERE pp.id = ?", (publication_id,)).fetchone()
    return cast(PublicationRow, dict(row))


def find_publication(
    conn: Connection,
    consumer_id: int,
    provider_id: int,
    *,
    number: str | None = None,
    tag: str | None = None,
    branch: str | None = None,
    sha: str | None = None,
) -> PublicationRow | None:
    """Return the newest publication between two pacticipants matching every filter given."""
    where = ["cv.pacticipant_id = ?", "pp.provider_id = ?"]
    params: list[Any] = [consumer_id, provider_id]
    join = ""
    if number is not None:
        where.append("cv.number = ?")
        params.append(number)
    if sha is not None:
        where.append("pv.sha = ?")
        params.append(sha)
    if tag is not None:
        join = "JOIN tags t ON t.version_id = cv.id"
        where.append("t.name = ?")
        params.append(tag)
    if branch is not None:
        join = (
            "JOIN branch_versions bv ON bv.version_id = cv.id "
            "JOIN branches b ON b.id = bv.branch_id"
        )
        where.append("b.name = ?")
        params.append(branch)
    row = conn.execute(
        f"{PUBLICATION_SELECT} {join} WHERE {' AND '.join(where)} ORDER BY cv.id DESC LIMIT 1",
        params,
    ).fetchone()
    return cast(PublicationRow, dict(row)) if row is not None else None


def branch_publications(
    conn: Connection, provider_id: int, *, consumer_id: int | None, branch: str | None
) -> list[PublicationRow]:
    """Return a provider's publications by consumer versions on a branch, newest first.

    ``branch`` None means each consumer's main branch.
    """
    where = ["pp.provider_id = ?"]
    params: list[Any] = [provider_id]
    if consumer_id is not None:
        where.append("cv.pacticipant_id = ?")
        params.append(consumer_id)
    if branch is None:
        where.append("b.name = c.main_branch")
    else:
        where.append("b.name = ?")
        params.append(branch)
    rows = conn.execute(
        f"{PUBLICATION_SELECT} JOIN branch_versions bv ON bv.version_id = cv.id "
        f"JOIN branches b ON b.id = bv.branch_id AND b.pacticipant_id = cv.pacticipant_id "
        f"WHERE {' AND '.join(where)} ORDER BY cv.id DESC",
        params,
    ).fetchall()
    return [cast(PublicationRow, dict(r)) for r in rows]


def publications_between(
    conn: Connection, consumer_id: int, provider_id: int
) -> list[PublicationRow]:
    """Return every consumer version's publication for the provider, newest first."""
    rows = conn.execute(
        f"{PUBLICATION_SELECT} WHERE cv.pacticipant_id = ? AND pp.provider_id = ? "
        "ORDER BY cv.id DESC",
        (consumer_id, provider_id),
    ).fetchall()
    return [cast(PublicationRow, dict(r)) for r in rows]


def latest_publication_ids(
    conn: Connection, *, provider_id: int | None = None, tag: str | None = None
) -> list[int]:
    """Return the id of the newest publication of every consumer/provider pair.

    Only ids: pact content is large, never read for the versions left behind.
    """
    params: list[Any] = []
    where = []
    join = ""
    if tag is not None:
        join = "JOIN tags t ON t.version_id = cv.id AND t.name = ?"
        params.append(tag)
    if provider_id is not None:
        where.append("pp.provider_id = ?")
        params.append(provider_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    # The newest consumer version per pair, then its publication by the unique pair (no
    # bare column beside MAX(): that is SQLite's alone).
    rows = conn.execute(
        "SELECT pp.id FROM pact_publications pp JOIN (SELECT cv.pacticipant_id, "
        "pp.provider_id, MAX(cv.id) AS version_id FROM pact_publications pp "
        f"JOIN versions cv ON cv.id = pp.consumer_version_id {join} {clause} "
        "GROUP BY cv.pacticipant_id, pp.provider_id) newest "
        "ON newest.version_id = pp.consumer_version_id "
        "AND newest.provider_id = pp.provider_id",
        params,
    ).fetchall()
    return [int(row["id"]) for row in rows]


def version_pacts(conn: Connection, version_id: int) -> list[VersionPactRow]:
    """Return the pacts a consumer version published (provider and sha), by provider name."""
    rows = conn.execute(
        "SELECT p.name AS provider, pv.sha FROM pact_publications pp "
        "JOIN pacticipants p ON p.id = pp.provider_id "
        "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
        "WHERE pp.consumer_version_id = ? ORDER BY lower(p.name)",
        (version_id,),
    )
    return [cast(VersionPactRow, dict(r)) for r in rows]
