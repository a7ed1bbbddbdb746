"""The compatibility matrix and can-i-deploy, as the Pact Broker computes them.

A *selector* names versions of one pacticipant (a version number, the latest, the latest
with a tag, a branch, what is deployed to an environment, or all). A matrix *row* is one
pact (a consumer version's pact with a provider) and, when there is one, the verification
of that pact's content by a provider version the provider selector allows.

can-i-deploy asks for one pacticipant version and a target (``environment=``, ``tag=`` or
``latest=true``); the other side of every integration is then *inferred*: each provider
the version has pacts with, and each consumer with pacts for it, resolved against the
target. Deployable means every considered row has a successful verification; a missing
verification makes the answer unknown (``deployable: null``), a failed one makes it false.
A consumer needs its providers in the target, a provider does not need its consumers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from seam.server._errors import Invalid
from seam.server._storage import Connection

__all__ = ["MatrixQuery", "Selector", "compute_matrix", "parse_matrix_query"]

_SELECTOR_KEYS = ("pacticipant", "version", "latest", "tag", "branch", "mainBranch", "environment")
_MAX_CANDIDATES = 64


@dataclass
class Selector:
    """One ``q[]`` (or ``ignore[]``) entry of a matrix query."""

    pacticipant: str
    version: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    main_branch: bool = False
    environment: str | None = None


@dataclass
class MatrixQuery:
    """A parsed ``/matrix`` or ``/can-i-deploy`` query.

    ``candidates`` holds alternative readings of the ``q[]`` entries when a client sent
    them grouped by key (``q[][pacticipant]=A&q[][pacticipant]=B&q[][version]=1``): the
    first reading whose specified versions all exist is used.
    """

    candidates: list[list[Selector]]
    ignore: list[Selector] = field(default_factory=list)
    latestby: str | None = None
    latest: bool = False
    tag: str | None = None
    environment: str | None = None
    main_branch: bool = False
    success: list[bool] | None = None


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def _make(entry: dict[str, str], where: str) -> Selector:
    name = entry.get("pacticipant")
    if not name:
        raise Invalid(
            f"every {where} entry needs a pacticipant",
            errors=[f"every {where} entry needs a pacticipant name"],
        )
    return Selector(
        pacticipant=name,
        version=entry.get("version") or None,
        latest=_truthy(entry.get("latest", "")),
        tag=entry.get("tag") or None,
        branch=entry.get("branch") or None,
        main_branch=_truthy(entry.get("mainBranch", "")),
        environment=entry.get("environment") or None,
    )


def _group_sequential(entries: list[tuple[str, str]]) -> list[dict[str, str]]:
    # Rack's reading: a new entry starts at each pacticipant, or when a key repeats.
    groups: list[dict[str, str]] = []
    for key, value in entries:
        if (
            not groups
            or (key == "pacticipant" and "pacticipant" in groups[-1])
            or key in groups[-1]
        ):
            groups.append({})
        groups[-1][key] = value
    return groups


def _group_by_key(entries: list[tuple[str, str]], count: int) -> list[list[dict[str, str]]]:
    # Keys grouped together (as some HTTP libraries re-order them): values of a key with
    # as many values as pacticipants are positional; the others could belong to any entry.
    values: dict[str, list[str]] = {}
    for key, value in entries:
        values.setdefault(key, []).append(value)
    fixed = {k: v for k, v in values.items() if len(v) == count}
    loose = {k: v for k, v in values.items() if len(v) < count}
    if any(len(v) > count for v in values.values()):
        raise Invalid(
            "a matrix query key has more values than there are pacticipants",
            errors=["each q[] entry may give each key only once"],
        )
    choices = [list(itertools.combinations(range(count), len(v))) for v in loose.values()]
    readings = []
    for combo in itertools.islice(itertools.product(*choices), _MAX_CANDIDATES):
        groups: list[dict[str, str]] = [{k: v[i] for k, v in fixed.items()} for i in range(count)]
        for (key, vals), positions in zip(loose.items(), combo, strict=True):
            for value, position in zip(vals, positions, strict=True):
                groups[position][key] = value
        readings.append(groups)
    return readings


def _entries(items: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    found = []
    for key, value in items:
        if key.startswith(prefix) and key.endswith("]"):
            name = key[len(prefix) : -1]
            if name in _SELECTOR_KEYS:
                found.append((name, value))
    return found


def parse_matrix_query(items: list[tuple[str, str]]) -> MatrixQuery:
    """Parse query items (in order) of a ``/matrix`` request.

    Raises:
        Invalid: No ``q[][pacticipant]`` is given, or an entry has no pacticipant.
    """
    entries = _entries(items, "q[][")
    positions = [i for i, (key, _) in enumerate(entries) if key == "pacticipant"]
    if not positions:
        raise Invalid(
            "the matrix query names no pacticipant",
            errors=["Please provide 1 or more version selectors (q[][pacticipant])"],
        )
    grouped = len(positions) > 1 and positions == list(
        range(positions[0], positions[0] + len(positions))
    )
    readings = _group_by_key(entries, len(positions)) if grouped else [_group_sequential(entries)]
    candidates = [[_make(entry, "q[]") for entry in groups] for groups in readings]
    ignore = [_make(e, "ignore[]") for e in _group_sequential(_entries(items, "ignore[]["))]
    single = dict(items)
    success = [_truthy(v) for k, v in items if k in ("success[]", "success")]
    latestby = single.get("latestby") or None
    if latestby not in (None, "cvp", "cvpv"):
        raise Invalid(
            f"latestby must be cvp or cvpv, not {latestby!r}",
            errors=[f"latestby must be cvp or cvpv, not {latestby!r}"],
        )
    return MatrixQuery(
        candidates=candidates,
        ignore=ignore,
        latestby=latestby,
        latest=_truthy(single.get("latest", "")),
        tag=single.get("tag") or None,
        environment=single.get("environment") or None,
        main_branch=_truthy(single.get("mainBranch", "")),
        success=success or None,
    )


@dataclass
class _Resolved:
    selector: Selector
    pacticipant: dict[str, Any]
    versions: list[dict[str, Any]] | None  # None: every version
    specified: bool
    description: str

    def missing(self) -> bool:
        return self.specified and self.versions is not None and not self.versions


def _rows(conn: Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _pacticipant(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM pacticipants WHERE name = ?", (name,)).fetchone()
    return dict(row) if row is not None else None


def _environment_versions(
    conn: Connection, pacticipant_ids: list[int], environment: str
) -> dict[int, list[dict[str, Any]]]:
    """The versions of each pacticipant deployed or released (and supported) in an environment."""
    env = conn.execute("SELECT id FROM environments WHERE name = ?", (environment,)).fetchone()
    if env is None:
        raise Invalid(
            f"environment {environment!r} not found",
            errors=[f"Environment with name '{environment}' does not exist"],
        )
    marks = _marks(pacticipant_ids)
    found: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(
        conn,
        "SELECT DISTINCT v.* FROM versions v WHERE v.id IN ("
        f"SELECT version_id FROM deployed_versions WHERE environment_id = ? "
        f"AND pacticipant_id IN ({marks}) AND currently_deployed = 1 UNION "
        f"SELECT version_id FROM released_versions WHERE environment_id = ? "
        f"AND pacticipant_id IN ({marks}) AND currently_supported = 1) ORDER BY v.id",
        [env[0], *pacticipant_ids, env[0], *pacticipant_ids],
    ):
        found.setdefault(row["pacticipant_id"], []).append(row)
    return found


def _resolve(
    conn: Connection, selector: Selector, pacticipant: dict[str, Any], *, specified: bool
) -> _Resolved:
    pid = pacticipant["id"]
    name = pacticipant["name"]
    versions: list[dict[str, Any]] | None
    if selector.version is not None:
        versions = _rows(
            conn,
            "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
            [pid, selector.version],
        )
        description = f"version {selector.version} of {name}"
    elif selector.environment is not None:
        versions = _environment_versions(conn, [pid], selector.environment).get(pid, [])
        description = f"the version of {name} currently in {selector.environment}"
    elif selector.tag is not None:
        sql = (
            "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id "
            "WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC"
        )
        versions = _rows(conn, sql + (" LIMIT 1" if selector.latest else ""), [pid, selector.tag])
        description = (
            f"the latest version of {name} with tag {selector.tag}"
            if selector.latest
            else f"the versions of {name} with tag {selector.tag}"
        )
    elif selector.branch is not None or selector.main_branch:
        branch = selector.branch or pacticipant.get("main_branch")
        sql = (
            "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id "
            "JOIN branches b ON b.id = bv.branch_id WHERE b.pacticipant_id = ? AND b.name = ? "
            "ORDER BY v.id DESC"
        )
        latest = selector.latest or selector.main_branch
        versions = (
            _rows(conn, sql + (" LIMIT 1" if latest else ""), [pid, branch]) if branch else []
        )
        description = (
            f"the latest version of {name} from branch {branch}"
            if branch
            else f"the latest version of {name} from its main branch ({name} has none set)"
        )
    elif selector.latest:
        versions = _rows(
            conn, "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1", [pid]
        )
        description = f"the latest version of {name}"
    else:
        versions = None
        description = f"any version of {name}"
    return _Resolved(selector, pacticipant, versions, specified, description)


def _inferred_target(query: MatrixQuery, name: str) -> Selector:
    return Selector(
        pacticipant=name,
        latest=True,
        tag=query.tag,
        environment=query.environment,
        main_branch=query.main_branch and not query.tag,
    )


def _integrated(conn: Connection, pacticipant_id: int) -> list[int]:
    ids = conn.execute(
        "SELECT provider_id FROM integrations WHERE consumer_id = ? UNION "
        "SELECT consumer_id FROM integrations WHERE provider_id = ?",
        (pacticipant_id, pacticipant_id),
    ).fetchall()
    return sorted(r[0] for r in ids if r[0] != pacticipant_id)


_ROW_SELECT = (
    "SELECT pp.id AS publication_id, pp.pact_version_id, pp.created_at AS pact_created_at, "
    "pv.sha, cv.number AS consumer_version, cv.id AS consumer_version_id, "
    "cv.pacticipant_id AS consumer_id, pp.provider_id "
    "FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id "
    "JOIN versions cv ON cv.id = pp.consumer_version_id"
)
# The provider version's number by primary key, row by row: a join lets PostgreSQL's planner
# hash the whole versions table for a few dozen verifications (20 ms instead of 0.5).
_VER_SELECT = (
    "SELECT vr.pact_version_id, vr.id, vr.number, vr.success, vr.created_at, "
    "(SELECT prv.number FROM versions prv WHERE prv.id = vr.provider_version_id) "
    "AS provider_version, vr.provider_version_id FROM verifications vr"
)


# Bound parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
_CHUNK = 500


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)] or [[]]


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _publications(
    conn: Connection, pairs: list[tuple[_Resolved, _Resolved]]
) -> list[list[dict[str, Any]]]:
    """The publications of each (consumer, provider) pair, by consumer version, in one query.

    Each pair's rows are the pact publications of the consumer's versions (any version when
    the selector names none) with the provider, oldest consumer version first. One query
    for every pair keeps can-i-deploy at a handful of round trips on a database server.
    """
    wanted = [(c, p) for c, p in pairs if c.versions is None or c.versions]
    if not wanted:
        return [[] for _ in pairs]
    version_ids = sorted({v["id"] for c, _ in wanted for v in c.versions or []})
    any_of = sorted({c.pacticipant["id"] for c, _ in wanted if c.versions is None})
    providers = sorted({p.pacticipant["id"] for _, p in wanted})
    found: list[dict[str, Any]] = []
    for chunk in _chunks(version_ids):
        where = []
        params: list[Any] = []
        if chunk:
            where.append(f"pp.consumer_version_id IN ({_marks(chunk)})")
            params += chunk
        if any_of:
            where.append(f"cv.pacticipant_id IN ({_marks(any_of)})")
            params += any_of
        found += _rows(
            conn,
            f"{_ROW_SELECT} WHERE ({' OR '.join(where)}) "
            f"AND pp.provider_id IN ({_marks(providers)}) ORDER BY cv.id",
            [*params, *providers],
        )
        any_of = []  # the pacticipants' versions came with the first chunk
    if len(version_ids) > _CHUNK:
        found.sort(key=lambda r: r["consumer_version_id"])
    answers: list[list[dict[str, Any]]] = []
    for consumer, provider in pairs:
        if consumer.versions is not None and not consumer.versions:
            answers.append([])
            continue
        ids = None if consumer.versions is None else {v["id"] for v in consumer.versions}
        answers.append(
            [
                r
                for r in found
                if r["provider_id"] == provider.pacticipant["id"]
                and (
                    r["consumer_version_id"] in ids
                    if ids is not None
                    else r["consumer_id"] == consumer.pacticipant["id"]
                )
            ]
        )
    return answers


def _verifications(
    conn: Connection, pact_version_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Every verification of each pact version, by provider version then id, in one query."""
    found: dict[int, list[dict[str, Any]]] = {pid: [] for pid in pact_version_ids}
    for chunk in _chunks(sorted(found)):
        if not chunk:
            continue
        for row in _rows(
            conn,
            f"{_VER_SELECT} WHERE vr.pact_version_id IN ({_marks(chunk)}) "
            "ORDER BY vr.provider_version_id, vr.id",
            chunk,
        ):
            found[row.pop("pact_version_id")].append(row)
    return found


