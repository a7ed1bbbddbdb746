"""The dashboard's GraphQL contract with projects-api, recorded by the seam `pact` fixture.

Each test records one GraphQL-over-HTTP interaction (``POST /graphql``); the plugin writes
the pact and the operations the dashboard sends
(``contracts/graphql/dashboard-projects-api.graphql``).
"""

from __future__ import annotations

from typing import Any

import pytest
from dashboard_client import ACTIVE_PROJECTS, CREATE_PROJECT, PROJECT, ProjectsClient
from pact import match

pytestmark = pytest.mark.seam(consumer="dashboard", provider="projects-api")


def graphql(pact: Any, description: str, query: str, variables: dict[str, Any]) -> Any:
    """The interaction's request: the operation as the client posts it."""
    return (
        pact.upon_receiving(description)
        .with_request("POST", "/graphql")
        .with_body({"query": query, "variables": variables}, content_type="application/json")
    )


def test_read_project(pact: Any) -> None:
    """Reading a project by id gets its name, status and owner."""
    (
        graphql(pact, "a query for project 1", PROJECT, {"id": "1"})
        .given("project 1 exists", id=1, name="Seam", owner="ada")
        .will_respond_with(200)
        .with_body(
            {
                "data": {
                    "project": {
                        "id": "1",
                        "name": match.str("Seam"),
                        "status": match.regex("ACTIVE", regex=r"^(ACTIVE|ARCHIVED)$"),
                        "owner": match.str("ada"),
                    }
                }
            },
            content_type="application/json",
        )
    )
    with pact.serve() as server, ProjectsClient(server.url) as client:
        project = client.project("1")
    assert project is not None
    assert project["owner"] == "ada"


def test_read_missing_project(pact: Any) -> None:
    """A project that does not exist reads as null, not an error."""
    (
        graphql(pact, "a query for a project that does not exist", PROJECT, {"id": "404"})
        .given("no projects")
        .will_respond_with(200)
        .with_body({"data": {"project": None}}, content_type="application/json")
    )
    with pact.serve() as server, ProjectsClient(server.url) as client:
        assert client.project("404") is None


def test_list_active_projects(pact: Any) -> None:
    """The active projects come back with their ids and names."""
    (
        graphql(pact, "a query for the active projects", ACTIVE_PROJECTS, {})
        .given("project 1 exists", id=1, name="Seam")
        .will_respond_with(200)
        .with_body(
            {"data": {"projects": match.each_like({"id": "1", "name": match.str("Seam")})}},
            content_type="application/json",
        )
    )
    with pact.serve() as server, ProjectsClient(server.url) as client:
        projects = client.active_projects()
    assert [p["name"] for p in projects] == ["Seam"]


def test_create_project(pact: Any) -> None:
    """Creating a project sends its name and owner and gets an active project back."""
    variables = {"input": {"name": "Seam", "owner": "ada"}}
    (
        graphql(pact, "a mutation creating a project", CREATE_PROJECT, variables)
        .given("no projects")
        .will_respond_with(200)
        .with_body(
            {"data": {"createProject": {"id": match.str("1"), "status": "ACTIVE"}}},
            content_type="application/json",
        )
    )
    with pact.serve() as server, ProjectsClient(server.url) as client:
        project = client.create_project("Seam", owner="ada")
    assert project["status"] == "ACTIVE"
