"""Hostile AsyncAPI documents: every command that reads one refuses it in one line, exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seam._files import MAX_DEPTH
from seam.cli import main

HUGE = 100_000
LONG_INT = "9" * 5000
HEAD = 'asyncapi: 3.0.0\ninfo: {title: t, version: "1"}\n'
JSON_HEAD = '{"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}, "x-a": '
DEEP = f"nested more than {MAX_DEPTH} levels deep"
LONG = f"more than {sys.get_int_max_str_digits()} digits"
BOMB = "".join(
    [HEAD, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"]
    + [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]\n" for i in range(1, 9)]
)

BAD = [
    pytest.param((JSON_HEAD + "[" * HUGE + "]" * HUGE + "}").encode(), DEEP, id="json-deep"),
    pytest.param((HEAD + "x-a:\n  " + "- " * 300 + "1\n").encode(), DEEP, id="yaml-block-deep"),
    pytest.param((HEAD + "x-a: " + "[" * HUGE + "]" * HUGE + "\n").encode(), DEEP, id="flow-deep"),
    pytest.param((HEAD + f"x-a: {LONG_INT}\n").encode(), LONG, id="5000-digits"),
    pytest.param((HEAD + "x-a: café\n").encode("latin-1"), "is not UTF-8 text", id="latin-1"),
    pytest.param(BOMB.encode(), "alias", id="alias-bomb"),
    pytest.param(
        (
            HEAD + "channels: {a: {messages: {m: {$ref: '#/components/messages/m'}}}}\n"
            "components: {messages: {m: {$ref: '#/components/messages/m'}}}\n"
        ).encode(),
        "cyclic",
        id="ref-loop",
    ),
    pytest.param(
        (HEAD + "channels: {a: {messages: {m: {$ref: '../../etc/passwd'}}}}\n").encode(),
        "outside the document's folder",
        id="ref-outside",
    ),
]

PACT = {
    "consumer": {"name": "notifier"},
    "provider": {"name": "tasks-api"},
    "metadata": {"pactSpecification": {"version": "4.0"}},
    "interactions": [
        {
            "type": "Asynchronous/Messages",
            "description": "m",
            "contents": {"content": {"id": 1}, "encoded": False},
            "metadata": {"contentType": "application/json"},
        }
    ],
}

COMMANDS: list[Any] = [
    pytest.param(lambda bad, good, pact: ["check", pact, "--asyncapi", bad], id="check"),
    pytest.param(lambda bad, good, pact: ["diff", good, bad], id="diff"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("content", "message"), BAD)
def test_hostile_asyncapi_document_is_one_line_exit_2(
    tmp_path: Path, command: Callable[..., list[str]], content: bytes, message: str
) -> None:
    """Too deep, not UTF-8, a huge integer, an alias bomb, a bad $ref: exit 2, one short line."""
    (tmp_path / "docs").mkdir()
    bad = tmp_path / "docs" / "bad.yaml"
    bad.write_bytes(content)
    good = tmp_path / "docs" / "good.yaml"
    good.write_text(HEAD)
    pact = tmp_path / "notifier-tasks-api.json"
    pact.write_text(json.dumps(PACT))
    result = CliRunner().invoke(main, command(str(bad), str(good), str(pact)))
    assert result.exit_code == 2, result.output[:2000]
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output[:2000]
    assert message in lines[0]
    assert len(lines[0]) < 1000
