"""`contracts init`: [tool.seam], a starter consumer test and a CI workflow in a project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from seam.cli import main
from seam.errors import InputError, UsageError
from seam.pytest_plugin._config import load_settings
from seam.scaffold import ACTION, init

PYPROJECT = """\
# a project that cares about its layout
[project]
name = "shop-web"   # the consumer's name
version = "1.0"
dependencies = [
    "httpx",
]

[tool.ruff]
line-length = 99

[build-system]
requires = ["hatchling"]
"""

WORKFLOW = Path(".github/workflows/contracts.yml")
STARTER = Path("tests/test_tasks_api_contract.py")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a hand-formatted pyproject.toml and no Seam yet."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_adds_tool_seam_and_keeps_every_other_byte(project: Path) -> None:
    """[tool.seam] is added with the keys the plugin reads; the rest of the file is untouched."""
    init(project, provider="tasks-api")
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    without = text.replace(text[text.index("[tool.seam]") : text.index("[build-system]")], "")
    assert without == PYPROJECT
    assert tomllib.loads(text)["tool"]["seam"] == {
        "consumer": "shop-web",
        "provider": "tasks-api",
        "contracts": "contracts",
    }
    settings = load_settings(project, project, None, no_write=False)
    assert (settings.consumer, settings.provider) == ("shop-web", "tasks-api")
    assert settings.contracts == project / "contracts"


def test_creates_pyproject_when_there_is_none(tmp_path: Path) -> None:
    """Without pyproject.toml one is made; the consumer is then the folder's name."""
    folder = tmp_path / "billing-ui"
    folder.mkdir()
    init(folder, provider="billing-api", contracts="pacts-here")
    seam = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["seam"]
    assert seam == {"consumer": "billing-ui", "provider": "billing-api", "contracts": "pacts-here"}


def test_a_last_line_without_newline_is_ended_not_joined(project: Path) -> None:
    """A file whose last line has no newline keeps that line whole."""
    (project / "pyproject.toml").write_text("[project]\nname = 'x'", encoding="utf-8")
    init(project, provider="tasks-api")
    text = (project / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'x'\n")
    assert tomllib.loads(text)["project"]["name"] == "x"


def test_crlf_file_stays_crlf(project: Path) -> None:
    """A file with Windows line ends keeps them, and the added table uses them too."""
    (project / "pyproject.toml").write_bytes(PYPROJECT.replace("\n", "\r\n").encode())
    init(project, provider="tasks-api")
    raw = (project / "pyproject.toml").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.startswith(PYPROJECT.split("[tool.ruff]")[0].replace("\n", "\r\n").encode())


def test_existing_tool_seam_is_refused_and_nothing_written(project: Path) -> None:
    """A project that has [tool.seam] is left exactly as it was, with a line saying --force."""
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.seam]\nconsumer = "old"\n')
    before = _files(project)
    with pytest.raises(UsageError, match=r"already has \[tool.seam\].*--force"):
        init(project, provider="tasks-api")
    assert _files(project) == before


def test_existing_starter_or_workflow_is_not_overwritten(project: Path) -> None:
    """A file init would write that exists already stops it before anything is written."""
    (project / WORKFLOW).parent.mkdir(parents=True)
    (project / WORKFLOW).write_text("name: mine\n")
    before = _files(project)
    with pytest.raises(UsageError, match=r"contracts.yml exists: nothing written"):
        init(project, provider="tasks-api")
    assert _files(project) == before


