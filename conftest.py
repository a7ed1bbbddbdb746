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


def _throwaway_cluster() -> Iterator[str]:
    initdb, pg_ctl = _pg_program("initdb"), _pg_program("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL server: set SEAM_TEST_POSTGRES_URL or run make system-deps")
    # PostgreSQL refuses to run as root; as root, run it as the postgres system user.
    as_user: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="seam-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(directory)
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        os.chown(directory, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", _free_port()
    options = (
        f"-k {directory} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "timeout": 120}
    try:
        subprocess.run(
            [
                *as_user,
                initdb,
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            **quiet,  # type: ignore[arg-type]
        )
        subprocess.run(
            [
                *as_user,
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(directory / "log"),
                "-w",
                "start",
            ],
            check=True,
            **quiet,  # type: ignore[arg-type]
        )
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                check=False,
                **quiet,  # type: ignore[arg-type]
            )
        shutil.rmtree(directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
