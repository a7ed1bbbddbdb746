"""Matchers the verifier refuses and pacts of a later specification no longer pass silently.

Issue 16, part 5: invalid regex matchers, unknown matcher names or `combine` values and
`pactSpecification` 9.0 passed `contracts check` without a word. Matchers are warnings with
their own rule ids; a pact of an unknown specification is unreadable input (exit 2).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from seam.cli import main
from seam.compat import compare
from seam.errors import PactError
from seam.pactfile import parse_pact, read_pact

API: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tasks-api", "version": "1"},
    "paths": {
        "/tasks/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "the task",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "title": {"type": "string"},
                                        "tags": {"type": "object"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}
INTERACTION: dict[str, Any] = {
    "description": "a task",
    "request": {"method": "GET", "path": "/tasks/1"},
    "response": {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"id": 1, "title": "write tests"},
    },
}
MATCHER_RULES = {"interaction.matcher.unknown", "interaction.matcher.invalid"}
LINT_RULES = {*MATCHER_RULES, "interaction.combine.unknown"}


def _pact(body_rules: dict[str, Any], version: str = "3.0.0") -> dict[str, Any]:
    """A one-interaction pact whose response body carries ``body_rules``."""
    item = copy.deepcopy(INTERACTION)
    item["response"]["matchingRules"] = {"body": body_rules}
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "tasks-api"},
        "interactions": [item],
        "metadata": {"pactSpecification": {"version": version}},
    }


def _one(*matchers: dict[str, Any], combine: str = "AND") -> dict[str, Any]:
    """Body rules putting ``matchers`` on `$.title`."""
    return {"$.title": {"matchers": list(matchers), "combine": combine}}


def _lint(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, location) of every matching-rule finding `check` gives for ``doc``."""
    return [(f.rule, f.location) for f in compare(doc, API) if f.rule in LINT_RULES]


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"[a-z", id="unclosed-class"),
        pytest.param(r"*abc", id="nothing-to-repeat"),
        pytest.param(r".(*\/pacts\/provider\/p\/for-verification)$", id="broker-fixture"),
        pytest.param(r"(?P<word>\w+)", id="python-named-group"),
        pytest.param(r"\p{javaLowerCase}+", id="java-only-class"),
    ],
)
def test_regex_the_verifier_cannot_compile_is_a_warning(pattern: str) -> None:
    """A regex Oniguruma (the verifier's engine) refuses is reported where it is written."""
    found = _lint(_pact(_one({"match": "regex", "regex": pattern})))
    assert found == [
        ("interaction.matcher.invalid", "response.matchingRules.body.$.title.matchers[0]")
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"\p{Alpha}+", id="posix-property"),
        pytest.param(r"(?<!x)\w+", id="lookbehind"),
        pytest.param(r"(?-mix:application\/.*json.*)", id="ruby-inline-flags"),
        pytest.param(r"(\w)\1", id="backreference"),
        pytest.param(r"\h+", id="oniguruma-hex-digit"),
        pytest.param(r"\d{4}-\d{2}-\d{2}", id="date"),
    ],
)
def test_regex_the_verifier_compiles_is_quiet(pattern: str) -> None:
    """Java/Ruby syntax Python's re refuses but the verifier runs gives no warning."""
    assert _lint(_pact(_one({"match": "regex", "regex": pattern}))) == []


@pytest.mark.parametrize(
    ("matcher", "rule"),
    [
        pytest.param({"match": "regexp", "regex": "x"}, "interaction.matcher.unknown", id="name"),
        pytest.param({"value": "x"}, "interaction.matcher.unknown", id="no-match-no-guess"),
        pytest.param("type", "interaction.matcher.unknown", id="not-an-object"),
        pytest.param({"match": "regex"}, "interaction.matcher.invalid", id="regex-missing"),
        pytest.param({"match": "include"}, "interaction.matcher.invalid", id="include-no-value"),
        pytest.param({"match": "min"}, "interaction.matcher.invalid", id="min-missing"),
    ],
)
def test_matchers_the_verifier_refuses_are_warnings(matcher: Any, rule: str) -> None:
    """Unknown matcher names and matchers missing the value they need each get their rule."""
    assert [r for r, _ in _lint(_pact(_one(matcher)))] == [rule]


@pytest.mark.parametrize(
    "matcher",
    [
        pytest.param({"match": "type"}, id="type"),
        pytest.param({"match": "type", "min": 1}, id="min-type"),
        pytest.param({"regex": "\\w+"}, id="v2-regex-without-match"),
        pytest.param({"min": 0}, id="v2-min-without-match"),
        pytest.param({"match": "include", "value": "w"}, id="include"),
        pytest.param({"match": "timestamp", "timestamp": "yyyy"}, id="timestamp"),
        pytest.param({"pact:matcher:type": "notEmpty"}, id="plugin-key"),
    ],
)
def test_matchers_the_verifier_reads_are_quiet(matcher: dict[str, Any]) -> None:
    """Every spelling pact_models accepts passes without a matcher finding."""
    assert _lint(_pact(_one(matcher))) == []


