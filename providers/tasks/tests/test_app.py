"""The HTTP API, through the ASGI app over a real SQLite file."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tasks_api import db

AUTH = {"Authorization": "Bearer test-token"}


def _create(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/tasks", json={"title": "Write the docs", **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_returns_201_with_an_open_unassigned_task(client: httpx.Client) -> None:
    """POST /tasks answers 201 with the new task, open and unassigned."""
    response = client.post("/tasks", json={"title": "Write the docs"})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "title": "Write the docs", "status": "open", "assignee": None}
    assert isinstance(body["id"], int)


def test_create_stores_the_assignee(client: httpx.Client, database_url: str) -> None:
    """A task created with an assignee is stored in the database with it."""
    task = _create(client, assignee="ada")
    assert task["assignee"] == "ada"
    assert db.get_task(database_url, task["id"]) == task


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-title"),
        pytest.param({"title": ""}, id="empty-title"),
        pytest.param({"title": 7}, id="title-not-a-string"),
        pytest.param({"title": "x", "assignee": ""}, id="empty-assignee"),
        pytest.param({"title": "\ud800"}, id="lone-surrogate"),
        pytest.param({"title": "a\x00b"}, id="nul-character"),
    ],
)
def test_create_refuses_invalid_bodies_with_422(client: httpx.Client, body: dict[str, Any]) -> None:
    """POST /tasks answers 422 with FastAPI's validation body for an invalid task."""
    # json.dumps escapes the lone surrogate, as a JSON client on the wire would.
    response = client.post(
        "/tasks", content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_create_refuses_a_body_that_is_not_json_with_400(client: httpx.Client) -> None:
    """A body that is not JSON at all gets the declared 400 error body."""
    response = client.post(
        "/tasks", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_list_returns_every_task_in_id_order(client: httpx.Client) -> None:
    """GET /tasks lists every stored task, oldest first."""
    first, second = _create(client, title="one"), _create(client, title="two")
    assert client.get("/tasks").json() == [first, second]


def test_list_is_empty_for_a_new_database(client: httpx.Client) -> None:
    """GET /tasks on a fresh database is an empty list."""
    assert client.get("/tasks").json() == []


def test_get_returns_the_task(client: httpx.Client) -> None:
    """GET /tasks/{id} returns the stored task."""
    task = _create(client)
    response = client.get(f"/tasks/{task['id']}")
    assert response.status_code == 200
    assert response.json() == task


def test_get_unknown_task_is_404_with_an_error_body(client: httpx.Client) -> None:
    """GET /tasks/{id} for an id nobody stored answers 404 and names the id."""
    response = client.get("/tasks/4242")
    assert response.status_code == 404
    assert response.json() == {"detail": "task 4242 not found"}


@pytest.mark.parametrize("task_id", ["abc", "0", str(2**63)])
def test_get_refuses_ids_outside_the_declared_range(client: httpx.Client, task_id: str) -> None:
    """A path id that is not a positive 64-bit integer is a 422, not a server error."""
    assert client.get(f"/tasks/{task_id}").status_code == 422


def test_patch_changes_status_and_assignee(client: httpx.Client, database_url: str) -> None:
    """PATCH /tasks/{id} applies both fields, answers 200 and stores them."""
    task = _create(client)
    response = client.patch(
        f"/tasks/{task['id']}", json={"status": "in_progress", "assignee": "grace"}
    )
    assert response.status_code == 200
    expected = {**task, "status": "in_progress", "assignee": "grace"}
    assert response.json() == expected
    assert db.get_task(database_url, task["id"]) == expected


def test_patch_keeps_fields_it_was_not_given(client: httpx.Client) -> None:
    """A PATCH with only a status leaves the assignee as it was."""
    task = _create(client, assignee="ada")
    response = client.patch(f"/tasks/{task['id']}", json={"status": "done"})
    assert response.json()["assignee"] == "ada"


def test_patch_with_null_assignee_unassigns(client: httpx.Client) -> None:
    """An explicit ``assignee: null`` takes the task off its assignee."""
    task = _create(client, assignee="ada")
    response = client.patch(f"/tasks/{task['id']}", json={"assignee": None})
    assert response.json()["assignee"] is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"status": "blocked"}, id="unknown-status"),
        pytest.param({"status": None}, id="null-status"),
    ],
)
def test_patch_refuses_invalid_status_with_422(client: httpx.Client, body: dict[str, Any]) -> None:
    """A status outside open/in_progress/done (or null) is refused with 422."""
    task = _create(client)
    assert client.patch(f"/tasks/{task['id']}", json=body).status_code == 422