def _chosen(
    found: list[dict[str, Any]], provider: _Resolved, latestby: str | None
) -> list[dict[str, Any]]:
    """The verifications of one pact that count for ``provider`` and ``latestby``."""
    if provider.versions is not None:
        allowed = {v["id"] for v in provider.versions}
        found = [r for r in found if r["provider_version_id"] in allowed]
    if latestby == "cvp":
        return found[-1:]
    if latestby == "cvpv":
        latest: dict[int, dict[str, Any]] = {}
        for row in found:
            latest[row["provider_version_id"]] = row
        return list(latest.values())
    return found


def _ignored(row: dict[str, Any], ignore: list[Selector]) -> bool:
    for sel in ignore:
        for role in ("consumer", "provider"):
            if row[role] == sel.pacticipant and (
                sel.version is None or row[f"{role}_version"] == sel.version
            ):
                return True
    return False


def _choose(conn: Connection, query: MatrixQuery) -> list[_Resolved]:
    first: list[_Resolved] | None = None
    unknown: list[str] = []
    for reading in query.candidates:
        resolved = []
        for selector in reading:
            pacticipant = _pacticipant(conn, selector.pacticipant)
            if pacticipant is None:
                unknown.append(selector.pacticipant)
                break
            resolved.append(_resolve(conn, selector, pacticipant, specified=True))
        else:
            if not any(r.missing() for r in resolved):
                return resolved
            first = first or resolved
    if first is None:
        names = ", ".join(dict.fromkeys(unknown))
        raise Invalid(f"pacticipant {names} not found", errors=[f"Pacticipant {names} not found"])
    return first


