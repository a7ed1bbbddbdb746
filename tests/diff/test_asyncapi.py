"""`diff` of AsyncAPI documents: the asyncapi-* rule table, consumer blame, corpus pairs."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from seam.cli import main
from seam.diff import RULES, diff
from seam.model import Severity
from seam.pactfile import parse_pact

BASE: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "tasks-api", "version": "1"},
    "defaultContentType": "application/json",
    "channels": {
        "changed": {
            "address": "task.status_changed",
            "messages": {"changed": {"$ref": "#/components/messages/changed"}},
        },
        "commands": {
            "address": "task.commands",
            "messages": {"close": {"$ref": "#/components/messages/close"}},
        },
    },
    "operations": {
        "sendChanged": {
            "action": "send",
            "channel": {"$ref": "#/channels/changed"},
            "messages": [{"$ref": "#/channels/changed/messages/changed"}],
        },
        "receiveClose": {
            "action": "receive",
            "channel": {"$ref": "#/channels/commands"},
            "messages": [{"$ref": "#/channels/commands/messages/close"}],
        },
    },
    "components": {
        "messages": {
            "changed": {
                "name": "task.status_changed",
                "payload": {
                    "type": "object",
                    "required": ["id", "old_status", "new_status"],
                    "properties": {
                        "id": {"type": "integer"},
                        "old_status": {"$ref": "#/components/schemas/Status"},
                        "new_status": {"$ref": "#/components/schemas/Status"},
                        "note": {"type": "string"},
                    },
                },
            },
            "close": {
                "name": "task.close",
                "payload": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "integer"},
                        "reason": {"type": "string", "enum": ["done", "dropped"]},
                    },
                },
            },
        },
        "schemas": {"Status": {"type": "string", "enum": ["open", "done"]}},
    },
}

Edit = Callable[[dict[str, Any]], None]


def _changed(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["messages"]["changed"]["payload"]  # type: ignore[no-any-return]


def _close(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["messages"]["close"]["payload"]  # type: ignore[no-any-return]


def _rename(doc: dict[str, Any]) -> None:
    props = _changed(doc)["properties"]
    props["previous_status"] = props.pop("old_status")
    _changed(doc)["required"] = ["id", "previous_status", "new_status"]


def _drop_channel(doc: dict[str, Any]) -> None:
    del doc["channels"]["changed"]
    del doc["operations"]["sendChanged"]


def _drop_message(doc: dict[str, Any]) -> None:
    doc["channels"]["changed"]["messages"] = {"other": {"name": "task.other", "payload": {}}}
    doc["operations"]["sendChanged"]["messages"] = [{"$ref": "#/channels/changed/messages/other"}]


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        path(doc)[key] = value

    return edit


def _prop(path: Callable[[dict[str, Any]], dict[str, Any]], name: str, **schema: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        path(doc)["properties"][name] = schema

    return edit


def _enum(values: list[str]) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["Status"]["enum"] = values

    return edit


def _nothing(doc: dict[str, Any]) -> None:
    doc["info"]["description"] = "only words changed"


# rule → (an edit that makes it fire, a near miss that must not)
TABLE: dict[str, tuple[Edit, Edit]] = {
    "asyncapi-channel-removed": (_drop_channel, _nothing),
    "asyncapi-channel-added": (
        lambda d: d["channels"].update({"new": {"address": "task.new", "messages": {}}}),
        _nothing,
    ),
    "asyncapi-message-removed": (_drop_message, _nothing),
    "asyncapi-message-added": (
        lambda d: (
            d["channels"]["changed"]["messages"].update({"x": {"name": "x", "payload": {}}}),
            d["operations"]["sendChanged"]["messages"].append(
                {"$ref": "#/channels/changed/messages/x"}
            ),
        ),
        lambda d: d["channels"]["commands"]["messages"].update({"x": {"payload": {}}}),
    ),
    "asyncapi-message-content-type-changed": (
        _set(lambda d: d["components"]["messages"]["changed"], "contentType", "text/plain"),
        _set(lambda d: d["components"]["messages"]["changed"], "contentType", "application/json"),
    ),
    "asyncapi-sent-property-removed": (
        lambda d: _changed(d)["properties"].pop("note"),
        _nothing,
    ),
    "asyncapi-sent-property-renamed": (_rename, _nothing),
    "asyncapi-sent-property-type-changed": (
        _prop(_changed, "note", type="integer"),
        _prop(_changed, "note", type="string", description="a note"),
    ),
    "asyncapi-sent-property-became-optional": (
        _set(_changed, "required", ["id", "new_status"]),
        _set(_changed, "required", ["id", "new_status", "old_status"]),
    ),
    "asyncapi-sent-property-became-required": (
        _set(_changed, "required", ["id", "old_status", "new_status", "note"]),
        _nothing,
    ),
    "asyncapi-sent-enum-value-added": (_enum(["open", "done", "blocked"]), _enum(["open", "done"])),
    "asyncapi-sent-enum-value-removed": (_enum(["open"]), _enum(["done", "open"])),
    "asyncapi-sent-property-added": (_prop(_changed, "due", type="string"), _nothing),
    "asyncapi-received-property-became-required": (
        _set(_close, "required", ["id", "reason"]),
        _set(_close, "required", ["id"]),
    ),
    "asyncapi-received-enum-value-removed": (
        _prop(_close, "reason", type="string", enum=["done"]),
        _prop(_close, "reason", type="string", enum=["done", "dropped", "merged"]),
    ),
    "asyncapi-received-property-type-changed": (
        _prop(_close, "id", type="string"),
        _prop(_close, "id", type="integer", description="the task"),
    ),
    "asyncapi-received-property-removed": (
        lambda d: _close(d)["properties"].pop("reason"),
        _nothing,
    ),
}


def _files(tmp_path: Path, edit: Edit) -> tuple[Path, Path]:
    base, revision = tmp_path / "base", tmp_path / "revision"
    base.mkdir(exist_ok=True)
    revision.mkdir(exist_ok=True)
    (base / "tasks-api.yaml").write_text(yaml.safe_dump(copy.deepcopy(BASE)))
    changed = copy.deepcopy(BASE)
    edit(changed)
    (revision / "tasks-api.yaml").write_text(yaml.safe_dump(changed))
    return base / "tasks-api.yaml", revision / "tasks-api.yaml"


def _rules(tmp_path: Path, edit: Edit) -> set[str]:
    return {f.rule for f in diff(*_files(tmp_path, edit)).findings}


def test_every_asyncapi_rule_is_in_the_table() -> None:
    """Each asyncapi-* rule has a firing and a quiet edit here, and a summary."""
    ids = {r for r in RULES.ids() if r.startswith("asyncapi-")}
    assert ids == set(TABLE)
    assert all(RULES[r].summary for r in ids)


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_fires(rule: str, tmp_path: Path) -> None:
    """The rule reports its own id on the edit built to trigger it."""
    assert rule in _rules(tmp_path, TABLE[rule][0])


@pytest.mark.parametrize("rule", sorted(TABLE))
def test_rule_stays_quiet(rule: str, tmp_path: Path) -> None:
    """The rule does not report on the nearest edit that is not its kind."""
    assert rule not in _rules(tmp_path, TABLE[rule][1])


def test_identical_documents_have_no_findings(tmp_path: Path) -> None:
    """diff(x, x) is empty."""
    assert _rules(tmp_path, lambda d: None) == set()


def _pact(payload: dict[str, Any]) -> Any:
    return parse_pact(
        {
            "consumer": {"name": "notifier"},
            "provider": {"name": "tasks-api"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [
                {
                    "type": "Asynchronous/Messages",
                    "description": "task.status_changed",
                    "contents": {"content": payload, "contentType": "application/json"},
                    "metadata": {"contentType": "application/json"},
                }
            ],
        }
    )


def test_a_rename_a_consumer_reads_is_blamed_on_it(tmp_path: Path) -> None:
    """A renamed field the notifier's message pact reads is an error naming the notifier."""
    pacts = [_pact({"id": 1, "old_status": "open", "new_status": "done"})]
    (finding,) = diff(*_files(tmp_path, _rename), pacts=pacts).findings
    assert finding.rule == "asyncapi-sent-property-renamed"
    assert finding.severity is Severity.ERROR
    assert finding.consumers == ("notifier",)
    assert "breaks notifier: 'task.status_changed' reads old_status" in finding.message


