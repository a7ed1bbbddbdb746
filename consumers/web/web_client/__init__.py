"""The web front end's client for the Tasks service: create, list, start and delete tasks."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["TasksClient", "Unauthorized"]


class Unauthorized(Exception):
    """The service refused the request: no bearer token, or a wrong one."""


class TasksClient:
    """A small synchronous client; ``token`` is sent as a bearer token on deletes."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 5.0) -> None:
        self._http = httpx.Client(base_url=str(base_url), timeout=timeout)
        self._token = token

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> TasksClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create(self, title: str, assignee: str | None = None) -> dict[str, Any]:
        """Create a task; the service answers 201 with the stored task."""
        payload: dict[str, Any] = {"title": title}
        if assignee is not None:
            payload["assignee"] = assignee
        response = self._http.post("/tasks", json=payload)
        response.raise_for_status()
        task: dict[str, Any] = response.json()
        return task

    def list(self) -> list[dict[str, Any]]:
        """Every task, oldest first."""
        response = self._http.get("/tasks")
        response.raise_for_status()
        tasks: list[dict[str, Any]] = response.json()
        return tasks

    def start(self, task_id: int) -> dict[str, Any]:
        """Move a task to ``in_progress``."""
        response = self._http.patch(f"/tasks/{task_id}", json={"status": "in_progress"})
        response.raise_for_status()
        task: dict[str, Any] = response.json()
        return task

    def delete(self, task_id: int) -> None:
        """Delete a task (needs the bearer token)."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        response = self._http.delete(f"/tasks/{task_id}", headers=headers)
        if response.status_code == 401:
            raise Unauthorized(f"deleting task {task_id} needs a valid bearer token")
        response.raise_for_status()
