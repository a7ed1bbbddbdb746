"""Webhook events: which stored webhooks a change triggers, rendered into the outbox.

The Pact Broker's events (https://docs.pact.io/pact_broker/webhooks):

- ``contract_published``: every publication of a pact.
- ``contract_content_changed``: the pact's content differs from the previous version's on
  each of the consumer version's branches and tags (or, with neither, from the previous
  version's); the first pact of a pair counts as changed.
- ``contract_requiring_verification_published``: once per provider version that must verify
  the content and has not yet: the head of the provider's main branch and every currently
  deployed or supported version, de-duplicated. ``${pactbroker.providerVersionNumber}`` and
  ``${pactbroker.providerVersionBranch}`` name that provider version.
- ``provider_verification_published`` and, by its outcome, ``provider_verification_succeeded``
  or ``provider_verification_failed``.

The functions here run inside the caller's write transaction, so a delivery is in the outbox
(``webhook_deliveries``) exactly when the change that triggers it is committed: no change
without its deliveries, no delivery for a change that rolled back. Each delivery stores the
request already rendered, so what is sent is what the data was when the event happened.
"""

from __future__ import annotations

import base64
import json
import re
import uuid as uuidlib
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

from seam.server._storage import Storage, utcnow

__all__ = [
    "BASE_URL",
    "EVENTS",
    "enqueue",
    "pact_published",
    "render_request",
    "sample_params",
    "verification_published",
]

Row = dict[str, Any]
# sqlite3.Connection or the PostgreSQL engine's connection: both take `?` placeholders and
# return rows readable by column name.
Conn = Any

CONTRACT_PUBLISHED = "contract_published"
CONTRACT_CONTENT_CHANGED = "contract_content_changed"
REQUIRING_VERIFICATION = "contract_requiring_verification_published"
VERIFICATION_PUBLISHED = "provider_verification_published"
VERIFICATION_SUCCEEDED = "provider_verification_succeeded"
VERIFICATION_FAILED = "provider_verification_failed"
EVENTS = (
    CONTRACT_PUBLISHED,
    CONTRACT_CONTENT_CHANGED,
    REQUIRING_VERIFICATION,
    VERIFICATION_PUBLISHED,
    VERIFICATION_SUCCEEDED,
    VERIFICATION_FAILED,
)

# The broker's public base URL for ${pactbroker.pactUrl} and friends: the app sets it per
# request (the configured --base-url, else the request's own), the way HAL links are built.
BASE_URL: ContextVar[str] = ContextVar("seam_broker_base_url", default="http://localhost:9292")

_PLACEHOLDER = re.compile(r"\$\{pactbroker\.(\w+)\}")

# The labels a pacticipant (named by the parameter) carries now.
_LABELS_OF = (
    "SELECT l.name FROM labels l JOIN pacticipants p ON p.id = l.pacticipant_id WHERE p.name = ?"
)

# Commit-status words each CI system expects (the Pact Broker's names for them).
_STATUS_WORDS = {
    "githubVerificationStatus": ("success", "failure", "pending"),
    "gitlabVerificationStatus": ("success", "failed", "pending"),
    "bitbucketVerificationStatus": ("SUCCESSFUL", "FAILED", "INPROGRESS"),
    "azureDevOpsVerificationStatus": ("succeeded", "failed", "pending"),
}


def _url(*segments: str) -> str:
    return BASE_URL.get().rstrip("/") + "".join("/" + quote(s, safe="") for s in segments)


def render(
    template: str, params: dict[str, str], escape: Callable[[str], str] | None = None
) -> str:
    """Replace each ``${pactbroker.NAME}`` in ``template``; unknown names stay as written."""

    def one(match: re.Match[str]) -> str:
        value = params.get(match.group(1))
        if value is None:
            return match.group(0)
        return escape(value) if escape else value

    return _PLACEHOLDER.sub(one, template)


def _render_body(body: Any, params: dict[str, str]) -> Any:
    if isinstance(body, str):
        return render(body, params)
    if isinstance(body, list):
        return [_render_body(item, params) for item in body]
    if isinstance(body, dict):
        return {key: _render_body(value, params) for key, value in body.items()}
    return body


