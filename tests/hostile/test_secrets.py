"""Passwords in URLs never leave the process: not in errors, progress lines, reports or help.

A broker or provider URL may carry credentials (``http://user:pass@host``); everything
Seam prints or saves shows ``http://user:***@host`` instead. Each test runs the real
``contracts`` executable and searches its stdout, stderr and report files for the password.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.errors import BrokerUnreachable, redact
from seam.server import create_app
from seam.verify._provider import free_port

from ..broker.conftest import ServedBroker, pact_document
from ..conftest import ServeHTTP

CONTRACTS = str(Path(sys.executable).parent / "contracts")


@pytest.fixture
def secret() -> str:
    """A password no other test uses, so finding it anywhere means this test leaked it."""
    return f"pw-{uuid.uuid4().hex}"


def _with_password(url: str, secret: str) -> str:
    return url.replace("http://", f"http://seam-user:{secret}@", 1)


def _contracts(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTRACTS, *args], cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )


def _assert_hidden(secret: str, result: subprocess.CompletedProcess[str], *files: Path) -> None:
    for name, text in [("stdout", result.stdout), ("stderr", result.stderr)] + [
        (str(f), f.read_text()) for f in files
    ]:
        assert secret not in text, f"the password is in {name}:\n{text}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("http://u:pw@h:1/x", "http://u:***@h:1/x"),
        ("https://TOKEN@h/x", "https://***@h/x"),
        ("http://u:p@ss@h/x?a=b@c", "http://u:***@h/x?a=b@c"),
        ("http://u:p%40ss@h", "http://u:***@h"),
        (
            "at 'http://u:pw@h' and http://v:pw2@[::1]:9/",
            "at 'http://u:***@h' and http://v:***@[::1]:9/",
        ),
        ("http://h/a@b", "http://h/a@b"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("mailto:a@b", "mailto:a@b"),
    ],
    ids=[
        "user-pass",
        "token-user",
        "raw-at",
        "encoded-at",
        "two-urls",
        "at-in-path",
        "scp",
        "mailto",
    ],
)
def test_redact_hides_userinfo_only(text: str, shown: str) -> None:
    """Userinfo is hidden in every URL of a text; an '@' elsewhere is left alone."""
    assert redact(text) == shown


def test_every_error_redacts_its_message_and_location() -> None:
    """A SeamError built with a URL holding a password never shows the password."""
    error = BrokerUnreachable("cannot reach http://u:pw@h:1", location="http://u:pw@h:1/x")
    assert "pw" not in str(error) and "pw" not in error.message
    assert str(error) == "http://u:***@h:1/x: cannot reach http://u:***@h:1"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_unreachable_broker_hides_the_password(tmp_path: Path, secret: str, fmt: str) -> None:
    """can-i-deploy against a closed port names the broker without its password (exit 3)."""
    broker = _with_password(f"http://127.0.0.1:{free_port()}", secret)
    report = tmp_path / "report.out"
    result = _contracts(
        tmp_path, "can-i-deploy", "-b", broker, "-a", "web", "-e", "1",
        "--to-environment", "prod", "--format", fmt, "-o", str(report),
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "seam-user:***@127.0.0.1" in result.stderr
    _assert_hidden(secret, result, *[f for f in [report] if f.exists()])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedBroker]:
    """The embedded broker on a real socket (no tokens)."""
    broker = ServedBroker(create_app(tmp_path / "broker.db"))
    broker.start()
    yield broker
    broker.stop()


def test_broker_commands_hide_the_password(
    tmp_path: Path, secret: str, served: ServedBroker
) -> None:
    """publish, can-i-deploy and describe-version through a URL with a password never print it."""
    broker = _with_password(served.url, secret)
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "web-api.json").write_text(json.dumps(pact_document("web", "api")))
    report = tmp_path / "can-i-deploy.json"
    runs = [
        _contracts(tmp_path, "publish", str(pacts), "-b", broker, "--consumer-app-version", "1",
                   "--branch", "main", "--format", "json"),
        _contracts(tmp_path, "can-i-deploy", "-b", broker, "-a", "web", "-e", "1", "--to", "prod",
                   "--format", "json", "-o", str(report)),
        _contracts(tmp_path, "describe-version", "-b", broker, "-a", "web", "-e", "1",
                   "--format", "json"),
    ]  # fmt: skip
    assert [r.returncode for r in runs] == [0, 1, 0], [r.stderr for r in runs]
    for result in runs:
        _assert_hidden(secret, result, report)


def test_refusing_broker_is_named_without_the_password(tmp_path: Path, secret: str) -> None:
    """A broker that refuses the URL's credentials (401) is named in the error without them."""
    secured = ServedBroker(create_app(tmp_path / "secured.db", token=f"t-{uuid.uuid4().hex}"))
    secured.start()
    try:
        broker = _with_password(secured.url, secret)
        result = _contracts(tmp_path, "describe-version", "-b", broker, "-a", "web", "-e", "1")
    finally:
        secured.stop()
    assert result.returncode == 2, result.stderr
    assert "seam-user:***@127.0.0.1" in result.stderr and "401" in result.stderr
    _assert_hidden(secret, result)


