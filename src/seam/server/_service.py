"""The broker's domain operations over :class:`Storage`; no HTTP here.

Every public method runs in one transaction and returns plain dicts (rows) that the route
layer decorates with HAL links. Refusals raise :mod:`seam.server._errors` classes.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._matrix import compute_matrix, parse_matrix_query
from seam.server._pactmerge import merge_pacts, pact_sha
from seam.server._requests import check_name, json_object, parse_json
from seam.server._storage import Storage, utcnow
from seam.server._verifiable import VerifiablePact
from seam.server._verifiable import pacts_for_verification as _pacts_for_verification

__all__ = ["AUTO_MAIN_BRANCHES", "BrokerService"]

Row = dict[str, Any]

# The Pact Broker's default main-branch candidates (auto_detect_main_branch).
AUTO_MAIN_BRANCHES = ("develop", "main", "master")


def _dict(row: sqlite3.Row | None) -> Row | None:
    return dict(row) if row is not None else None


class BrokerService:
    """The embedded broker's operations. Thread-safe: each call is one SQLite transaction.

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
    def _pacticipant(conn: sqlite3.Connection, name: str) -> Row | None:
        return _dict(conn.execute("SELECT * FROM pacticipants WHERE name = ?", (name,)).fetchone())

    def _require_pacticipant(self, conn: sqlite3.Connection, name: str) -> Row:
        found = self._pacticipant(conn, name)
        if found is None:
            raise NotFound(f"pacticipant {name!r} not found")
        return found

    def _ensure_pacticipant(self, conn: sqlite3.Connection, name: str) -> Row:
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

    def get_pacticipant(self, name: str) -> Row:
        """Return a pacticipant with its latest version, or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            row = self._require_pacticipant(conn, name)
            row["latest_version"] = self._latest_version(conn, row["id"])
            return row

    def list_pacticipants(self) -> list[Row]:
        """Return every pacticipant (sorted by name) with its latest version."""
        with self.storage.read() as conn:
            rows = [dict(r) for r in conn.execute("SELECT * FROM pacticipants ORDER BY name")]
            for row in rows:
                row["latest_version"] = self._latest_version(conn, row["id"])
            return rows

    def save_pacticipant(
        self, name: str, fields: dict[str, Any], *, must_be_new: bool = False
    ) -> tuple[Row, bool]:
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
        with self.storage.write() as conn:
            existing = self._pacticipant(conn, name)
            if existing is not None and must_be_new:
                raise Conflict(f"pacticipant {name!r} already exists")
            row = self._ensure_pacticipant(conn, name)
            changes = {k: v for k, v in updates.items() if v is not None}
            if changes:
                assignments = ", ".join(f"{k} = ?" for k in changes)
                conn.execute(
                    f"UPDATE pacticipants SET {assignments}, updated_at = ? WHERE id = ?",
                    (*changes.values(), utcnow(), row["id"]),
                )
            saved = self._pacticipant(conn, name)
            assert saved is not None
            saved["latest_version"] = self._latest_version(conn, saved["id"])
            return saved, existing is None

    def delete_pacticipant(self, name: str) -> None:
        """Delete a pacticipant and everything that belongs to it."""
        with self.storage.write() as conn:
            row = self._require_pacticipant(conn, name)
            conn.execute("DELETE FROM pacticipants WHERE id = ?", (row["id"],))

    # ------------------------------------------------------------------ versions
    @staticmethod
    def _version(conn: sqlite3.Connection, pacticipant_id: int, number: str) -> Row | None:
        return _dict(
            conn.execute(
                "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
                (pacticipant_id, number),
            ).fetchone()
        )

    def _require_version(
        self, conn: sqlite3.Connection, pacticipant_name: str, number: str
    ) -> tuple[Row, Row]:
        """Return (pacticipant, version), or raise :class:`NotFound` for either."""
        pacticipant = self._require_pacticipant(conn, pacticipant_name)
        version = self._version(conn, pacticipant["id"], number)
        if version is None:
            raise NotFound(f"version {number!r} of {pacticipant_name!r} not found")
        return pacticipant, version

    @staticmethod
    def _latest_version(conn: sqlite3.Connection, pacticipant_id: int) -> Row | None:
        return _dict(
            conn.execute(
                "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1",
                (pacticipant_id,),
            ).fetchone()
        )

    def _ensure_version(
        self, conn: sqlite3.Connection, pacticipant: Row, number: str, build_url: str | None = None
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

    def _add_branch(
        self, conn: sqlite3.Connection, pacticipant: Row, version: Row, branch: str
    ) -> bool:
        check_name("branch", branch)
        now = utcnow()
        conn.execute(
            "INSERT OR IGNORE INTO branches (pacticipant_id, name, created_at) VALUES (?, ?, ?)",
            (pacticipant["id"], branch, now),
        )
        branch_id = conn.execute(
            "SELECT id FROM branches WHERE pacticipant_id = ? AND name = ?",
            (pacticipant["id"], branch),
        ).fetchone()[0]
        cursor = conn.execute(
            "INSERT OR IGNORE INTO branch_versions (branch_id, version_id, created_at) "
            "VALUES (?, ?, ?)",
            (branch_id, version["id"], now),
        )
        if pacticipant["main_branch"] is None and branch in AUTO_MAIN_BRANCHES:
            conn.execute(
                "UPDATE pacticipants SET main_branch = ? WHERE id = ?", (branch, pacticipant["id"])
            )
            pacticipant["main_branch"] = branch
        return cursor.rowcount > 0

    @staticmethod
    def _add_tag(conn: sqlite3.Connection, version: Row, tag: str) -> bool:
        check_name("tag", tag)
        cursor = conn.execute(
            "INSERT OR IGNORE INTO tags (version_id, name, created_at) VALUES (?, ?, ?)",
            (version["id"], tag, utcnow()),
        )
        return cursor.rowcount > 0

    def _version_details(self, conn: sqlite3.Connection, pacticipant: Row, version: Row) -> Row:
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

    def get_version(self, pacticipant_name: str, number: str) -> Row:
        """Return a version with its tags, branches, pacts and deployments."""
        with self.storage.read() as conn:
            pacticipant, version = self._require_version(conn, pacticipant_name, number)
            return self._version_details(conn, pacticipant, version)

    def latest_version(
        self, pacticipant_name: str, *, tag: str | None = None, branch: str | None = None
    ) -> Row:
        """Return the latest version of a pacticipant, optionally with a tag or on a branch."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = self._latest_matching(conn, pacticipant, tag=tag, branch=branch)
            if version is None:
                what = f" with tag {tag!r}" if tag else f" on branch {branch!r}" if branch else ""
                raise NotFound(f"no version of {pacticipant_name!r}{what} found")
            return self._version_details(conn, pacticipant, version)

    @staticmethod
    def _latest_matching(
        conn: sqlite3.Connection, pacticipant: Row, *, tag: str | None, branch: str | None
    ) -> Row | None:
        if tag is not None:
            sql = (
                "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id "
                "WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC LIMIT 1"
            )
            return _dict(conn.execute(sql, (pacticipant["id"], tag)).fetchone())
        if branch is not None:
            sql = (
                "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id "
                "JOIN branches b ON b.id = bv.branch_id "
                "WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC LIMIT 1"
            )
            return _dict(conn.execute(sql, (pacticipant["id"], branch)).fetchone())
        return BrokerService._latest_version(conn, pacticipant["id"])

    def list_versions(self, pacticipant_name: str) -> tuple[Row, list[Row]]:
        """Return a pacticipant and its versions, newest first."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            rows = conn.execute(
                "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC",
                (pacticipant["id"],),
            ).fetchall()
            return pacticipant, [self._version_details(conn, pacticipant, dict(r)) for r in rows]

    def save_version(
        self, pacticipant_name: str, number: str, fields: dict[str, Any]
    ) -> tuple[Row, bool]:
        """Create or update a version (``branch``, ``buildUrl``, ``tags``); returns (it, new)."""
        build_url = fields.get("buildUrl")
        branch = fields.get("branch")
        tags = fields.get("tags") or []
        if build_url is not None and not isinstance(build_url, str):
            raise Invalid("buildUrl must be a string", errors={"buildUrl": ["must be a string"]})
        if not isinstance(tags, list):
            raise Invalid("tags must be a list", errors={"tags": ["must be a list"]})
        with self.storage.write() as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, created = self._ensure_version(conn, pacticipant, number, build_url)
            if branch:
                self._add_branch(conn, pacticipant, version, branch)
            for tag in tags:
                name = tag.get("name") if isinstance(tag, dict) else tag
                if not isinstance(name, str):
                    raise Invalid("tags must be names", errors={"tags": ["must be strings"]})
                self._add_tag(conn, version, name)
            return self._version_details(conn, pacticipant, version), created

    def delete_version(self, pacticipant_name: str, number: str) -> None:
        """Delete a version, its tags, pacts and verifications."""
        with self.storage.write() as conn:
            _, version = self._require_version(conn, pacticipant_name, number)
            conn.execute("DELETE FROM versions WHERE id = ?", (version["id"],))

    # ------------------------------------------------------------------ tags, branches
    def add_tag(self, pacticipant_name: str, number: str, tag: str) -> bool:
        """Tag a version, creating pacticipant and version when missing; True when new."""
        with self.storage.write() as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, _ = self._ensure_version(conn, pacticipant, number)
            return self._add_tag(conn, version, tag)

    def get_tag(self, pacticipant_name: str, number: str, tag: str) -> Row:
        """Return a tag of a version, or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = self._version(conn, pacticipant["id"], number)
            row = None
            if version is not None:
                row = conn.execute(
                    "SELECT * FROM tags WHERE version_id = ? AND name = ?", (version["id"], tag)
                ).fetchone()
            if row is None:
                raise NotFound(f"tag {tag!r} of {pacticipant_name!r} version {number!r} not found")
            return {"name": tag, "number": number, "pacticipant": pacticipant_name, **dict(row)}

    def delete_tag(self, pacticipant_name: str, number: str, tag: str) -> None:
        """Remove a tag from a version."""
        with self.storage.write() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            version = self._version(conn, pacticipant["id"], number)
            cursor = None
            if version is not None:
                cursor = conn.execute(
                    "DELETE FROM tags WHERE version_id = ? AND name = ?", (version["id"], tag)
                )
            if cursor is None or cursor.rowcount == 0:
                raise NotFound(f"tag {tag!r} of {pacticipant_name!r} version {number!r} not found")

    def add_branch_version(self, pacticipant_name: str, branch: str, number: str) -> Row:
        """Put a version on a branch (creating what is missing) and return the version."""
        with self.storage.write() as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            version, _ = self._ensure_version(conn, pacticipant, number)
            self._add_branch(conn, pacticipant, version, branch)
            return self._version_details(conn, pacticipant, version)

    def list_branches(self, pacticipant_name: str) -> tuple[Row, list[Row]]:
        """Return a pacticipant and its branches, newest first."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            rows = conn.execute(
                "SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC",
                (pacticipant["id"],),
            ).fetchall()
            return pacticipant, [dict(r) for r in rows]

    def get_branch(self, pacticipant_name: str, branch: str) -> Row:
        """Return a branch with its latest version number."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            row = conn.execute(
                "SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?",
                (pacticipant["id"], branch),
            ).fetchone()
            if row is None:
                raise NotFound(f"branch {branch!r} of {pacticipant_name!r} not found")
            found = dict(row)
            found["pacticipant"] = pacticipant_name
            latest = self._latest_matching(conn, pacticipant, tag=None, branch=branch)
            found["latest_version"] = latest["number"] if latest else None
            return found

    def delete_branch(self, pacticipant_name: str, branch: str) -> None:
        """Delete a branch (its versions, pacts and verifications stay)."""
        with self.storage.write() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            cursor = conn.execute(
                "DELETE FROM branches WHERE pacticipant_id = ? AND name = ?",
                (pacticipant["id"], branch),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"branch {branch!r} of {pacticipant_name!r} not found")

    # ------------------------------------------------------------------ pacts
    def _store_pact(
        self,
        conn: sqlite3.Connection,
        consumer: Row,
        provider: Row,
        version: Row,
        content: dict[str, Any],
        *,
        merge: bool,
    ) -> tuple[Row, str]:
        """Store a consumer version's pact; returns (publication, created/updated/unchanged)."""
        existing = conn.execute(
            "SELECT pp.id, pp.revision, pv.content, pv.sha FROM pact_publications pp "
            "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
            "WHERE pp.consumer_version_id = ? AND pp.provider_id = ?",
            (version["id"], provider["id"]),
        ).fetchone()
        if existing is not None and merge:
            content = merge_pacts(json.loads(existing["content"]), content)
        sha = pact_sha(content)
        if existing is not None and existing["sha"] == sha:
            return self._publication(conn, existing["id"]), "unchanged"
        if existing is not None and not merge and not self.allow_contract_modification:
            raise Conflict(
                f"cannot change the content of the pact for {consumer['name']} version "
                f"{version['number']} and provider {provider['name']}: can-i-deploy answers "
                "would be unreliable; publish the changed pact with a new consumer version"
            )
        now = utcnow()
        conn.execute(
            "INSERT OR IGNORE INTO pact_versions "
            "(sha, consumer_id, provider_id, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (sha, consumer["id"], provider["id"], json.dumps(content, ensure_ascii=False), now),
        )
        conn.execute(
            "INSERT OR IGNORE INTO integrations (consumer_id, provider_id, created_at) "
            "VALUES (?, ?, ?)",
            (consumer["id"], provider["id"], now),
        )
        pact_version_id = conn.execute(
            "SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
            (consumer["id"], provider["id"], sha),
        ).fetchone()[0]
        if existing is None:
            cursor = conn.execute(
                "INSERT INTO pact_publications "
                "(consumer_version_id, provider_id, pact_version_id, revision, created_at) "
                "VALUES (?, ?, ?, 1, ?)",
                (version["id"], provider["id"], pact_version_id, now),
            )
            assert cursor.lastrowid is not None
            return self._publication(conn, cursor.lastrowid), "created"
        conn.execute(
            "UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, "
            "created_at = ? WHERE id = ?",
            (pact_version_id, now, existing["id"]),
        )
        return self._publication(conn, existing["id"]), "updated"

    @staticmethod
    def _publication(conn: sqlite3.Connection, publication_id: int) -> Row:
        row = conn.execute(f"{_PUBLICATION_SELECT} WHERE pp.id = ?", (publication_id,)).fetchone()
        return dict(row)

    @staticmethod
    def _check_content(
        content: Any, consumer_name: str | None, provider_name: str | None
    ) -> dict[str, Any]:
        if not isinstance(content, dict):
            raise Invalid(
                "the pact must be a JSON object", errors={"content": ["not a JSON object"]}
            )
        for role, expected in (("consumer", consumer_name), ("provider", provider_name)):
            named = content.get(role)
            actual = named.get("name") if isinstance(named, dict) else None
            if actual is None:
                raise Invalid(
                    f"the pact has no {role}.name", errors={f"{role}.name": ["is missing"]}
                )
            if expected is not None and actual != expected:
                message = (
                    f"the {role} name in the pact ({actual!r}) does not match "
                    f"the {role} name given ({expected!r})"
                )
                raise Invalid(message, errors={f"{role}.name": [message]})
        return content

    def put_pact(
        self,
        provider_name: str,
        consumer_name: str,
        number: str,
        content: Any,
        *,
        merge: bool = False,
    ) -> tuple[Row, bool]:
        """Publish one pact the legacy way (``PUT``/``PATCH`` …/version/V); returns (pact, new)."""
        check_name("provider name", provider_name)
        check_name("consumer name", consumer_name)
        check_name("version number", number)
        document = self._check_content(content, consumer_name, provider_name)
        with self.storage.write() as conn:
            consumer = self._ensure_pacticipant(conn, consumer_name)
            provider = self._ensure_pacticipant(conn, provider_name)
            version, _ = self._ensure_version(conn, consumer, number)
            publication, outcome = self._store_pact(
                conn, consumer, provider, version, document, merge=merge
            )
            return publication, outcome == "created"

    def publish_contracts(self, payload: Any) -> Row:
        """Publish a version's contracts at once (``POST /contracts/publish``).

        Returns:
            ``pacticipant``, ``version`` (details), ``contracts`` (publications), ``logs``,
            ``notices`` and the ``tags`` that were applied.
        """
        payload = json_object(payload)
        errors: dict[str, list[str]] = {}
        name = payload.get("pacticipantName")
        number = payload.get("pacticipantVersionNumber")
        contracts = payload.get("contracts")
        tags = payload.get("tags") or []
        branch = payload.get("branch")
        build_url = payload.get("buildUrl")
        if not isinstance(name, str) or not name:
            errors["pacticipantName"] = ["is missing"]
        if not isinstance(number, str) or not number:
            errors["pacticipantVersionNumber"] = ["is missing"]
        if not isinstance(contracts, list) or not contracts:
            errors["contracts"] = ["must be a non-empty list"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            errors["tags"] = ["must be a list of strings"]
        if branch is not None and not isinstance(branch, str):
            errors["branch"] = ["must be a string"]
        if build_url is not None and not isinstance(build_url, str):
            errors["buildUrl"] = ["must be a string"]
        if errors:
            raise Invalid("invalid publish request", errors=errors)
        assert isinstance(name, str) and isinstance(number, str) and isinstance(contracts, list)
        check_name("pacticipantName", name)
        check_name("pacticipantVersionNumber", number)
        decoded = [self._decode_contract(i, c, name) for i, c in enumerate(contracts)]
        with self.storage.write() as conn:
            consumer = self._ensure_pacticipant(conn, name)
            version, created = self._ensure_version(conn, consumer, number, build_url)
            logs: list[Row] = []
            detail = f" with branch {branch}" if branch else ""
            detail += f" and tags {', '.join(tags)}" if tags else ""
            verb = "Created" if created else "Updated"
            logs.append(_log(f"{verb} {name} version {number}{detail}"))
            if branch:
                self._add_branch(conn, consumer, version, branch)
            for tag in tags:
                self._add_tag(conn, version, tag)
            publications = []
            for provider_name, document, merge in decoded:
                provider = self._ensure_pacticipant(conn, provider_name)
                publication, outcome = self._store_pact(
                    conn, consumer, provider, version, document, merge=merge
                )
                publications.append(publication)
                words = {"created": "published", "updated": "updated", "unchanged": "republished"}
                logs.append(
                    _log(
                        f"Pact {words[outcome]} for {name} version {number} and provider "
                        f"{provider_name}."
                    )
                )
            return {
                "pacticipant": consumer,
                "version": self._version_details(conn, consumer, version),
                "contracts": publications,
                "logs": logs,
                "tags": list(tags),
            }

    def _decode_contract(
        self, index: int, contract: Any, consumer: str
    ) -> tuple[str, dict[str, Any], bool]:
        where = f"contracts[{index}]"
        if not isinstance(contract, dict):
            raise Invalid(f"{where} must be an object", errors={where: ["must be an object"]})
        provider = contract.get("providerName")
        if not isinstance(provider, str) or not provider:
            raise Invalid(
                f"{where}.providerName is missing", errors={f"{where}.providerName": ["is missing"]}
            )
        check_name(f"{where}.providerName", provider)
        named_consumer = contract.get("consumerName", consumer)
        if named_consumer != consumer:
            message = f"consumerName {named_consumer!r} must match pacticipantName {consumer!r}"
            raise Invalid(message, errors={f"{where}.consumerName": [message]})
        specification = contract.get("specification", "pact")
        if specification != "pact":
            message = f"specification {specification!r} is not supported; only 'pact' is"
            raise Invalid(message, errors={f"{where}.specification": [message]})
        content_type = contract.get("contentType", "application/json")
        if not isinstance(content_type, str) or "json" not in content_type:
            message = f"contentType {content_type!r} is not supported; use application/json"
            raise Invalid(message, errors={f"{where}.contentType": [message]})
        raw = contract.get("content")
        try:
            decoded = base64.b64decode(str(raw), validate=True)
        except (ValueError, binascii.Error):
            message = "content must be a base64-encoded JSON pact"
            raise Invalid(message, errors={f"{where}.content": [message]}) from None
        document = parse_json(decoded, f"{where}.content", "the base64-decoded content")
        self._check_content(document, consumer, provider)
        on_conflict = contract.get("onConflict", "overwrite")
        if on_conflict not in ("overwrite", "merge"):
            message = f"onConflict must be 'overwrite' or 'merge', not {on_conflict!r}"
            raise Invalid(message, errors={f"{where}.onConflict": [message]})
        return provider, document, on_conflict == "merge"

    def get_pact(
        self,
        provider_name: str,
        consumer_name: str,
        *,
        number: str | None = None,
        tag: str | None = None,
        branch: str | None = None,
        sha: str | None = None,
    ) -> Row:
        """Return one pact: by consumer version, latest (optionally tag/branch) or content sha."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            where = ["cv.pacticipant_id = ?", "pp.provider_id = ?"]
            params: list[Any] = [consumer["id"], provider["id"]]
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
                f"{_PUBLICATION_SELECT} {join} WHERE {' AND '.join(where)} "
                "ORDER BY cv.id DESC LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                raise NotFound(f"no pact between {consumer_name!r} and {provider_name!r} found")
            return dict(row)

    def branch_pacts(
        self,
        provider_name: str,
        *,
        consumer_name: str | None = None,
        branch: str | None = None,
        latest: bool = False,
    ) -> list[Row]:
        """Return pacts of consumer versions on a branch (``None``: each consumer's main branch).

        With ``latest``, only the newest such version of each consumer counts.
        """
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            where = ["pp.provider_id = ?"]
            params: list[Any] = [provider["id"]]
            if consumer_name is not None:
                consumer = self._require_pacticipant(conn, consumer_name)
                where.append("cv.pacticipant_id = ?")
                params.append(consumer["id"])
            if branch is None:
                where.append("b.name = c.main_branch")
            else:
                where.append("b.name = ?")
                params.append(branch)
            rows = conn.execute(
                f"{_PUBLICATION_SELECT} JOIN branch_versions bv ON bv.version_id = cv.id "
                f"JOIN branches b ON b.id = bv.branch_id AND b.pacticipant_id = cv.pacticipant_id "
                f"WHERE {' AND '.join(where)} ORDER BY cv.id DESC",
                params,
            ).fetchall()
            found = [dict(r) for r in rows]
            if latest:
                newest: dict[str, Row] = {}
                for row in found:
                    newest.setdefault(row["consumer"], row)
                found = list(newest.values())
            return found

    def pact_versions(self, provider_name: str, consumer_name: str) -> list[Row]:
        """Return every consumer version's pact between the two, newest first."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            rows = conn.execute(
                f"{_PUBLICATION_SELECT} WHERE cv.pacticipant_id = ? AND pp.provider_id = ? "
                "ORDER BY cv.id DESC",
                (consumer["id"], provider["id"]),
            ).fetchall()
            return [dict(r) for r in rows]

    def provider_states(self, provider_name: str) -> list[Row]:
        """Return the provider states named in each consumer's latest pact with the provider."""
        states: dict[str, Row] = {}
        for pact in self.latest_pacts(provider_name):
            content = json.loads(pact["content"])
            for interaction in content.get("interactions") or []:
                if not isinstance(interaction, dict):
                    continue
                named = interaction.get("providerStates")
                if not isinstance(named, list):
                    legacy = interaction.get("providerState") or interaction.get("provider_state")
                    named = [{"name": legacy}] if legacy else []
                for state in named:
                    if isinstance(state, dict) and isinstance(state.get("name"), str):
                        entry = states.setdefault(
                            state["name"], {"name": state["name"], "consumers": []}
                        )
                        if state.get("params"):
                            entry["params"] = state["params"]
                        if pact["consumer"] not in entry["consumers"]:
                            entry["consumers"].append(pact["consumer"])
        return sorted(states.values(), key=lambda s: s["name"])

    def latest_pacts(self, provider_name: str | None = None, tag: str | None = None) -> list[Row]:
        """Return the latest pact of every integration (optionally for a provider, with a tag)."""
        with self.storage.read() as conn:
            params: list[Any] = []
            where = []
            join = ""
            if tag is not None:
                join = "JOIN tags t ON t.version_id = cv.id AND t.name = ?"
                params.append(tag)
            if provider_name is not None:
                provider = self._require_pacticipant(conn, provider_name)
                where.append("pp.provider_id = ?")
                params.append(provider["id"])
            clause = f"WHERE {' AND '.join(where)}" if where else ""
            # Find the newest publication per pair on ids alone, then load just those
            # (pact content is large; never read it for the versions left behind). With a
            # single MAX(), SQLite takes the bare pp.id from the row holding the maximum.
            newest = conn.execute(
                "SELECT pp.id, MAX(cv.id) FROM pact_publications pp "
                f"JOIN versions cv ON cv.id = pp.consumer_version_id {join} {clause} "
                "GROUP BY cv.pacticipant_id, pp.provider_id",
                params,
            ).fetchall()
            ids = [row[0] for row in newest]
            latest = [self._publication(conn, pub_id) for pub_id in ids]
            return sorted(latest, key=lambda r: (r["consumer"].lower(), r["provider"].lower()))

    def integrations(self) -> list[Row]:
        """Return every consumer/provider pair with a pact, with latest pact and verification."""
        pacts = self.latest_pacts()
        with self.storage.read() as conn:
            for pact in pacts:
                newest = conn.execute(
                    "SELECT MAX(vr.id) FROM verifications vr WHERE vr.pact_version_id IN "
                    "(SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ?)",
                    (pact["consumer_id"], pact["provider_id"]),
                ).fetchone()[0]
                verification = (
                    conn.execute(f"{_VERIFICATION_SELECT} WHERE vr.id = ?", (newest,)).fetchone()
                    if newest is not None
                    else None
                )
                pact["latest_verification"] = _dict(verification)
                same = conn.execute(
                    "SELECT success FROM verifications WHERE pact_version_id = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (pact["pact_version_id"],),
                ).fetchone()
                pact["verified_latest"] = None if same is None else bool(same[0])
        return pacts

    # ------------------------------------------------------------------ verifications
    def record_verification(
        self, provider_name: str, consumer_name: str, sha: str | None, body: Any
    ) -> Row:
        """Store a verification result for a pact version (``sha``; None means the latest pact).

        Raises:
            Invalid: ``success`` or ``providerApplicationVersion`` is missing or malformed.
        """
        body = json_object(body)
        success = body.get("success")
        number = body.get("providerApplicationVersion")
        errors: dict[str, list[str]] = {}
        if not isinstance(success, bool):
            errors["success"] = ["must be true or false"]
        if not isinstance(number, str) or not number:
            errors["providerApplicationVersion"] = ["is missing"]
        if errors:
            raise Invalid("invalid verification result", errors=errors)
        assert isinstance(number, str)
        check_name("providerApplicationVersion", number)
        branch = body.get("providerVersionBranch") or body.get("branch")
        tags = body.get("providerVersionTags") or []
        with self.storage.write() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            if sha is None:
                found = conn.execute(
                    "SELECT pp.pact_version_id AS id FROM pact_publications pp "
                    "JOIN versions cv ON cv.id = pp.consumer_version_id "
                    "WHERE cv.pacticipant_id = ? AND pp.provider_id = ? "
                    "ORDER BY cv.id DESC LIMIT 1",
                    (consumer["id"], provider["id"]),
                ).fetchone()
            else:
                found = conn.execute(
                    "SELECT id FROM pact_versions "
                    "WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
                    (consumer["id"], provider["id"], sha),
                ).fetchone()
            if found is None:
                raise NotFound(f"no pact between {consumer_name!r} and {provider_name!r} found")
            pact_version_id = found["id"]
            version, _ = self._ensure_version(conn, provider, number)
            if isinstance(branch, str) and branch:
                self._add_branch(conn, provider, version, branch)
            for tag in tags if isinstance(tags, list) else []:
                if isinstance(tag, str):
                    self._add_tag(conn, version, tag)
            count = conn.execute(
                "SELECT COUNT(*) FROM verifications WHERE pact_version_id = ?", (pact_version_id,)
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO verifications (pact_version_id, provider_version_id, number, success, "
                "build_url, test_results, verified_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pact_version_id,
                    version["id"],
                    count + 1,
                    int(bool(success)),
                    body.get("buildUrl") if isinstance(body.get("buildUrl"), str) else None,
                    json.dumps(body.get("testResults")) if "testResults" in body else None,
                    json.dumps(body.get("verifiedBy")) if "verifiedBy" in body else None,
                    utcnow(),
                ),
            )
            row = conn.execute(
                f"{_VERIFICATION_SELECT} WHERE vr.id = ?", (cursor.lastrowid,)
            ).fetchone()
            return dict(row)

    def get_verification(
        self, provider_name: str, consumer_name: str, sha: str, number: str
    ) -> Row:
        """Return one verification result by pact version and its number (or ``latest``)."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            params: list[Any] = [consumer["id"], provider["id"], sha]
            sql = (
                f"{_VERIFICATION_SELECT} WHERE pv.consumer_id = ? AND pv.provider_id = ? "
                "AND pv.sha = ?"
            )
            if number != "latest":
                sql += " AND vr.number = ?"
                params.append(int(number) if number.isdigit() else -1)
            row = conn.execute(sql + " ORDER BY vr.id DESC LIMIT 1", params).fetchone()
            if row is None:
                raise NotFound("verification result not found")
            return dict(row)

    def latest_verifications_for_consumer_version(
        self, consumer_name: str, number: str
    ) -> list[Row]:
        """Return the latest verification of each pact the consumer version published."""
        with self.storage.read() as conn:
            _, version = self._require_version(conn, consumer_name, number)
            rows = []
            for pub in conn.execute(
                "SELECT pact_version_id FROM pact_publications WHERE consumer_version_id = ?",
                (version["id"],),
            ).fetchall():
                row = conn.execute(
                    f"{_VERIFICATION_SELECT} WHERE vr.pact_version_id = ? "
                    "ORDER BY vr.id DESC LIMIT 1",
                    (pub[0],),
                ).fetchone()
                if row is not None:
                    rows.append(dict(row))
            return rows

    # ------------------------------------------------------------------ matrix
    def matrix(self, query: list[tuple[str, str]]) -> Row:
        """Answer a ``/matrix`` query (its items in order): rows and deployability.

        Raises:
            Invalid: The query names no pacticipant, or an unknown one or environment.
        """
        parsed = parse_matrix_query(query)
        with self.storage.read() as conn:
            return compute_matrix(conn, parsed)

    def pacts_for_verification(self, provider_name: str, body: Any) -> list[VerifiablePact]:
        """Return the pacts a provider should verify for a pacts-for-verification body."""
        body = json_object(body)
        with self.storage.read() as conn:
            provider = self._pacticipant(conn, provider_name)
            if provider is None:
                raise NotFound(f"provider {provider_name!r} not found")
            return _pacts_for_verification(conn, provider, body)

    # ------------------------------------------------------------------ environments
    @staticmethod
    def _list_environments(conn: sqlite3.Connection) -> list[Row]:
        return [_environment(r) for r in conn.execute("SELECT * FROM environments ORDER BY name")]

    def list_environments(self, name: str | None = None) -> list[Row]:
        """Return every environment (or the one with ``name``), sorted by name."""
        with self.storage.read() as conn:
            rows = self._list_environments(conn)
        return [r for r in rows if name is None or r["name"] == name]

    def _require_environment(self, conn: sqlite3.Connection, uuid: str) -> Row:
        row = conn.execute("SELECT * FROM environments WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise NotFound(f"environment {uuid!r} not found")
        return _environment(row)

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
                "AND application_instance IS ?",
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
        extra = [] if instance is None else [("d.application_instance IS ?", instance or None)]
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

    # ------------------------------------------------------------------ webhooks
    def save_webhook(
        self,
        body: Any,
        *,
        uuid: str | None = None,
        consumer: str | None = None,
        provider: str | None = None,
    ) -> tuple[Row, bool]:
        """Create or replace a webhook definition; returns (it, created).

        Webhooks are stored and served, never executed: the embedded broker makes no
        outbound requests.
        """
        body = json_object(body)
        errors: dict[str, list[str]] = {}
        request = body.get("request")
        if not isinstance(request, dict):
            errors["request"] = ["is missing"]
            request = {}
        if not isinstance(request.get("url"), str) or not request.get("url"):
            errors["request.url"] = ["is missing"]
        if not isinstance(request.get("method"), str) or not request.get("method"):
            errors["request.method"] = ["is missing"]
        events = body.get("events") or [{"name": "contract_content_changed"}]
        if not isinstance(events, list):
            errors["events"] = ["must be a list"]
        with self.storage.write() as conn:
            if consumer is not None or provider is not None:
                for name in (provider, consumer):
                    if name is not None:
                        self._require_pacticipant(conn, name)
            scope = {"consumer": consumer, "provider": provider}
            for role in ("consumer", "provider"):
                given = body.get(role)
                if isinstance(given, dict) and isinstance(given.get("name"), str):
                    if self._pacticipant(conn, given["name"]) is None:
                        errors[f"{role}.name"] = [f"no pacticipant named {given['name']!r}"]
                    scope[role] = given["name"]
                elif isinstance(given, dict) and isinstance(given.get("label"), str):
                    scope[role] = None
            if errors:
                raise Invalid("invalid webhook", errors=errors)
            now = utcnow()
            existing = (
                conn.execute("SELECT id FROM webhooks WHERE uuid = ?", (uuid,)).fetchone()
                if uuid
                else None
            )
            safe_request = {k: v for k, v in request.items() if k != "password"}
            values = (
                body.get("description"),
                scope["consumer"],
                scope["provider"],
                json.dumps(events),
                json.dumps(safe_request),
                int(body.get("enabled", True) is not False),
                now,
            )
            if existing is None:
                new_uuid = uuid or str(uuidlib.uuid4())
                check_name("uuid", new_uuid)
                conn.execute(
                    "INSERT INTO webhooks (description, consumer, provider, events, request, "
                    "enabled, updated_at, uuid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, new_uuid, now),
                )
                return self._webhook(conn, new_uuid), True
            conn.execute(
                "UPDATE webhooks SET description = ?, consumer = ?, provider = ?, events = ?, "
                "request = ?, enabled = ?, updated_at = ? WHERE uuid = ?",
                (*values, uuid),
            )
            assert uuid is not None
            return self._webhook(conn, uuid), False

    @staticmethod
    def _webhook(conn: sqlite3.Connection, uuid: str) -> Row:
        row = conn.execute("SELECT * FROM webhooks WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise NotFound(f"webhook {uuid!r} not found")
        found = dict(row)
        found["events"] = json.loads(found["events"])
        found["request"] = json.loads(found["request"])
        return found

    def get_webhook(self, uuid: str) -> Row:
        """Return a webhook definition."""
        with self.storage.read() as conn:
            return self._webhook(conn, uuid)

    def list_webhooks(self) -> list[Row]:
        """Return every webhook definition."""
        with self.storage.read() as conn:
            uuids = [r[0] for r in conn.execute("SELECT uuid FROM webhooks ORDER BY id")]
            return [self._webhook(conn, u) for u in uuids]

    def delete_webhook(self, uuid: str) -> None:
        """Delete a webhook definition."""
        with self.storage.write() as conn:
            self._webhook(conn, uuid)
            conn.execute("DELETE FROM webhooks WHERE uuid = ?", (uuid,))


def _log(message: str, level: str = "info") -> Row:
    return {"level": level, "message": message, "deprecationWarning": ""}


def _environment(row: sqlite3.Row) -> Row:
    env = dict(row)
    env["production"] = bool(env["production"])
    env["contacts"] = json.loads(env["contacts"]) if env["contacts"] else None
    return env


_PUBLICATION_SELECT = (
    "SELECT pp.id, pp.revision, pp.created_at, pp.pact_version_id, pp.consumer_version_id, "
    "pv.sha, pv.content, pv.consumer_id, pv.provider_id, c.name AS consumer, "
    "p.name AS provider, cv.number AS consumer_version "
    "FROM pact_publications pp "
    "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
    "JOIN versions cv ON cv.id = pp.consumer_version_id "
    "JOIN pacticipants c ON c.id = cv.pacticipant_id "
    "JOIN pacticipants p ON p.id = pp.provider_id"
)

_VERIFICATION_SELECT = (
    "SELECT vr.id, vr.number, vr.success, vr.build_url, vr.test_results, vr.verified_by, "
    "vr.created_at, pv.sha, c.name AS consumer, p.name AS provider, "
    "prv.number AS provider_version "
    "FROM verifications vr "
    "JOIN pact_versions pv ON pv.id = vr.pact_version_id "
    "JOIN pacticipants c ON c.id = pv.consumer_id "
    "JOIN pacticipants p ON p.id = pv.provider_id "
    "JOIN versions prv ON prv.id = vr.provider_version_id"
)

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

    def get(self, conn: sqlite3.Connection, uuid: str) -> Row:
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
