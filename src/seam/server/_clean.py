"""``contracts broker clean``: remove old versions by keep-selectors, like the Pact Broker's.

The Pact Broker's clean task (https://docs.pact.io/pact_broker/administration/maintenance)
keeps the versions any *keep selector* selects and removes the rest. A selector names some of
``pacticipant``, ``branch`` (a name, or ``true`` for every branch), ``mainBranch``, ``tag``
(a name or ``true``), ``deployed``, ``released``, ``deployedOrReleased``, ``max_age`` (days)
and ``latest`` (``true``, or a number N: only the newest N of each pacticipant, branch and
tag the selector groups by). Whatever the selectors say, a version is never removed while an
environment still uses it (currently deployed or a currently supported release) or when it
is the newest version of its pacticipant.

Removing a version removes its tags, branch memberships, pact publications, deployment
history and the verifications it published (foreign keys ``ON DELETE CASCADE``); then pact
contents no publication uses any more go, with their verifications. Like the Pact Broker's, it
also drops the webhook delivery log except the newest finished delivery of each webhook,
event and integration (pending and retrying deliveries stay). Each version is removed
in its own short transaction that checks the guards again, so instances serving meanwhile
never see half a version and a version deployed a moment ago is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from seam.errors import UsageError
from seam.server._storage import Storage

__all__ = ["DEFAULT_KEEP", "CleanResult", "KeepSelector", "clean", "parse_keep_selectors"]

Row = dict[str, Any]

# What is kept when no selector is given: the newest version of every branch and tag, what
# environments use, and everything younger than 90 days.
DEFAULT_KEEP: list[dict[str, Any]] = [
    {"branch": True, "latest": True},
    {"tag": True, "latest": True},
    {"deployedOrReleased": True},
    {"max_age": 90},
]

_KEYS = {
    "pacticipant",
    "branch",
    "mainBranch",
    "tag",
    "latest",
    "max_age",
    "deployed",
    "released",
    "deployedOrReleased",
}
# Orphaned pact contents are removed this many at a time (short transactions).
_PACT_BATCH = 200


@dataclass(frozen=True)
class KeepSelector:
    """Which versions to keep (every given criterion must hold).

    Attributes:
        pacticipant: Only this pacticipant's versions.
        branch: Versions on this branch; ``True``: on any branch (grouped per branch).
        main_branch: Versions on their pacticipant's main branch.
        tag: Versions with this tag; ``True``: with any tag (grouped per tag).
        latest: Keep only the newest N of each group (pacticipant, branch, tag).
        max_age_days: Versions created at most this many days ago.
        deployed: Versions currently deployed somewhere.
        released: Versions currently supported as a release somewhere.
    """

    pacticipant: str | None = None
    branch: str | bool | None = None
    main_branch: bool = False
    tag: str | bool | None = None
    latest: int | None = None
    max_age_days: float | None = None
    deployed: bool = False
    released: bool = False


@dataclass
class CleanResult:
    """What a clean removed (or, with ``dry_run``, would remove)."""

    dry_run: bool
    removed: list[tuple[str, str]]
    kept: int
    pact_versions_removed: int = 0
    deliveries_removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A stable JSON shape for ``--format json``."""
        return {
            "dryRun": self.dry_run,
            "removed": [{"pacticipant": p, "version": v} for p, v in self.removed],
            "kept": self.kept,
            "pactVersionsRemoved": self.pact_versions_removed,
            "webhookDeliveriesRemoved": self.deliveries_removed,
            "skippedBecauseNowInUse": [{"pacticipant": p, "version": v} for p, v in self.skipped],
        }