def render_request(request: Row, params: dict[str, str]) -> Row:
    """Render a webhook's request template: URL (values percent-encoded), headers and body.

    ``username``/``password`` become a basic ``Authorization`` header.

    Returns:
        ``method``, ``url``, ``headers`` (a dict) and ``body`` (text or None), ready to send.
    """
    headers = request.get("headers") if isinstance(request.get("headers"), dict) else {}
    rendered_headers = {str(k): render(str(v), params) for k, v in (headers or {}).items()}
    username, password = request.get("username"), request.get("password")
    if isinstance(username, str) and username:
        # Basic auth as the Pact Broker sends it; the delivery log shows this header masked.
        pair = f"{render(username, params)}:{render(str(password or ''), params)}"
        rendered_headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    body = request.get("body")
    if body is None:
        text = None
    elif isinstance(body, str):
        text = render(body, params)
    else:
        # A JSON body is rendered value by value, so a parameter never breaks its quoting.
        text = json.dumps(_render_body(body, params), ensure_ascii=False)
    return {
        "method": str(request.get("method") or "POST").upper(),
        "url": render(str(request.get("url") or ""), params, lambda v: quote(v, safe="")),
        "headers": rendered_headers,
        "body": text,
    }


def _listened(conn: Conn, events: tuple[str, ...]) -> bool:
    """Whether any enabled webhook listens for one of ``events``, whatever its scope.

    One query, so a change no webhook listens for costs no more (every publication on a
    broker without webhooks).
    """
    for row in conn.execute("SELECT events FROM webhooks WHERE enabled = 1").fetchall():
        names = {e.get("name") for e in json.loads(row["events"]) if isinstance(e, dict)}
        if names.intersection(events):
            return True
    return False


def _matching_webhooks(conn: Conn, consumer: str, provider: str, event: str) -> list[Row]:
    # A webhook scoped by label matches the pacticipants carrying it when the event happens.
    rows = conn.execute(
        "SELECT uuid, request, events FROM webhooks WHERE enabled = 1 "
        "AND (consumer IS NULL OR consumer = ?) AND (provider IS NULL OR provider = ?) "
        f"AND (consumer_label IS NULL OR consumer_label IN ({_LABELS_OF})) "
        f"AND (provider_label IS NULL OR provider_label IN ({_LABELS_OF})) "
        "ORDER BY id",
        (consumer, provider, consumer, provider),
    ).fetchall()
    found = []
    for row in rows:
        names = [e.get("name") for e in json.loads(row["events"]) if isinstance(e, dict)]
        if event in names:
            found.append({"uuid": row["uuid"], "request": json.loads(row["request"])})
    return found


def enqueue(conn: Conn, event: str, params: dict[str, str]) -> list[str]:
    """Put one delivery per webhook listening for ``event`` into the outbox; returns uuids.

    Runs in the caller's transaction (see the module docstring).
    """
    params = {**params, "eventName": event}
    made = []
    for webhook in _matching_webhooks(conn, params["consumerName"], params["providerName"], event):
        now = utcnow()
        delivery = str(uuidlib.uuid4())
        request = render_request(webhook["request"], params)
        conn.execute(
            "INSERT INTO webhook_deliveries (uuid, webhook_uuid, event_name, consumer, provider, "
            "request, status, attempts, next_attempt_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
            (
                delivery,
                webhook["uuid"],
                event,
                params["consumerName"],
                params["providerName"],
                json.dumps(request, ensure_ascii=False),
                now,
                now,
                now,
            ),
        )
        made.append(delivery)
    return made


def _names(conn: Conn, sql: str, version_id: int) -> list[str]:
    return [row[0] for row in conn.execute(sql, (version_id,)).fetchall()]


def _tags(conn: Conn, version_id: int) -> list[str]:
    return _names(
        conn, "SELECT name FROM tags WHERE version_id = ? ORDER BY created_at, name", version_id
    )


def _branches(conn: Conn, version_id: int) -> list[str]:
    return _names(
        conn,
        "SELECT b.name FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id "
        "WHERE bv.version_id = ? ORDER BY bv.created_at, b.name",
        version_id,
    )


def _labels(conn: Conn, pacticipant: str) -> list[str]:
    return [row[0] for row in conn.execute(f"{_LABELS_OF} ORDER BY l.name", (pacticipant,))]


def _statuses(success: bool | None) -> dict[str, str]:
    index = 2 if success is None else (0 if success else 1)
    return {name: words[index] for name, words in _STATUS_WORDS.items()}


