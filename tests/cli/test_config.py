"""The CLI's defaults from [tool.seam]: command line > env var > [tool.seam] > built-in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from seam.cli import main

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose contracts live in spec/, named by [tool.seam]; the cwd is a subfolder."""
    shutil.copytree(CONTRACTS, tmp_path / "spec")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.seam]\ncontracts = "spec"\nprovider = "tasks-api"\n'
        'broker-url = "http://127.0.0.1:1"\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for name in ("PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def test_contracts_and_provider_come_from_the_table(project: Path) -> None:
    """`contracts check` with no options checks spec/'s pacts for the table's provider."""
    result = _run("check", "--format", "json")
    assert result.exit_code == 0, result.output
    assert str(project / "spec" / "openapi" / "tasks-api.yaml") in result.output


def test_the_command_line_wins_over_the_table(project: Path) -> None:
    """--contracts replaces the table's folder (and the table's provider still applies)."""
    result = _run("check", "--contracts", "elsewhere")
    assert result.exit_code == 2
    assert "elsewhere/pacts/*-tasks-api.json" in result.output


def test_help_shows_the_configured_default(project: Path) -> None:
    """--help shows the table's value where the option shows its default."""
    result = _run("check", "--help")
    # Joined without whitespace: click's wrapping may break a long path anywhere.
    assert f"[default:{project / 'spec'}]" in "".join(result.output.split())


@pytest.mark.parametrize(
    ("args", "env", "port"),
    [
        pytest.param([], {}, "1", id="table"),
        pytest.param([], {"PACT_BROKER_BASE_URL": "http://127.0.0.1:2"}, "2", id="env-var"),
        pytest.param(
            ["-b", "http://127.0.0.1:3"],
            {"PACT_BROKER_BASE_URL": "http://127.0.0.1:2"},
            "3",
            id="command-line",
        ),
    ],
)
def test_broker_url_precedence(
    project: Path, args: list[str], env: dict[str, str], port: str
) -> None:
    """The broker URL: command line over PACT_BROKER_BASE_URL over [tool.seam] broker-url."""
    result = _run("describe-version", "-a", "web", *args, env=env)
    assert result.exit_code == 3, result.output
    assert f"http://127.0.0.1:{port}" in result.output


def test_states_come_from_the_table(project: Path) -> None:
    """verify takes --states from [tool.seam] (and says so when it cannot import it)."""
    (project / "pyproject.toml").write_text(
        # The example's pacts name two providers: the table names the one to verify.
        '[tool.seam]\ncontracts = "spec"\nprovider = "tasks-api"\n'
        'states = "seam_nowhere_states_xyz:states"\n'
    )
    result = _run("verify", "--base-url", "http://127.0.0.1:1")
    assert result.exit_code == 2
    assert "--states: cannot import 'seam_nowhere_states_xyz'" in result.output


def test_an_unknown_key_is_one_error_line_and_exit_2(project: Path) -> None:
    """A key Seam does not know stops every command with one line naming it."""
    with (project / "pyproject.toml").open("a") as table:
        table.write('colour = "always"\n')
    result = _run("check")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "unknown key(s) in [tool.seam]: colour" in lines[0]


def test_no_pyproject_keeps_the_built_in_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a pyproject.toml anywhere above, `contracts/` is the folder, as always."""
    monkeypatch.chdir(tmp_path)
    result = _run("check")
    assert result.exit_code == 2
    assert "contracts/pacts/*.json" in result.output


def test_ignore_file_comes_from_the_table_relative_to_it(project: Path) -> None:
    """diff reads --ignore-file from [tool.seam] ignore-file, a path next to pyproject.toml."""
    with (project / "pyproject.toml").open("a") as table:
        table.write('ignore-file = "seam-ignore.txt"\n')
    openapi = project / "spec" / "openapi"
    args = ["diff", str(openapi / "tasks-api.yaml"), str(openapi / "web-tasks-api.yaml")]
    missing = _run(*args)
    assert missing.exit_code == 2
    assert f"{project / 'seam-ignore.txt'}: no such ignore file" in missing.output
    (project / "seam-ignore.txt").write_text("# nothing ignored\n")
    assert _run(*args).exit_code in (0, 1)
