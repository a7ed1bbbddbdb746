"""Environments, deployments and releases."""

from __future__ import annotations

import json
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._requests import check_name, json_object
from seam.server._service._core import (
    Row,
    ServiceCore,
    environment_row,
)
from seam.server._storage import Connection, utcnow

__all__ = ["DeploymentsService"]


class DeploymentsService(ServiceCore):
    """Environments, deployed versions and released versions."""

    def list_environments(self, name: str | None = None) -> list[Row]:
        """Return every environment (or the one with ``name``), sorted by name."""
        with self.storage.read() as conn:
            rows = self._list_environments(conn)
        return [r for r in rows if name is None or r["name"] == name]

    def _require_environment(self, conn: Connection, uuid: str) -> Row:
        row = conn.execute("SELECT * FROM environments WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise NotFound(f"environment {uuid!r} not found")
        return environment_row(row)

    def get_environment(self, uuid: str) -> Row:
        """Return an environment by UUID."""
        with self.storage.read() as conn:
            return self._require_environment(conn, uuid)

    def save_environment(self, body: Any, uuid: str | None = None) -> tuple[Row, bool]:
        """Create (``uuid`` None or unknown) or replace an environment; returns (it, created)."""
        body = json_object(body)
        name = body.get("name")
        check_name("name", name)
        production = body.get("production", False)
        if not isinstance(production, bool):
            raise Invalid(
                "production must be true or false", errors={"production": ["must be true or false"]}
            )
        contacts = body.get("contacts")
        if contacts is not None and not isinstance(contacts, list):
            raise Invalid("contacts must be a list", errors={"contacts": ["must be a list"]})
        display = body.get("displayName")
        now = utcnow()
        with self.storage.write() as conn:
            clash = conn.execute("SELECT uuid FROM environments WHERE name = ?", (name,)).fetchone()
            existing = (
                conn.execute("SELECT * FROM environments WHERE uuid = ?", (uuid,)).fetchone()
                if uuid
                else None
            )
            if clash is not None and (existing is None or clash["uuid"] != uuid):
                message = f"an environment named {name!r} already exists"
                raise Conflict(message, errors={"name": [message]})
            if existing is None:
                new_uuid = uuid or body.get("uuid") or str(uuidlib.uuid4())
                check_name("uuid", new_uuid)
                conn.execute(
                    "INSERT INTO environments (uuid, name, display_name, production, contacts, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_uuid,
                        name,
                        display,
                        int(production),
                        json.dumps(contacts) if contacts is not None else None,
                        now,
                        now,
                    ),
                )
                return self._require_environment(conn, new_uuid), True
            conn.execute(
                "UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?, "
                "updated_at = ? WHERE uuid = ?",
                (
                    name,
                    display,
                    int(production),
                    json.dumps(contacts) if contacts is not None else None,
                    now,
                    uuid,
                ),
            )
            assert uuid is not None
            return self._require_environment(conn, uuid), False

    def delete_environment(self, uuid: str) -> None:
        """Delete an environment and its deployment records."""
        with self.storage.write() as conn:
            self._require_environment(conn, uuid)
            conn.execute("DELETE FROM environments WHERE uuid = ?", (uuid,))

    # ------------------------------------------------------------------ deployments
    def record_deployment(
        self, pacticipant_name: str, number: str, environment_uuid: str, body: Any
    ) -> Row:
        """Record that a version is deployed to an environment (replacing the same instance)."""
        body = body if isinstance(body, dict) else {}
        instance = body.get("applicationInstance", body.get("target"))
        if instance is not None and not isinstance(instance, str):
            raise Invalid(
                "applicationInstance must be a string",
                errors={"applicationInstance": ["must be a string"]},
            )
        with self.storage.write() as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            environment = self._require_environment(conn, environment_uuid)
            now = utcnow()
            # A new deployment replaces whatever ran in the same application instance.
            conn.execute(
                "UPDATE deployed_versions SET currently_deployed = 0, undeployed_at = ? "
                "WHERE environment_id = ? AND pacticipant_id = ? AND currently_deployed = 1 "
                "AND application_instance IS NOT DISTINCT FROM ?",
                (now, environment["id"], pacticipant["id"], instance),
            )
            new_uuid = str(uuidlib.uuid4())
            conn.execute(
                "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, "
                "application_instance, currently_deployed, created_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?)",
                (new_uuid, version["id"], pacticipant["id"], environment["id"], instance, now),
            )
            return _DEPLOYED.get(conn, new_uuid)

    def get_deployed(self, uuid: str) -> Row:
        """Return one deployment record."""
        with self.storage.read() as conn:
            return _DEPLOYED.get(conn, uuid)

    def update_deployed(self, uuid: str, body: Any) -> Row:
        """Mark a deployment as no longer deployed (``{"currentlyDeployed": false}``)."""
        return self._end_record(_DEPLOYED, uuid, body)

    def currently_deployed(
        self, environment_uuid: str, pacticipant: str | None = None, instance: str | None = None
    ) -> tuple[Row, list[Row]]:
        """Return an environment and what is currently deployed there (optionally filtered)."""
        extra = (
            []
            if instance is None
            else [("d.application_instance IS NOT DISTINCT FROM ?", instance or None)]
        )
        return self._current_records(_DEPLOYED, environment_uuid, pacticipant, extra)

    def record_release(
        self, pacticipant_name: str, number: str, environment_uuid: str
    ) -> tuple[Row, bool]:
        """Record that a version is released to an environment; returns (record, created)."""
        with self.storage.write() as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            environment = self._require_environment(conn, environment_uuid)
            existing = conn.execute(
                "SELECT uuid FROM released_versions WHERE version_id = ? AND environment_id = ?",
                (version["id"], environment["id"]),
            ).fetchone()
            if existing is not None:
                conn.execute(
                    "UPDATE released_versions SET currently_supported = 1, support_ended_at = NULL "
                    "WHERE uuid = ?",
                    (existing[0],),
                )
                return _RELEASED.get(conn, existing[0]), False
            new_uuid = str(uuidlib.uuid4())
            conn.execute(
                "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, "
                "currently_supported, created_at) VALUES (?, ?, ?, ?, 1, ?)",
                (new_uuid, version["id"], pacticipant["id"], environment["id"], utcnow()),
            )
            return _RELEASED.get(conn, new_uuid), True

    def get_released(self, uuid: str) -> Row:
        """Return one release record."""
        with self.storage.read() as conn:
            return _RELEASED.get(conn, uuid)

    def update_released(self, uuid: str, body: Any) -> Row:
        """End support for a release (``{"currentlySupported": false}``)."""
        return self._end_record(_RELEASED, uuid, body)

    def currently_supported(
        self, environment_uuid: str, pacticipant: str | None = None
    ) -> tuple[Row, list[Row]]:
        """Return an environment and the releases currently supported there."""
        return self._current_records(_RELEASED, environment_uuid, pacticipant, [])

    def _end_record(self, kind: _Records, uuid: str, body: Any) -> Row:
        """Clear a deployment's or release's current flag (the only change allowed)."""
        if not isinstance(body, dict) or body.get(kind.field) is not False:
            raise Invalid(
                f'only {{"{kind.field}": false}} can be set',
                errors={kind.field: ["can only be set to false"]},
            )
        with self.storage.write() as conn:
            kind.get(conn, uuid)
            conn.execute(
                f"UPDATE {kind.table} SET {kind.flag} = 0, "
                f"{kind.ended_at} = COALESCE({kind.ended_at}, ?) WHERE uuid = ?",
                (utcnow(), uuid),
            )
            return kind.get(conn, uuid)

    def _current_records(
        self,
        kind: _Records,
        environment_uuid: str,
        pacticipant: str | None,
        extra: list[tuple[str, Any]],
    ) -> tuple[Row, list[Row]]:
        """Return an environment and its current deployments or releases, filtered."""
        with self.storage.read() as conn:
            environment = self._require_environment(conn, environment_uuid)
            a = kind.alias
            sql = f"{kind.select} WHERE {a}.environment_id = ? AND {a}.{kind.flag} = 1"
            params: list[Any] = [environment["id"]]
            filters = [] if pacticipant is None else [("p.name = ?", pacticipant)]
            for condition, value in filters + extra:
                sql += f" AND {condition}"
                params.append(value)
            rows = conn.execute(sql + f" ORDER BY {a}.id", params).fetchall()
            return environment, [dict(r) for r in rows]


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


@dataclass(frozen=True)
class _Records:
    """Deployed or released versions: alike but for their table, columns and names."""

    table: str
    select: str
    alias: str
    noun: str
    flag: str  # the "currently ..." column
    field: str  # its name in a request body
    ended_at: str

    def get(self, conn: Connection, uuid: str) -> Row:
        row = conn.execute(f"{self.select} WHERE {self.alias}.uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise NotFound(f"{self.noun} {uuid!r} not found")
        return dict(row)


_DEPLOYED = _Records(
    table="deployed_versions",
    select=_DEPLOYED_SELECT,
    alias="d",
    noun="deployed version",
    flag="currently_deployed",
    field="currentlyDeployed",
    ended_at="undeployed_at",
)
_RELEASED = _Records(
    table="released_versions",
    select=_RELEASED_SELECT,
    alias="r",
    noun="released version",
    flag="currently_supported",
    field="currentlySupported",
    ended_at="support_ended_at",
)
