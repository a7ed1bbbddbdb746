"""Verification results, the matrix and pacts for verification."""

from __future__ import annotations

import json
from typing import Any

from seam.server._errors import Invalid, NotFound
from seam.server._matrix import compute_matrix, parse_matrix_query
from seam.server._requests import check_name, json_object
from seam.server._service._core import (
    VERIFICATION_SELECT,
    Row,
    ServiceCore,
)
from seam.server._storage import utcnow
from seam.server._verifiable import VerifiablePact
from seam.server._verifiable import pacts_for_verification as _pacts_for_verification
from seam.server._webhook_events import verification_published

__all__ = ["VerificationsService"]


class VerificationsService(ServiceCore):
    """Verification results, the matrix and pacts for verification."""

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
                "build_url, test_results, verified_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
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
            new_id = cursor.fetchone()[0]
            row = conn.execute(f"{VERIFICATION_SELECT} WHERE vr.id = ?", (new_id,)).fetchone()
            verification_published(conn, row["id"])
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
                f"{VERIFICATION_SELECT} WHERE pv.consumer_id = ? AND pv.provider_id = ? "
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
                    f"{VERIFICATION_SELECT} WHERE vr.pact_version_id = ? "
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
