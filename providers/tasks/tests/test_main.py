"""``python -m tasks_api``: a real uvicorn process on 127.0.0.1 and the migrate command."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
from tasks_api import db


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasks_api", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_served_api_round_trip(server: Any) -> None:
    """Over a real socket: create, read, start, and delete with the token from the env."""
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        created = http.post("/tasks", json={"title": "Ship it", "assignee": "ada"})
        assert created.status_code == 201
        task_id = created.json()["id"]
        started = http.patch(f"/tasks/{task_id}", json={"status": "in_progress"})
        assert started.json()["status"] == "in_progress"
        assert http.delete(f"/tasks/{task_id}").status_code == 401
        deleted = http.delete(f"/tasks/{task_id}", headers={"Authorization": "Bearer test-token"})
        assert deleted.status_code == 204
        assert http.get(f"/tasks/{task_id}").status_code == 404


def test_served_api_reads_rows_seeded_from_this_process(server: Any, database_url: str) -> None:
    """A task a state handler would seed (db.insert_task here) is served by the process."""
    db.reset(database_url)
    db.insert_task(database_url, id=1, title="seeded", status="done", assignee="grace")
    response = httpx.get(f"{server.base_url}/tasks/1", timeout=10)
    assert response.json() == {"id": 1, "title": "seeded", "status": "done", "assignee": "grace"}


def test_served_openapi_declares_the_bearer_scheme_on_delete(server: Any) -> None:
    """The served document requires bearerAuth on DELETE and on nothing else."""
    document = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    secured = {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }
    assert secured == {("/tasks/{id}", "delete")}


def test_migrate_command_applies_then_reports_current(provider_environ: dict[str, str]) -> None:
    """``migrate`` applies every migration, and a second run says the schema is current."""
    latest = db.migrations()[-1].version
    first = _run(["migrate"], provider_environ)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"schema version {latest}")
    second = _run(["migrate"], provider_environ)
    assert second.stdout.strip() == f"schema is current (version {latest})"


def test_bad_database_url_is_one_line_and_exit_2(provider_environ: dict[str, str]) -> None:
    """``serve`` with an unusable DATABASE_URL exits 2 with one error line, no traceback."""
    env = {**provider_environ, "DATABASE_URL": "mysql://localhost/tasks"}
    result = _run(["serve", "--port", "1"], env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: unsupported DATABASE_URL scheme 'mysql'")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
