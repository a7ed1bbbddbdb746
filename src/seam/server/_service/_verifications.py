"""Verification results, the matrix and pacts for verification."""

from __future__ import annotations

import json
from typing import Any, cast

from seam.server import _locks as locks
from seam.server._errors import Invalid, NotFound
from seam.server._matrix import compute_matrix, parse_matrix_query
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries import pacts as pacts_q
from seam.server._queries import verifications as verifications_q
from seam.server._queries.rows import VerificationRow
from seam.server._requests import check_name, json_object
from seam.server._service._core import ServiceCore
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
    ) -> VerificationRow:
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
        with self.storage.write(keys=[locks.pacticipant(provider_name)]) as conn:
            provider, consumer = self._require_pacticipants(conn, provider_name, consumer_name)
            if sha is None:
                found = verifications_q.latest_pact_version_id(conn, consumer["id"], provider["id"])
            else:
                found = pacts_q.pact_version_id(conn, consumer["id"], provider["id"], sha)
            if found is None:
                raise NotFound(f"no pact between {consumer_name!r} and {provider_name!r} found")
            pact_version_id = found
            version, _ = self._ensure_version(conn, provider, number)
            if isinstance(branch, str) and branch:
                self._add_branch(conn, provider, version, branch)
            if isinstance(tags, list):
                self._add_tags(conn, version, [tag for tag in tags if isinstance(tag, str)])
            new_id = verifications_q.insert_verification(
                conn,
                pact_version_id=pact_version_id,
                provider_version_id=version["id"],
                success=bool(success),
                build_url=body.get("buildUrl") if isinstance(body.get("buildUrl"), str) else None,
                test_results=(
                    json.dumps(body.get("testResults")) if "testResults" in body else None
                ),
                verified_by=json.dumps(body.get("verifiedBy")) if "verifiedBy" in body else None,
                now=utcnow(),
            )
            row = verifications_q.verification(conn, new_id)
            assert row is not None
            verification_published(conn, row["id"])
            return row

    def get_verification(
        self, provider_name: str, consumer_name: str, sha: str, number: str
    ) -> VerificationRow:
        """Return one verification result by pact version and its number (or ``latest``)."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            # A number that is not one matches no result (-1), like an unknown one.
            wanted = None if number == "latest" else int(number) if number.isdigit() else -1
            row = verifications_q.find_verification(
                conn, consumer["id"], provider["id"], sha, wanted
            )
            if row is None:
                raise NotFound("verification result not found")
            return row

    def latest_verifications_for_consumer_version(
        self, consumer_name: str, number: str
    ) -> list[VerificationRow]:
        """Return the latest verification of each pact the consumer version published."""
        with self.storage.read() as conn:
            _, version = self._require_version(conn, consumer_name, number)
            rows = []
            for pact_version_id in verifications_q.pact_version_ids_of_version(conn, version["id"]):
                row = verifications_q.latest_for_pact_version(conn, pact_version_id)
                if row is not None:
                    rows.append(row)
            return rows

    # ------------------------------------------------------------------ matrix
    def matrix(self, query: list[tuple[str, str]]) -> dict[str, Any]:
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
            provider = pacticipants_q.pacticipant(conn, provider_name)
            if provider is None:
                raise NotFound(f"provider {provider_name!r} not found")
            # _verifiable reads the provider row by key (its own lane types it loosely).
            return _pacts_for_verification(conn, cast(dict[str, Any], provider), body)
