"""Auth as the Pact Broker runs it: basic-auth users, read-only user, public read, tokens."""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.errors import UsageError
from seam.server import create_app
from seam.verify._provider import ProviderProcess, free_port

from .conftest import Client, publish_body

VENV_BIN = Path(sys.executable).parent
PACT = VENV_BIN / "pact"
CONTRACTS = VENV_BIN / "contracts"
USER, PASSWORD = "ci", "s3cret:with-colon"
READER, READER_PASSWORD = "dev", "read-only"


def basic(user: str, password: str) -> dict[str, str]:
    """An Authorization header for HTTP basic auth (RFC 7617)."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def secured(make_client: Callable[..., Client], db_path: Path) -> Callable[..., Client]:
    """Clients of one broker with a read/write and a read-only basic-auth user."""
    app = create_app(
        db_path,
        basic_auth_user=USER,
        basic_auth_password=PASSWORD,
        read_only_user=READER,
        read_only_password=READER_PASSWORD,
    )
    return lambda headers=None: make_client(app, headers)


def test_basic_user_reads_and_writes(
    secured: Callable[..., Client], unique: Callable[[str], str]
) -> None:
    """The read/write basic-auth user publishes and reads."""
    client = secured(basic(USER, PASSWORD))
    body = publish_body(unique("web"), "1.0.0", [unique("api")])
    assert client.post("/contracts/publish", json=body).status_code == 200
    assert client.get("/pacticipants").status_code == 200


def test_read_only_user_may_only_read(
    secured: Callable[..., Client], unique: Callable[[str], str]
) -> None:
    """The read-only user reads (GET and query-only POSTs) and gets 403 on a write."""
    client = secured(basic(READER, READER_PASSWORD))
    assert client.get("/pacticipants").status_code == 200
    refused = client.post("/contracts/publish", json=publish_body(unique("web"), "1", ["x"]))
    assert refused.status_code == 403
    assert refused.json()["errors"] == [
        "the read-only user cannot change the broker; use the read/write user"
    ]
    assert client.put(f"/pacticipants/{unique('p')}", json={}).status_code == 403
    # Pacts for verification is a POST that only asks: the read-only user may send it.
    asked = client.post(f"/pacts/provider/{unique('api')}/for-verification", json={})
    assert asked.status_code != 403


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param(basic(USER, "wrong"), id="wrong-password"),
        pytest.param(basic("nobody", PASSWORD), id="wrong-user"),
        pytest.param(basic(READER, PASSWORD), id="crossed"),
        pytest.param({"Authorization": "Basic !!!notbase64"}, id="malformed"),
        pytest.param({"Authorization": "Bearer " + PASSWORD}, id="bearer-password"),
    ],
)
def test_wrong_credentials_get_401_with_basic_challenge(
    secured: Callable[..., Client], headers: dict[str, str]
) -> None:
    """Missing or wrong credentials get 401 and a Basic challenge, so a browser asks."""
    response = secured(headers).get("/pacticipants")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Basic realm="seam-broker"')


def test_public_read_opens_reads_only(
    make_client: Callable[..., Client], db_path: Path, unique: Callable[[str], str]
) -> None:
    """--allow-public-read: anonymous reads pass, anonymous writes get 401."""
    app = create_app(
        db_path, basic_auth_user=USER, basic_auth_password=PASSWORD, allow_public_read=True
    )
    anonymous = make_client(app)
    assert anonymous.get("/pacticipants").status_code == 200
    assert anonymous.put(f"/pacticipants/{unique('p')}", json={}).status_code == 401
    writer = make_client(app, basic(USER, PASSWORD))
    assert writer.put(f"/pacticipants/{unique('p')}", json={}).status_code == 201


def test_tokens_work_beside_basic_auth(
    make_client: Callable[..., Client], db_path: Path, unique: Callable[[str], str]
) -> None:
    """Bearer tokens keep working when basic-auth users are configured too."""
    app = create_app(
        db_path,
        read_token="r-token",
        write_token="w-token",
        basic_auth_user=USER,
        basic_auth_password=PASSWORD,
    )
    assert make_client(app, {"Authorization": "Bearer r-token"}).get("/").status_code == 200
    writer = make_client(app, {"Authorization": "Bearer w-token"})
    assert writer.put(f"/pacticipants/{unique('p')}", json={}).status_code == 201
    challenge = make_client(app).get("/").headers["www-authenticate"]
    assert "Basic" in challenge and "Bearer" in challenge


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"basic_auth_user": "u"}, "go together"),
        ({"basic_auth_user": "u", "basic_auth_password": "p", "read_only_user": "r"}, "together"),
        ({"read_only_user": "r", "read_only_password": "p"}, "needs the read/write one"),
        (
            {
                "basic_auth_user": "u",
                "basic_auth_password": "p",
                "read_only_user": "u",
                "read_only_password": "q",
            },
            "must differ",
        ),
        ({"allow_public_read": True}, "everything is public already"),
    ],
    ids=["user-alone", "reader-alone", "reader-without-writer", "same-user", "public-open"],
)
def test_contradictory_auth_settings_refused(
    db_path: Path, kwargs: dict[str, object], message: str
) -> None:
    """Auth settings that cannot work together are a UsageError naming the fix."""
    with pytest.raises(UsageError, match=message):
        create_app(db_path, **kwargs)  # type: ignore[arg-type]


def test_serve_reads_the_pact_broker_env_vars(tmp_path: Path) -> None:
    """`broker serve` reads PACT_BROKER_BASIC_AUTH_* like the Pact Broker (exit 2 on half)."""
    result = CliRunner().invoke(
        main,
        ["broker", "serve", "--db", str(tmp_path / "b.db")],
        env={"PACT_BROKER_BASIC_AUTH_USERNAME": "ci"},
    )
    assert result.exit_code == 2
    assert "--basic-auth-password" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- the Rust `pact broker` CLI
@pytest.fixture(scope="module")
def basic_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `contracts broker serve` with a read/write and a read-only basic-auth user."""
    tmp_path = tmp_path_factory.mktemp("basic-auth-broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = " ".join(
        [
            f"PACT_BROKER_BASIC_AUTH_USERNAME={shlex.quote(USER)}",
            f"PACT_BROKER_BASIC_AUTH_PASSWORD={shlex.quote(PASSWORD)}",
            f"PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME={READER}",
            f"PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD={READER_PASSWORD}",
            shlex.join([str(CONTRACTS), "broker", "serve", "--db", str(tmp_path / "b.db")]),
            f"--port {port} --no-access-log",
        ]
    )
    with ProviderProcess(command, url, ready_timeout=20, log_dir=tmp_path):
        yield url