def test_patch_unknown_task_is_404(client: httpx.Client) -> None:
    """PATCH /tasks/{id} for an unknown id answers 404."""
    response = client.patch("/tasks/4242", json={"status": "done"})
    assert response.status_code == 404
    assert response.json() == {"detail": "task 4242 not found"}


def test_delete_with_token_is_204_and_removes_the_row(
    client: httpx.Client, database_url: str
) -> None:
    """DELETE with a valid bearer token answers 204 with no body and deletes the row."""
    task = _create(client)
    response = client.delete(f"/tasks/{task['id']}", headers=AUTH)
    assert response.status_code == 204
    assert response.content == b""
    assert db.get_task(database_url, task["id"]) is None


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-token"),
        pytest.param({"Authorization": "Basic dGVzdC10b2tlbg=="}, id="basic-scheme"),
    ],
)
def test_delete_without_a_valid_token_is_401_and_keeps_the_task(
    client: httpx.Client, database_url: str, headers: dict[str, str]
) -> None:
    """DELETE without a valid bearer token answers 401 and deletes nothing."""
    task = _create(client)
    response = client.delete(f"/tasks/{task['id']}", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert db.get_task(database_url, task["id"]) == task


def test_delete_unknown_task_is_404(client: httpx.Client) -> None:
    """DELETE of an unknown id with a valid token answers 404."""
    assert client.delete("/tasks/4242", headers=AUTH).status_code == 404


def test_deleted_ids_are_not_reused(client: httpx.Client) -> None:
    """After a delete, the next task gets a new id, never the deleted one."""
    task = _create(client)
    client.delete(f"/tasks/{task['id']}", headers=AUTH)
    assert _create(client)["id"] > task["id"]


def test_method_not_allowed_lists_every_method_of_the_path(client: httpx.Client) -> None:
    """A 405 on /tasks/{id} lists all of GET, PATCH and DELETE in ``Allow``."""
    response = client.put("/tasks/1", json={})
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH"


def test_tokens_come_from_the_environment(
    database_url: str, monkeypatch: pytest.MonkeyPatch, app_client: Any
) -> None:
    """``TASKS_API_TOKEN`` (comma-separated) sets the accepted tokens at startup."""
    from tasks_api.app import create_app

    monkeypatch.setenv("TASKS_API_TOKEN", "alpha, beta")
    with app_client(create_app(database_url=database_url)) as env_client:
        task = _create(env_client)
        assert env_client.delete(f"/tasks/{task['id']}", headers=AUTH).status_code == 401
        headers = {"Authorization": "Bearer beta"}
        assert env_client.delete(f"/tasks/{task['id']}", headers=headers).status_code == 204


def test_default_token_is_dev_token(
    database_url: str, monkeypatch: pytest.MonkeyPatch, app_client: Any
) -> None:
    """Without ``TASKS_API_TOKEN`` the service accepts ``dev-token``."""
    from tasks_api.app import create_app

    monkeypatch.delenv("TASKS_API_TOKEN", raising=False)
    with app_client(create_app(database_url=database_url)) as env_client:
        task = _create(env_client)
        headers = {"Authorization": "Bearer dev-token"}
        assert env_client.delete(f"/tasks/{task['id']}", headers=headers).status_code == 204


def test_startup_migrates_the_database(client: httpx.Client, database_url: str) -> None:
    """Starting the app brings an empty database to the latest schema version."""
    assert db.schema_version(database_url) == db.migrations()[-1].version
