"""Environments, deployments and releases."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any, TypeVar

from seam.server import _locks as locks
from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._queries import deployments as deployments_q
from seam.server._queries.deployments import DEPLOYED, RELEASED, Records
from seam.server._queries.rows import Connection, DeployedRow, EnvironmentRow, ReleasedRow
from seam.server._requests import check_name, json_object
from seam.server._service._core import ServiceCore
from seam.server._storage import utcnow

__all__ = ["DeploymentsService"]

_R = TypeVar("_R", DeployedRow, ReleasedRow)


class DeploymentsService(ServiceCore):
    """Environments, deployed versions and released versions."""

    def list_environments(self, name: str | None = None) -> list[EnvironmentRow]:
        """Return every environment (or the one with ``name``), sorted by name."""
        with self.storage.read() as conn:
            rows = deployments_q.list_environments(conn)
        return [r for r in rows if name is None or r["name"] == name]

    @staticmethod
    def _require_environment(conn: Connection, uuid: str) -> EnvironmentRow:
        row = deployments_q.environment(conn, uuid)
        if row is None:
            raise NotFound(f"environment {uuid!r} not found")
        return row

    def get_environment(self, uuid: str) -> EnvironmentRow:
        """Return an environment by UUID."""
        with self.storage.read() as conn:
            return self._require_environment(conn, uuid)

    def save_environment(self, body: Any, uuid: str | None = None) -> tuple[EnvironmentRow, bool]:
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
        # No key: environment names are unique and a write that names none runs alone.
        with self.storage.write() as conn:
            clash = deployments_q.environment_uuid_named(conn, name)
            existing = deployments_q.environment(conn, uuid) if uuid else None
            if clash is not None and (existing is None or clash != uuid):
                message = f"an environment named {name!r} already exists"
                raise Conflict(message, errors={"name": [message]})
            if existing is None:
                new_uuid = uuid or body.get("uuid") or str(uuidlib.uuid4())
                check_name("uuid", new_uuid)
                deployments_q.insert_environment(
                    conn, new_uuid, name, display, production, contacts, now
                )
                return self._require_environment(conn, new_uuid), True
            assert uuid is not None
            deployments_q.update_environment(conn, uuid, name, display, production, contacts, now)
            return self._require_environment(conn, uuid), False

    def delete_environment(self, uuid: str) -> None:
        """Delete an environment and its deployment records."""
        # No key: it runs alone (the cascade reaches every pacticipant's records).
        with self.storage.write() as conn:
            self._require_environment(conn, uuid)
            deployments_q.delete_environment(conn, uuid)

    # ------------------------------------------------------------------ deployments
    def record_deployment(
        self, pacticipant_name: str, number: str, environment_uuid: str, body: Any
    ) -> DeployedRow:
        """Record that a version is deployed to an environment (replacing the same instance)."""
        body = body if isinstance(body, dict) else {}
        instance = body.get("applicationInstance", body.get("target"))
        if instance is not None and not isinstance(instance, str):
            raise Invalid(
                "applicationInstance must be a string",
                errors={"applicationInstance": ["must be a string"]},
            )
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            environment = self._require_environment(conn, environment_uuid)
            now = utcnow()
            # A new deployment replaces whatever ran in the same application instance.
            deployments_q.undeploy_instance(
                conn, environment["id"], pacticipant["id"], instance, now
            )
            new_uuid = str(uuidlib.uuid4())
            deployments_q.insert_deployment(
                conn, new_uuid, version["id"], pacticipant["id"], environment["id"], instance, now
            )
            return _require_record(DEPLOYED, conn, new_uuid)

    def get_deployed(self, uuid: str) -> DeployedRow:
        """Return one deployment record."""
        with self.storage.read() as conn:
            return _require_record(DEPLOYED, conn, uuid)

    def update_deployed(self, uuid: str, body: Any) -> DeployedRow:
        """Mark a deployment as no longer deployed (``{"currentlyDeployed": false}``)."""
        return self._end_record(DEPLOYED, uuid, body)

    def currently_deployed(
        self, environment_uuid: str, pacticipant: str | None = None, instance: str | None = None
    ) -> tuple[EnvironmentRow, list[DeployedRow]]:
        """Return an environment and what is currently deployed there (optionally filtered)."""
        extra = (
            []
            if instance is None
            else [("d.application_instance IS NOT DISTINCT FROM ?", instance or None)]
        )
        return self._current_records(DEPLOYED, environment_uuid, pacticipant, extra)

    def record_release(
        self, pacticipant_name: str, number: str, environment_uuid: str
    ) -> tuple[ReleasedRow, bool]:
        """Record that a version is released to an environment; returns (record, created)."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            environment = self._require_environment(conn, environment_uuid)
            existing = deployments_q.release_uuid(conn, version["id"], environment["id"])
            if existing is not None:
                deployments_q.resupport_release(conn, existing)
                return _require_record(RELEASED, conn, existing), False
            new_uuid = str(uuidlib.uuid4())
            deployments_q.insert_release(
                conn, new_uuid, version["id"], pacticipant["id"], environment["id"], utcnow()
            )
            return _require_record(RELEASED, conn, new_uuid), True

    def get_released(self, uuid: str) -> ReleasedRow:
        """Return one release record."""
        with self.storage.read() as conn:
            return _require_record(RELEASED, conn, uuid)

    def update_released(self, uuid: str, body: Any) -> ReleasedRow:
        """End support for a release (``{"currentlySupported": false}``)."""
        return self._end_record(RELEASED, uuid, body)

    def currently_supported(
        self, environment_uuid: str, pacticipant: str | None = None
    ) -> tuple[EnvironmentRow, list[ReleasedRow]]:
        """Return an environment and the releases currently supported there."""
        return self._current_records(RELEASED, environment_uuid, pacticipant, [])

    def _end_record(self, kind: Records[_R], uuid: str, body: Any) -> _R:
        """Clear a deployment's or release's current flag (the only change allowed)."""
        if not isinstance(body, dict) or body.get(kind.field) is not False:
            raise Invalid(
                f'only {{"{kind.field}": false}} can be set',
                errors={kind.field: ["can only be set to false"]},
            )
        with self.storage.write(keys=[locks.record(uuid)]) as conn:
            _require_record(kind, conn, uuid)
            kind.end(conn, uuid, utcnow())
            return _require_record(kind, conn, uuid)

    def _current_records(
        self,
        kind: Records[_R],
        environment_uuid: str,
        pacticipant: str | None,
        extra: list[tuple[str, Any]],
    ) -> tuple[EnvironmentRow, list[_R]]:
        """Return an environment and its current deployments or releases, filtered."""
        with self.storage.read() as conn:
            environment = self._require_environment(conn, environment_uuid)
            filters = [] if pacticipant is None else [("p.name = ?", pacticipant)]
            return environment, kind.current(conn, environment["id"], filters + extra)


def _require_record(kind: Records[_R], conn: Connection, uuid: str) -> _R:
    """Return a deployment or release record, or raise :class:`NotFound`."""
    found = kind.get(conn, uuid)
    if found is None:
        raise NotFound(f"{kind.noun} {uuid!r} not found")
    return found
