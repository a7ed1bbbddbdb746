"""Reporters of one command's reports: the broker commands' text and JSON."""

from __future__ import annotations

import json

from seam.model import Report
from seam.reporters import COMMAND_REPORTERS, register, render


def _published() -> Report:
    result = {
        "version": "1.2.3",
        "pacts": [{"consumer": "web", "provider": "api", "url": "http://127.0.0.1/p"}],
        "notices": [{"type": "info", "text": "created"}],
    }
    return Report("publish", meta={"result": result})


def test_publish_text_is_the_official_wording() -> None:
    """A publish report's text names each pact stored and the broker's notices."""
    assert render(_published(), "text") == (
        "published web 1.2.3 → api  http://127.0.0.1/p\n[info] created\n"
    )


def test_publish_json_is_the_result_itself() -> None:
    """A publish report's JSON is its result, indented with sorted keys."""
    assert json.loads(render(_published(), "json")) == _published().meta["result"]


def test_other_formats_render_the_report_as_usual() -> None:
    """Formats a command brings no reporter for render its report like any other."""
    assert render(_published(), "markdown").startswith("<!-- seam-report -->")


def test_undeployments_text_has_a_line_each() -> None:
    """A record-undeployment report lists each undeployment on its own line."""
    records = [
        {
            "action": "undeployment",
            "pacticipant": "web",
            "version": v,
            "environment": "prod",
            "application_instance": i,
        }
        for v, i in (("1", None), ("2", "blue"))
    ]
    text = render(Report("record-undeployment", meta={"result": records}), "text")
    assert text == (
        "recorded web 1 as undeployed from prod\n"
        "recorded web 2 as undeployed from prod (instance blue)\n"
    )


def test_register_for_one_command_leaves_the_others_alone() -> None:
    """A reporter registered for one command's format renders only that command's reports."""
    command = "test-register-command"
    register("text", lambda report: "own\n", command=command)
    try:
        assert render(Report(command), "text") == "own\n"
        assert render(Report("diff"), "text") != "own\n"
    finally:
        del COMMAND_REPORTERS[command, "text"]
