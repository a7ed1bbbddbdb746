"""Pacticipants, their versions, tags and branches."""

from __future__ import annotations

from typing import Any

from seam.server import _locks as locks
from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries.rows import BranchRow, PacticipantRow
from seam.server._requests import check_name
from seam.server._service._core import ServiceCore
from seam.server._service._results import (
    BranchDetails,
    PacticipantDetails,
    TagDetails,
    VersionDetails,
)
from seam.server._storage import utcnow

__all__ = ["PacticipantsService"]


class PacticipantsService(ServiceCore):
    """Pacticipants, versions, tags and branches."""

    def get_pacticipant(self, name: str) -> PacticipantDetails:
        """Return a pacticipant with its latest version, or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            row = self._require_pacticipant(conn, name)
            return {**row, "latest_version": pacticipants_q.latest_version(conn, row["id"])}

    def list_pacticipants(self) -> list[PacticipantDetails]:
        """Return every pacticipant (sorted by name) with its latest version."""
        with self.storage.read() as conn:
            return [
                {**row, "latest_version": pacticipants_q.latest_version(conn, row["id"])}
                for row in pacticipants_q.list_pacticipants(conn)
            ]

    def save_pacticipant(
        self, name: str, fields: dict[str, Any], *, must_be_new: bool = False
    ) -> tuple[PacticipantDetails, bool]:
        """Create or update a pacticipant; returns it and whether it was created.

        Args:
            name: The pacticipant's name.
            fields: Any of ``repositoryUrl`` (or ``repository_url``), ``displayName``,
                ``mainBranch``.
            must_be_new: Refuse (409) when it already exists (``POST /pacticipants``).
        """
        check_name("name", name)
        updates = {
            "repository_url": fields.get("repositoryUrl", fields.get("repository_url")),
            "display_name": fields.get("displayName", fields.get("display_name")),
            "main_branch": fields.get("mainBranch", fields.get("main_branch")),
        }
        for key, value in updates.items():
            if value is not None and not isinstance(value, str):
                raise Invalid(f"{key} must be a string", errors={key: ["must be a string"]})
        with self.storage.write(keys=[locks.pacticipant(name)]) as conn:
            existing = pacticipants_q.pacticipant(conn, name)
            if existing is not None and must_be_new:
                raise Conflict(f"pacticipant {name!r} already exists")
            row = self._ensure_pacticipant(conn, name)
            changes = {k: v for k, v in updates.items() if v is not None}
            if changes:
                pacticipants_q.update_pacticipant(conn, row["id"], changes, utcnow())
            saved = pacticipants_q.pacticipant(conn, name)
            assert saved is not None
            latest = pacticipants_q.latest_version(conn, saved["id"])
            return {**saved, "latest_version": latest}, existing is None

    def delete_pacticipant(self, name: str) -> None:
        """Delete a pacticipant and everything that belongs to it."""
        # No key: it runs alone, its cascade reaches other pacticipants' pacts and results.
        with self.storage.write() as conn:
            row = self._require_pacticipant(conn, name)
            pacticipants_q.delete_pacticipant(conn, row["id"])

    def get_version(self, pacticipant_name: str, number: str) -> VersionDetails:
        """Return a version with its tags, branches, pacts and deployments."""
        with self.storage.read() as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            return self._version_details(conn, pacticipant, version)

    def latest_version(
        self, pacticipant_name: str, *, tag: str | None = None, branch: str | None = None
    ) -> VersionDetails:
        """Return the latest version of a pacticipant, optionally with a tag or on a branch."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = self._latest_matching(conn, pacticipant, tag=tag, branch=branch)
            if version is None:
                what = f" with tag {tag!r}" if tag else f" on branch {branch!r}" if branch else ""
                raise NotFound(f"no version of {pacticipant_name!r}{what} found")
            return self._version_details(conn, pacticipant, version)

    def list_versions(self, pacticipant_name: str) -> tuple[PacticipantRow, list[VersionDetails]]:
        """Return a pacticipant and its versions, newest first."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            rows = pacticipants_q.list_versions(conn, pacticipant["id"])
            return pacticipant, [self._version_details(conn, pacticipant, r) for r in rows]

    def save_version(
        self, pacticipant_name: str, number: str, fields: dict[str, Any]
    ) -> tuple[VersionDetails, bool]:
        """Create or update a version (``branch``, ``buildUrl``, ``tags``); returns (it, new)."""
        build_url = fields.get("buildUrl")
        branch = fields.get("branch")
        tags = fields.get("tags") or []
        if build_url is not None and not isinstance(build_url, str):
            raise Invalid("buildUrl must be a string", errors={"buildUrl": ["must be a string"]})
        if not isinstance(tags, list):
            raise Invalid("tags must be a list", errors={"tags": ["must be a list"]})
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, created = self._ensure_version(conn, pacticipant, number, build_url)
            if branch:
                self._add_branch(conn, pacticipant, version, branch)
            names: list[str] = []
            for tag in tags:
                name = tag.get("name") if isinstance(tag, dict) else tag
                if not isinstance(name, str):
                    raise Invalid("tags must be names", errors={"tags": ["must be strings"]})
                check_name("tag", name)  # each in turn, as the first bad one is reported
                names.append(name)
            self._add_tags(conn, version, names)
            return self._version_details(conn, pacticipant, version), created

    def delete_version(self, pacticipant_name: str, number: str) -> None:
        """Delete a version, its tags, pacts and verifications."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            _, version = self._require_version(conn, pacticipant_name, number)
            pacticipants_q.delete_version(conn, version["id"])

    # ------------------------------------------------------------------ tags, branches
    def add_tag(self, pacticipant_name: str, number: str, tag: str) -> bool:
        """Tag a version, creating pacticipant and version when missing; True when new."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, _ = self._ensure_version(conn, pacticipant, number)
            return bool(self._add_tags(conn, version, [tag]))

    def get_tag(self, pacticipant_name: str, number: str, tag: str) -> TagDetails:
        """Return a tag of a version, or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = pacticipants_q.version(conn, pacticipant["id"], number)
            row = None
            if version is not None:
                row = pacticipants_q.tag(conn, version["id"], tag)
            if row is None:
                raise NotFound(f"tag {tag!r} of {pacticipant_name!r} version {number!r} not found")
            return {"name": tag, "number": number, "pacticipant": pacticipant_name, **row}

    def delete_tag(self, pacticipant_name: str, number: str, tag: str) -> None:
        """Remove a tag from a version."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = pacticipants_q.version(conn, pacticipant["id"], number)
            deleted = version is not None and pacticipants_q.delete_tag(conn, version["id"], tag)
            if not deleted:
                raise NotFound(f"tag {tag!r} of {pacticipant_name!r} version {number!r} not found")

    def add_branch_version(self, pacticipant_name: str, branch: str, number: str) -> VersionDetails:
        """Put a version on a branch (creating what is missing) and return the version."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, _ = self._ensure_version(conn, pacticipant, number)
            self._add_branch(conn, pacticipant, version, branch)
            return self._version_details(conn, pacticipant, version)

    def list_branches(self, pacticipant_name: str) -> tuple[PacticipantRow, list[BranchRow]]:
        """Return a pacticipant and its branches, newest first."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            return pacticipant, pacticipants_q.list_branches(conn, pacticipant["id"])

    def get_branch(self, pacticipant_name: str, branch: str) -> BranchDetails:
        """Return a branch with its latest version number."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            row = pacticipants_q.branch(conn, pacticipant["id"], branch)
            if row is None:
                raise NotFound(f"branch {branch!r} of {pacticipant_name!r} not found")
            latest = self._latest_matching(conn, pacticipant, tag=None, branch=branch)
            return {
                **row,
                "pacticipant": pacticipant_name,
                "latest_version": latest["number"] if latest else None,
            }

    def delete_branch(self, pacticipant_name: str, branch: str) -> None:
        """Delete a branch (its versions, pacts and verifications stay)."""
        with self.storage.write(keys=[locks.pacticipant(pacticipant_name)]) as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            if not pacticipants_q.delete_branch(conn, pacticipant["id"], branch):
                raise NotFound(f"branch {branch!r} of {pacticipant_name!r} not found")
