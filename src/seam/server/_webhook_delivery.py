"""Webhook delivery: a worker that drains the outbox, one instance per delivery.

Deliveries (``webhook_deliveries``, written by :mod:`seam.server._webhook_events` in the
transaction of the change) are claimed with a lease: one ``UPDATE … RETURNING`` sets
``claimed_by``/``claimed_until`` on due rows nobody holds, and re-checks that condition on
each row it changes, so of several instances on one database exactly one wins each row (on
SQLite the write lock serialises the claims; on PostgreSQL the row lock makes the loser see
the winner's claim and skip the row). The winner sends, then records the attempt and the new
status in one transaction, but only while it still holds the claim.

Guarantees: a delivery is sent once by one instance. An instance killed after claiming and
before recording loses nothing: when its lease runs out another instance sends the delivery
(so a receiver may see a request twice if the kill landed after the send and before the
record; the lease is longer than a batch's sends, so a live instance never loses its claim).
Failures (no answer, or a status outside 2xx) are retried on a bounded schedule, then the
delivery is ``failure``. Every attempt is kept: the delivery log.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import socket
import ssl
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from seam.server._errors import Invalid, NotFound
from seam.server._locks import OUTBOX
from seam.server._storage import Storage, utcnow

__all__ = [
    "DeliverySettings",
    "Dispatcher",
    "check_webhook_url",
    "get_delivery",
    "list_deliveries",
    "send_request",
]

log = logging.getLogger("seam.server.webhooks")

Row = dict[str, Any]

# What a delivery log keeps of a response body.
BODY_EXCERPT = 2000
_DUE = ("pending", "retrying")


def _default_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuidlib.uuid4().hex[:6]}"


@dataclass(frozen=True)
class DeliverySettings:
    """How the worker delivers.

    Attributes:
        retry_schedule: Seconds to wait after each failed attempt; its length bounds the
            retries (the Pact Broker's default schedule: 10 s, 1, 2, 5, 10 and 20 minutes).
        lease_seconds: How long a claim holds; must outlast ``batch`` sends.
        timeout_seconds: Connect and read timeout of one request.
        poll_seconds: How often an idle worker looks for due deliveries.
        batch: How many deliveries one claim takes.
        instance: This worker's name in ``claimed_by`` and in the log.
    """

    retry_schedule: tuple[float, ...] = (10, 60, 120, 300, 600, 1200)
    lease_seconds: float = 120
    timeout_seconds: float = 10
    poll_seconds: float = 1.0
    batch: int = 10
    instance: str = field(default_factory=_default_instance)

    @property
    def max_attempts(self) -> int:
        """The first attempt plus one per entry of the retry schedule."""
        return len(self.retry_schedule) + 1


def _at(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="microseconds")


def check_webhook_url(url: str) -> str | None:
    """Say what is wrong with a webhook URL (only http and https with a host), or None."""
    parts = urlsplit(url.replace("${", "x").replace("}", "x"))
    if parts.scheme not in ("http", "https"):
        return f"must be an http or https URL, not {url!r}"
    if not parts.hostname:
        return f"has no host: {url!r}"
    return None


def send_request(request: Row, timeout: float) -> Row:
    """Send one rendered request; never raises for what the network or receiver does.

    Returns:
        ``status`` (int or None), ``body`` (an excerpt), ``error`` (text or None), ``success``
        (a 2xx answer) and ``duration_ms``.
    """
    started = time.monotonic()
    status: int | None = None
    body = ""
    error: str | None = None
    url = str(request.get("url", ""))
    problem = check_webhook_url(url)
    if problem:
        error = f"the URL {problem}"
    else:
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "",
                parts.port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=timeout
            )
        headers = dict(request.get("headers") or {})
        data = request.get("body")
        payload = None if data is None else str(data).encode("utf-8")
        if parts.username is not None and not any(k.lower() == "authorization" for k in headers):
            pair = f"{parts.username}:{parts.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        try:
            connection.request(str(request.get("method", "POST")), target, payload, headers)
            response = connection.getresponse()
            status = response.status
            body = response.read(BODY_EXCERPT).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
    return {
        "status": status,
        "body": body,
        "error": error,
        "success": status is not None and 200 <= status < 300,
        "duration_ms": int((time.monotonic() - started) * 1000),
    }


class Dispatcher:
    """The delivery worker: a daemon thread claiming and sending due deliveries.

    Args:
        storage: The broker's database (shared with the app).
        settings: Schedule, lease, timeouts and this instance's name.
    """

    def __init__(self, storage: Storage, settings: DeliverySettings) -> None:
        self.storage = storage
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="seam-webhooks", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the worker to stop after the request in flight and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout if timeout is not None else self.settings.timeout_seconds + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # the worker must outlive a bad moment of the database
                if self.storage.outage(exc) is not None:
                    # An outage is expected news, one line per poll; not a traceback each.
                    log.warning(
                        "webhook delivery paused, the database is unavailable (%s); "
                        "retrying in %ss",
                        " ".join(str(exc).split()),
                        self.settings.poll_seconds,
                    )
                else:
                    log.exception(
                        "webhook delivery failed; retrying in %ss", self.settings.poll_seconds
                    )
                busy = 0
            if not busy:
                self._stop.wait(self.settings.poll_seconds)

    def claim(self) -> list[Row]:
        """Claim up to ``batch`` due deliveries nobody holds; returns them oldest first."""
        now = utcnow()
        free = (
            "status IN (?, ?) AND next_attempt_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until < ?)"
        )
        # An idle poll only reads: the write lock (SQLite) or row locks are taken only when
        # something is due, so idle workers never slow publishers down.
        with self.storage.read() as conn:
            due = conn.execute(
                f"SELECT 1 FROM webhook_deliveries WHERE {free} LIMIT 1", (*_DUE, now, now)
            ).fetchone()
        if due is None:
            return []
        with self.storage.write(keys=[OUTBOX]) as conn:
            rows = conn.execute(
                "UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ?, updated_at = ? "
                f"WHERE id IN (SELECT id FROM webhook_deliveries WHERE {free} "
                f"ORDER BY id LIMIT ?) AND {free} "
                "RETURNING id, uuid, request, attempts",
                (
                    self.settings.instance,
                    _at(self.settings.lease_seconds),
                    now,
                    *_DUE,
                    now,
                    now,
                    self.settings.batch,
                    *_DUE,
                    now,
                    now,
                ),
            ).fetchall()
            claimed = [dict(row) for row in rows]
        return sorted(claimed, key=lambda row: row["id"])

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many deliveries it attempted."""
        claimed = self.claim()
        for index, delivery in enumerate(claimed):
            if self._stop.is_set():
                self._release(claimed[index:])
                return index
            started = utcnow()
            result = send_request(json.loads(delivery["request"]), self.settings.timeout_seconds)
            self._record(delivery, started, result)
        return len(claimed)

    def _release(self, deliveries: list[Row]) -> None:
        """Give back claims this worker will not use, so another instance takes them now."""
        with self.storage.write(keys=[OUTBOX]) as conn:
            for delivery in deliveries:
                conn.execute(
                    "UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL "
                    "WHERE id = ? AND claimed_by = ?",
                    (delivery["id"], self.settings.instance),
                )

    def _record(self, delivery: Row, started: str, result: Row) -> None:
        attempt = int(delivery["attempts"]) + 1
        if result["success"]:
            status, next_at = "success", utcnow()
        elif attempt < self.settings.max_attempts:
            status, next_at = "retrying", _at(self.settings.retry_schedule[attempt - 1])
        else:
            status, next_at = "failure", utcnow()
        with self.storage.write(keys=[OUTBOX]) as conn:
            conn.execute(
                "INSERT INTO webhook_attempts (delivery_id, number, instance, started_at, "
                "duration_ms, response_status, response_body, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery["id"],
                    attempt,
                    self.settings.instance,
                    started,
                    result["duration_ms"],
                    result["status"],
                    result["body"],
                    result["error"],
                ),
            )
            updated = conn.execute(
                "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
                "response_status = ?, error = ?, claimed_by = NULL, claimed_until = NULL, "
                "updated_at = ? WHERE id = ? AND claimed_by = ? RETURNING id",
                (
                    status,
                    attempt,
                    next_at,
                    result["status"],
                    result["error"],
                    utcnow(),
                    delivery["id"],
                    self.settings.instance,
                ),
            ).fetchall()
        if not updated:
            log.warning(
                "webhook delivery %s: the lease ran out before its result was recorded; "
                "lengthen the lease (--webhook-lease)",
                delivery["uuid"],
            )