def _pact_params(conn: Conn, publication: Mapping[str, Any]) -> dict[str, str]:
    """The template parameters every event about a pact has."""
    version = conn.execute(
        "SELECT id, number, build_url FROM versions WHERE id = ?",
        (publication["consumer_version_id"],),
    ).fetchone()
    latest = conn.execute(
        "SELECT success FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1",
        (publication["pact_version_id"],),
    ).fetchone()
    # None only for content no publication uses any more (overwritten, with
    # allow_contract_modification): the consumer version fields are then empty.
    branches = _branches(conn, version["id"]) if version is not None else []
    tags = _tags(conn, version["id"]) if version is not None else []
    consumer, provider = publication["consumer"], publication["provider"]
    return {
        "consumerName": consumer,
        "providerName": provider,
        "consumerVersionNumber": version["number"] if version is not None else "",
        "consumerVersionTags": ", ".join(tags),
        "consumerVersionBranch": branches[0] if branches else "",
        "consumerLabels": ", ".join(_labels(conn, consumer)),
        "providerLabels": ", ".join(_labels(conn, provider)),
        "providerVersionNumber": "",
        "providerVersionTags": "",
        "providerVersionBranch": "",
        "pactUrl": _url(
            "pacts", "provider", provider, "consumer", consumer, "pact-version", publication["sha"]
        ),
        "verificationResultUrl": "",
        "buildUrl": (version["build_url"] if version is not None else None) or "",
        **_statuses(None if latest is None else bool(latest["success"])),
    }


def _content_changed(conn: Conn, publication: Mapping[str, Any], outcome: str) -> bool:
    """The Pact Broker's rule: changed against the previous version of each branch and tag."""
    if outcome == "unchanged":
        return False
    if outcome == "updated":
        return True
    version_id = publication["consumer_version_id"]
    base = (
        "SELECT pp.pact_version_id FROM pact_publications pp "
        "JOIN versions cv ON cv.id = pp.consumer_version_id {join} "
        "WHERE cv.pacticipant_id = ? AND pp.provider_id = ? AND cv.id < ? {where} "
        "ORDER BY cv.id DESC LIMIT 1"
    )
    same_pair = (publication["consumer_id"], publication["provider_id"], version_id)
    groups: list[tuple[str, tuple[Any, ...]]] = []
    for branch in _branches(conn, version_id):
        sql = base.format(
            join="JOIN branch_versions bv ON bv.version_id = cv.id "
            "JOIN branches b ON b.id = bv.branch_id",
            where="AND b.name = ?",
        )
        groups.append((sql, (*same_pair, branch)))
    for tag in _tags(conn, version_id):
        sql = base.format(join="JOIN tags t ON t.version_id = cv.id", where="AND t.name = ?")
        groups.append((sql, (*same_pair, tag)))
    if not groups:
        groups.append((base.format(join="", where=""), same_pair))
    for sql, params in groups:
        previous = conn.execute(sql, params).fetchone()
        if previous is None or previous[0] != publication["pact_version_id"]:
            return True
    return False