def test_force_replaces_the_table_and_the_files(project: Path) -> None:
    """With force, [tool.seam] is replaced and the starter and workflow rewritten."""
    init(project, provider="tasks-api")
    (project / STARTER).write_text("# mine\n")
    init(project, provider="orders-api", consumer="shop", force=True)
    text = (project / "pyproject.toml").read_text()
    assert text.count("[tool.seam]") == 1
    assert tomllib.loads(text)["tool"]["seam"]["provider"] == "orders-api"
    assert tomllib.loads(text)["tool"]["ruff"] == {"line-length": 99}
    assert (project / STARTER).read_text() == "# mine\n"  # another provider, another file
    assert (project / "tests/test_orders_api_contract.py").is_file()


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        pytest.param({"provider": "../x"}, UsageError, "provider name", id="provider-path"),
        pytest.param(
            {"provider": "p", "consumer": "a b"}, UsageError, "consumer name", id="consumer-space"
        ),
        pytest.param(
            {"provider": "p", "contracts": "../up"}, UsageError, "--contracts", id="contracts-up"
        ),
        pytest.param(
            {"provider": "p", "tests": "/abs/tests"}, UsageError, "--tests", id="tests-absolute"
        ),
        pytest.param(
            {"provider": "p", "contracts": 'a"\nb: c'}, UsageError, "--contracts", id="yaml-break"
        ),
        pytest.param(
            {"provider": "p", "action": "seam@v1\nrun: x"},
            UsageError,
            "OWNER/REPO@REF",
            id="action",
        ),
    ],
)
def test_names_and_folders_that_do_not_fit_are_refused(
    project: Path, kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    """Names that cannot be part of a file name, folders outside the project or that would
    break the files written, and a malformed Action reference are refused; nothing is written."""
    before = _files(project)
    with pytest.raises(error, match=words):
        init(project, **kwargs)
    assert _files(project) == before


def test_broken_pyproject_is_bad_input(project: Path) -> None:
    """A pyproject.toml that is not TOML is refused with its path, not rewritten."""
    (project / "pyproject.toml").write_text("[project\nname=", encoding="utf-8")
    with pytest.raises(InputError, match=r"pyproject\.toml.*not valid TOML"):
        init(project, provider="tasks-api")
    assert (project / "pyproject.toml").read_text() == "[project\nname="


def test_workflow_uses_the_action_and_passes_actionlint(project: Path, actionlint: Any) -> None:
    """The workflow runs this repository's Action on pull requests and actionlint finds nothing."""
    init(project, provider="tasks-api", contracts="api-contracts")
    workflow = yaml.safe_load((project / WORKFLOW).read_text())
    steps = workflow["jobs"]["seam"]["steps"]
    assert steps[-1]["uses"] == ACTION
    assert steps[-1]["with"]["contracts"] == "api-contracts"
    assert workflow["permissions"]["pull-requests"] == "write"
    assert actionlint(project / WORKFLOW) == []


def _run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SEAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_cli_then_the_starter_test_records_a_pact(project: Path) -> None:
    """`contracts init`, then pytest on the starter test: pact_ffi's mock server answers and
    the pact lands in contracts/pacts under the names init wrote."""
    result = CliRunner().invoke(main, ["init", str(project), "--provider", "tasks-api"])
    assert result.exit_code == 0, result.output
    assert f"wrote {STARTER.as_posix()}" in result.output
    commands = [line.strip() for line in result.output.split("next:")[1].splitlines()]
    commands = [c for c in commands if c and not c.startswith("#")]
    assert commands == [
        f"pytest {STARTER.as_posix()}",
        "contracts snapshot --url http://127.0.0.1:8000/openapi.json --provider tasks-api",
        "contracts check --provider tasks-api",
    ]
    run = _run_pytest(project, *commands[0].split()[1:])
    assert run.returncode == 0, run.stdout + run.stderr
    pact = json.loads((project / "contracts/pacts/shop-web-tasks-api.json").read_text())
    assert (pact["consumer"]["name"], pact["provider"]["name"]) == ("shop-web", "tasks-api")
    (interaction,) = pact["interactions"]
    assert interaction["request"]["path"] == "/items/1"
    assert (project / "contracts/openapi/shop-web-tasks-api.yaml").is_file()


def test_cli_refusal_is_one_line_exit_2(project: Path) -> None:
    """Run twice, init refuses on one line with exit 2 and says --force."""
    assert CliRunner().invoke(main, ["init", str(project), "--provider", "p"]).exit_code == 0
    result = CliRunner().invoke(main, ["init", str(project), "--provider", "p"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "--force" in result.output


def test_help() -> None:
    """`--help` says what init writes and names its options."""
    result = CliRunner().invoke(main, ["init", "--help"])
    assert result.exit_code == 0
    assert "[tool.seam]" in result.output and "--provider" in result.output
    assert "--force" in result.output
