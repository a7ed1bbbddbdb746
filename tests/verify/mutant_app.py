"""The real Tasks app with one deliberate bug, served by uvicorn: a mutant provider.

``python mutant_app.py MUTATION PORT DATABASE_URL`` (``none`` serves the app unchanged).
Each mutation is a bug that contract verification must catch; the app underneath is
the real one over its real SQLite database.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def _each_task(body: Any, change: Callable[[dict[str, Any]], None]) -> Any:
    for task in body if isinstance(body, list) else [body]:
        if isinstance(task, dict) and "id" in task:
            change(task)
    return body


def _rename(task: dict[str, Any]) -> None:
    task["state"] = task.pop("status")


def _drop_title(task: dict[str, Any]) -> None:
    task.pop("title", None)


def _id_as_string(task: dict[str, Any]) -> None:
    task["id"] = str(task["id"])


# name -> (status change, body change, request change)
MUTATIONS: dict[str, dict[str, Any]] = {
    "none": {},
    "renamed-field": {"body": _rename},
    "created-200": {"status": {("POST", 201): 200}},
    "missing-field": {"body": _drop_title},
    "changed-type": {"body": _id_as_string},
    "not-found-400": {"status": {("GET", 404): 400}},
    "delete-without-token": {"token": True},
    "crash-on-create": {"crash": ("POST", "/tasks")},
}


class Mutant:
    """ASGI middleware applying one mutation to the wrapped app's requests or responses."""

    def __init__(self, app: App, mutation: str) -> None:
        self.app = app
        self.mutation = MUTATIONS[mutation]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if self.mutation.get("crash") == (method, scope["path"]):
            print("simulated crash: the process dies on create", flush=True)
            os._exit(70)
        if self.mutation.get("token") and method == "DELETE":
            headers = [h for h in scope["headers"] if h[0] != b"authorization"]
            scope = {**scope, "headers": [*headers, (b"authorization", b"Bearer dev-token")]}
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await self._send(method, start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _send(self, method: str, start: Message, body: bytes, send: Send) -> None:
        status = self.mutation.get("status", {}).get((method, start["status"]), start["status"])
        change = self.mutation.get("body")
        if change and body:
            body = json.dumps(_each_task(json.loads(body), change)).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn
    from tasks_api.app import create_app

    mutation, port, database_url = sys.argv[1:4]
    app = Mutant(create_app(database_url=database_url), mutation)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")


if __name__ == "__main__":
    main()