def _flag(doc: dict[str, Any], key: str, where: str) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        raise UsageError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def parse_keep_selectors(docs: Any) -> list[KeepSelector]:
    """Read keep selectors from their JSON form (a list of objects, Pact Broker keys).

    Raises:
        UsageError: Not a list of objects, an unknown key, or a value of the wrong type.
    """
    if not isinstance(docs, list) or not docs:
        raise UsageError("keep selectors must be a non-empty JSON list of objects")
    selectors = []
    for index, doc in enumerate(docs):
        where = f"keep selector {index + 1}"
        if not isinstance(doc, dict) or not doc:
            raise UsageError(f'{where} must be a non-empty JSON object, such as {{"latest": true}}')
        unknown = sorted(set(doc) - _KEYS - {"maxAge"})
        if unknown:
            raise UsageError(
                f"{where} has unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(_KEYS))}"
            )
        latest = doc.get("latest")
        if latest is True:
            latest = 1
        elif latest is False:
            latest = None
        if latest is not None and (not isinstance(latest, int) or latest < 1):
            raise UsageError(f"{where}: latest must be true or a positive number, not {latest!r}")
        age = doc.get("max_age", doc.get("maxAge"))
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, int | float) or age < 0
        ):
            raise UsageError(f"{where}: max_age must be a number of days, not {age!r}")
        for key in ("pacticipant",):
            if key in doc and not isinstance(doc[key], str):
                raise UsageError(f"{where}: {key} must be a string")
        for key in ("branch", "tag"):
            if key in doc and not (isinstance(doc[key], str) or doc[key] is True):
                raise UsageError(f"{where}: {key} must be a name or true")
        either = _flag(doc, "deployedOrReleased", where)
        deployed, released = _flag(doc, "deployed", where), _flag(doc, "released", where)
        base = KeepSelector(
            pacticipant=doc.get("pacticipant"),
            branch=doc.get("branch"),
            main_branch=_flag(doc, "mainBranch", where),
            tag=doc.get("tag"),
            latest=latest,
            max_age_days=age,
            deployed=deployed,
            released=released,
        )
        if either:
            # Either kind of use keeps a version: two selectors, one per kind.
            selectors.append(dataclasses.replace(base, deployed=True))
            selectors.append(dataclasses.replace(base, released=True))
        else:
            selectors.append(base)
    return selectors


@dataclass
class _Version:
    id: int
    pacticipant_id: int
    pacticipant: str
    number: str
    created_at: str
    main_branch: str | None
    branches: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    deployed: bool = False
    released: bool = False


def _load(storage: Storage) -> list[_Version]:
    with storage.read() as conn:
        versions = {
            row["id"]: _Version(
                row["id"],
                row["pacticipant_id"],
                row["name"],
                row["number"],
                row["created_at"],
                row["main_branch"],
            )
            for row in conn.execute(
                "SELECT v.id, v.pacticipant_id, v.number, v.created_at, p.name, p.main_branch "
                "FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id ORDER BY v.id"
            ).fetchall()
        }
        for row in conn.execute(
            "SELECT bv.version_id, b.name FROM branch_versions bv "
            "JOIN branches b ON b.id = bv.branch_id"
        ).fetchall():
            versions[row[0]].branches.add(row[1])
        for row in conn.execute("SELECT version_id, name FROM tags").fetchall():
            versions[row[0]].tags.add(row[1])
        for row in conn.execute(
            "SELECT version_id FROM deployed_versions WHERE currently_deployed = 1"
        ).fetchall():
            versions[row[0]].deployed = True
        for row in conn.execute(
            "SELECT version_id FROM released_versions WHERE currently_supported = 1"
        ).fetchall():
            versions[row[0]].released = True
    return list(versions.values())


def _groups(selector: KeepSelector, version: _Version, cutoff: str | None) -> list[tuple[Any, ...]]:
    """The groups a version falls in under a selector (none: the selector does not pick it)."""
    if selector.pacticipant is not None and version.pacticipant != selector.pacticipant:
        return []
    if cutoff is not None and version.created_at < cutoff:
        return []
    if selector.deployed and not version.deployed:
        return []
    if selector.released and not version.released:
        return []
    branches: Sequence[str | None] = [None]
    if selector.main_branch:
        if version.main_branch is None or version.main_branch not in version.branches:
            return []
        branches = [version.main_branch]
    if selector.branch is True:
        branches = sorted(version.branches)
    elif isinstance(selector.branch, str):
        branches = [selector.branch] if selector.branch in version.branches else []
    tags: Sequence[str | None] = [None]
    if selector.tag is True:
        tags = sorted(version.tags)
    elif isinstance(selector.tag, str):
        tags = [selector.tag] if selector.tag in version.tags else []
    return [(version.pacticipant_id, b, t) for b in branches for t in tags]


def _kept(versions: list[_Version], selectors: list[KeepSelector], now: datetime) -> set[int]:
    keep: set[int] = set()
    newest: dict[int, int] = {}
    for version in versions:
        # The guards: what an environment uses, and each pacticipant's newest version.
        if version.deployed or version.released:
            keep.add(version.id)
        newest[version.pacticipant_id] = max(newest.get(version.pacticipant_id, 0), version.id)
    keep.update(newest.values())
    for selector in selectors:
        cutoff = (
            (now - timedelta(days=selector.max_age_days)).isoformat(timespec="microseconds")
            if selector.max_age_days is not None
            else None
        )
        grouped: dict[tuple[Any, ...], list[int]] = {}
        for version in versions:
            for group in _groups(selector, version, cutoff):
                grouped.setdefault(group, []).append(version.id)
        for ids in grouped.values():
            chosen = sorted(ids, reverse=True)
            keep.update(chosen[: selector.latest] if selector.latest else chosen)
    return keep