def test_a_rename_no_consumer_reads_is_a_warning_saying_why(tmp_path: Path) -> None:
    """When the pact does not read the renamed field, the finding says no consumer is affected."""
    pacts = [_pact({"id": 1, "new_status": "done"})]
    (finding,) = diff(*_files(tmp_path, _rename), pacts=pacts).findings
    assert finding.severity is Severity.WARNING
    assert "no consumer affected: notifier expects it but reads no old_status" in finding.message


def test_two_trees_and_the_base_ref_compare_asyncapi_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """contracts/asyncapi/ is found by content in trees, and --base HEAD compares it."""
    folder = tmp_path / "contracts" / "asyncapi"
    folder.mkdir(parents=True)
    (folder / "tasks-api.yaml").write_text(yaml.safe_dump(BASE))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    changed = copy.deepcopy(BASE)
    _rename(changed)
    (folder / "tasks-api.yaml").write_text(yaml.safe_dump(changed))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "--base", "HEAD", "--format", "json"])
    assert result.exit_code == 1, result.output
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert rules == ["asyncapi-sent-property-renamed"]


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        pytest.param("streetlights-kafka-clientid-binding", [], id="binding-only"),
        pytest.param("streetlights-kafka-servers-x509", [], id="servers-only"),
        pytest.param("streetlights-mqtt-v2.6-to-v3.0", [], id="2.6-to-3.0-migration"),
        pytest.param(
            "websocket-gemini-payload-types",
            [
                ("asyncapi-sent-property-type-changed", "timestamp"),
                ("asyncapi-sent-property-type-changed", "timestampms"),
            ],
            id="payload-types",
        ),
    ],
)
def test_corpus_pairs(corpus: Path, pair: str, expected: list[tuple[str, str]]) -> None:
    """Real asyncapi/spec history: payload changes found, servers/bindings/migration quiet."""
    pairs = corpus / "asyncapi" / "pairs"
    report = diff(pairs / pair / "old.yaml", pairs / pair / "new.yaml")
    assert sorted((f.rule, f.details.get("field")) for f in report.findings) == expected
