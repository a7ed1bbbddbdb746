"""The pull-request run: base fetched into a shallow clone, diff and check, GitHub outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.errors import InputError
from seam.github import comment_body, ensure_base_ref, pull_request
from seam.model import Finding, Report, Severity
from seam.reporters import MARKDOWN_MARKER

CONTRACTS = str(Path(sys.executable).with_name("contracts"))


def test_base_is_fetched_into_a_shallow_clone(shallow_clone: Path) -> None:
    """`main` is missing from a one-commit clone; it is fetched, and the note says so."""
    ref, note = ensure_base_ref("main", shallow_clone)
    assert ref == "origin/main"
    assert note is not None and "shallow checkout" in note
    assert ensure_base_ref("main", shallow_clone) == ("origin/main", None)


def test_unfetchable_base_says_what_to_do(shallow_clone: Path) -> None:
    """A base the remote does not have is an input error naming the shallow checkout and the fix."""
    with pytest.raises(InputError, match=r"shallow checkout.*fetch-depth: 0"):
        ensure_base_ref("no-such-branch", shallow_clone)


def test_pull_request_diffs_against_the_base_and_checks(
    shallow_clone: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename on the branch is an error that names web; check runs on the new contracts."""
    monkeypatch.chdir(shallow_clone)
    result = pull_request(Path("contracts"), base="main")
    diffed, checked = result.reports
    assert diffed.command == "diff" and checked.command == "check"
    (error,) = [f for f in diffed.findings if f.severity is Severity.ERROR]
    assert error.consumers == ("web",)
    assert any("fetched the base 'main'" in note for note in result.notes)
    assert "::error file=contracts/openapi/tasks-api.yaml" in result.annotations()
    assert result.failed()


def test_comment_holds_both_reports_under_the_limit() -> None:
    """One marker, diff first then check, the whole body within the limit given."""
    findings = [
        Finding(f"r{i}", Severity.WARNING, "x" * 200, path=f"/p{i}", method="GET")
        for i in range(200)
    ]
    reports = [Report("diff", findings=findings), Report("check", findings=findings)]
    body = comment_body(reports, 8_000)
    assert body is not None and len(body) <= 8_000
    assert body.count(MARKDOWN_MARKER) == 1 and body.startswith(MARKDOWN_MARKER)
    assert body.index("Seam diff") < body.index("Seam check")


def test_no_comment_when_only_info_is_left() -> None:
    """Info findings alone leave nothing to comment on."""
    report = Report("diff", findings=[Finding("endpoint-added", Severity.INFO, "new")])
    assert comment_body([report]) is None


def _run(clone: Path, server: Any, summary: Path) -> subprocess.CompletedProcess[str]:
    event = clone.parent / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    env = {
        **os.environ,
        "GITHUB_BASE_REF": "main",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": server.url,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_TOKEN": "t0ken",
    }
    return subprocess.run(
        [CONTRACTS, "pull-request"], cwd=clone, env=env, capture_output=True, text=True, timeout=120
    )


def test_command_as_the_action_runs_it(
    shallow_clone: Path, replay: Callable[[str], Any], tmp_path: Path
) -> None:
    """`contracts pull-request` with GitHub's environment: annotations, a job summary, one
    comment created; once the branch is fixed, the comment is removed and the run passes."""
    summary = tmp_path / "summary.md"
    server = replay("pull_request_create")
    done = _run(shallow_clone, server, summary)
    assert done.returncode == 1, done.stderr
    assert "::error file=contracts/openapi/tasks-api.yaml" in done.stdout
    assert "pull-request comment created" in done.stderr
    assert server.done, server.mismatches
    posted = server.received[-1]["body"]["body"]
    assert posted.startswith(MARKDOWN_MARKER) and "**breaks web**" in posted
    assert "### ❌ Seam diff" in summary.read_text()

    (shallow_clone / "contracts" / "openapi" / "tasks-api.yaml").write_text(
        subprocess.run(
            ["git", "show", "origin/main:contracts/openapi/tasks-api.yaml"],
            cwd=shallow_clone,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    server = replay("pull_request_delete")
    done = _run(shallow_clone, server, summary)
    assert done.returncode == 0, done.stderr
    assert "pull-request comment deleted" in done.stderr
    assert server.done, server.mismatches


def test_message_pacts_are_checked_against_the_asyncapi_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider with only message pacts is checked against asyncapi/<provider>.yaml."""
    root = Path(__file__).resolve().parents[2]
    contracts = tmp_path / "contracts"
    (contracts / "pacts").mkdir(parents=True)
    (contracts / "asyncapi").mkdir()
    events = (root / "contracts" / "asyncapi" / "tasks-api.yaml").read_text()
    (contracts / "asyncapi" / "tasks-api.yaml").write_text(events)
    pact = {
        "consumer": {"name": "notifier"},
        "provider": {"name": "tasks-api"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "task.created",
                "contents": {"content": {"task": {"id": 1, "due": "x"}}, "encoded": False},
                "metadata": {"contentType": "application/json"},
            }
        ],
    }
    (contracts / "pacts" / "notifier-tasks-api.json").write_text(json.dumps(pact))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    monkeypatch.chdir(tmp_path)
    result = pull_request(Path("contracts"), base="main")
    (checked,) = [r for r in result.reports if r.command == "check"]
    assert [f.rule for f in checked.findings] == ["message.payload.incompatible"]


def test_graphql_pacts_are_checked_against_the_provider_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GraphQL provider's pacts are checked against graphql/<provider>.graphql, no OpenAPI."""
    root = Path(__file__).resolve().parents[2]
    contracts = tmp_path / "contracts"
    (contracts / "pacts").mkdir(parents=True)
    (contracts / "graphql").mkdir()
    schema = (root / "contracts" / "graphql" / "projects-api.graphql").read_text()
    (contracts / "graphql" / "projects-api.graphql").write_text(schema)
    pact = json.loads((root / "contracts" / "pacts" / "dashboard-projects-api.json").read_text())
    query = pact["interactions"][0]["request"]["body"]["content"]
    query["query"] = query["query"].replace("{", "{ noSuchField ", 1)
    (contracts / "pacts" / "dashboard-projects-api.json").write_text(json.dumps(pact))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    monkeypatch.chdir(tmp_path)
    result = pull_request(Path("contracts"), base="main")
    (checked,) = [r for r in result.reports if r.command == "check"]
    assert "graphql.operation.invalid" in {f.rule for f in checked.findings}
    assert not [n for n in result.notes if "projects-api" in n]
