"""The notifier's contract with tasks-api, recorded by the seam plugin's `pact` fixture."""

from __future__ import annotations

import pytest
from notifier_client import TaskReader, TaskSummary
from pact import generate, match

pytestmark = pytest.mark.seam(consumer="notifier", provider="tasks-api")


def test_reads_an_assigned_task(pact) -> None:
    """The notifier reads title, assignee and status of a task by id."""
    (
        pact.upon_receiving("a request for an assigned task")
        .given("task 1 exists", id=1, title="Write the docs", assignee="ann", status="in_progress")
        .with_request(
            "GET", match.type("/tasks/1", generator=generate.provider_state("/tasks/${id}"))
        )
        .will_respond_with(200)
        .with_body(
            {
                "title": match.str("Write the docs"),
                "assignee": match.str("ann"),
                "status": match.regex("in_progress", regex=r"^(open|in_progress|done)$"),
            },
            content_type="application/json",
        )
    )
    with pact.serve() as server, TaskReader(server.url) as reader:
        summary = reader.summary(1)
    assert summary == TaskSummary("Write the docs", "ann", "in_progress")


def test_reads_an_unassigned_task(pact) -> None:
    """A task nobody is assigned to has a null assignee."""
    (
        pact.upon_receiving("a request for an unassigned task")
        .given("task 2 exists", id=2, title="Plan the sprint", status="open")
        .with_request("GET", "/tasks/2")
        .will_respond_with(200)
        .with_body(
            {"title": match.str("Plan the sprint"), "assignee": None, "status": "open"},
            content_type="application/json",
        )
    )
    with pact.serve() as server, TaskReader(server.url) as reader:
        summary = reader.summary(2)
    assert summary is not None
    assert summary.message() == "'Plan the sprint' is open (nobody)"


def test_unknown_task_is_none(pact) -> None:
    """An unknown task answers 404, which the notifier reads as no task."""
    (
        pact.upon_receiving("a request for a task that does not exist")
        .given("task 42 does not exist", id=42)
        .with_request("GET", "/tasks/42")
        .will_respond_with(404)
        .with_body({"detail": match.str("task 42 not found")}, content_type="application/json")
    )
    with pact.serve() as server, TaskReader(server.url) as reader:
        assert reader.summary(42) is None
