"""Queries on environments, deployed versions and released versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from seam.server._queries.rows import (
    Connection,
    DeployedRow,
    EnvironmentRow,
    ReleasedRow,
    VersionDeployedRow,
    VersionReleasedRow,
)

__all__ = [
    "DEPLOYED",
    "RELEASED",
    "Records",
    "delete_environment",
    "environment",
    "environment_uuid_named",
    "insert_deployment",
    "insert_environment",
    "insert_release",
    "list_environments",
    "release_uuid",
    "resupport_release",
    "undeploy_instance",
    "update_environment",
    "version_deployments",
    "version_releases",
]


def _environment(row: Any) -> EnvironmentRow:
    """Return an environment row with ``production`` a bool and ``contacts`` parsed."""
    env = dict(row)
    env["production"] = bool(env["production"])
    env["contacts"] = json.loads(env["contacts"]) if env["contacts"] else None
    return cast(EnvironmentRow, env)


# ---------------------------------------------------------------------- environments
def list_environments(conn: Connection) -> list[EnvironmentRow]:
    """Return every environment, sorted by name."""
    return [_environment(r) for r in conn.execute("SELECT * FROM environments ORDER BY name")]


def environment(conn: Connection, uuid: str) -> EnvironmentRow | None:
    """Return an environment by UUID, or None."""
    row = conn.execute("SELECT * FROM environments WHERE uuid = ?", (uuid,)).fetchone()
    return _environment(row) if row is not None else None


def environment_uuid_named(conn: Connection, name: str) -> str | None:
    """Return the UUID of the environment called ``name``, or None."""
    row = conn.execute("SELECT uuid FROM environments WHERE name = ?", (name,)).fetchone()
    return str(row["uuid"]) if row is not None else None


def insert_environment(
    conn: Connection,
    uuid: str,
    name: str,
    display_name: str | None,
    production: bool,
    contacts: list[Any] | None,
    now: str,
) -> None:
    """Create an environment."""
    conn.execute(
        "INSERT INTO environments (uuid, name, display_name, production, contacts, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            uuid,
            name,
            display_name,
            int(production),
            json.dumps(contacts) if contacts is not None else None,
            now,
            now,
        ),
    )


def update_environment(
    conn: Connection,
    uuid: str,
    name: str,
    display_name: str | None,
    production: bool,
    contacts: list[Any] | None,
    now: str,
) -> None:
    """Replace an environment's name, display name, production flag and contacts."""
    conn.execute(
        "UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?, "
        "updated_at = ? WHERE uuid = ?",
        (
            name,
            display_name,
            int(production),
            json.dumps(contacts) if contacts is not None else None,
            now,
            uuid,
        ),
    )


def delete_environment(conn: Connection, uuid: str) -> None:
    """Delete an environment and its deployment records."""
    conn.execute("DELETE FROM environments WHERE uuid = ?", (uuid,))


# ---------------------------------------------------------------------- deployments
def undeploy_instance(
    conn: Connection, environment_id: int, pacticipant_id: int, instance: str | None, now: str
) -> None:
    """End what a pacticipant has deployed in an application instance of an environment."""
    conn.execute(
        "UPDATE deployed_versions SET currently_deployed = 0, undeployed_at = ? "
        "WHERE environment_id = ? AND pacticipant_id = ? AND currently_deployed = 1 "
        "AND application_instance IS NOT DISTINCT FROM ?",
        (now, environment_id, pacticipant_id, instance),
    )


def insert_deployment(
    conn: Connection,
    uuid: str,
    version_id: int,
    pacticipant_id: int,
    environment_id: int,
    instance: str | None,
    now: str,
) -> None:
    """Record a version as currently deployed."""
    conn.execute(
        "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, "
        "application_instance, currently_deployed, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
        (uuid, version_id, pacticipant_id, environment_id, instance, now),
    )


def release_uuid(conn: Connection, version_id: int, environment_id: int) -> str | None:
    """Return the UUID of a version's release to an environment, or None."""
    row = conn.execute(
        "SELECT uuid FROM released_versions WHERE version_id = ? AND environment_id = ?",
        (version_id, environment_id),
    ).fetchone()
    return str(row["uuid"]) if row is not None else None


def resupport_release(conn: Connection, uuid: str) -> None:
    """Mark a release as supported again."""
    conn.execute(
        "UPDATE released_versions SET currently_supported = 1, support_ended_at = NULL "
        "WHERE uuid = ?",
        (uuid,),
    )


