"""The broker service's shared core: storage, common lookups and shared SQL."""

from __future__ import annotations

import enum
import json
from typing import Any

from seam.server._errors import NotFound
from seam.server._requests import check_name
from seam.server._storage import Connection, Storage, utcnow

__all__ = [
    "AUTO_MAIN_BRANCHES",
    "PUBLICATION_SELECT",
    "VERIFICATION_SELECT",
    "Outcome",
    "Row",
    "ServiceCore",
    "as_row",
    "environment_row",
]


Row = dict[str, Any]


class Outcome(enum.Enum):
    """What a write did; the document layer words it the Pact Broker's way."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# The Pact Broker's default main-branch candidates (auto_detect_main_branch).
AUTO_MAIN_BRANCHES = ("develop", "main", "master")


def as_row(row: Any | None) -> Row | None:
    """Return a database row as a plain dict, or None."""
    return dict(row) if row is not None else None


def environment_row(row: Any) -> Row:
    """Return an environment row with ``production`` a bool and ``contacts`` parsed."""
    env = dict(row)
    env["production"] = bool(env["production"])
    env["contacts"] = json.loads(env["contacts"]) if env["contacts"] else None
    return env


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


class ServiceCore:
    """What every resource of the service shares: storage, lookups of pacticipants,
    versions and environments, and the version details every version answer carries.

    Args:
        storage: The opened database.
        allow_contract_modification: Allow publishing different pact content for an existing
            consumer version (the Pact Broker refuses it by default, because it makes
            can-i-deploy answers racy).
    """

    def __init__(self, storage: Storage, *, allow_contract_modification: bool = False) -> None:
        self.storage = storage
        self.allow_contract_modification = allow_contract_modification

    # ------------------------------------------------------------------ pacticipants
    @staticmethod
    def _pacticipant(conn: Connection, name: str) -> Row | None:
        return as_row(conn.execute("SELECT * FROM pacticipants WHERE name = ?", (name,)).fetchone())

    def _require_pacticipant(self, conn: Connection, name: str) -> Row:
        found = self._pacticipant(conn, name)
        if found is None:
            raise NotFound(f"pacticipant {name!r} not found")
        return found

    def _ensure_pacticipant(self, conn: Connection, name: str) -> Row:
        check_name("pacticipant name", name)
        found = self._pacticipant(conn, name)
        if found is not None:
            return found
        now = utcnow()
        conn.execute(
            "INSERT INTO pacticipants (name, created_at, updated_at) VALUES (?, ?, ?)",
            (name, now, now),
        )
        created = self._pacticipant(conn, name)
        assert created is not None
        return created

    @staticmethod
    def _version(conn: Connection, pacticipant_id: int, number: str) -> Row | None:
        return as_row(
            conn.execute(
                "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
                (pacticipant_id, number),
            ).fetchone()
        )

    def _require_version(
        self, conn: Connection, pacticipant_name: str, number: str
    ) -> tuple[Row, Row]:
        """Return (pacticipant, version), or raise :class:`NotFound` for either."""
        pacticipant = self._require_pacticipant(conn, pacticipant_name)
        version = self._version(conn, pacticipant["id"], number)
        if version is None:
            raise NotFound(f"version {number!r} of {pacticipant_name!r} not found")
        return pacticipant, version

    @staticmethod
    def _latest_version(conn: Connection, pacticipant_id: int) -> Row | None:
        return as_row(
            conn.execute(
                "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1",
                (pacticipant_id,),
            ).fetchone()
        )

    def _ensure_version(
        self, conn: Connection, pacticipant: Row, number: str, build_url: str | None = None
    ) -> tuple[Row, bool]:
        check_name("version number", number)
        found = self._version(conn, pacticipant["id"], number)
        if found is not None:
            if build_url and found["build_url"] != build_url:
                conn.execute(
                    "UPDATE versions SET build_url = ? WHERE id = ?", (build_url, found["id"])
                )
                found["build_url"] = build_url
            return found, False
        conn.execute(
            "INSERT INTO versions (pacticipant_id, number, build_url, created_at) "
            "VALUES (?, ?, ?, ?)",
            (pacticipant["id"], number, build_url, utcnow()),
        )
        created = self._version(conn, pacticipant["id"], number)
        assert created is not None
        return created, True

    def _add_branch(self, conn: Connection, pacticipant: Row, version: Row, branch: str) -> bool:
        check_name("branch", branch)
        now = utcnow()
        conn.execute(
            "INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (pacticipant["id"], branch, now),
        )
        branch_id = conn.execute(
            "SELECT id FROM branches WHERE pacticipant_id = ? AND name = ?",
            (pacticipant["id"], branch),
        ).fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO branch_versions (branch_id, version_id, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (branch_id, version["id"], now),
        )
        if pacticipant["main_branch"] is None and branch in AUTO_MAIN_BRANCHES:
            conn.execute(
                "UPDATE pacticipants SET main_branch = ? WHERE id = ?", (branch, pacticipant["id"])
            )
            pacticipant["main_branch"] = branch
        return cursor.rowcount > 0

    @staticmethod
    def _add_tag(conn: Connection, version: Row, tag: str) -> bool:
        check_name("tag", tag)
        cursor = conn.execute(
            "INSERT INTO tags (version_id, name, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (version["id"], tag, utcnow()),
        )
        return cursor.rowcount > 0

    def _version_details(self, conn: Connection, pacticipant: Row, version: Row) -> Row:
        details = dict(version)
        details["pacticipant"] = pacticipant["name"]
        details["tags"] = [
            dict(r)
            for r in conn.execute(
                "SELECT name, created_at FROM tags WHERE version_id = ? ORDER BY created_at, name",
                (version["id"],),
            )
        ]
        details["branches"] = [
            dict(r)
            for r in conn.execute(
                "SELECT b.name, bv.created_at FROM branch_versions bv JOIN branches b "
                "ON b.id = bv.branch_id WHERE bv.version_id = ? ORDER BY bv.created_at",
                (version["id"],),
            )
        ]
        details["pacts"] = [
            dict(r)
            for r in conn.execute(
                "SELECT p.name AS provider, pv.sha FROM pact_publications pp "
                "JOIN pacticipants p ON p.id = pp.provider_id "
                "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
                "WHERE pp.consumer_version_id = ? ORDER BY lower(p.name)",
                (version["id"],),
            )
        ]
        details["environments"] = self._list_environments(conn)
        details["deployed"] = [
            dict(r)
            for r in conn.execute(
                "SELECT d.*, e.name AS environment, e.uuid AS environment_uuid "
                "FROM deployed_versions d JOIN environments e ON e.id = d.environment_id "
                "WHERE d.version_id = ? ORDER BY d.id",
                (version["id"],),
            )
        ]
        details["released"] = [
            dict(r)
            for r in conn.execute(
                "SELECT r.*, e.name AS environment, e.uuid AS environment_uuid "
                "FROM released_versions r JOIN environments e ON e.id = r.environment_id "
                "WHERE r.version_id = ? ORDER BY r.id",
                (version["id"],),
            )
        ]
        return details

    @staticmethod
    def _latest_matching(
        conn: Connection, pacticipant: Row, *, tag: str | None, branch: str | None
    ) -> Row | None:
        if tag is not None:
            sql = (
                "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id "
                "WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC LIMIT 1"
            )
            return as_row(conn.execute(sql, (pacticipant["id"], tag)).fetchone())
        if branch is not None:
            sql = (
                "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id "
                "JOIN branches b ON b.id = bv.branch_id "
                "WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC LIMIT 1"
            )
            return as_row(conn.execute(sql, (pacticipant["id"], branch)).fetchone())
        return ServiceCore._latest_version(conn, pacticipant["id"])

    @staticmethod
    def _list_environments(conn: Connection) -> list[Row]:
        return [
            environment_row(r) for r in conn.execute("SELECT * FROM environments ORDER BY name")
        ]
