"""Queries on pacticipants, their versions, tags and branches."""

from __future__ import annotations

from typing import cast

from seam.server._queries.rows import (
    BranchRow,
    Connection,
    NamedAt,
    PacticipantRow,
    TagRow,
    VersionRow,
)

__all__ = [
    "add_to_branch",
    "branch",
    "delete_branch",
    "delete_pacticipant",
    "delete_tag",
    "delete_version",
    "insert_branch",
    "insert_pacticipant",
    "insert_tags",
    "insert_version",
    "latest_version",
    "latest_version_on_branch",
    "latest_version_with_tag",
    "list_branches",
    "list_pacticipants",
    "list_versions",
    "pacticipant",
    "pacticipants_named",
    "set_build_url",
    "set_main_branch",
    "tag",
    "update_pacticipant",
    "version",
    "version_branches",
    "version_tags",
]


# ---------------------------------------------------------------------- pacticipants
def pacticipant(conn: Connection, name: str) -> PacticipantRow | None:
    """Return the pacticipant called ``name``, or None."""
    row = conn.execute("SELECT * FROM pacticipants WHERE name = ?", (name,)).fetchone()
    return cast(PacticipantRow, dict(row)) if row is not None else None


def pacticipants_named(conn: Connection, names: list[str]) -> dict[str, PacticipantRow]:
    """Return the pacticipants called any of ``names``, by name (one query for all)."""
    marks = ", ".join("?" * len(names))
    rows = conn.execute(f"SELECT * FROM pacticipants WHERE name IN ({marks})", names)
    return {row["name"]: cast(PacticipantRow, dict(row)) for row in rows}


def list_pacticipants(conn: Connection) -> list[PacticipantRow]:
    """Return every pacticipant, sorted by name."""
    rows = conn.execute("SELECT * FROM pacticipants ORDER BY name")
    return [cast(PacticipantRow, dict(r)) for r in rows]


def insert_pacticipant(conn: Connection, name: str, now: str) -> None:
    """Create a pacticipant unless one has the name (another writer may create it at once)."""
    conn.execute(
        "INSERT INTO pacticipants (name, created_at, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (name, now, now),
    )


def update_pacticipant(
    conn: Connection, pacticipant_id: int, changes: dict[str, str], now: str
) -> None:
    """Set some of a pacticipant's ``repository_url``, ``display_name``, ``main_branch``."""
    allowed = ("repository_url", "display_name", "main_branch")
    # Column names come from this fixed list, never from the request.
    columns = [column for column in allowed if column in changes]
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(
        f"UPDATE pacticipants SET {assignments}, updated_at = ? WHERE id = ?",
        (*(changes[column] for column in columns), now, pacticipant_id),
    )


def set_main_branch(conn: Connection, pacticipant_id: int, branch_name: str) -> None:
    """Set a pacticipant's main branch."""
    conn.execute(
        "UPDATE pacticipants SET main_branch = ? WHERE id = ?", (branch_name, pacticipant_id)
    )


def delete_pacticipant(conn: Connection, pacticipant_id: int) -> None:
    """Delete a pacticipant (its versions, pacts and records go with it)."""
    conn.execute("DELETE FROM pacticipants WHERE id = ?", (pacticipant_id,))


# ---------------------------------------------------------------------- versions
def version(conn: Connection, pacticipant_id: int, number: str) -> VersionRow | None:
    """Return a pacticipant's version by number, or None."""
    row = conn.execute(
        "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
        (pacticipant_id, number),
    ).fetchone()
    return cast(VersionRow, dict(row)) if row is not None else None


def latest_version(conn: Connection, pacticipant_id: int) -> VersionRow | None:
    """Return a pacticipant's newest version, or None."""
    row = conn.execute(
        "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1",
        (pacticipant_id,),
    ).fetchone()
    return cast(VersionRow, dict(row)) if row is not None else None


def latest_version_with_tag(
    conn: Connection, pacticipant_id: int, tag_name: str
) -> VersionRow | None:
    """Return a pacticipant's newest version carrying a tag, or None."""
    row = conn.execute(
        "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id "
        "WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC LIMIT 1",
        (pacticipant_id, tag_name),
    ).fetchone()
    return cast(VersionRow, dict(row)) if row is not None else None


def latest_version_on_branch(
    conn: Connection, pacticipant_id: int, branch_name: str
) -> VersionRow | None:
    """Return a pacticipant's newest version on a branch, or None."""
    row = conn.execute(
        "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id "
        "JOIN branches b ON b.id = bv.branch_id "
        "WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC LIMIT 1",
        (pacticipant_id, branch_name),
    ).fetchone()
    return cast(VersionRow, dict(row)) if row is not None else None


def list_versions(conn: Connection, pacticipant_id: int) -> list[VersionRow]:
    """Return a pacticipant's versions, newest first."""
    rows = conn.execute(
        "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC", (pacticipant_id,)
    ).fetchall()
    return [cast(VersionRow, dict(r)) for r in rows]


