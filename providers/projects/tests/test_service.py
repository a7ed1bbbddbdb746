"""The Projects service over a real socket: GraphQL queries and mutations on SQLite."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
from projects_api import db


def _graphql(base_url: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/graphql", json={"query": query, "variables": variables}, timeout=10
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_create_then_read_and_archive(server: str) -> None:
    """A created project is active, reads back by id, and archiving it changes its status."""
    created = _graphql(
        server,
        "mutation($input: NewProject!) { createProject(input: $input) { id status owner } }",
        input={"name": "Seam", "owner": "ada"},
    )["data"]["createProject"]
    assert created["status"] == "ACTIVE"
    read = _graphql(server, "query($id: ID!) { project(id: $id) { name } }", id=created["id"])
    assert read["data"]["project"] == {"name": "Seam"}
    archived = _graphql(
        server, "mutation($id: ID!) { archiveProject(id: $id) { status } }", id=created["id"]
    )
    assert archived["data"]["archiveProject"] == {"status": "ARCHIVED"}


def test_rows_seeded_from_this_process_are_served(server: str, database_url: str) -> None:
    """A project a state handler would seed (db.insert_project) is listed by status."""
    db.migrate(database_url)
    db.insert_project(database_url, id=7, name="seeded", owner="grace")
    db.insert_project(database_url, id=8, name="old", status="archived")
    answer = _graphql(server, "{ projects(status: ACTIVE) { id name owner } }")
    assert answer["data"]["projects"] == [{"id": "7", "name": "seeded", "owner": "grace"}]


def test_missing_project_is_null_and_a_bad_id_an_error(server: str) -> None:
    """An unknown id reads as null; an id that is not a number is a GraphQL error."""
    assert _graphql(server, '{ project(id: "99") { id } }') == {"data": {"project": None}}
    answer = _graphql(server, '{ project(id: "x") { id } }')
    assert answer["errors"][0]["message"] == "project ids are numbers, not 'x'"


def test_empty_name_is_a_graphql_error(server: str) -> None:
    """Creating a project without a name answers a GraphQL error, not a 500."""
    answer = _graphql(server, 'mutation { createProject(input: {name: ""}) { id } }')
    assert answer["errors"][0]["message"] == "a project needs a name"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "projects_api", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_applies_then_reports_current(provider_environ: dict[str, str]) -> None:
    """``migrate`` applies both migrations, and a second run says the schema is current."""
    first = _run(["migrate"], provider_environ)
    assert first.stdout.strip() == "schema applied 0001, 0002; version 2", first.stderr
    assert _run(["migrate"], provider_environ).stdout.strip() == "schema current; version 2"


def test_bad_database_url_is_one_line_and_exit_2(provider_environ: dict[str, str]) -> None:
    """``serve`` with a non-SQLite DATABASE_URL exits 2 with one error line, no traceback."""
    env = {**provider_environ, "DATABASE_URL": "mysql://localhost/projects"}
    result = _run(["serve", "--port", "1"], env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: unsupported DATABASE_URL scheme 'mysql'")
    assert "Traceback" not in result.stderr
