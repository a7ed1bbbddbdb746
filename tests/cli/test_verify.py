"""`contracts verify`: exit codes, report formats and option errors, against the real provider."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACTS = ROOT / "tests" / "verify" / "pacts"
MUTANT_APP = ROOT / "tests" / "verify" / "mutant_app.py"


def _args(tmp_path: Path, mutation: str = "none") -> list[str]:
    app = f"{shlex.quote(sys.executable)} {shlex.quote(str(MUTANT_APP))}"
    command = f'{app} {mutation} {{port}} "$DATABASE_URL"'
    return [
        "verify",
        str(PACTS),
        "--start",
        command,
        "--base-url",
        "http://127.0.0.1:{port}",
        "--states",
        "tasks_api.states:states",
        "--env",
        f"DATABASE_URL=sqlite:///{tmp_path}/tasks-{{worker}}.db",
        "--env",
        f"PYTHONPATH={ROOT / 'providers' / 'tasks'}",
        "--quiet",
    ]


def test_passing_provider_exits_0_and_lists_every_interaction(tmp_path: Path) -> None:
    """Against the real provider the text report lists each interaction as ok and exits 0."""
    result = CliRunner().invoke(main, _args(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.count("  ok ") == 7
    assert "verify: 7 passed" in result.output


def test_failing_provider_exits_1_with_json_report(tmp_path: Path) -> None:
    """A mutant provider exits 1; the JSON report has the failed case and its mismatch."""
    result = CliRunner().invoke(main, [*_args(tmp_path, "created-200"), "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    failed = [c for c in doc["cases"] if c["status"] == "failed"]
    assert [c["name"] for c in failed] == ["a request to create a task (given no tasks)"]
    assert failed[0]["findings"][0]["rule"] == "response-status-mismatch"
    details = failed[0]["findings"][0]["details"]
    assert (details["expected"], details["actual"]) == (201, 200)


def test_junit_file_is_written_alongside(tmp_path: Path) -> None:
    """--junit FILE writes JUnit XML with one testcase per interaction and the failure."""
    junit = tmp_path / "verify.xml"
    result = CliRunner().invoke(main, [*_args(tmp_path, "not-found-400"), "--junit", str(junit)])
    assert result.exit_code == 1
    xml = junit.read_text(encoding="utf-8")
    assert xml.count("<testcase ") == 7
    assert 'failures="1"' in xml


def test_unreachable_provider_exits_3(tmp_path: Path) -> None:
    """Nothing at --base-url exits 3 with one line naming the URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(
        main, ["verify", str(PACTS), "--base-url", f"http://127.0.0.1:{port}", "-q"]
    )
    assert result.exit_code == 3
    assert f"127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_bad_pact_file_exits_2(tmp_path: Path) -> None:
    """An unreadable pact file exits 2 with one line and no traceback."""
    bad = tmp_path / "web-tasks-api.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(bad), "--base-url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "not valid JSON" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--env", "NOEQUALS"], "expected KEY=VALUE", id="env"),
        pytest.param(["--publish"], "--publish needs --provider-app-version", id="publish"),
        pytest.param(["--main-branch"], "need --broker-base-url", id="selector-without-broker"),
        pytest.param(
            ["-b", "http://127.0.0.1:1", "--consumer-version-selector", "{oops"],
            "is not JSON",
            id="selector-json",
        ),
    ],
)
def test_option_errors_exit_2(extra: list[str], message: str) -> None:
    """Options that cannot work exit 2 with a line saying what to do."""
    result = CliRunner().invoke(
        main, ["verify", str(PACTS), "--base-url", "http://127.0.0.1:1", *extra]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_sigterm_stops_the_started_provider(tmp_path: Path) -> None:
    """SIGTERM mid-run (a CI cancel) exits 130 promptly and leaves no provider behind."""
    (tmp_path / "slow_states.py").write_text(
        "import time\n"
        "from seam.verify import ProviderStates\n"
        "states = ProviderStates()\n"
        "@states.given('no tasks')\n"
        "def slow():\n"
        "    time.sleep(60)\n",
        encoding="utf-8",
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = f"{shlex.quote(sys.executable)} {shlex.quote(str(MUTANT_APP))}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "providers" / "tasks")]),
    }
    contracts = str(Path(sys.executable).parent / "contracts")
    proc = subprocess.Popen(
        [
            contracts,
            "verify",
            str(PACTS),
            "--states",
            "slow_states:states",
            "-q",
            "--start",
            f"{app} none {port} sqlite:///{tmp_path}/t.db",
            "--base-url",
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not _answers(port):
            assert time.monotonic() < deadline, "the provider never started"
            time.sleep(0.05)
        time.sleep(0.5)  # the verifier is now inside the slow state handler
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 130
        assert not _answers(port)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


MESSAGES = ROOT / "tests" / "verify" / "messages"


def _message_args(tmp_path: Path, registry: str) -> list[str]:
    return [
        "verify",
        str(MESSAGES),
        "--messages",
        registry,
        "--states",
        "tasks_api.states:states",
        "--env",
        f"DATABASE_URL=sqlite:///{tmp_path}/tasks.db",
        "--quiet",
    ]


def test_messages_alone_need_no_base_url(tmp_path: Path) -> None:
    """--messages replays a message-only pact with no provider started: both messages pass."""
    result = CliRunner().invoke(main, _message_args(tmp_path, "tasks_api.messages:messages"))
    assert result.exit_code == 0, result.output
    assert "verify: 2 passed" in result.output


def test_a_broken_producer_exits_1_naming_message_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mutant producer exits 1; the JSON finding names the message and the missing field."""
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "verify"))
    args = [*_message_args(tmp_path, "mutant_messages:renamed_field"), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    findings = [f for c in json.loads(result.output)["cases"] for f in c["findings"]]
    assert {(f["rule"], f["method"], f["path"]) for f in findings} == {
        ("message-body-mismatch", "message", "a task.created event"),
        ("message-body-mismatch", "message", "a task.status_changed event"),
    }
    assert all("missing the following keys: title" in f["message"] for f in findings)


def test_a_bad_messages_option_exits_2(tmp_path: Path) -> None:
    """--messages naming something that is not a registry exits 2 with one line."""
    result = CliRunner().invoke(main, _message_args(tmp_path, "tasks_api.states:states"))
    assert result.exit_code == 2
    assert "expected a seam.verify.ProviderMessages, found ProviderStates" in result.output
    assert "Traceback" not in result.output