def _inferred(conn: Connection, query: MatrixQuery, own: int, infer: bool) -> list[_Resolved]:
    """The other side of each integration of pacticipant ``own``, resolved against the target."""
    ids = _integrated(conn, own)
    if not ids:
        return []
    others = _rows(conn, f"SELECT * FROM pacticipants WHERE id IN ({_marks(ids)})", ids)
    others.sort(key=lambda p: ids.index(p["id"]))
    if infer and query.environment is not None:
        # What each is running in the environment, for all of them in one query.
        by_id = _environment_versions(conn, [p["id"] for p in others], query.environment)
        return [
            _Resolved(
                _inferred_target(query, p["name"]),
                p,
                by_id.get(p["id"], []),
                False,
                f"the version of {p['name']} currently in {query.environment}",
            )
            for p in others
        ]
    return [
        _resolve(
            conn,
            _inferred_target(query, p["name"]) if infer else Selector(p["name"]),
            p,
            specified=False,
        )
        for p in others
    ]


def compute_matrix(conn: Connection, query: MatrixQuery) -> dict[str, Any]:
    """Compute matrix rows and the deployment summary for a parsed query.

    Returns:
        ``rows`` (considered), ``ignored_rows``, ``deployable`` (True/False/None),
        ``reasons`` and ``counts``.

    Raises:
        Invalid: A named pacticipant or environment does not exist.
    """
    specified = _choose(conn, query)
    selectors = list(specified)
    infer = len(specified) == 1 and bool(
        query.latest or query.tag or query.environment or query.main_branch
    )
    if len(specified) == 1:
        # One pacticipant: its integrations are inferred, resolved against the target
        # (environment, tag, latest) when one is given, else every version of each.
        selectors += _inferred(conn, query, specified[0].pacticipant["id"], infer)
    pairs = [
        (consumer, provider)
        for consumer, provider in itertools.permutations(selectors, 2)
        if consumer.pacticipant["id"] != provider.pacticipant["id"]
        and (consumer.specified or provider.specified)
    ]
    publications = _publications(conn, pairs)
    verifications = _verifications(
        conn, sorted({pub["pact_version_id"] for pubs in publications for pub in pubs})
    )
    rows: list[dict[str, Any]] = []
    for (consumer, provider), pubs in zip(pairs, publications, strict=True):
        for pub in pubs:
            base = {
                "consumer": consumer.pacticipant["name"],
                "provider": provider.pacticipant["name"],
                "consumer_version": pub["consumer_version"],
                "consumer_version_id": pub["consumer_version_id"],
                "sha": pub["sha"],
                "pact_created_at": pub["pact_created_at"],
                "provider_version": None,
                "provider_version_id": None,
                "verification": None,
                "provider_selector": provider,
                "consumer_selector": consumer,
            }
            found = _chosen(verifications[pub["pact_version_id"]], provider, query.latestby)
            if not found:
                rows.append(base)
            for ver in found:
                rows.append(
                    base
                    | {
                        "provider_version": ver["provider_version"],
                        "provider_version_id": ver["provider_version_id"],
                        "verification": ver | {"success": bool(ver["success"])},
                    }
                )
    if query.success is not None:
        wanted = set(query.success)
        rows = [r for r in rows if r["verification"] and r["verification"]["success"] in wanted]
    considered = [r for r in rows if not _ignored(r, query.ignore)]
    ignored = [r for r in rows if _ignored(r, query.ignore)]
    return _summarise(conn, specified, query, considered, ignored)


