"""Hostile option values: timeouts and URLs are refused with one line and exit 2, up front."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from seam.cli import main
from seam.errors import UsageError
from seam.verify import verify
from seam.verify._provider import ProviderProcess, free_port

PACT = {
    "consumer": {"name": "web"},
    "provider": {"name": "hostile"},
    "interactions": [
        {
            "description": "reads x",
            "request": {"method": "GET", "path": "/x"},
            "response": {"status": 200},
        }
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}


@pytest.fixture
def pact(tmp_path: Path) -> str:
    """A valid pact on disk."""
    path = tmp_path / "web-hostile.json"
    path.write_text(json.dumps(PACT))
    return str(path)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _assert_usage_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


@pytest.mark.parametrize("option", ["--request-timeout", "--ready-timeout"])
@pytest.mark.parametrize("value", ["-1", "0", "nan", "NaN", "inf", "-inf", "1e300"])
def test_verify_refuses_a_timeout_that_is_not_finite_seconds(
    pact: str, option: str, value: str
) -> None:
    """A negative, zero, nan, infinite or absurd timeout is a usage error before any start."""
    result = _run(
        "verify",
        pact,
        "--base-url",
        "http://127.0.0.1:{port}",
        "--start",
        "sleep 600 # {port}",  # never ready: a nan deadline would wait on it for ever
        option,
        value,
    )
    _assert_usage_error(result, option)


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        pytest.param(["snapshot", "--provider", "p", "--url"], "--timeout", "nan", id="snapshot"),
        pytest.param(
            ["snapshot", "--provider", "p", "--url"], "--timeout", "-1", id="snapshot-neg"
        ),
        pytest.param(
            ["can-i-deploy", "-a", "web", "--version", "1", "-b"],
            "--retry-interval",
            "nan",
            id="can-i-deploy",
        ),
    ],
)
def test_other_timeouts_refuse_nan_and_negatives(
    command: list[str], option: str, value: str
) -> None:
    """Every seconds option is a finite number in its range (click's FloatRange lets nan by)."""
    result = _run(*command, f"http://127.0.0.1:{free_port()}", option, value)
    _assert_usage_error(result, option)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://[::1", id="unclosed-ipv6"),
        pytest.param("http://[::1]:99999", id="port-out-of-range"),
        pytest.param("http://127.0.0.1:port", id="port-not-a-number"),
        pytest.param("ftp://127.0.0.1", id="not-http"),
        pytest.param("127.0.0.1:8000", id="no-scheme"),
    ],
)
@pytest.mark.parametrize("option", ["--base-url", "--state-url", "--broker-base-url"])
def test_verify_refuses_a_malformed_url_naming_the_option(pact: str, option: str, url: str) -> None:
    """A URL that cannot be parsed is one line naming the option, not a ValueError traceback."""
    base = ["--base-url", f"http://127.0.0.1:{free_port()}"] if option != "--base-url" else []
    result = _run("verify", pact, *base, option, url)
    _assert_usage_error(result, f"error: {option} {url!r}")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0])
@pytest.mark.parametrize("keyword", ["ready_timeout", "request_timeout"])
def test_library_verify_refuses_unusable_timeouts(pact: str, keyword: str, value: float) -> None:
    """``seam.verify.verify`` checks its timeouts itself: a library caller gets a UsageError."""
    with pytest.raises(UsageError, match=keyword.replace("_", "-")):
        verify([pact], base_url=f"http://127.0.0.1:{free_port()}", **{keyword: value})


def test_provider_process_refuses_a_nan_ready_timeout() -> None:
    """A ProviderProcess with a nan deadline would wait for ever: it is refused when made."""
    with pytest.raises(UsageError, match="--ready-timeout"):
        ProviderProcess("sleep 600", f"http://127.0.0.1:{free_port()}", ready_timeout=math.nan)


def test_snapshot_check_calls_a_non_utf8_snapshot_stale(tmp_path: Path) -> None:
    """A committed snapshot that is not UTF-8 is stale (exit 1), not a UnicodeDecodeError."""
    source = tmp_path / "spec.json"
    source.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "p", "version": "1"}, "paths": {}})
    )
    committed = tmp_path / "contracts" / "openapi" / "p.yaml"
    committed.parent.mkdir(parents=True)
    committed.write_bytes("info: {title: café}\n".encode("latin-1"))
    result = _run(
        "snapshot",
        "--file",
        str(source),
        "--provider",
        "p",
        "--contracts",
        str(tmp_path / "contracts"),
        "--check",
    )
    assert result.exit_code == 1, (result.output, result.exception)
    assert "is stale" in result.output


def test_verify_refuses_a_selector_nested_50000_deep(pact: str) -> None:
    """A consumer version selector of 50,000 nested brackets is not JSON to use: exit 2."""
    selector = "[" * 50_000 + "]" * 50_000
    port = free_port()
    result = _run(
        "verify",
        pact,
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--broker-base-url",
        f"http://127.0.0.1:{port}",
        "--consumer-version-selector",
        selector,
    )
    _assert_usage_error(result, "--consumer-version-selector")
