"""The official Rust ``pact broker`` CLI against a real ``contracts broker serve`` process.

Verification results come from pact-python's Verifier (the Rust verifier) replaying the
pact, fetched from the broker, against a real HTTP provider on 127.0.0.1 and publishing
its results back; ``can-i-deploy`` then answers from those results.
"""

from __future__ import annotations

import http.server
import json
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pact import Verifier

from seam.verify._provider import ProviderProcess, free_port

from ..conftest import ServeHTTP

VENV_BIN = Path(sys.executable).parent
PACT = VENV_BIN / "pact"
CONTRACTS = VENV_BIN / "contracts"

pytestmark = pytest.mark.skipif(not PACT.exists(), reason="pact-python-cli is not installed")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``contracts broker serve`` process on a free port (tests use unique names)."""
    tmp_path = tmp_path_factory.mktemp("rust-cli-broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = shlex.join(
        [str(CONTRACTS), "broker", "serve", "--db", str(tmp_path / "b.sqlite"), "--port", str(port)]
    )
    with ProviderProcess(command, url, ready_timeout=20, log_dir=tmp_path):
        yield url


def _provider_handler(title: str | None) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            task: dict[str, object] = {"id": 1}
            if title is not None:
                task["title"] = title
            body = json.dumps(task).encode()
            self.send_response(200 if self.path == "/tasks/1" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _write_pact(folder: Path, consumer: str, provider: str) -> Path:
    doc = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "get task 1",
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "title": "write tests"},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{consumer}-{provider}.json"
    path.write_text(json.dumps(doc))
    return path


def _pact(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PACT), "broker", *args, "--retries", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _verify(serve_http: ServeHTTP, broker: str, provider: str, version: str, *, good: bool) -> None:
    """Verify the broker's pacts against a real HTTP provider on 127.0.0.1 and publish.

    ``good=False`` serves a provider that drops a field the consumer reads.
    """
    url = serve_http(_provider_handler("write tests" if good else None))
    verifier = (
        Verifier(provider, host="127.0.0.1")
        .add_transport(url=url)
        .broker_source(broker, use_env=False)
        .set_publish_options(version=version, branch="main")
    )
    try:
        verifier.verify()
    except RuntimeError:
        if good:
            raise
    else:
        assert good, "the broken provider passed verification"


def _results(broker: str, consumer: str) -> list[tuple[str, bool]]:
    """(provider version, success) of the latest provider's verification of consumer 1.0.0."""
    query = [
        ("q[][pacticipant]", consumer),
        ("q[][version]", "1.0.0"),
        ("latestby", "cvp"),
        ("latest", "true"),
    ]
    rows = httpx.get(f"{broker}/matrix", params=query).json()["matrix"]
    return [
        (r["provider"]["version"]["number"], r["verificationResult"]["success"])
        for r in rows
        if r.get("verificationResult")
    ]


@pytest.fixture
def names() -> tuple[str, str]:
    """A unique consumer and provider name."""
    tag = uuid.uuid4().hex[:6]
    return f"web-{tag}", f"api-{tag}"


def test_publish(broker: str, tmp_path: Path, names: tuple[str, str]) -> None:
    """`pact broker publish` stores the pact; the broker serves it back."""
    consumer, provider = names
    _write_pact(tmp_path / "pacts", consumer, provider)
    done = _pact(
        "publish", str(tmp_path / "pacts"), "-a", "1.0.0", "--branch", "main", "-b", broker
    )
    assert done.returncode == 0, done.stderr + done.stdout
    latest = httpx.get(f"{broker}/pacts/provider/{provider}/consumer/{consumer}/latest")
    assert latest.json()["consumer"]["name"] == consumer


def test_can_i_deploy_follows_real_verifications(
    broker: str, tmp_path: Path, names: tuple[str, str], serve_http: ServeHTTP
) -> None:
    """can-i-deploy says no after a failed verification and yes after a passing one."""
    consumer, provider = names
    _write_pact(tmp_path / "pacts", consumer, provider)
    assert _pact("publish", str(tmp_path / "pacts"), "-a", "1.0.0", "-b", broker).returncode == 0
    _verify(serve_http, broker, provider, "2.0.0", good=False)
    ask = ("can-i-deploy", "-a", consumer, "-e", "1.0.0", "-b", broker)
    refused = _pact(*ask)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert _results(broker, consumer) == [("2.0.0", False)]
    _verify(serve_http, broker, provider, "2.1.0", good=True)
    allowed = _pact(*ask)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_deploy_to_environment(
    broker: str, tmp_path: Path, names: tuple[str, str], serve_http: ServeHTTP
) -> None:
    """create-environment and record-deployment make can-i-deploy --to-environment pass."""
    consumer, provider = names
    env = f"prod-{uuid.uuid4().hex[:6]}"
    _write_pact(tmp_path / "pacts", consumer, provider)
    assert _pact("publish", str(tmp_path / "pacts"), "-a", "1.0.0", "-b", broker).returncode == 0
    _verify(serve_http, broker, provider, "2.0.0", good=True)
    created = _pact("create-environment", "--name", env, "--production", "-b", broker)
    assert created.returncode == 0, created.stderr + created.stdout
    ask = ("can-i-deploy", "-a", consumer, "-e", "1.0.0", "--to-environment", env, "-b", broker)
    recorded = _pact(
        "record-deployment", "-a", provider, "-e", "2.0.0", "--environment", env, "-b", broker
    )
    assert recorded.returncode == 0, recorded.stderr + recorded.stdout
    allowed = _pact(*ask)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_can_i_deploy_to_environment_without_provider(
    broker: str, tmp_path: Path, names: tuple[str, str], serve_http: ServeHTTP
) -> None:
    """An environment where a never-verified provider version runs blocks the deploy."""
    consumer, provider = names
    env = f"prod-{uuid.uuid4().hex[:6]}"
    _write_pact(tmp_path / "pacts", consumer, provider)
    assert _pact("publish", str(tmp_path / "pacts"), "-a", "1.0.0", "-b", broker).returncode == 0
    _verify(serve_http, broker, provider, "2.0.0", good=False)
    assert _pact("create-environment", "--name", env, "-b", broker).returncode == 0
    recorded = _pact(
        "record-deployment", "-a", provider, "-e", "2.0.0", "--environment", env, "-b", broker
    )
    assert recorded.returncode == 0, recorded.stderr + recorded.stdout
    refused = _pact(
        "can-i-deploy", "-a", consumer, "-e", "1.0.0", "--to-environment", env, "-b", broker
    )
    assert refused.returncode == 1, refused.stdout + refused.stderr


def test_describe_version(broker: str, tmp_path: Path, names: tuple[str, str]) -> None:
    """describe-version shows the published consumer version."""
    consumer, provider = names
    _write_pact(tmp_path / "pacts", consumer, provider)
    assert _pact("publish", str(tmp_path / "pacts"), "-a", "1.4.2", "-b", broker).returncode == 0
    described = _pact("describe-version", "-a", consumer, "-e", "1.4.2", "-o", "json", "-b", broker)
    assert described.returncode == 0, described.stderr + described.stdout
    assert json.loads(described.stdout)["number"] == "1.4.2"
