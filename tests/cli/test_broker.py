"""The broker client commands end to end: options, environment variables, output, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.broker import BrokerClient, publish_verification
from seam.cli import main

COMMANDS = [
    "publish",
    "can-i-deploy",
    "create-environment",
    "record-deployment",
    "record-release",
    "record-undeployment",
    "describe-version",
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command: str) -> None:
    """Each broker command documents the official CLI's broker options."""
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "--broker-base-url" in out and "--broker-token" in out


def test_publish_then_describe_with_env_url(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """publish and describe-version read the broker URL from PACT_BROKER_BASE_URL."""
    consumer = unique("web")
    path = write_pact(consumer, unique("api"))
    env = {"PACT_BROKER_BASE_URL": served_broker}
    code, out, err = run("publish", str(path.parent), "-a", "1.0.0", "--branch", "main", env=env)
    assert code == 0, err
    assert consumer in out
    code, out, err = run("describe-version", "-a", consumer, "--format", "json", env=env)
    assert code == 0, err
    assert json.loads(out)["branches"] == ["main"]


def test_can_i_deploy_exit_codes_follow_verification(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """can-i-deploy exits 1 before the provider verifies and 0 after."""
    consumer, provider = unique("web"), unique("api")
    path = write_pact(consumer, provider)
    assert run("publish", str(path), "-a", "1.0.0", "-b", served_broker)[0] == 0
    code, out, _ = run("can-i-deploy", "-a", consumer, "-e", "1.0.0", "-b", served_broker)
    assert (code, "Computer says no" in out) == (1, True)
    with BrokerClient(served_broker) as client:
        url = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest")
        publish_verification(client, url["_links"]["self"]["href"], "2.0.0", success=True)
    code, out, _ = run("can-i-deploy", "-a", consumer, "-e", "1.0.0", "-b", served_broker)
    assert (code, "Computer says yes" in out) == (0, True)


def test_can_i_deploy_json_report(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """--format json prints Seam's report with the broker's verdict in meta."""
    consumer = unique("web")
    run("publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker)
    code, out, _ = run(
        "can-i-deploy", "-a", consumer, "--latest", "--format", "json", "-b", served_broker
    )
    report = json.loads(out)
    assert (code, report["command"], report["meta"]["deployable"]) == (1, "can-i-deploy", None)


def test_can_i_deploy_dry_run_exits_zero(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """--dry-run reports the no but exits 0."""
    consumer = unique("web")
    run("publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker)
    code, out, _ = run(
        "can-i-deploy", "-a", consumer, "-e", "1.0.0", "--dry-run", "-b", served_broker
    )
    assert (code, "Computer says no" in out) == (0, True)


def test_environment_and_deployment_commands(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """create-environment, record-deployment and record-undeployment succeed in sequence."""
    consumer, env = unique("web"), unique("test")
    run("publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker)
    base = ("-b", served_broker)
    assert run("create-environment", "--name", env, *base)[0] == 0
    code, out, _ = run(
        "record-deployment", "-a", consumer, "-e", "1.0.0", "--environment", env, *base
    )
    assert (code, f"deployed to {env}" in out) == (0, True)
    code, out, _ = run("record-undeployment", "-a", consumer, "--environment", env, *base)
    assert (code, "undeployed" in out) == (0, True)


def test_unreachable_broker_exits_3() -> None:
    """A broker that cannot be reached exits 3 with one line on stderr."""
    code, _, err = run("describe-version", "-a", "x", "-b", "http://no-such-host.invalid")
    assert code == 3
    assert err.count("\n") == 1 and "cannot reach" in err


def test_wrong_token_exits_2(secured_broker: tuple[str, str, str]) -> None:
    """A wrong token exits 2 and says what to do."""
    url, _, _ = secured_broker
    code, _, err = run("describe-version", "-a", "x", "-b", url, "-k", "nope")
    assert code == 2
    assert "PACT_BROKER_TOKEN" in err and "Traceback" not in err


def test_missing_broker_url_exits_2() -> None:
    """No broker URL at all exits 2 and names the option."""
    code, _, err = run("describe-version", "-a", "x", env={"PACT_BROKER_BASE_URL": ""})
    assert code == 2
    assert "--broker-base-url" in err


def test_unknown_environment_exits_2(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """Recording a deployment to an environment that does not exist exits 2."""
    consumer = unique("web")
    run("publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker)
    code, _, err = run(
        "record-deployment",
        "-a",
        consumer,
        "-e",
        "1.0.0",
        "--environment",
        "nope",
        "-b",
        served_broker,
    )
    assert code == 2
    assert "create-environment" in err


def test_can_i_deploy_junit_to_a_file(
    served_broker: str,
    write_pact: Callable[..., Path],
    unique: Callable[[str], str],
    tmp_path: Path,
) -> None:
    """--format junit -o FILE writes one test case per matrix row, failed when unverified."""
    consumer = unique("web")
    run("publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker)
    report = tmp_path / "cid.xml"
    args = ("-a", consumer, "-e", "1.0.0", "--format", "junit", "-o", str(report))
    code, out, _ = run("can-i-deploy", *args, "-b", served_broker)
    xml = report.read_text()
    assert (code, out) == (1, "")
    assert 'tests="1"' in xml and "no verification result" in xml


def test_record_release_and_describe_latest_tag(
    served_broker: str, write_pact: Callable[..., Path], unique: Callable[[str], str]
) -> None:
    """record-release succeeds and describe-version --latest TAG finds the tagged version."""
    consumer, env = unique("app"), unique("store")
    path = write_pact(consumer, unique("api"))
    base = ("-b", served_broker)
    run("publish", str(path), "-a", "1.0.0", "-t", "prod,ios", *base)
    run("publish", str(path), "-a", "1.1.0", *base)
    assert run("create-environment", "--name", env, *base)[0] == 0
    code, out, _ = run("record-release", "-a", consumer, "-e", "1.0.0", "--environment", env, *base)
    assert (code, f"released to {env}" in out) == (0, True)
    code, out, _ = run(
        "describe-version", "-a", consumer, "--latest", "ios", "--format", "json", *base
    )
    assert (code, json.loads(out)["number"]) == (0, "1.0.0")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_broker_command_has_the_shared_report_options(command: str) -> None:
    """Each broker command offers every report format and --output, as the other commands do."""
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "[text|json|markdown|github|junit]" in out and "--output" in out


def test_record_release_writes_its_text_or_a_junit_report_to_output(
    served_broker: str,
    write_pact: Callable[..., Path],
    unique: Callable[[str], str],
    tmp_path: Path,
) -> None:
    """record-release -o FILE writes the line it prints; --format junit writes JUnit XML."""
    consumer, environment = unique("web"), unique("stage")
    assert (
        run(
            "publish", str(write_pact(consumer, unique("api"))), "-a", "1.0.0", "-b", served_broker
        )[0]
        == 0
    )
    assert run("create-environment", "--name", environment, "-b", served_broker)[0] == 0
    args = (
        "record-release",
        "-a",
        consumer,
        "-e",
        "1.0.0",
        "--environment",
        environment,
        "-b",
        served_broker,
    )
    text = tmp_path / "release.txt"
    code, out, err = run(*args, "-o", str(text))
    assert (code, out, err) == (0, "", "")
    assert text.read_text() == f"recorded {consumer} 1.0.0 as released to {environment}\n"
    code, out, _ = run(*args, "--format", "junit")
    assert code == 0
    assert out.startswith("<?xml") and "record-release" in out
