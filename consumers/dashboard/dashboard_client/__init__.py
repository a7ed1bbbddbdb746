"""The dashboard's client for the Projects GraphQL service: read, list and create projects.

Each method sends one named operation (``POST /graphql`` with ``query`` and
``variables``), the way GraphQL clients talk over HTTP; the seam plugin records them in
the dashboard's pact and its operations file.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["ProjectsClient", "ProjectsError"]

PROJECT = "query Project($id: ID!) { project(id: $id) { id name status owner } }"
ACTIVE_PROJECTS = "query ActiveProjects { projects(status: ACTIVE) { id name } }"
CREATE_PROJECT = (
    "mutation CreateProject($input: NewProject!) { createProject(input: $input) { id status } }"
)


class ProjectsError(Exception):
    """The service answered with GraphQL errors."""


class ProjectsClient:
    """A small synchronous GraphQL client over httpx."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self._http = httpx.Client(base_url=str(base_url), timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ProjectsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._http.post("/graphql", json={"query": query, "variables": variables or {}})
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        if answer.get("errors"):
            raise ProjectsError("; ".join(e.get("message", "?") for e in answer["errors"]))
        data: dict[str, Any] = answer["data"]
        return data

    def project(self, project_id: str) -> dict[str, Any] | None:
        """The project with this id, or None."""
        project: dict[str, Any] | None = self._run(PROJECT, {"id": project_id})["project"]
        return project

    def active_projects(self) -> list[dict[str, Any]]:
        """The active projects' ids and names, oldest first."""
        projects: list[dict[str, Any]] = self._run(ACTIVE_PROJECTS)["projects"]
        return projects

    def create_project(self, name: str, owner: str | None = None) -> dict[str, Any]:
        """Create a project; it starts active."""
        data = self._run(CREATE_PROJECT, {"input": {"name": name, "owner": owner}})
        project: dict[str, Any] = data["createProject"]
        return project
