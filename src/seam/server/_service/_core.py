"""The broker service's shared core: storage and the lookups every resource uses."""

from __future__ import annotations

from seam.server._errors import NotFound
from seam.server._queries import deployments as deployments_q
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries import pacts as pacts_q
from seam.server._queries.rows import Connection, PacticipantRow, VersionRow
from seam.server._requests import check_name
from seam.server._service._results import Outcome, VersionDetails
from seam.server._storage import Storage, utcnow

__all__ = ["AUTO_MAIN_BRANCHES", "Outcome", "ServiceCore"]


# The Pact Broker's default main-branch candidates (auto_detect_main_branch).
AUTO_MAIN_BRANCHES = ("develop", "main", "master")


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
    def _require_pacticipant(conn: Connection, name: str) -> PacticipantRow:
        found = pacticipants_q.pacticipant(conn, name)
        if found is None:
            raise NotFound(f"pacticipant {name!r} not found")
        return found

    @staticmethod
    def _ensure_pacticipant(conn: Connection, name: str) -> PacticipantRow:
        check_name("pacticipant name", name)
        found = pacticipants_q.pacticipant(conn, name)
        if found is not None:
            return found
        # ON CONFLICT: a writer holding another key may be creating it (seam.server._locks);
        # this statement then waits for it, and the next one sees its row.
        pacticipants_q.insert_pacticipant(conn, name, utcnow())
        created = pacticipants_q.pacticipant(conn, name)
        assert created is not None
        return created

    @classmethod
    def _ensure_pacticipants(cls, conn: Connection, *names: str) -> dict[str, PacticipantRow]:
        """Find or create each named pacticipant, in name order (see seam.server._locks)."""
        return {name: cls._ensure_pacticipant(conn, name) for name in sorted(set(names))}

    def _require_version(
        self, conn: Connection, pacticipant_name: str, number: str
    ) -> tuple[PacticipantRow, VersionRow]:
        """Return (pacticipant, version), or raise :class:`NotFound` for either."""
        pacticipant = self._require_pacticipant(conn, pacticipant_name)
        version = pacticipants_q.version(conn, pacticipant["id"], number)
        if version is None:
            raise NotFound(f"version {number!r} of {pacticipant_name!r} not found")
        return pacticipant, version

    @staticmethod
    def _ensure_version(
        conn: Connection, pacticipant: PacticipantRow, number: str, build_url: str | None = None
    ) -> tuple[VersionRow, bool]:
        check_name("version number", number)
        found = pacticipants_q.version(conn, pacticipant["id"], number)
        if found is not None:
            if build_url and found["build_url"] != build_url:
                pacticipants_q.set_build_url(conn, found["id"], build_url)
                found["build_url"] = build_url
            return found, False
        pacticipants_q.insert_version(conn, pacticipant["id"], number, build_url, utcnow())
        created = pacticipants_q.version(conn, pacticipant["id"], number)
        assert created is not None
        return created, True

    @staticmethod
    def _add_branch(
        conn: Connection, pacticipant: PacticipantRow, version: VersionRow, branch: str
    ) -> bool:
        check_name("branch", branch)
        now = utcnow()
        pacticipants_q.insert_branch(conn, pacticipant["id"], branch, now)
        branch_id = pacticipants_q.branch_id(conn, pacticipant["id"], branch)
        assert branch_id is not None
        added = pacticipants_q.add_branch_version(conn, branch_id, version["id"], now)
        if pacticipant["main_branch"] is None and branch in AUTO_MAIN_BRANCHES:
            pacticipants_q.set_main_branch(conn, pacticipant["id"], branch)
            pacticipant["main_branch"] = branch
        return added

    @staticmethod
    def _add_tag(conn: Connection, version: VersionRow, tag: str) -> bool:
        check_name("tag", tag)
        return pacticipants_q.insert_tag(conn, version["id"], tag, utcnow())

    @staticmethod
    def _version_details(
        conn: Connection, pacticipant: PacticipantRow, version: VersionRow
    ) -> VersionDetails:
        return {
            **version,
            "pacticipant": pacticipant["name"],
            "tags": pacticipants_q.version_tags(conn, version["id"]),
            "branches": pacticipants_q.version_branches(conn, version["id"]),
            "pacts": pacts_q.version_pacts(conn, version["id"]),
            "environments": deployments_q.list_environments(conn),
            "deployed": deployments_q.version_deployments(conn, version["id"]),
            "released": deployments_q.version_releases(conn, version["id"]),
        }

    @staticmethod
    def _latest_matching(
        conn: Connection, pacticipant: PacticipantRow, *, tag: str | None, branch: str | None
    ) -> VersionRow | None:
        if tag is not None:
            return pacticipants_q.latest_version_with_tag(conn, pacticipant["id"], tag)
        if branch is not None:
            return pacticipants_q.latest_version_on_branch(conn, pacticipant["id"], branch)
        return pacticipants_q.latest_version(conn, pacticipant["id"])