def insert_release(
    conn: Connection,
    uuid: str,
    version_id: int,
    pacticipant_id: int,
    environment_id: int,
    now: str,
) -> None:
    """Record a version as released (and supported)."""
    conn.execute(
        "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, "
        "currently_supported, created_at) VALUES (?, ?, ?, ?, 1, ?)",
        (uuid, version_id, pacticipant_id, environment_id, now),
    )


def version_deployments(conn: Connection, version_id: int) -> list[VersionDeployedRow]:
    """Return a version's deployment records, oldest first."""
    rows = conn.execute(
        "SELECT d.*, e.name AS environment, e.uuid AS environment_uuid "
        "FROM deployed_versions d JOIN environments e ON e.id = d.environment_id "
        "WHERE d.version_id = ? ORDER BY d.id",
        (version_id,),
    )
    return [cast(VersionDeployedRow, dict(r)) for r in rows]


def version_releases(conn: Connection, version_id: int) -> list[VersionReleasedRow]:
    """Return a version's release records, oldest first."""
    rows = conn.execute(
        "SELECT r.*, e.name AS environment, e.uuid AS environment_uuid "
        "FROM released_versions r JOIN environments e ON e.id = r.environment_id "
        "WHERE r.version_id = ? ORDER BY r.id",
        (version_id,),
    )
    return [cast(VersionReleasedRow, dict(r)) for r in rows]


# ---------------------------------------------------------------------- records
_RecordRow = TypeVar("_RecordRow", DeployedRow, ReleasedRow)


@dataclass(frozen=True)
class Records(Generic[_RecordRow]):
    """Deployed or released versions: alike but for their table, columns and names."""

    table: str
    select: str
    alias: str
    noun: str
    flag: str  # the "currently ..." column
    field: str  # its name in a request body
    ended_at: str

    def get(self, conn: Connection, uuid: str) -> _RecordRow | None:
        """Return a record by UUID, or None."""
        row = conn.execute(f"{self.select} WHERE {self.alias}.uuid = ?", (uuid,)).fetchone()
        return cast(_RecordRow, dict(row)) if row is not None else None

    def end(self, conn: Connection, uuid: str, now: str) -> None:
        """Clear a record's current flag, stamping when it ended (unless it had)."""
        conn.execute(
            f"UPDATE {self.table} SET {self.flag} = 0, "
            f"{self.ended_at} = COALESCE({self.ended_at}, ?) WHERE uuid = ?",
            (now, uuid),
        )

    def current(
        self, conn: Connection, environment_id: int, filters: list[tuple[str, Any]]
    ) -> list[_RecordRow]:
        """Return an environment's current records, oldest first, filtered.

        Args:
            conn: The connection.
            environment_id: The environment's id.
            filters: ``(condition, value)`` pairs, each condition with one ``?``.
        """
        a = self.alias
        sql = f"{self.select} WHERE {a}.environment_id = ? AND {a}.{self.flag} = 1"
        params: list[Any] = [environment_id]
        for condition, value in filters:
            sql += f" AND {condition}"
            params.append(value)
        rows = conn.execute(sql + f" ORDER BY {a}.id", params).fetchall()
        return [cast(_RecordRow, dict(r)) for r in rows]


_DEPLOYED_SELECT = (
    "SELECT d.uuid, d.application_instance, d.currently_deployed, d.created_at, d.undeployed_at, "
    "v.number, p.name AS pacticipant, e.uuid AS environment_uuid, e.name AS environment, "
    "e.display_name AS environment_display_name, e.production "
    "FROM deployed_versions d JOIN versions v ON v.id = d.version_id "
    "JOIN pacticipants p ON p.id = d.pacticipant_id "
    "JOIN environments e ON e.id = d.environment_id"
)

_RELEASED_SELECT = (
    "SELECT r.uuid, r.currently_supported, r.created_at, r.support_ended_at, "
    "v.number, p.name AS pacticipant, e.uuid AS environment_uuid, e.name AS environment, "
    "e.display_name AS environment_display_name, e.production "
    "FROM released_versions r JOIN versions v ON v.id = r.version_id "
    "JOIN pacticipants p ON p.id = r.pacticipant_id "
    "JOIN environments e ON e.id = r.environment_id"
)

DEPLOYED: Records[DeployedRow] = Records(
    table="deployed_versions",
    select=_DEPLOYED_SELECT,
    alias="d",
    noun="deployed version",
    flag="currently_deployed",
    field="currentlyDeployed",
    ended_at="undeployed_at",
)
RELEASED: Records[ReleasedRow] = Records(
    table="released_versions",
    select=_RELEASED_SELECT,
    alias="r",
    noun="released version",
    flag="currently_supported",
    field="currentlySupported",
    ended_at="support_ended_at",
)
