"""Pact publication, retrieval and listing."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from seam.errors import PactConflict
from seam.pactfile import merge_pacts
from seam.server import _locks as locks
from seam.server._errors import Conflict, Invalid, NotFound
from seam.server._pactmerge import pact_sha
from seam.server._queries import pacts as pacts_q
from seam.server._queries import verifications as verifications_q
from seam.server._queries.rows import (
    Connection,
    PacticipantRow,
    PublicationRow,
    VersionPactRow,
    VersionRow,
)
from seam.server._requests import check_name, json_object, parse_json
from seam.server._service._core import Outcome, ServiceCore
from seam.server._service._results import IntegrationDetails, ProviderState, PublishResult
from seam.server._storage import utcnow
from seam.server._webhook_events import pact_published

__all__ = ["PactsService"]


class PactsService(ServiceCore):
    """Publishing and reading pacts."""

    # ------------------------------------------------------------------ pacts
    def _store_pact(
        self,
        conn: Connection,
        consumer: PacticipantRow,
        provider: PacticipantRow,
        version: VersionRow,
        content: dict[str, Any],
        *,
        merge: bool,
        new_version: bool = False,
    ) -> tuple[PublicationRow, Outcome]:
        """Store a consumer version's pact; returns (publication, what the store did).

        ``new_version``: the version was created in this transaction, so it has published
        nothing yet (no need to look).
        """
        existing = (
            None if new_version else pacts_q.publication_of(conn, version["id"], provider["id"])
        )
        if existing is not None and merge:
            try:
                content = merge_pacts(json.loads(existing["content"]), content)
            except PactConflict as exc:
                raise Conflict(exc.message) from None
        sha = pact_sha(content)
        if existing is not None and existing["sha"] == sha:
            return pacts_q.publication(conn, existing["id"]), Outcome.UNCHANGED
        if existing is not None and not merge and not self.allow_contract_modification:
            raise Conflict(
                f"cannot change the content of the pact for {consumer['name']} version "
                f"{version['number']} and provider {provider['name']}: can-i-deploy answers "
                "would be unreliable; publish the changed pact with a new consumer version"
            )
        now = utcnow()
        text = json.dumps(content, ensure_ascii=False)
        content_id = pacts_q.insert_pact_version(
            conn, sha, consumer["id"], provider["id"], text, now
        )
        stored = content_id is not None
        if content_id is None:
            content_id = pacts_q.pact_version_id(conn, consumer["id"], provider["id"], sha)
            assert content_id is not None
        pacts_q.insert_integration(conn, consumer["id"], provider["id"], now)
        if existing is None:
            new_id = pacts_q.insert_publication(
                conn, version["id"], provider["id"], content_id, now
            )
            if not stored:
                # Content stored before: its text is what was stored then.
                return pacts_q.publication(conn, new_id), Outcome.CREATED
            # Every column is known: PUBLICATION_SELECT would read back what was just written.
            created: PublicationRow = {
                "id": new_id,
                "revision": 1,
                "created_at": now,
                "pact_version_id": content_id,
                "consumer_version_id": version["id"],
                "sha": sha,
                "content": text,
                "consumer_id": consumer["id"],
                "provider_id": provider["id"],
                "consumer": consumer["name"],
                "provider": provider["name"],
                "consumer_version": version["number"],
            }
            return created, Outcome.CREATED
        pacts_q.update_publication(conn, existing["id"], content_id, now)
        return pacts_q.publication(conn, existing["id"]), Outcome.UPDATED

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
    ) -> tuple[PublicationRow, bool]:
        """Publish one pact the legacy way (``PUT``/``PATCH`` …/version/V); returns (pact, new)."""
        check_name("provider name", provider_name)
        check_name("consumer name", consumer_name)
        check_name("version number", number)
        document = self._check_content(content, consumer_name, provider_name)
        with self.storage.write(keys=[locks.pacticipant(consumer_name)]) as conn:
            named = self._ensure_pacticipants(conn, consumer_name, provider_name)
            consumer, provider = named[consumer_name], named[provider_name]
            version, created = self._ensure_version(conn, consumer, number)
            publication, outcome = self._store_pact(
                conn, consumer, provider, version, document, merge=merge, new_version=created
            )
            pact_published(conn, publication, outcome.value)
            return publication, outcome is Outcome.CREATED

    def publish_contracts(self, payload: Any) -> PublishResult:
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
        with self.storage.write(keys=[locks.pacticipant(name)]) as conn:
            named = self._ensure_pacticipants(conn, name, *(p for p, _, _ in decoded))
            consumer = named[name]
            version, created = self._ensure_version(conn, consumer, number, build_url)
            on_branch = self._add_branch(conn, consumer, version, branch) if branch else None
            tagged = self._add_tags(conn, version, tags)
            publications: list[PublicationRow] = []
            outcomes: list[Outcome] = []
            for index, (provider_name, document, merge) in enumerate(decoded):
                provider = named[provider_name]
                # A provider named twice: its second contract finds the first's publication.
                first = created and all(p != provider_name for p, _, _ in decoded[:index])
                publication, outcome = self._store_pact(
                    conn, consumer, provider, version, document, merge=merge, new_version=first
                )
                pact_published(conn, publication, outcome.value)
                publications.append(publication)
                outcomes.append(outcome)
            if created:
                # Its tags, branch and pacts are the ones just written; nothing else has it yet.
                pacts: dict[str, VersionPactRow] = {
                    p["provider"]: {"provider": p["provider"], "sha": p["sha"]}
                    for p in publications
                }
                details = self._new_version_details(
                    conn,
                    consumer,
                    version,
                    tags=tagged,
                    branches=[on_branch] if on_branch else [],
                    pacts=list(pacts.values()),
                )
            else:
                details = self._version_details(conn, consumer, version)
            return {
                "pacticipant": consumer,
                "version": details,
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
    ) -> PublicationRow:
        """Return one pact: by consumer version, latest (optionally tag/branch) or content sha."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            row = pacts_q.find_publication(
                conn, consumer["id"], provider["id"], number=number, tag=tag, branch=branch, sha=sha
            )
            if row is None:
                raise NotFound(f"no pact between {consumer_name!r} and {provider_name!r} found")
            return row

    def branch_pacts(
        self,
        provider_name: str,
        *,
        consumer_name: str | None = None,
        branch: str | None = None,
        latest: bool = False,
    ) -> list[PublicationRow]:
        """Return pacts of consumer versions on a branch (``None``: each consumer's main branch).

        With ``latest``, only the newest such version of each consumer counts.
        """
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer_id = None
            if consumer_name is not None:
                consumer_id = self._require_pacticipant(conn, consumer_name)["id"]
            found = pacts_q.branch_publications(
                conn, provider["id"], consumer_id=consumer_id, branch=branch
            )
            if latest:
                newest: dict[str, PublicationRow] = {}
                for row in found:
                    newest.setdefault(row["consumer"], row)
                found = list(newest.values())
            return found

    def pact_versions(self, provider_name: str, consumer_name: str) -> list[PublicationRow]:
        """Return every consumer version's pact between the two, newest first."""
        with self.storage.read() as conn:
            provider = self._require_pacticipant(conn, provider_name)
            consumer = self._require_pacticipant(conn, consumer_name)
            return pacts_q.publications_between(conn, consumer["id"], provider["id"])

    def provider_states(self, provider_name: str) -> list[ProviderState]:
        """Return the provider states named in each consumer's latest pact with the provider."""
        states: dict[str, ProviderState] = {}
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

    def latest_pacts(
        self, provider_name: str | None = None, tag: str | None = None
    ) -> list[PublicationRow]:
        """Return the latest pact of every integration (optionally for a provider, with a tag)."""
        with self.storage.read() as conn:
            provider_id = None
            if provider_name is not None:
                provider_id = self._require_pacticipant(conn, provider_name)["id"]
            # Find the newest publication per pair on ids alone, then load just those.
            ids = pacts_q.latest_publication_ids(conn, provider_id=provider_id, tag=tag)
            latest = [pacts_q.publication(conn, pub_id) for pub_id in ids]
            return sorted(latest, key=lambda r: (r["consumer"].lower(), r["provider"].lower()))

    def integrations(self) -> list[IntegrationDetails]:
        """Return every consumer/provider pair with a pact, with latest pact and verification."""
        pacts = self.latest_pacts()
        found: list[IntegrationDetails] = []
        with self.storage.read() as conn:
            for pact in pacts:
                newest = verifications_q.newest_id_between(
                    conn, pact["consumer_id"], pact["provider_id"]
                )
                verification = (
                    verifications_q.verification(conn, newest) if newest is not None else None
                )
                same = verifications_q.latest_success(conn, pact["pact_version_id"])
                found.append({**pact, "latest_verification": verification, "verified_latest": same})
        return found
