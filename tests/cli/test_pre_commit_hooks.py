"""`.pre-commit-hooks.yaml`, run by the real pre-commit tool on a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = str(Path(sys.executable).with_name("pre-commit"))
CONTRACTS = str(Path(sys.executable).with_name("contracts"))

SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
    "required": ["id", "status"],
}
APP = """DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "tasks-api", "version": "1"},
    "paths": {"/tasks/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": %s}}}}}}},
}
"""
PACT = {
    "consumer": {"name": "web"},
    "provider": {"name": "tasks-api"},
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
    "interactions": [
        {
            "description": "read a task",
            "request": {"method": "GET", "path": "/tasks/1"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": 1, "status": "open"},
            },
        }
    ],
}


def _env(home: Path, cwd: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
        "PRE_COMMIT_HOME": str(home),
        # pre-commit builds the hook's environment as for any user (a virtualenv with Seam
        # pip-installed from the hook repository); only Seam's third-party dependencies come
        # from this test run's environment instead of the index, so it takes seconds.
        "PIP_NO_DEPS": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads this negated option backwards
        "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
    }


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = _run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """This working tree's hook manifest and package, committed in a repository of their own
    (what `pre-commit try-repo` does), and one pre-commit home for the module."""
    repo = tmp_path_factory.mktemp("hooks")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = _env(home, repo)
    _git(repo, env, "init", "-q", "-b", "main")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "hooks")
    return repo, _git(repo, env, "rev-parse", "HEAD").strip(), home


@pytest.fixture
def project(tmp_path: Path, hook_repo: tuple[Path, str, Path]) -> tuple[Path, dict[str, str]]:
    """A repository using the three hooks, its contracts committed and up to date."""
    repo, rev, home = hook_repo
    env = _env(home, tmp_path)
    (tmp_path / "api_doc.py").write_text(APP % json.dumps(SCHEMA))
    (tmp_path / "contracts" / "pacts").mkdir(parents=True)
    (tmp_path / "contracts" / "pacts" / "web-tasks-api.json").write_text(json.dumps(PACT))
    snap = _run([CONTRACTS, "snapshot", "--app", "api_doc:DOCUMENT", "--provider", "tasks-api"],
                tmp_path, env)
    assert snap.returncode == 0, snap.stderr
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"""repos:
-   repo: {repo}
    rev: {rev}
    hooks:
    -   id: contracts-check
    -   id: contracts-diff
    -   id: contracts-snapshot-check
        args: [--app, "api_doc:DOCUMENT", --provider, tasks-api]
"""
    )
    _git(tmp_path, env, "init", "-q", "-b", "main")
    _git(tmp_path, env, "add", "-A")
    _git(tmp_path, env, "commit", "-q", "-m", "contracts")
    return tmp_path, env


def _results(output: str) -> dict[str, str]:
    """Hook name → Passed/Failed/Skipped, from pre-commit's output."""
    out: dict[str, str] = {}
    for line in output.splitlines():
        for verdict in ("Passed", "Failed", "Skipped"):
            if line.rstrip().endswith(verdict) and "..." in line:
                out[line.split("...")[0].split("(")[0].strip(" .")] = verdict
    return out


def test_clean_repository_passes(project: tuple[Path, dict[str, str]]) -> None:
    """Every hook passes on contracts that are consistent and committed."""
    cwd, env = project
    done = _run([PRE_COMMIT, "run", "--all-files"], cwd, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _results(done.stdout) == {
        "contracts check": "Passed",
        "contracts diff against HEAD": "Passed",
        "contracts snapshot --check": "Passed",
    }


def test_commit_with_a_breaking_change_is_refused(project: tuple[Path, dict[str, str]]) -> None:
    """Staging a rename that web's pact reads fails diff (naming web), check and the snapshot;
    the installed hook stops `git commit`."""
    cwd, env = project
    spec_file = cwd / "contracts" / "openapi" / "tasks-api.yaml"
    spec_file.write_text(spec_file.read_text().replace("status", "state"))
    _git(cwd, env, "add", "-A")
    assert _run([PRE_COMMIT, "install"], cwd, env).returncode == 0
    done = _run(["git", "commit", "-m", "rename status"], cwd, env)
    assert done.returncode != 0
    output = done.stdout + done.stderr  # git relays the hook's output on stderr
    assert _results(output) == {
        "contracts check": "Failed",
        "contracts diff against HEAD": "Failed",
        "contracts snapshot --check": "Failed",  # the file no longer matches the app
    }
    assert "breaks web: 'read a task' reads `status`" in output
    assert _git(cwd, env, "log", "--oneline").count("\n") == 1


def test_stale_snapshot_fails(project: tuple[Path, dict[str, str]]) -> None:
    """Changing the provider's app without refreshing its snapshot fails the snapshot hook only."""
    cwd, env = project
    widened = {**SCHEMA, "properties": {**SCHEMA["properties"], "due": {"type": "string"}}}
    (cwd / "api_doc.py").write_text(APP % json.dumps(widened))
    _git(cwd, env, "add", "-A")
    done = _run([PRE_COMMIT, "run"], cwd, env)
    assert done.returncode == 1
    assert _results(done.stdout) == {
        "contracts check": "Skipped",
        "contracts diff against HEAD": "Skipped",
        "contracts snapshot --check": "Failed",
    }