def _pact(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PACT), "broker", *args, "--retries", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not PACT.exists(), reason="pact-python-cli is not installed")
def test_rust_cli_with_username_and_password(basic_broker: str, tmp_path: Path) -> None:
    """`pact broker` publishes as the read/write user; the read-only user is refused."""
    tag = uuid.uuid4().hex[:6]
    consumer, provider = f"web-{tag}", f"api-{tag}"
    pact = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "get task 1",
                "request": {"method": "GET", "path": "/tasks/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    (tmp_path / "pacts").mkdir()
    (tmp_path / "pacts" / "p.json").write_text(json.dumps(pact))
    publish = ["publish", str(tmp_path / "pacts"), "-b", basic_broker]
    publish += ["--consumer-app-version", "1.0.0", "--branch", "main"]
    refused = _pact(*publish, "--broker-username", READER, "--broker-password", READER_PASSWORD)
    assert refused.returncode != 0
    assert (
        "403" in refused.stdout + refused.stderr or "read-only" in refused.stdout + refused.stderr
    )
    done = _pact(*publish, "--broker-username", USER, "--broker-password", PASSWORD)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = _pact(
        "list-latest-pact-versions",
        "-b",
        basic_broker,
        "--broker-username",
        READER,
        "--broker-password",
        READER_PASSWORD,
        "--output",
        "json",
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert consumer in listed.stdout
    anonymous = _pact("list-latest-pact-versions", "-b", basic_broker)
    assert anonymous.returncode != 0
