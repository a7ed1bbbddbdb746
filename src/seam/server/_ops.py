"""Running the broker: health probes, Prometheus metrics and the access log.

``/diagnostic/status/heartbeat`` and ``/diagnostic/status/dependencies`` answer as the Pact
Broker's do (same paths, same documents) and need no credentials, so a load balancer can
probe them; dependencies asks the database and answers 503 when it cannot. ``/metrics`` is
the Prometheus text exposition format (version 0.0.4), written here: three metric families
do not need a client library.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Callable

from seam.server._routes import Call, Reply, Route
from seam.server._storage import Storage

__all__ = ["ACCESS_LOG", "Metrics", "ops_routes"]

#: The logger of the access log: one INFO line per request.
ACCESS_LOG = logging.getLogger("seam.server.access")

#: Latency buckets in seconds (Prometheus client's defaults, which suit an HTTP API).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: The route label of a request that matched no route: one series, whatever the path.
UNMATCHED = "(unmatched)"

_EXPOSITION = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    # The exposition format's escapes for a label value: backslash, quote and newline.
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Metrics:
    """Request counts by route template and status, a latency histogram, the database pool.

    Route templates, never paths, label the series: a path carries names, and a label per
    name would grow without bound.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self._buckets: dict[str, list[int]] = {}
        self._sums: dict[str, float] = defaultdict(float)
        self._counts: dict[str, int] = defaultdict(int)
        self.in_flight = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            self._requests[(method, route, status)] += 1
            buckets = self._buckets.setdefault(route, [0] * len(BUCKETS))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            self._sums[route] += seconds
            self._counts[route] += 1

    def render(self, pool: dict[str, int | float]) -> str:
        """Return every metric in the Prometheus text format; ``pool`` as gauges, or counters."""
        lines = [
            "# HELP seam_broker_requests_total HTTP requests answered, by route and status.",
            "# TYPE seam_broker_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), count in sorted(self._requests.items()):
                lines.append(
                    f'seam_broker_requests_total{{method="{method}",route="{_label(route)}",'
                    f'status="{status}"}} {count}'
                )
            lines += [
                "# HELP seam_broker_request_duration_seconds Time to answer a request.",
                "# TYPE seam_broker_request_duration_seconds histogram",
            ]
            for route in sorted(self._buckets):
                name = _label(route)
                for bound, count in zip(BUCKETS, self._buckets[route], strict=True):
                    lines.append(
                        f'seam_broker_request_duration_seconds_bucket{{route="{name}",'
                        f'le="{_number(bound)}"}} {count}'
                    )
                lines.append(
                    f'seam_broker_request_duration_seconds_bucket{{route="{name}",le="+Inf"}} '
                    f"{self._counts[route]}"
                )
                lines.append(
                    f'seam_broker_request_duration_seconds_sum{{route="{name}"}} '
                    f"{self._sums[route]!r}"
                )
                lines.append(
                    f'seam_broker_request_duration_seconds_count{{route="{name}"}} '
                    f"{self._counts[route]}"
                )
            in_flight = self.in_flight
        lines += [
            "# HELP seam_broker_requests_in_flight Requests being answered now.",
            "# TYPE seam_broker_requests_in_flight gauge",
            f"seam_broker_requests_in_flight {in_flight}",
        ]
        for key, value in sorted(pool.items()):
            name = f"seam_broker_db_pool_{key}"
            # A count that only grows is a counter; its name says so (``_total``).
            kind = "counter" if key.endswith("_total") else "gauge"
            lines += [
                f"# HELP {name} Database pool: {key.removesuffix('_total').replace('_', ' ')}.",
                f"# TYPE {name} {kind}",
                f"{name} {_number(value)}",
            ]
        return "\n".join(lines) + "\n"


def _heartbeat(call: Call) -> Reply:
    return Reply(doc={"ok": True, "_links": {"self": {"href": call.urls(*_HEARTBEAT)}}})


def _dependencies(call: Call) -> Reply:
    storage: Storage = call.service.storage
    report: dict[str, object]
    try:
        storage.ping()
    except Exception as exc:
        # The Pact Broker answers 500 here; 503 is what a probe reads as "not ready".
        report = {"ok": False, "error": {"message": f"{type(exc).__name__} - {exc}"}}
        status = 503
    else:
        report = {"ok": True}
        status = 200
    doc = {"database": report, "_links": {"self": {"href": call.urls(*_DEPENDENCIES)}}}
    return Reply(status, doc)


_HEARTBEAT = ("diagnostic", "status", "heartbeat")
_DEPENDENCIES = ("diagnostic", "status", "dependencies")


def ops_routes(metrics: Metrics) -> list[Route]:
    """The probes (public) and ``/metrics`` (read access, like the rest of the API)."""

    def render_metrics(call: Call) -> Reply:
        return Reply(html=metrics.render(call.service.storage.pool_stats()), media=_EXPOSITION)

    probe: Callable[[Call], Reply]
    routes = [Route("/metrics", {"GET": render_metrics})]
    for parts, probe in ((_HEARTBEAT, _heartbeat), (_DEPENDENCIES, _dependencies)):
        routes.append(Route("/" + "/".join(parts), {"GET": probe}, public=True))
    return routes
