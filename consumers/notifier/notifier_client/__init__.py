"""The notifier's client for the Tasks service: it reads a task's title, assignee and status."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

__all__ = ["TaskReader", "TaskSummary"]


@dataclass(frozen=True)
class TaskSummary:
    """The three fields a notification needs."""

    title: str
    assignee: str | None
    status: str

    def message(self) -> str:
        """The notification text."""
        who = self.assignee or "nobody"
        return f"{self.title!r} is {self.status.replace('_', ' ')} ({who})"


class TaskReader:
    """Reads tasks; an unknown task is ``None``, not an error."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self._http = httpx.Client(base_url=str(base_url), timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> TaskReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def summary(self, task_id: int) -> TaskSummary | None:
        """Title, assignee and status of a task, or ``None`` when it does not exist."""
        response = self._http.get(f"/tasks/{task_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        data = response.json()
        return TaskSummary(data["title"], data["assignee"], data["status"])
