"""The web front end's contract with tasks-api, recorded by the seam plugin's `pact` fixture."""

from __future__ import annotations

import pytest
from pact import generate, match
from web_client import TasksClient, Unauthorized

pytestmark = pytest.mark.seam(consumer="web", provider="tasks-api")

TOKEN = "dev-token"
STATUS = r"^(open|in_progress|done)$"


def task_body(**overrides: object) -> dict[str, object]:
    """A task as the web front end reads it, with matchers instead of fixed values."""
    body: dict[str, object] = {
        "id": match.int(1),
        "title": match.str("Write the docs"),
        "status": match.regex("open", regex=STATUS),
        "assignee": None,
    }
    body.update(overrides)
    return body


def test_create_task(pact) -> None:
    """Creating a task sends its title and gets the stored, open task back."""
    (
        pact.upon_receiving("a request to create a task")
        .given("no tasks")
        .with_request("POST", "/tasks")
        .with_body({"title": "Write the docs"}, content_type="application/json")
        .will_respond_with(201)
        .with_body(task_body(status="open"), content_type="application/json")
    )
    with pact.serve() as server, TasksClient(server.url) as client:
        task = client.create("Write the docs")
    assert task["status"] == "open"
    assert task["assignee"] is None


def test_create_assigned_task(pact) -> None:
    """Creating a task with an assignee gets the assignee back."""
    (
        pact.upon_receiving("a request to create an assigned task")
        .given("no tasks")
        .with_request("POST", "/tasks")
        .with_body({"title": "Review the PR", "assignee": "ann"}, content_type="application/json")
        .will_respond_with(201)
        .with_body(
            task_body(title=match.str("Review the PR"), assignee=match.str("ann")),
            content_type="application/json",
        )
    )
    with pact.serve() as server, TasksClient(server.url) as client:
        task = client.create("Review the PR", assignee="ann")
    assert task["assignee"] == "ann"


def test_list_tasks(pact) -> None:
    """Listing returns every task, each with id, title, status and assignee."""
    (
        pact.upon_receiving("a request to list tasks")
        .given("task 1 exists", id=1, title="Write the docs")
        .with_request("GET", "/tasks")
        .will_respond_with(200)
        .with_body(match.each_like(task_body(), min=1), content_type="application/json")
    )
    with pact.serve() as server, TasksClient(server.url) as client:
        tasks = client.list()
    assert [t["title"] for t in tasks] == ["Write the docs"]


def test_list_no_tasks(pact) -> None:
    """Listing an empty service gives an empty list."""
    (
        pact.upon_receiving("a request to list tasks when there are none")
        .given("no tasks")
        .with_request("GET", "/tasks")
        .will_respond_with(200)
        .with_body([], content_type="application/json")
    )
    with pact.serve() as server, TasksClient(server.url) as client:
        assert client.list() == []


def test_start_task(pact) -> None:
    """Starting a task patches its status; the id comes from the provider state."""
    (
        pact.upon_receiving("a request to start a task")
        .given("task 1 exists", id=1, status="open")
        .with_request(
            "PATCH", match.type("/tasks/1", generator=generate.provider_state("/tasks/${id}"))
        )
        .with_body({"status": "in_progress"}, content_type="application/json")
        .will_respond_with(200)
        .with_body(
            task_body(
                id=match.type(1, generator=generate.provider_state("${id}")),
                status="in_progress",
            ),
            content_type="application/json",
        )
    )
    with pact.serve() as server, TasksClient(server.url) as client:
        task = client.start(1)
    assert task["status"] == "in_progress"


def test_delete_task(pact) -> None:
    """Deleting with the bearer token answers 204."""
    (
        pact.upon_receiving("a request to delete a task with a token")
        .given("task 1 exists", id=1)
        .with_request("DELETE", "/tasks/1")
        .with_header("Authorization", match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$"))
        .will_respond_with(204)
    )
    with pact.serve() as server, TasksClient(server.url, token=TOKEN) as client:
        client.delete(1)


def test_delete_without_token_is_refused(pact) -> None:
    """Deleting without a token answers 401, which the client reports as Unauthorized."""
    (
        pact.upon_receiving("a request to delete a task without a token")
        .given("task 1 exists", id=1)
        .with_request("DELETE", "/tasks/1")
        .will_respond_with(401)
        .with_body({"detail": match.str("missing bearer token")}, content_type="application/json")
    )
    with pact.serve() as server, TasksClient(server.url) as client, pytest.raises(Unauthorized):
        client.delete(1)