def _versions_to_verify(conn: Conn, publication: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(number, branch) of each provider version that should verify the pact and has not."""
    provider_id = publication["provider_id"]
    candidates: list[tuple[int, str, str]] = []
    head = conn.execute(
        "SELECT v.id, v.number, b.name FROM pacticipants p "
        "JOIN branches b ON b.pacticipant_id = p.id AND b.name = p.main_branch "
        "JOIN branch_versions bv ON bv.branch_id = b.id JOIN versions v ON v.id = bv.version_id "
        "WHERE p.id = ? ORDER BY v.id DESC LIMIT 1",
        (provider_id,),
    ).fetchone()
    if head is not None:
        candidates.append((head[0], head[1], head[2]))
    for table, flag in (
        ("deployed_versions", "currently_deployed"),
        ("released_versions", "currently_supported"),
    ):
        for row in conn.execute(
            f"SELECT v.id, v.number FROM {table} r JOIN versions v ON v.id = r.version_id "
            f"WHERE r.pacticipant_id = ? AND r.{flag} = 1 ORDER BY v.id",
            (provider_id,),
        ).fetchall():
            branches = _branches(conn, row[0])
            candidates.append((row[0], row[1], branches[0] if branches else ""))
    seen: set[int] = set()
    found = []
    for version_id, number, branch in candidates:
        if version_id in seen:
            continue
        seen.add(version_id)
        verified = conn.execute(
            "SELECT 1 FROM verifications WHERE pact_version_id = ? AND provider_version_id = ? "
            "LIMIT 1",
            (publication["pact_version_id"], version_id),
        ).fetchone()
        if verified is None:
            found.append((number, branch))
    return found


def pact_published(conn: Conn, publication: Mapping[str, Any], outcome: str) -> None:
    """Enqueue the deliveries a pact publication triggers (in the publishing transaction).

    Args:
        conn: The open write transaction that stored the publication.
        publication: The publication row (``_PUBLICATION_SELECT``'s columns).
        outcome: ``created``, ``updated`` or ``unchanged``, as the store reported it.
    """
    if not _listened(conn, (CONTRACT_PUBLISHED, CONTRACT_CONTENT_CHANGED, REQUIRING_VERIFICATION)):
        return
    params = _pact_params(conn, publication)
    enqueue(conn, CONTRACT_PUBLISHED, params)
    if _content_changed(conn, publication, outcome):
        enqueue(conn, CONTRACT_CONTENT_CHANGED, params)
    for number, branch in _versions_to_verify(conn, publication):
        enqueue(
            conn,
            REQUIRING_VERIFICATION,
            {**params, "providerVersionNumber": number, "providerVersionBranch": branch},
        )


def verification_published(conn: Conn, verification_id: int) -> None:
    """Enqueue the deliveries a verification result triggers (in its transaction)."""
    if not _listened(conn, (VERIFICATION_PUBLISHED, VERIFICATION_SUCCEEDED, VERIFICATION_FAILED)):
        return
    row = conn.execute(
        "SELECT vr.id, vr.number, vr.success, vr.build_url, vr.pact_version_id, "
        "vr.provider_version_id, pv.sha, c.name AS consumer, p.name AS provider, "
        "prv.number AS provider_version FROM verifications vr "
        "JOIN pact_versions pv ON pv.id = vr.pact_version_id "
        "JOIN pacticipants c ON c.id = pv.consumer_id "
        "JOIN pacticipants p ON p.id = pv.provider_id "
        "JOIN versions prv ON prv.id = vr.provider_version_id WHERE vr.id = ?",
        (verification_id,),
    ).fetchone()
    # "The most recent consumer version associated with the pact content."
    newest = conn.execute(
        "SELECT pp.consumer_version_id FROM pact_publications pp "
        "WHERE pp.pact_version_id = ? ORDER BY pp.consumer_version_id DESC LIMIT 1",
        (row["pact_version_id"],),
    ).fetchone()
    publication = {
        "consumer": row["consumer"],
        "provider": row["provider"],
        "sha": row["sha"],
        "pact_version_id": row["pact_version_id"],
        "consumer_version_id": newest[0] if newest is not None else None,
    }
    params = _pact_params(conn, publication)
    success = bool(row["success"])
    provider_branches = _branches(conn, row["provider_version_id"])
    params.update(
        {
            "providerVersionNumber": row["provider_version"],
            "providerVersionTags": ", ".join(_tags(conn, row["provider_version_id"])),
            "providerVersionBranch": provider_branches[0] if provider_branches else "",
            "verificationResultUrl": _url(
                "pacts",
                "provider",
                row["provider"],
                "consumer",
                row["consumer"],
                "pact-version",
                row["sha"],
                "verification-results",
                str(row["number"]),
            ),
            "buildUrl": row["build_url"] or "",
            **_statuses(success),
        }
    )
    enqueue(conn, VERIFICATION_PUBLISHED, params)
    enqueue(conn, VERIFICATION_SUCCEEDED if success else VERIFICATION_FAILED, params)


def sample_params(
    storage: Storage,
    consumer: str | None,
    provider: str | None,
    consumer_label: str | None = None,
    provider_label: str | None = None,
) -> dict[str, str]:
    """Template parameters from the latest pact in a webhook's scope, for a test execution.

    The scope is a name or a label per side. With no such pact, only the names the webhook
    is scoped to are known.
    """
    where, params = [], []
    for column, name in (("c.name", consumer), ("p.name", provider)):
        if name is not None:
            where.append(f"{column} = ?")
            params.append(name)
    for column, label in (("c.name", consumer_label), ("p.name", provider_label)):
        if label is not None:
            where.append(
                f"EXISTS (SELECT 1 FROM labels l WHERE l.pacticipant_id = {column[0]}.id "
                "AND l.name = ?)"
            )
            params.append(label)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with storage.read() as conn:
        row = conn.execute(
            "SELECT pp.consumer_version_id, pp.pact_version_id, pv.sha, c.name AS consumer, "
            "p.name AS provider FROM pact_publications pp "
            "JOIN pact_versions pv ON pv.id = pp.pact_version_id "
            "JOIN versions cv ON cv.id = pp.consumer_version_id "
            "JOIN pacticipants c ON c.id = cv.pacticipant_id "
            f"JOIN pacticipants p ON p.id = pp.provider_id {clause} "
            "ORDER BY pp.id DESC LIMIT 1",
            params,
        ).fetchone()
        if row is None:
            return {
                "consumerName": consumer or "",
                "providerName": provider or "",
                "eventName": "execute",
            }
        return {**_pact_params(conn, dict(row)), "eventName": "execute"}