def _delivery_row(row: Any) -> Row:
    found = dict(row)
    found["request"] = json.loads(found["request"])
    return found


def list_deliveries(
    storage: Storage, *, webhook_uuid: str | None = None, limit: int = 100
) -> list[Row]:
    """Return deliveries, newest first (optionally of one webhook)."""
    where, params = ("WHERE webhook_uuid = ?", [webhook_uuid]) if webhook_uuid else ("", [])
    with storage.read() as conn:
        rows = conn.execute(
            f"SELECT * FROM webhook_deliveries {where} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [_delivery_row(row) for row in rows]


def get_delivery(storage: Storage, uuid: str) -> Row:
    """Return one delivery with its ``executions`` (attempts, oldest first).

    Raises:
        NotFound: No delivery has that uuid.
    """
    with storage.read() as conn:
        row = conn.execute("SELECT * FROM webhook_deliveries WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise NotFound(f"triggered webhook {uuid!r} not found")
        found = _delivery_row(row)
        found["executions"] = [
            dict(a)
            for a in conn.execute(
                "SELECT number, instance, started_at, duration_ms, response_status, "
                "response_body, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY number",
                (found["id"],),
            ).fetchall()
        ]
        return found


def require_http_url(request: Any) -> None:
    """Raise :class:`Invalid` when a webhook request's URL is not http(s) with a host."""
    url = request.get("url") if isinstance(request, dict) else None
    problem = check_webhook_url(url) if isinstance(url, str) and url else None
    if problem:
        raise Invalid(f"request.url {problem}", errors={"request.url": [problem]})