def _still_removable(conn: Any, version_id: int, pacticipant_id: int) -> bool:
    """Check the guards again inside the deleting transaction."""
    used = conn.execute(
        "SELECT 1 FROM deployed_versions WHERE version_id = ? AND currently_deployed = 1 "
        "UNION ALL SELECT 1 FROM released_versions WHERE version_id = ? "
        "AND currently_supported = 1",
        (version_id, version_id),
    ).fetchone()
    newer = conn.execute(
        "SELECT 1 FROM versions WHERE pacticipant_id = ? AND id > ? LIMIT 1",
        (pacticipant_id, version_id),
    ).fetchone()
    return used is None and newer is not None


def clean(
    storage: Storage,
    selectors: list[KeepSelector] | None = None,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> CleanResult:
    """Remove every version no keep selector selects (see the module docstring).

    Args:
        storage: The broker's database; instances may serve from it meanwhile.
        selectors: What to keep (default: :data:`DEFAULT_KEEP`).
        dry_run: Only say what would be removed.
        now: The time ``max_age`` counts back from (default: now).

    Returns:
        The versions removed (pacticipant, number), oldest first, and what was kept.
    """
    chosen = selectors if selectors is not None else parse_keep_selectors(DEFAULT_KEEP)
    versions = _load(storage)
    keep = _kept(versions, chosen, now or datetime.now(UTC))
    doomed = [v for v in versions if v.id not in keep]
    result = CleanResult(dry_run, [], kept=len(versions) - len(doomed))
    for version in doomed:
        if dry_run:
            result.removed.append((version.pacticipant, version.number))
            continue
        with storage.write() as conn:
            if not _still_removable(conn, version.id, version.pacticipant_id):
                result.skipped.append((version.pacticipant, version.number))
                continue
            conn.execute("DELETE FROM versions WHERE id = ?", (version.id,))
        result.removed.append((version.pacticipant, version.number))
    if not dry_run:
        result.kept += len(result.skipped)
        result.pact_versions_removed = _remove_orphan_pacts(storage)
    result.deliveries_removed = _remove_old_deliveries(storage, dry_run)
    return result


# A finished delivery with a newer finished one of the same webhook, event and integration.
_SUPERSEDED = (
    "SELECT d.id FROM webhook_deliveries d WHERE d.status IN ('success', 'failure') "
    "AND EXISTS (SELECT 1 FROM webhook_deliveries n WHERE n.webhook_uuid = d.webhook_uuid "
    "AND n.event_name = d.event_name AND n.consumer = d.consumer AND n.provider = d.provider "
    "AND n.status IN ('success', 'failure') AND n.id > d.id) ORDER BY d.id LIMIT ?"
)


def _remove_old_deliveries(storage: Storage, dry_run: bool) -> int:
    if dry_run:
        with storage.read() as conn:
            return len(conn.execute(_SUPERSEDED, (2**31 - 1,)).fetchall())
    removed = 0
    while True:
        with storage.write() as conn:
            ids = [row[0] for row in conn.execute(_SUPERSEDED, (_PACT_BATCH,)).fetchall()]
            for delivery_id in ids:
                conn.execute("DELETE FROM webhook_deliveries WHERE id = ?", (delivery_id,))
        removed += len(ids)
        if len(ids) < _PACT_BATCH:
            return removed


def _remove_orphan_pacts(storage: Storage) -> int:
    removed = 0
    while True:
        with storage.write() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT pv.id FROM pact_versions pv WHERE NOT EXISTS "
                    "(SELECT 1 FROM pact_publications pp WHERE pp.pact_version_id = pv.id) "
                    "ORDER BY pv.id LIMIT ?",
                    (_PACT_BATCH,),
                ).fetchall()
            ]
            for pact_version_id in ids:
                # Checked again per row: a publisher may have just reused this content.
                conn.execute(
                    "DELETE FROM pact_versions WHERE id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM pact_publications pp WHERE pp.pact_version_id = ?)",
                    (pact_version_id, pact_version_id),
                )
        removed += len(ids)
        if len(ids) < _PACT_BATCH:
            return removed
