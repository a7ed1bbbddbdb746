"""The broker service's shared core: storage and the lookups every resource uses."""

from __future__ import annotations

import string

from seam.server._errors import NotFound
from seam.server._queries import deployments as deployments_q
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries import pacts as pacts_q
from seam.server._queries.rows import (
    Connection,
    NamedAt,
    PacticipantRow,
    VersionPactRow,
    VersionRow,
)
from seam.server._requests import check_name
from seam.server._service._results import Outcome, VersionDetails
from seam.server._storage import Storage, utcnow

__all__ = ["AUTO_MAIN_BRANCHES", "Outcome", "ServiceCore"]


# The Pact Broker's default main-branch candidates (auto_detect_main_branch).
AUTO_MAIN_BRANCHES = ("develop", "main", "master")

# SQL's lower() as both engines apply it to our "C"-collated names: ASCII letters only.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


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

    @classmethod
    def _ensure_pacticipant(cls, conn: Connection, name: str) -> PacticipantRow:
        return cls._ensure_pacticipants(conn, name)[name]

    @staticmethod
    def _ensure_pacticipants(conn: Connection, *names: str) -> dict[str, PacticipantRow]:
        """Find or create each named pacticipant: one query when all exist.

        The missing ones are created in name order with ``ON CONFLICT DO NOTHING``: a writer
        holding another key may be creating one at once (seam.server._locks); the insert then
        waits for it, and the next query sees its row. In name order, two writers never wait
        for each other's new rows in a cycle.
        """
        for name in names:
            check_name("pacticipant name", name)
        found = pacticipants_q.pacticipants_named(conn, list(dict.fromkeys(names)))
        missing = sorted(set(names) - set(found))
        if missing:
            now = utcnow()
            for name in missing:
                pacticipants_q.insert_pacticipant(conn, name, now)
            found.update(pacticipants_q.pacticipants_named(conn, missing))
        return found

    @staticmethod
    def _require_pacticipants(conn: Connection, *names: str) -> list[PacticipantRow]:
        """Return each named pacticipant (one query); :class:`NotFound` names the first missing."""
        found = pacticipants_q.pacticipants_named(conn, list(dict.fromkeys(names)))
        for name in names:
            if name not in found:
                raise NotFound(f"pacticipant {name!r} not found")
        return [found[name] for name in names]

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
        created = pacticipants_q.insert_version(
            conn, pacticipant["id"], number, build_url, utcnow()
        )
        return created, True

    @staticmethod
    def _add_branch(
        conn: Connection, pacticipant: PacticipantRow, version: VersionRow, branch: str
    ) -> NamedAt | None:
        """Put a version on a branch (created when new); returns the link when it is new."""
        check_name("branch", branch)
        now = utcnow()
        added = pacticipants_q.add_to_branch(conn, pacticipant["id"], branch, version["id"], now)
        # Nothing added: the version is on the branch already, or the branch is new.
        if not added and pacticipants_q.insert_branch(conn, pacticipant["id"], branch, now):
            added = pacticipants_q.add_to_branch(
                conn, pacticipant["id"], branch, version["id"], now
            )
        if pacticipant["main_branch"] is None and branch in AUTO_MAIN_BRANCHES:
            pacticipants_q.set_main_branch(conn, pacticipant["id"], branch)
            pacticipant["main_branch"] = branch
        return {"name": branch, "created_at": now} if added else None

    @staticmethod
    def _add_tags(conn: Connection, version: VersionRow, tags: list[str]) -> list[NamedAt]:
        """Tag a version with each tag (one statement); returns the tags it did not have."""
        for tag in tags:
            check_name("tag", tag)
        if not tags:
            return []
        # A time per tag, as when each had its own statement: tags list oldest first.
        stamped: list[NamedAt] = [{"name": tag, "created_at": utcnow()} for tag in tags]
        return pacticipants_q.insert_tags(conn, version["id"], stamped)

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
    def _new_version_details(
        conn: Connection,
        pacticipant: PacticipantRow,
        version: VersionRow,
        *,
        tags: list[NamedAt],
        branches: list[NamedAt],
        pacts: list[VersionPactRow],
    ) -> VersionDetails:
        """:meth:`_version_details` of a version this transaction created, from what it wrote.

        No other transaction sees the version before this one commits, so it has no
        deployments or releases, and its tags, branches and pacts are those given, which the
        queries would list in their order (tags by time then name, pacts by provider name).
        """
        return {
            **version,
            "pacticipant": pacticipant["name"],
            "tags": sorted(tags, key=lambda t: (t["created_at"], t["name"])),
            "branches": branches,
            "pacts": sorted(pacts, key=lambda p: p["provider"].translate(_ASCII_LOWER)),
            "environments": deployments_q.list_environments(conn),
            "deployed": [],
            "released": [],
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