def _success(row: dict[str, Any]) -> bool | None:
    return None if row["verification"] is None else bool(row["verification"]["success"])


def _provider_words(row: dict[str, Any]) -> str:
    if row["provider_version"] is not None:
        return f"version {row['provider_version']} of {row['provider']}"
    sel: _Resolved = row["provider_selector"]
    if sel.versions is not None and not sel.versions:
        return f"{sel.description} (no such version exists)"
    return sel.description if sel.versions is not None else f"a version of {row['provider']}"


def _summarise(
    conn: Connection,
    specified: list[_Resolved],
    query: MatrixQuery,
    considered: list[dict[str, Any]],
    ignored: list[dict[str, Any]],
) -> dict[str, Any]:
    ignored_names = {(s.pacticipant, s.version) for s in query.ignore}
    missing = [
        s
        for s in specified
        if s.missing()
        and (s.selector.pacticipant, None) not in ignored_names
        and (s.selector.pacticipant, s.selector.version) not in ignored_names
    ]
    reasons: list[str] = [f"The specified {s.description} does not exist" for s in missing]
    deployable: bool | None
    if missing:
        deployable = False
    elif any(_success(r) is None for r in considered):
        deployable = None
    else:
        deployable = all(_success(r) for r in considered)
    if not missing:
        for row in considered:
            state = _success(row)
            consumer = f"version {row['consumer_version']} of {row['consumer']}"
            if state is False:
                reasons.append(
                    f"The verification for the pact between {consumer} and "
                    f"{_provider_words(row)} failed"
                )
            elif state is None:
                reasons.append(
                    f"There is no verified pact between {consumer} and {_provider_words(row)}"
                )
        if not reasons:
            reasons.append(
                "All required verification results are published and successful"
                if considered
                else "There are no missing dependencies"
            )
    for sel in query.ignore:
        if _pacticipant(conn, sel.pacticipant) is None:
            reasons.append(f"Ignoring {sel.pacticipant}, which does not exist")
    counts: dict[str, int] = {
        "success": sum(1 for r in considered if _success(r) is True),
        "failed": sum(1 for r in considered if _success(r) is False),
        "unknown": sum(1 for r in considered if _success(r) is None),
    }
    if ignored:
        counts["ignored"] = len(ignored)
    return {
        "rows": considered,
        "ignored_rows": ignored,
        "deployable": deployable,
        "reasons": list(dict.fromkeys(reasons)),
        "counts": counts,
    }
