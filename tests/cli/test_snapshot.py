"""`contracts snapshot`: from a Python app, a running provider or a file, into contracts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from seam.verify._provider import free_port

from ._snapshots import example_provider, one_error_line, snapshot, write_module

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ROOT = ROOT / "providers" / "tasks"
APP = "tasks_api.app:app"
BROKEN_RESPONSE = (
    "DOCUMENT = {'openapi': '3.1.0', 'info': {'title': 'T', 'version': '1'},"
    " 'paths': {'/a': {'get': {'responses': {'200': {}}}}}}\n"
)


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """An empty contracts folder for this test."""
    return tmp_path / "contracts"


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[str]:
    """The example Tasks provider as a real process on 127.0.0.1; yields its base URL."""
    with example_provider("tasks_api", tmp_path / "tasks.db", "/openapi.json") as base_url:
        yield base_url


def test_app_snapshot_is_written_under_openapi(contracts: Path) -> None:
    """--app writes <contracts>/openapi/<provider>.yaml and says so."""
    result = snapshot("--app", APP, "--provider", "tasks-api", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    path = contracts / "openapi" / "tasks-api.yaml"
    assert f"wrote {path} (5 operations" in result.output
    assert "/tasks/{id}:" in path.read_text(encoding="utf-8")


def test_second_run_is_byte_identical_and_reports_up_to_date(contracts: Path) -> None:
    """Snapshotting the same app twice leaves the same bytes and says it is up to date."""
    args = ("--app", APP, "--provider", "tasks-api", "--contracts", str(contracts))
    snapshot(*args)
    first = (contracts / "openapi" / "tasks-api.yaml").read_bytes()
    result = snapshot(*args)
    assert "is up to date" in result.output
    assert (contracts / "openapi" / "tasks-api.yaml").read_bytes() == first


def test_url_snapshot_of_the_running_provider_matches_the_app(
    provider: str, contracts: Path, tmp_path: Path
) -> None:
    """The document fetched from the real provider gives the same bytes as --app."""
    by_url = snapshot(
        "--url", provider + "/openapi.json", "--provider", "p", "--contracts", str(contracts)
    )
    assert by_url.exit_code == 0, by_url.output
    snapshot("--app", APP, "--provider", "p", "--contracts", str(tmp_path / "other"))
    assert (contracts / "openapi" / "p.yaml").read_bytes() == (
        tmp_path / "other" / "openapi" / "p.yaml"
    ).read_bytes()


def test_url_answering_404_is_bad_input(provider: str, contracts: Path) -> None:
    """A URL that is not the document (HTTP 404) exits 2 naming the status."""
    result = snapshot("--url", provider + "/nope", "--provider", "p", "--contracts", str(contracts))
    assert result.exit_code == 2
    assert "got HTTP 404" in one_error_line(result)


def test_unreachable_url_exits_3(contracts: Path) -> None:
    """A URL nobody listens on exits 3 with one line and writes nothing."""
    url = f"http://127.0.0.1:{free_port()}/openapi.json"
    result = snapshot("--url", url, "--provider", "p", "--contracts", str(contracts))
    assert result.exit_code == 3
    assert "cannot reach the provider" in one_error_line(result)
    assert not contracts.exists()


def test_non_http_url_is_a_usage_error(contracts: Path) -> None:
    """--url with another scheme exits 2 without trying to fetch it."""
    result = snapshot("--url", "file:///etc/passwd", "--provider", "p")
    assert result.exit_code == 2
    assert "http:// or https://" in one_error_line(result)


@pytest.mark.parametrize("url", ["http://", "http://256.1.1.1/openapi.json", "http://[::1"])
def test_malformed_url_is_a_usage_error(url: str) -> None:
    """A URL that cannot be parsed, or has no host, exits 2 instead of looking unreachable."""
    result = snapshot("--url", url, "--provider", "p")
    assert result.exit_code == 2
    assert "--url" in one_error_line(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--url", "http://127.0.0.1:1/x", "-H", "no colon"), "Name: value", id="form"),
        pytest.param(("--app", APP, "-H", "A: b"), "only applies to --url", id="with-app"),
    ],
)
def test_bad_header_options_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    """--header must look like 'Name: value' and goes only with --url."""
    result = snapshot(*args, "--provider", "p")
    assert result.exit_code == 2
    assert message in one_error_line(result)


def test_module_that_exits_on_import_is_one_line_exit_2(module_dir: Path) -> None:
    """A module that calls sys.exit while importing cannot end the command: exit 2, one line."""
    name = write_module(module_dir, "import sys\nsys.exit(5)\n")
    result = snapshot("--app", f"{name}:app", "--provider", "p")
    assert result.exit_code == 2
    assert "SystemExit" in one_error_line(result)


def test_unknown_module_is_one_line_exit_2(contracts: Path) -> None:
    """--app naming a module that does not exist exits 2 with one line."""
    result = snapshot("--app", "no_such_module_xyz:app", "--provider", "p")
    assert result.exit_code == 2
    assert "cannot import 'no_such_module_xyz'" in one_error_line(result)


def test_module_that_raises_on_import_is_one_line_exit_2(module_dir: Path) -> None:
    """A module whose import raises exits 2, naming the exception, without a traceback."""
    name = write_module(module_dir, "raise RuntimeError('database not configured')\n")
    result = snapshot("--app", f"{name}:app", "--provider", "p")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert f"importing '{name}' failed: RuntimeError: database not configured" in line


def test_module_with_a_broken_import_inside_is_one_line_exit_2(module_dir: Path) -> None:
    """A module that imports something missing says what is missing, not that it is absent."""
    name = write_module(module_dir, "import not_installed_dependency_xyz\n")
    result = snapshot("--app", f"{name}:app", "--provider", "p")
    assert result.exit_code == 2
    assert "ModuleNotFoundError" in one_error_line(result)


def test_missing_attribute_is_one_line_exit_2(module_dir: Path) -> None:
    """--app naming an attribute the module lacks exits 2."""
    name = write_module(module_dir, "x = 1\n")
    result = snapshot("--app", f"{name}:app", "--provider", "p")
    assert result.exit_code == 2
    assert "has no attribute 'app'" in one_error_line(result)


def test_reference_without_colon_is_a_usage_error() -> None:
    """--app without MODULE:ATTR form exits 2 and shows the expected form."""
    result = snapshot("--app", "tasks_api.app", "--provider", "p")
    assert result.exit_code == 2
    assert "MODULE:ATTR" in one_error_line(result)


def test_mapping_attribute_is_snapshotted(module_dir: Path, contracts: Path) -> None:
    """--app may name a plain mapping that is the document itself."""
    source = BROKEN_RESPONSE.replace("{'200': {}}", "{'200': {'description': 'ok'}}")
    name = write_module(module_dir, source)
    result = snapshot("--app", f"{name}:DOCUMENT", "--provider", "p", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    assert "description: ok" in (contracts / "openapi" / "p.yaml").read_text(encoding="utf-8")


def test_invalid_document_is_refused_with_location(module_dir: Path, contracts: Path) -> None:
    """An invalid document exits 2 with the validator's first error and location, unwritten."""
    name = write_module(module_dir, BROKEN_RESPONSE)
    result = snapshot("--app", f"{name}:DOCUMENT", "--provider", "p", "--contracts", str(contracts))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert line.startswith(f"error: {name}:DOCUMENT#/paths/~1a/get/responses/200: ")
    assert "description" in line
    assert not (contracts / "openapi" / "p.yaml").exists()


