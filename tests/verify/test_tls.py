"""The verifier's CA store: none for http://, one bundle for https://, the user's TLS kept."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from seam.model import CaseStatus
from seam.verify import ProviderStates, verify
from seam.verify._tls import verifier_tls_env

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@dataclass
class Pki:
    """A throwaway CA and a server certificate it signed for 127.0.0.1."""

    ca: Path
    cert: Path
    key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    """A CA (in its own folder, as SSL_CERT_DIR) and a 127.0.0.1 server certificate it signed."""
    work = tmp_path / "pki"
    (work / "ca").mkdir(parents=True)
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca/ca.pem", "-days", "2", "-subj", "/CN=seam test CA",
        cwd=work,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
        cwd=work,
    )  # fmt: skip
    (work / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n", encoding="utf-8"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca/ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
        cwd=work,
    )  # fmt: skip
    return Pki(ca=work / "ca" / "ca.pem", cert=work / "server.pem", key=work / "server.key")


class _Task(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        data = json.dumps({"id": 7, "title": "Task 7"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def https_provider(pki: Pki) -> Iterator[str]:
    """A real HTTPS server on 127.0.0.1 answering GET /tasks/7, with the test CA's certificate."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Task)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.cert, pki.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _pact(tmp_path: Path, description: str) -> Path:
    doc = {
        "consumer": {"name": "tls-web"},
        "provider": {"name": "tls-api"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": description,
                "request": {"method": "GET", "path": "/tasks/7"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {
                        "content": {"id": 7, "title": "Task 7"},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path = tmp_path / "tls-pact.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@needs_openssl
def test_https_provider_trusted_through_the_users_cert_dir_verifies(
    pki: Pki, https_provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A self-signed HTTPS provider whose CA is in the user's SSL_CERT_DIR still verifies."""
    monkeypatch.setenv("SSL_CERT_DIR", str(pki.ca.parent))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    report = verify([_pact(tmp_path, "a task over https")], base_url=https_provider)
    assert [c.status for c in report.cases] == [CaseStatus.PASSED], report.findings
    assert os.environ["SSL_CERT_DIR"] == str(pki.ca.parent)
    assert "SSL_CERT_FILE" not in os.environ


@needs_openssl
def test_https_provider_trusted_through_the_users_cert_file_verifies(
    pki: Pki, https_provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CA named by SSL_CERT_FILE is trusted too when SSL_CERT_DIR points elsewhere."""
    elsewhere = tmp_path / "no-cas"
    elsewhere.mkdir()
    monkeypatch.setenv("SSL_CERT_DIR", str(elsewhere))
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca))
    report = verify([_pact(tmp_path, "a task over https, CA file")], base_url=https_provider)
    assert [c.status for c in report.cases] == [CaseStatus.PASSED], report.findings


@needs_openssl
def test_https_provider_the_user_does_not_trust_fails(
    pki: Pki, https_provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the test CA in the user's store the same provider is refused (TLS is checked)."""
    other = tmp_path / "other-ca"
    other.mkdir()
    unrelated = verifier_tls_env(["http://127.0.0.1:1"], other, {})  # a certificate, not the CA
    monkeypatch.setenv("SSL_CERT_DIR", str(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(unrelated["SSL_CERT_FILE"]))
    report = verify([_pact(tmp_path, "an untrusted task")], base_url=https_provider)
    assert [c.status for c in report.cases] == [CaseStatus.FAILED]


def test_http_targets_get_a_placeholder_store_and_no_cert_dir(tmp_path: Path) -> None:
    """Only http:// targets: one placeholder certificate, SSL_CERT_DIR unset for the verifier."""
    env = verifier_tls_env(
        ["http://127.0.0.1:1", None, "http://127.0.0.1:2/_seam/provider-states"],
        tmp_path,
        {"SSL_CERT_DIR": "/etc/ssl/certs"},
    )
    assert env["SSL_CERT_DIR"] is None
    placeholder = Path(str(env["SSL_CERT_FILE"]))
    assert placeholder.read_bytes().count(b"BEGIN CERTIFICATE") == 1


def test_https_target_bundles_file_and_folder_once_each(tmp_path: Path) -> None:
    """An https:// target: SSL_CERT_FILE's and the folder's certificates in one file, no repeats."""
    folder = tmp_path / "certs"
    folder.mkdir()
    pem = verifier_tls_env(["http://127.0.0.1:1"], tmp_path, {})
    one = Path(str(pem["SSL_CERT_FILE"])).read_bytes().strip()
    (folder / "a.pem").write_bytes(one + b"\n")
    (folder / "b.pem").write_bytes(b"not a certificate\n")
    (folder / "c.0").symlink_to(folder / "a.pem")
    env = verifier_tls_env(
        ["https://127.0.0.1:1"],
        tmp_path,
        {"SSL_CERT_DIR": str(folder), "SSL_CERT_FILE": str(folder / "a.pem")},
    )
    assert env["SSL_CERT_DIR"] is None
    assert Path(str(env["SSL_CERT_FILE"])).read_bytes().count(b"BEGIN CERTIFICATE") == 1


def test_https_target_without_cert_dir_changes_nothing(tmp_path: Path) -> None:
    """Without SSL_CERT_DIR the verifier reads one file per request already: no override."""
    assert verifier_tls_env(["https://127.0.0.1:1"], tmp_path, {"SSL_CERT_FILE": "/x.pem"}) == {}


def test_state_handlers_see_the_users_tls_settings(
    tasks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process handlers see the user's SSL_CERT_FILE/DIR, not the verifier's placeholder."""
    user_file, user_dir = str(tmp_path / "user-ca.pem"), str(tmp_path / "user-certs")
    monkeypatch.setenv("SSL_CERT_FILE", user_file)
    monkeypatch.setenv("SSL_CERT_DIR", user_dir)
    seen: list[tuple[str | None, str | None]] = []
    states = ProviderStates()

    @states.given("task {id} does not exist")
    def record(id: int, **_: Any) -> None:
        seen.append((os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")))

    pact = json.loads((tasks.pacts / "web-tasks-api.json").read_text(encoding="utf-8"))
    pact["interactions"] = [
        i for i in pact["interactions"] if i["description"] == "a request for a missing task"
    ]
    path = tmp_path / "missing.json"
    path.write_text(json.dumps(pact), encoding="utf-8")
    tasks.verify(pacts=path, states=states)
    assert seen == [(user_file, user_dir)]
    assert (os.environ["SSL_CERT_FILE"], os.environ["SSL_CERT_DIR"]) == (user_file, user_dir)


def test_http_provider_verifies_without_reading_the_users_ca_store(
    tasks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With only http:// targets the verifier never loads SSL_CERT_DIR (here empty, unusable)."""
    empty = tmp_path / "empty-certs"
    empty.mkdir()
    monkeypatch.setenv("SSL_CERT_DIR", str(empty))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    report = tasks.verify()
    assert report.cases
    assert {c.status for c in report.cases} == {CaseStatus.PASSED}, report.findings
