"""Fixtures shared by every test folder (tests/, providers/, consumers/): a PostgreSQL server.

The toolkit's broker tests and the example provider's tests run on PostgreSQL as well as
on SQLite. Both take ``postgres_server``: ``SEAM_TEST_POSTGRES_URL`` (a server URL whose user
may create databases) or, failing that, one throwaway cluster per test session started with
the machine's ``initdb``/``pg_ctl`` (``make system-deps`` installs Debian's postgresql when
missing); without either, or without psycopg, those tests skip.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL (no database name); skips when none can be had."""
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    configured = os.environ.get("SEAM_TEST_POSTGRES_URL") or os.environ.get(
        "TASKS_TEST_POSTGRES_URL"
    )
    if configured:
        yield configured.rstrip("/")
        return
    yield from _throwaway_cluster()


def _pg_program(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


_QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "timeout": 120}


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb) on a loopback port; it may stop and start again.

    Skips the test when the machine has no initdb/pg_ctl, or runs as root with no postgres
    user to run the server as (PostgreSQL refuses to run as root).
    """

    def __init__(self, prefix: str = "seam-pg-") -> None:
        initdb, self._pg_ctl = _pg_program("initdb"), _pg_program("pg_ctl")
        if not initdb or not self._pg_ctl:
            pytest.skip("no PostgreSQL server: set SEAM_TEST_POSTGRES_URL or run make system-deps")
        self._as_user: list[str] = []
        directory = Path(tempfile.mkdtemp(prefix=prefix))
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(directory)
                pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
            os.chown(directory, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self.directory, self.data, self.port = directory, directory / "data", _free_port()
        self.server = f"postgresql://postgres@127.0.0.1:{self.port}"
        self.url = f"{self.server}/postgres"
        try:
            subprocess.run(
                [
                    *self._as_user,
                    initdb,
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                check=True,
                **_QUIET,  # type: ignore[arg-type]
            )
        except BaseException:
            self.remove()
            raise

    def _ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self._as_user, str(self._pg_ctl), "-D", str(self.data), *args],
            check=check,
            **_QUIET,  # type: ignore[arg-type]
        )

    def start(self, options: str = "") -> None:
        """Start the server (again) on its port; ``options`` are more ``-c name=value``."""
        base = f"-k {self.directory} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl(
            "-o", f"{base} {options}".strip(), "-l", str(self.directory / "log"), "-w", "start"
        )

    def stop(self) -> None:
        """Stop fast: the server ends every session at once, as a crash or failover would."""
        self._ctl("-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete the cluster."""
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def _throwaway_cluster() -> Iterator[str]:
    cluster = PostgresCluster()
    try:
        cluster.start("-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        yield cluster.server
    finally:
        cluster.remove()


@pytest.fixture
def own_postgres_cluster() -> Iterator[PostgresCluster]:
    """A started PostgreSQL cluster of this test's own, which it may stop and start; removed after.

    For tests that take the server away: stopping the session's shared one would fail every
    other test running at the same time.
    """
    cluster = PostgresCluster(prefix="seam-own-pg-")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
