"""Operations: health probes, Prometheus metrics, the access log, drain on SIGTERM."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seam.server import create_app

from .conftest import Client, publish_body

CONTRACTS = str(Path(sys.executable).parent / "contracts")
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_exposition(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Parse the Prometheus text format strictly: every line a comment or a valid sample."""
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            types[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, _, labels, value = match.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or family in types, f"{name} has no # TYPE line"
        pairs = frozenset(_LABEL.findall(labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


def test_heartbeat_needs_no_token(make_client: Callable[..., Client], db_path: Path) -> None:
    """The heartbeat answers the Pact Broker's document even when the broker needs a token."""
    client = make_client(create_app(db_path, token="secret"))
    response = client.get("/diagnostic/status/heartbeat")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "_links": {"self": {"href": "http://broker.test/diagnostic/status/heartbeat"}},
    }
    assert client.get("/pacticipants").status_code == 401


def test_dependencies_report_the_database(
    make_client: Callable[..., Client], db_path: Path
) -> None:
    """Dependencies says the database is fine, then 503 with the error once it is gone."""
    client = make_client(create_app(db_path))
    response = client.get("/diagnostic/status/dependencies")
    assert response.status_code == 200
    assert response.json()["database"] == {"ok": True}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    down = client.get("/diagnostic/status/dependencies")
    assert down.status_code == 503
    assert down.json()["database"]["ok"] is False
    assert "unable to open" in down.json()["database"]["error"]["message"]


def test_metrics_count_requests_by_route_template(
    client: Client, unique: Callable[[str], str]
) -> None:
    """/metrics counts requests by route template and status, with a consistent histogram."""
    name = unique("svc")
    client.put(f"/pacticipants/{name}", json={})
    client.get(f"/pacticipants/{name}")
    client.get(f"/pacticipants/{unique('missing')}")
    client.get("/no/such/place")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse_exposition(response.text)
    route = ("route", "/pacticipants/{p}")

    def requests(method: str, status: str, where: tuple[str, str] = route) -> float:
        labels = frozenset({("method", method), where, ("status", status)})
        return samples[("seam_broker_requests_total", labels)]

    assert requests("PUT", "201") == 1
    assert requests("GET", "200") == 1
    assert requests("GET", "404") == 1
    assert requests("GET", "404", ("route", "(unmatched)")) == 1
    buckets = sorted(
        (float(dict(labels)["le"]), value)
        for (metric, labels), value in samples.items()
        if metric == "seam_broker_request_duration_seconds_bucket" and route in labels
    )
    counts = [value for _, value in buckets]
    assert counts == sorted(counts) and buckets[-1] == (float("inf"), 3)
    assert samples[("seam_broker_request_duration_seconds_count", frozenset({route}))] == 3
    assert samples[("seam_broker_db_pool_size", frozenset())] >= 1


def test_metrics_need_read_access(make_client: Callable[..., Client], db_path: Path) -> None:
    """/metrics is part of the API: a protected broker wants credentials for it."""
    client = make_client(create_app(db_path, token="secret"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer secret"}).status_code == 200


@pytest.mark.parametrize("enabled", [True, False], ids=["on", "off"])
def test_access_log_one_line_per_request(
    make_client: Callable[..., Client],
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    enabled: bool,
) -> None:
    """With the access log on, each request logs method, path, status, ms and route."""
    client = make_client(create_app(db_path, access_log=enabled))
    with caplog.at_level(logging.INFO, logger="seam.server.access"):
        client.get("/pacticipants/nobody")
        client.get("/")
    lines = [r.getMessage() for r in caplog.records if r.name == "seam.server.access"]
    if not enabled:
        assert lines == []
        return
    assert len(lines) == 2
    assert re.fullmatch(
        r"GET /pacticipants/nobody 404 \d+\.\dms route=/pacticipants/\{p\}", lines[0]
    )
    assert re.fullmatch(r"GET / 200 \d+\.\dms route=/", lines[1])


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[str], int]]]:
    """Start real `contracts broker serve` processes; each is killed if a test leaves it."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], int]:
        proc = subprocess.Popen(
            [CONTRACTS, "broker", "serve", "--db", str(tmp_path / "b.db"), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r":(\d+) ", line)
        assert match, line
        return proc, int(match.group(1))

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def _request_head(port: int, body: bytes) -> str:
    return (
        f"PUT /pacticipants/drain-{os.getpid()}-{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )


def test_sigterm_drains_in_flight_requests(
    serve_process: Callable[..., tuple[subprocess.Popen[str], int]],
) -> None:
    """On SIGTERM a request in flight still gets its answer, new ones are refused, exit 0."""
    proc, port = serve_process()
    body = b'{"displayName": "drained"}'
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # Half the body: the request is in flight when the signal arrives.
        sock.sendall(_request_head(port, body).encode() + body[:5])
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except ConnectionRefusedError:
                break
            assert time.monotonic() < deadline, "the broker still accepts connections"
            time.sleep(0.05)
        sock.sendall(body[5:])
        answer = sock.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 201 "), answer
    assert proc.wait(timeout=15) == 0


@pytest.mark.parametrize("flag", [[], ["--no-access-log"]], ids=["default", "no-access-log"])
def test_serve_access_log_on_stderr(
    serve_process: Callable[..., tuple[subprocess.Popen[str], int]], flag: list[str]
) -> None:
    """`broker serve` writes one access line per request on stderr unless --no-access-log."""
    proc, port = serve_process(*flag)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /pacticipants HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    lines = [line for line in err.splitlines() if "route=" in line]
    if flag:
        assert lines == []
    else:
        assert len(lines) == 1 and " GET /pacticipants 200 " in lines[0]


def test_publish_then_metrics_show_the_route(client: Client, unique: Callable[[str], str]) -> None:
    """A publish is counted under its route template, not under the names it carries."""
    consumer = unique("web")
    client.post("/contracts/publish", json=publish_body(consumer, "1.0.0", [unique("api")]))
    samples = parse_exposition(client.get("/metrics").text)
    publish = [k for k in samples if ("route", "/contracts/publish") in k[1]]
    assert publish and not any(consumer in str(k) for k in samples)
