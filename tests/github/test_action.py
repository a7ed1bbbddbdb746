"""`action.yml`, linted with actionlint, and the README's workflow that uses it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """The composite action's steps as a reusable workflow's job, its inputs as the workflow's
    inputs, so actionlint checks every expression and step against them."""
    inputs = {
        name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }
    return {
        "name": action["name"],
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"seam": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }


def _readme_workflow() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("<!-- section:github -->") :]
    found = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert found is not None, "the README's GitHub section has no workflow"
    return found.group(1)


def test_action_is_a_composite_running_contracts_pull_request() -> None:
    """The action installs Seam from its own checkout and runs `contracts pull-request`."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    scripts = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    assert '"${SEAM_PACKAGE:-$ACTION_PATH}"' in scripts
    assert "contracts pull-request" in scripts


def test_action_and_readme_workflow_pass_actionlint(tmp_path: Path, actionlint: Any) -> None:
    """actionlint finds nothing in the action's steps nor in the README's example workflow."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = tmp_path / "action-steps.yml"
    steps.write_text(yaml.safe_dump(as_workflow(action), sort_keys=False))
    example = tmp_path / "readme-workflow.yml"
    example.write_text(_readme_workflow())
    assert actionlint(steps, example) == []


def test_actionlint_catches_a_broken_expression(tmp_path: Path, actionlint: Any) -> None:
    """The lint is live: an input the action does not declare is reported."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    action["runs"]["steps"][-1]["env"]["SEAM_EXTRA"] = "${{ inputs.no-such-input }}"
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(as_workflow(action), sort_keys=False))
    found = actionlint(broken)
    assert any("no-such-input" in f["message"] for f in found), found