class _OpenAPI(BaseHTTPRequestHandler):
    """A provider that serves a minimal OpenAPI document at any path."""

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "api", "version": "1"},
                "paths": {"/ping": {"get": {"responses": {"200": {"description": "ok"}}}}},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def test_snapshot_from_a_url_hides_the_password(
    tmp_path: Path, secret: str, serve_http: ServeHTTP
) -> None:
    """snapshot --url says where the document came from without the URL's password."""
    url = _with_password(serve_http(_OpenAPI), secret) + "/openapi.json"
    contracts = tmp_path / "contracts"
    result = _contracts(
        tmp_path, "snapshot", "--url", url, "--provider", "api", "--contracts", str(contracts)
    )
    assert result.returncode == 0, result.stderr
    assert "seam-user:***@127.0.0.1" in result.stdout
    _assert_hidden(secret, result, contracts / "openapi" / "api.yaml")


class _NotFound(BaseHTTPRequestHandler):
    """A provider that answers 404 to everything, so verification fails with a report."""

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


def test_verify_report_hides_the_passwords(
    tmp_path: Path, secret: str, served: ServedBroker, serve_http: ServeHTTP
) -> None:
    """verify's progress lines and JSON report show the provider and broker without passwords."""
    broker = _with_password(served.url, secret)
    provider = _with_password(serve_http(_NotFound), secret)
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    document = pact_document("web", "api")
    del document["interactions"][0]["providerStates"]
    (pacts / "web-api.json").write_text(json.dumps(document))
    published = _contracts(
        tmp_path, "publish", str(pacts), "-b", served.url, "--consumer-app-version", "1"
    )
    assert published.returncode == 0, published.stderr
    report = tmp_path / "verify.json"
    result = _contracts(
        tmp_path, "verify", "--provider", "api", "--base-url", provider,
        "--broker-base-url", broker, "--format", "json", "-o", str(report),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    _assert_hidden(secret, result, report)
    meta = json.loads(report.read_text())["meta"]
    assert meta["broker"] == _with_password(served.url, "***")
    assert meta["base_url"] == provider.replace(secret, "***")


def _commands(group: click.Group, prefix: list[str]) -> Iterator[list[str]]:
    for name, command in sorted(group.commands.items()):
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from _commands(command, [*prefix, name])


@pytest.mark.parametrize("command", list(_commands(main, [])), ids=" ".join)
def test_help_never_shows_credentials_from_the_environment(command: list[str], secret: str) -> None:
    """--help of every command shows no credentials taken from the environment."""
    env = {
        "PACT_BROKER_BASE_URL": f"http://seam-user:{secret}@127.0.0.1:9",
        "PACT_BROKER_PASSWORD": secret,
        "PACT_BROKER_TOKEN": secret,
        "SEAM_BROKER_TOKEN": secret,
        "SEAM_BROKER_READ_TOKEN": secret,
        "SEAM_BROKER_WRITE_TOKEN": secret,
    }
    result = CliRunner().invoke(main, [*command, "--help"], env=env)
    assert result.exit_code == 0, result.output
    assert secret not in result.output