def insert_version(
    conn: Connection, pacticipant_id: int, number: str, build_url: str | None, now: str
) -> VersionRow:
    """Create a version; returns it."""
    row = conn.execute(
        "INSERT INTO versions (pacticipant_id, number, build_url, created_at) VALUES (?, ?, ?, ?) "
        "RETURNING *",
        (pacticipant_id, number, build_url, now),
    ).fetchone()
    return cast(VersionRow, dict(row))


def set_build_url(conn: Connection, version_id: int, build_url: str) -> None:
    """Set a version's build URL."""
    conn.execute("UPDATE versions SET build_url = ? WHERE id = ?", (build_url, version_id))


def delete_version(conn: Connection, version_id: int) -> None:
    """Delete a version (its tags, pacts and verifications go with it)."""
    conn.execute("DELETE FROM versions WHERE id = ?", (version_id,))


# ---------------------------------------------------------------------- tags
def insert_tags(conn: Connection, version_id: int, tags: list[NamedAt]) -> list[NamedAt]:
    """Tag a version with each of ``tags`` (in one statement); returns those it had not."""
    values = ", ".join("(?, ?, ?)" for _ in tags)
    params = [value for tag in tags for value in (version_id, tag["name"], tag["created_at"])]
    rows = conn.execute(
        f"INSERT INTO tags (version_id, name, created_at) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING name, created_at",
        params,
    )
    return [cast(NamedAt, dict(r)) for r in rows]


def tag(conn: Connection, version_id: int, tag_name: str) -> TagRow | None:
    """Return a version's tag, or None."""
    row = conn.execute(
        "SELECT * FROM tags WHERE version_id = ? AND name = ?", (version_id, tag_name)
    ).fetchone()
    return cast(TagRow, dict(row)) if row is not None else None


def delete_tag(conn: Connection, version_id: int, tag_name: str) -> bool:
    """Remove a tag from a version; True when there was one."""
    cursor = conn.execute(
        "DELETE FROM tags WHERE version_id = ? AND name = ?", (version_id, tag_name)
    )
    return cursor.rowcount > 0


def version_tags(conn: Connection, version_id: int) -> list[NamedAt]:
    """Return a version's tags, oldest first."""
    rows = conn.execute(
        "SELECT name, created_at FROM tags WHERE version_id = ? ORDER BY created_at, name",
        (version_id,),
    )
    return [cast(NamedAt, dict(r)) for r in rows]


# ---------------------------------------------------------------------- branches
def insert_branch(conn: Connection, pacticipant_id: int, branch_name: str, now: str) -> bool:
    """Create a branch unless the pacticipant has it; True when it is new."""
    cursor = conn.execute(
        "INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (pacticipant_id, branch_name, now),
    )
    return cursor.rowcount > 0


def add_to_branch(
    conn: Connection, pacticipant_id: int, branch_name: str, version_id: int, now: str
) -> bool:
    """Put a version on a branch by the branch's name; True when it was added.

    False when it was on the branch already, or the pacticipant has no such branch.
    """
    # The WHERE clause also keeps SQLite from reading ON CONFLICT as a join's ON.
    cursor = conn.execute(
        "INSERT INTO branch_versions (branch_id, version_id, created_at) "
        "SELECT id, ?, ? FROM branches WHERE pacticipant_id = ? AND name = ? "
        "ON CONFLICT DO NOTHING",
        (version_id, now, pacticipant_id, branch_name),
    )
    return cursor.rowcount > 0


def branch(conn: Connection, pacticipant_id: int, branch_name: str) -> BranchRow | None:
    """Return a pacticipant's branch, or None."""
    row = conn.execute(
        "SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?",
        (pacticipant_id, branch_name),
    ).fetchone()
    return cast(BranchRow, dict(row)) if row is not None else None


def list_branches(conn: Connection, pacticipant_id: int) -> list[BranchRow]:
    """Return a pacticipant's branches, newest first."""
    rows = conn.execute(
        "SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC", (pacticipant_id,)
    ).fetchall()
    return [cast(BranchRow, dict(r)) for r in rows]


def delete_branch(conn: Connection, pacticipant_id: int, branch_name: str) -> bool:
    """Delete a branch (its versions stay); True when there was one."""
    cursor = conn.execute(
        "DELETE FROM branches WHERE pacticipant_id = ? AND name = ?",
        (pacticipant_id, branch_name),
    )
    return cursor.rowcount > 0


def version_branches(conn: Connection, version_id: int) -> list[NamedAt]:
    """Return the branches a version is on, in the order it joined them."""
    rows = conn.execute(
        "SELECT b.name, bv.created_at FROM branch_versions bv JOIN branches b "
        "ON b.id = bv.branch_id WHERE bv.version_id = ? ORDER BY bv.created_at",
        (version_id,),
    )
    return [cast(NamedAt, dict(r)) for r in rows]
