"""Queries on pacticipant labels (the Pact Broker's ``/pacticipants/{name}/labels/{label}``)."""

from __future__ import annotations

from typing import cast

from seam.server._queries.rows import Connection, LabelRow, PacticipantRow

__all__ = ["delete_label", "insert_label", "label", "labels_of", "pacticipants_with_label"]


def label(conn: Connection, pacticipant_id: int, name: str) -> LabelRow | None:
    """Return one label of a pacticipant, or None."""
    row = conn.execute(
        "SELECT name, created_at, updated_at FROM labels WHERE pacticipant_id = ? AND name = ?",
        (pacticipant_id, name),
    ).fetchone()
    return cast(LabelRow, dict(row)) if row is not None else None


def labels_of(conn: Connection, pacticipant_id: int) -> list[LabelRow]:
    """Return a pacticipant's labels, sorted by name."""
    rows = conn.execute(
        "SELECT name, created_at, updated_at FROM labels WHERE pacticipant_id = ? ORDER BY name",
        (pacticipant_id,),
    )
    return [cast(LabelRow, dict(r)) for r in rows]


def insert_label(conn: Connection, pacticipant_id: int, name: str, now: str) -> bool:
    """Label a pacticipant; False when it already had the label (nothing changes)."""
    inserted = conn.execute(
        "INSERT INTO labels (pacticipant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING id",
        (pacticipant_id, name, now, now),
    ).fetchone()
    return inserted is not None


def delete_label(conn: Connection, pacticipant_id: int, name: str) -> None:
    """Remove a label from a pacticipant."""
    conn.execute("DELETE FROM labels WHERE pacticipant_id = ? AND name = ?", (pacticipant_id, name))


def pacticipants_with_label(conn: Connection, name: str) -> list[PacticipantRow]:
    """Return every pacticipant carrying the label, sorted by name."""
    rows = conn.execute(
        "SELECT p.* FROM pacticipants p JOIN labels l ON l.pacticipant_id = p.id "
        "WHERE l.name = ? ORDER BY p.name",
        (name,),
    )
    return [cast(PacticipantRow, dict(r)) for r in rows]