@pytest.mark.parametrize(("combine", "found"), [("XOR", 1), ("or", 0), ("AND", 0)])
def test_unknown_combine_is_a_warning(combine: str, found: int) -> None:
    """A combine other than AND/OR (any case) is reported: the verifier would read it as AND."""
    doc = _pact(_one({"match": "type"}, {"match": "regex", "regex": "\\w+"}, combine=combine))
    assert (
        _lint(doc)
        == [("interaction.combine.unknown", "response.matchingRules.body.$.title")][:found]
    )


def test_nested_matchers_are_judged_too() -> None:
    """A bad regex inside eachKey rules or an arrayContains variant is found and located."""
    bad = {"match": "regex", "regex": "(unclosed"}
    rules = {
        "$.tags": {"matchers": [{"match": "eachKey", "rules": [bad]}]},
        "$": {
            "matchers": [
                {
                    "match": "arrayContains",
                    "variants": [{"index": 0, "rules": {"$.id": {"matchers": [bad]}}}],
                }
            ]
        },
    }
    assert sorted(_lint(_pact(rules))) == [
        (
            "interaction.matcher.invalid",
            "response.matchingRules.body.$.matchers[0].variants[0].$.id.matchers[0]",
        ),
        ("interaction.matcher.invalid", "response.matchingRules.body.$.tags.matchers[0].rules[0]"),
    ]


def test_v2_rules_and_message_interactions_are_judged() -> None:
    """V2 `$.body...` rules and a message's rules are read the same way."""
    doc = _pact({}, version="2.0.0")
    doc["interactions"][0]["response"]["matchingRules"] = {"$.body.title": {"regex": "[x"}}
    doc["messages"] = [
        {
            "description": "task created",
            "contents": {"id": 1},
            "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integr"}]}}},
        }
    ]
    assert sorted(r for r, _ in _lint(doc)) == sorted(MATCHER_RULES)


def test_check_prints_the_warning_and_fails_on_warning(tmp_path: Path) -> None:
    """`contracts check` shows the warning (exit 0), and `--fail-on warning` makes it exit 1."""
    pact = _write(tmp_path / "web-tasks-api.json", _pact(_one({"match": "regex", "regex": "[a"})))
    spec = _write(tmp_path / "tasks-api.json", API)
    args = ["check", str(pact), "--openapi", str(spec)]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0, quiet.output
    assert "interaction.matcher.invalid" in quiet.output
    assert CliRunner().invoke(main, [*args, "--fail-on", "warning"]).exit_code == 1


def _one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", ["check", "diff", "verify"])
def test_unknown_pact_specification_exits_2(tmp_path: Path, command: str) -> None:
    """A pact declaring specification 9.0 is unreadable input for every command that reads it."""
    pact = _write(tmp_path / "web-tasks-api.json", _pact({}, version="9.0"))
    spec = _write(tmp_path / "tasks-api.json", API)
    args = {
        "check": ["check", str(pact), "--openapi", str(spec)],
        "diff": ["diff", str(pact), str(pact)],
        "verify": ["verify", str(pact), "--base-url", "http://127.0.0.1:9"],
    }[command]
    line = _one_error_line(CliRunner().invoke(main, args))
    assert "pactSpecification 9.0 is not a Pact version Seam reads (1–4)" in line


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0", "2.0.0", "3.0.0", "4.0", "4.0.0", "V4"])
def test_known_pact_specifications_are_read(version: str) -> None:
    """Every way V1–V4 pacts write their version is read, kept as written."""
    assert parse_pact(_pact({}, version=version)).specification == version


@pytest.mark.parametrize("version", ["0.9", "5.0.0", "10.0", "44", "latest", "9" * 5000])
def test_unknown_pact_specifications_are_refused(version: str) -> None:
    """Majors outside 1–4 (and no major at all) are refused in one short line."""
    with pytest.raises(PactError, match="is not a Pact version Seam reads") as info:
        parse_pact(_pact({}, version=version))
    assert len(str(info.value)) < 200


def test_real_broker_client_pacts(corpus: Path) -> None:
    """On the official broker clients' pacts only the one regex pact_ffi cannot run is flagged."""
    flagged = {}
    for path in sorted((corpus / "broker").glob("*.json")):
        flagged[path.name] = [f.rule for f in compare(read_pact(path), API) if f.rule in LINT_RULES]
    assert flagged.pop("compat-suite-pact-broker_c1.json") == ["interaction.matcher.invalid"]
    assert flagged and not any(flagged.values()), flagged
