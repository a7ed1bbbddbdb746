"""Fixtures for the pull-request work: a throwaway git origin with a shallow clone, and a
local server replaying a recorded GitHub API exchange."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

RECORDINGS = Path(__file__).parent / "recordings"

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tasks-api", "version": "1"},
    "paths": {
        "/tasks/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "status": {"type": "string"},
                                    },
                                    "required": ["id", "status"],
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}
PACT: dict[str, Any] = {
    "consumer": {"name": "web"},
    "provider": {"name": "tasks-api"},
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
    "interactions": [
        {
            "description": "read a task",
            "request": {"method": "GET", "path": "/tasks/1"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": 1, "status": "open"},
            },
        }
    ],
}


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def write_contracts(root: Path, spec: dict[str, Any]) -> None:
    (root / "contracts" / "openapi").mkdir(parents=True, exist_ok=True)
    (root / "contracts" / "pacts").mkdir(parents=True, exist_ok=True)
    (root / "contracts" / "openapi" / "tasks-api.yaml").write_text(json.dumps(spec, indent=1))
    (root / "contracts" / "pacts" / "web-tasks-api.json").write_text(json.dumps(PACT, indent=1))


def renamed_status() -> dict[str, Any]:
    """The spec with Task.status renamed to state: web reads `status`, so this breaks web."""
    spec = json.loads(json.dumps(SPEC))
    schema = spec["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    schema["properties"]["state"] = schema["properties"].pop("status")
    schema["required"] = ["id", "state"]
    return spec


@pytest.fixture
def shallow_clone(tmp_path: Path) -> Path:
    """A one-commit-deep clone of a pull request's branch; its base `main` is not fetched."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    write_contracts(origin, SPEC)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "contracts")
    git(origin, "checkout", "-q", "-b", "rename-status")
    write_contracts(origin, renamed_status())
    git(origin, "commit", "-q", "-am", "rename status")
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--single-branch",
        "--branch",
        "rename-status",
        origin.resolve().as_uri(),
        str(clone),
    )
    return clone


@dataclass
class Replay:
    """A recorded exchange being replayed: what came in, and what did not match."""

    exchanges: list[dict[str, Any]]
    received: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def done(self) -> bool:
        return not self.exchanges and not self.mismatches


@pytest.fixture
def replay(serve_http: Callable[[type[BaseHTTPRequestHandler]], str]) -> Callable[[str], Replay]:
    """Serve ``recordings/NAME.json`` on 127.0.0.1: each request must be the next recorded one
    (method, path, query), and gets the recorded answer; ``{url}`` in a recorded Link header
    becomes the server's address."""

    def start(name: str) -> Replay:
        state = Replay(json.loads((RECORDINGS / f"{name}.json").read_text())["exchanges"])

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                got = {
                    "method": self.command,
                    "path": parts.path,
                    "query": parts.query,
                    "body": json.loads(raw) if raw else None,
                    "authorization": self.headers.get("Authorization"),
                }
                state.received.append(got)
                if not state.exchanges:
                    state.mismatches.append(f"unexpected {self.command} {self.path}")
                    self.send_response(500)
                    self.end_headers()
                    return
                expected = state.exchanges.pop(0)
                want = expected["request"]
                if (want["method"], want["path"], want.get("query", "")) != (
                    got["method"],
                    got["path"],
                    got["query"],
                ):
                    state.mismatches.append(f"expected {want}, got {got}")
                answer = expected["response"]
                body = json.dumps(answer["body"]).encode() if "body" in answer else b""
                self.send_response(answer["status"])
                for key, value in answer.get("headers", {}).items():
                    self.send_header(key, value.replace("{url}", state.url))
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                pass

        state.url = serve_http(Handler)
        return state

    return start
