"""Pact publication, retrieval and listing."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from seam.errors import PactConflict
from seam.pactfile import merge_pacts
from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._pactmerge import pact_sha
from seam.server._requests import check_name, json_object, parse_json
from seam.server._service._core import (
    PUBLICATION_SELECT,
    VERIFICATION_SELECT,
    Outcome,
    Row,
    ServiceCore,
    as_row,
)
from seam.server._storage import Connection, utcnow
from seam.server._webhook_events import pact_published

__all__ = ["PactsService"]


class PactsService(ServiceCore):
    """Publishing and reading pacts."""

    # ------------------------------------------------------------------ pacts
    def _store_pact(
        self,
        conn: Connection,
        consumer: Row,
        provider: Row,
        version: Row,
        content: dict[str, Any],
        *,
        merge: bool,
    ) -> tuple[Row, Outcome]:
        """Store a consumer version's pact; returns (publication, what the store did)."""
        existing = conn.execute(
            "SELECT pp.id, pp.revision, pv.content, pv.sha FROM pact_publications pp "
            "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
            "WHERE pp.consumer_version_id = ? AND pp.provider_id = ?",
            (version["id"], provider["id"]),
        ).fetchone()
        if existing is not None and merge:
            try:
                content = merge_pacts(json.loads(existing["content"]), content)
            except PactConflict as exc:
                raise Conflict(exc.message) from None
        sha = pact_sha(content)
        if existing is not None and existing["sha"] == sha:
            return self._publication(conn, existing["id"]), Outcome.UNCHANGED
        if existing is not None and not merge and not self.allow_contract_modification:
            raise Conflict(
                f"cannot change the content of the pact for {consumer['name']} version "
                f"{version['number']} and provider {provider['name']}: can-i-deploy answers "
                "would be unreliable; publish the changed pact with a new consumer version"
            )
        now = utcnow()
        conn.execute(
            "INSERT INTO pact_versions "
            "(sha, consumer_id, provider_id, content, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (sha, consumer["id"], provider["id"], json.dumps(content, ensure_ascii=False), now),
        )
        conn.execute(
            "INSERT INTO integrations (consumer_id, provider_id, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
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
                "VALUES (?, ?, ?, 1, ?) RETURNING id",
                (version["id"], provider["id"], pact_version_id, now),
            )
            return self._publication(conn, cursor.fetchone()[0]), Outcome.CREATED
        conn.execute(
            "UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, "
            "created_at = ? WHERE id = ?",
            (pact_version_id, now, existing["id"]),
        )
        return self._publication(conn, existing["id"]), Outcome.UPDATED

    @staticmethod
    def _publication(conn: Connection, publication_id: int) -> Row:
        row = conn.execute(f"{PUBLICATION_SELECT} WHERE pp.id = ?", (publication_id,)).fetchone()
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
            pact_published(conn, publication, outcome.value)
            return publication, outcome is Outcome.CREATED

    def publish_contracts(self, payload: Any) -> Row:
        """Publish a version's contracts at once (``POST /contracts/publish``).

        Returns:
            ``pacticipant``, ``version`` (details), ``version_created``, ``branch``,
            ``contracts`` (publications), ``outcomes`` (an :class:`Outcome` per contract)
            and the ``tags`` that were applied.
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
            if branch:
                self._add_branch(conn, consumer, version, branch)
            for tag in tags:
                self._add_tag(conn, version, tag)
            publications: list[Row] = []
            outcomes: list[Outcome] = []
            for provider_name, document, merge in decoded:
                provider = self._ensure_pacticipant(conn, provider_name)
                publication, outcome = self._store_pact(
                    conn, consumer, provider, version, document, merge=merge
                )
                pact_published(conn, publication, outcome.value)
                publications.append(publication)
                outcomes.append(outcome)
            return {
                "pacticipant": consumer,
                "version": self._version_details(conn, consumer, version),
                "version_created": created,
                "branch": branch,
                "contracts": publications,
                "outcomes": outcomes,
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
                f"{PUBLICATION_SELECT} {join} WHERE {' AND '.join(where)} "
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
                f"{PUBLICATION_SELECT} JOIN branch_versions bv ON bv.version_id = cv.id "
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
                f"{PUBLICATION_SELECT} WHERE cv.pacticipant_id = ? AND pp.provider_id = ? "
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
            # (pact content is large; never read it for the versions left behind): the
            # newest consumer version per pair, then its publication by the unique pair.
            newest = conn.execute(
                "SELECT pp.id FROM pact_publications pp JOIN (SELECT cv.pacticipant_id, "
                "pp.provider_id, MAX(cv.id) AS version_id FROM pact_publications pp "
                f"JOIN versions cv ON cv.id = pp.consumer_version_id {join} {clause} "
                "GROUP BY cv.pacticipant_id, pp.provider_id) newest "
                "ON newest.version_id = pp.consumer_version_id "
                "AND newest.provider_id = pp.provider_id",
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
                    conn.execute(f"{VERIFICATION_SELECT} WHERE vr.id = ?", (newest,)).fetchone()
                    if newest is not None
                    else None
                )
                pact["latest_verification"] = as_row(verification)
                same = conn.execute(
                    "SELECT success FROM verifications WHERE pact_version_id = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (pact["pact_version_id"],),
                ).fetchone()
                pact["verified_latest"] = None if same is None else bool(same[0])
        return pacts