def test_file_source_is_snapshotted(tmp_path: Path, contracts: Path) -> None:
    """--file reads a JSON or YAML document from disk."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'http://localhost:8080'}]\n"
        "paths: {}\n",
        encoding="utf-8",
    )
    result = snapshot("--file", str(spec), "--provider", "p", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    written = (contracts / "openapi" / "p.yaml").read_text(encoding="utf-8")
    assert "servers" not in written


@pytest.mark.parametrize(
    "sources",
    [
        pytest.param((), id="none"),
        pytest.param(("--app", APP, "--url", "http://127.0.0.1:1/x"), id="two"),
    ],
)
def test_exactly_one_source_is_required(sources: tuple[str, ...]) -> None:
    """Giving no source, or more than one, exits 2."""
    result = snapshot(*sources, "--provider", "p")
    assert result.exit_code == 2
    assert "exactly one of --url, --app or --file" in one_error_line(result)


def test_provider_name_that_is_not_a_file_name_exits_2() -> None:
    """A provider name with a path separator is refused before anything is fetched."""
    result = snapshot("--app", APP, "--provider", "../escape")
    assert result.exit_code == 2
    assert "cannot be a file name" in one_error_line(result)


def test_check_passes_for_a_current_snapshot(contracts: Path) -> None:
    """--check exits 0 when the committed snapshot matches the provider."""
    args = ("--app", APP, "--provider", "tasks-api", "--contracts", str(contracts))
    snapshot(*args)
    result = snapshot(*args, "--check")
    assert result.exit_code == 0
    assert "is up to date" in result.output


def test_check_fails_for_a_stale_snapshot_and_shows_the_diff(contracts: Path) -> None:
    """--check exits 1 with a diff when the file differs, and does not rewrite it."""
    args = ("--app", APP, "--provider", "tasks-api", "--contracts", str(contracts))
    snapshot(*args)
    path = contracts / "openapi" / "tasks-api.yaml"
    stale = path.read_text(encoding="utf-8").replace("Get a task", "Fetch a task")
    path.write_text(stale, encoding="utf-8")
    result = snapshot(*args, "--check")
    assert result.exit_code == 1
    assert "-      summary: Fetch a task" in result.stdout
    assert "+      summary: Get a task" in result.stdout
    assert "is stale" in one_error_line(result)
    assert path.read_text(encoding="utf-8") == stale


def test_check_fails_when_no_snapshot_exists(contracts: Path) -> None:
    """--check exits 1 when there is no committed snapshot yet."""
    result = snapshot("--app", APP, "--provider", "p", "--contracts", str(contracts), "--check")
    assert result.exit_code == 1
    assert "does not exist" in one_error_line(result)


def test_check_writes_a_json_report_of_a_stale_snapshot(contracts: Path, tmp_path: Path) -> None:
    """--check --format json -o FILE writes a snapshot-stale finding with the diff in meta."""
    args = ("--app", APP, "--provider", "tasks-api", "--contracts", str(contracts))
    snapshot(*args)
    path = contracts / "openapi" / "tasks-api.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Get a task", "Fetch a task"))
    out = tmp_path / "report.json"
    result = snapshot(*args, "--check", "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is stale" in one_error_line(result)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [f["rule"] for f in report["findings"]] == ["snapshot-stale"]
    assert report["meta"]["state"] == "stale"
    assert "+      summary: Get a task" in report["meta"]["diff"]


def test_check_github_format_annotates_the_missing_snapshot(contracts: Path) -> None:
    """--check --format github turns a missing snapshot into an error annotation on its file."""
    result = snapshot(
        "--app",
        APP,
        "--provider",
        "p",
        "--contracts",
        str(contracts),
        "--check",
        "--format",
        "github",
    )
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"::error file={contracts / 'openapi' / 'p.yaml'},title=snapshot-missing::"
    )


def test_format_without_check_is_a_usage_error(contracts: Path) -> None:
    """--format applies to --check only: writing a snapshot with it is refused, nothing written."""
    result = snapshot(
        "--app", APP, "--provider", "p", "--contracts", str(contracts), "--format", "json"
    )
    assert result.exit_code == 2
    assert "apply to --check" in one_error_line(result)
    assert not (contracts / "openapi" / "p.yaml").exists()


def test_committed_tasks_snapshot_is_current() -> None:
    """contracts/openapi/tasks-api.yaml in the repository matches the example provider."""
    result = snapshot(
        "--app", APP, "--provider", "tasks-api", "--contracts", str(ROOT / "contracts"), "--check"
    )
    assert result.exit_code == 0, result.output
