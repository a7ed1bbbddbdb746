"""Hostile documents: every reader answers one line and exit 2, never a traceback or a crash.

Each command that reads pacts or OpenAPI documents (check, diff, snapshot, verify) is fed
documents nested 100,000 deep, text that is not UTF-8, and integers longer than Python
converts; documents nested exactly as deep as the limit go through every analysis.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from seam._files import MAX_DEPTH, check_bounds
from seam.cli import main
from seam.errors import InputError
from seam.verify._provider import free_port

HUGE = 100_000
LONG_INT = "9" * 5000


def _spec(response_schema: Any = None, request_schema: Any = None) -> dict[str, Any]:
    """An OpenAPI document with POST /x; the schemas default to a recursive ``Node``."""
    node = {"$ref": "#/components/schemas/Node"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "hostile", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": request_schema or node}}
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": response_schema or node}},
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "c": {"oneOf": [{"$ref": "#/components/schemas/Node"}, {"type": "integer"}]}
                    },
                }
            }
        },
    }


def _pact(response_body: Any = None, request_body: Any = None) -> dict[str, Any]:
    json_headers = {"Content-Type": "application/json"}
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "hostile"},
        "interactions": [
            {
                "description": "posts x",
                "request": {
                    "method": "POST",
                    "path": "/x",
                    "headers": json_headers,
                    "body": {"c": 1} if request_body is None else request_body,
                },
                "response": {
                    "status": 200,
                    "headers": json_headers,
                    "body": {"c": 1} if response_body is None else response_body,
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def _objects(levels: int, leaf: Any = 1) -> Any:
    """``{"c": {"c": ... leaf}}``, ``levels`` objects deep."""
    value = leaf
    for _ in range(levels):
        value = {"c": value}
    return value


def _inline_schema(levels: int, leaf_type: str = "integer") -> dict[str, Any]:
    """An object schema nesting ``levels`` inline object schemas (two JSON levels each)."""
    schema: dict[str, Any] = {"type": leaf_type}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"c": schema}}
    return schema


def _depth(data: Any) -> int:
    """Objects and arrays from the root to the deepest leaf (as the limit counts them)."""
    if isinstance(data, dict):
        return 1 + max((_depth(v) for v in data.values()), default=0)
    if isinstance(data, list):
        return 1 + max((_depth(v) for v in data), default=0)
    return 0


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _assert_one_line_exit_2(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output[:2000]
    assert message in lines[0]
    assert len(lines[0]) < 1000, lines[0][:2000]  # no document quoted whole


SPEC_TEXT = json.dumps(_spec())
SPEC_HEAD = '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x": '
YAML_HEAD = 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\n'
DEEP = f"nested more than {MAX_DEPTH} levels deep"
LONG = f"more than {sys.get_int_max_str_digits()} digits"

BAD_SPECS = [
    pytest.param((SPEC_HEAD + "[" * HUGE + "]" * HUGE + "}").encode(), DEEP, id="json-100000-deep"),
    pytest.param(
        (YAML_HEAD + "x:\n  " + "- " * 300 + "1\n").encode(), DEEP, id="yaml-block-300-deep"
    ),
    pytest.param(
        (YAML_HEAD + "x: " + "[" * 200 + "]" * 200 + "\n").encode(), DEEP, id="yaml-flow-200-deep"
    ),
    # yaml-rs stops flow nesting at 256 itself, with a message that says only where.
    pytest.param(
        (YAML_HEAD + "x: " + "[" * HUGE + "]" * HUGE + "\n").encode(),
        DEEP,
        id="yaml-flow-100000-deep",
    ),
    pytest.param((YAML_HEAD + "x: café\n").encode("latin-1"), "is not UTF-8 text", id="latin-1"),
    pytest.param(SPEC_TEXT.encode("utf-16"), "is UTF-16 text", id="utf-16"),
    pytest.param(SPEC_TEXT.encode("utf-32"), "is UTF-32 text", id="utf-32"),
    pytest.param(bytes(range(256)) * 8, "is not UTF-8 text", id="binary"),
    pytest.param((SPEC_HEAD + LONG_INT + "}").encode(), LONG, id="json-5000-digits"),
    pytest.param((YAML_HEAD + f"x: {LONG_INT}\n").encode(), LONG, id="yaml-5000-digits"),
    pytest.param(
        (YAML_HEAD + "a: &a 1\nb:\n  <<: {c: 1}\nx: " + LONG_INT + "\n").encode(),
        LONG,
        id="pyyaml-5000-digits",
    ),
]

SPEC_COMMANDS: list[Any] = [
    pytest.param(lambda bad, good, pact, tmp: ["check", "--openapi", bad, pact], id="check"),
    pytest.param(lambda bad, good, pact, tmp: ["diff", good, bad], id="diff"),
    pytest.param(
        lambda bad, good, pact, tmp: (
            ["snapshot", "--file", bad, "--provider", "p", "--contracts", tmp]
        ),
        id="snapshot",
    ),
    # The conformance document is read before the provider is started or reached.
    pytest.param(
        lambda bad, good, pact, tmp: [
            "verify",
            pact,
            "--base-url",
            f"http://127.0.0.1:{free_port()}",
            "--conformance",
            "--openapi",
            bad,
        ],
        id="verify-conformance",
    ),
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """A good OpenAPI document and a good pact for it, on disk."""
    good = tmp_path / "good.json"
    good.write_text(SPEC_TEXT)
    pact = tmp_path / "web-hostile.json"
    pact.write_text(json.dumps(_pact()))
    return {"good": str(good), "pact": str(pact), "tmp": str(tmp_path / "contracts")}


@pytest.mark.parametrize("command", SPEC_COMMANDS)
@pytest.mark.parametrize(("content", "message"), BAD_SPECS)
def test_hostile_openapi_document_is_one_line_exit_2(
    files: dict[str, str],
    tmp_path: Path,
    command: Callable[..., list[str]],
    content: bytes,
    message: str,
) -> None:
    """An OpenAPI document too deep, not UTF-8 or with a huge integer: exit 2, one line."""
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    result = _run(*command(str(bad), files["good"], files["pact"], files["tmp"]))
    _assert_one_line_exit_2(result, message)


BAD_PACTS = [
    pytest.param(
        json.dumps(_pact("PLACEHOLDER")).replace('"PLACEHOLDER"', "[" * HUGE + "]" * HUGE).encode(),
        DEEP,
        id="100000-deep",
    ),
    pytest.param(
        json.dumps(_pact("PLACEHOLDER")).replace('"PLACEHOLDER"', "[" * 900 + "]" * 900).encode(),
        DEEP,
        id="body-900-deep",
    ),
    pytest.param(
        json.dumps(_pact("café"), ensure_ascii=False).encode("latin-1"),
        "is not UTF-8 text",
        id="latin-1",
    ),
    pytest.param(json.dumps(_pact()).encode("utf-16"), "is UTF-16 text", id="utf-16"),
    pytest.param(bytes(range(256)) * 8, "is not UTF-8 text", id="binary"),
    pytest.param(
        json.dumps(_pact("PLACEHOLDER")).replace('"PLACEHOLDER"', LONG_INT).encode(),
        LONG,
        id="5000-digits",
    ),
]

PACT_COMMANDS: list[Any] = [
    pytest.param(lambda bad, good, pact: ["check", "--openapi", good, bad], id="check"),
    pytest.param(lambda bad, good, pact: ["diff", bad, pact], id="diff-pacts"),
    pytest.param(lambda bad, good, pact: ["diff", good, good, "--pacts", bad], id="diff-judged"),
    # Pacts are read before anything is started or reached: no provider is needed.
    pytest.param(
        lambda bad, good, pact: ["verify", bad, "--base-url", f"http://127.0.0.1:{free_port()}"],
        id="verify",
    ),
]


@pytest.mark.parametrize("command", PACT_COMMANDS)
@pytest.mark.parametrize(("content", "message"), BAD_PACTS)
def test_hostile_pact_is_one_line_exit_2(
    files: dict[str, str],
    tmp_path: Path,
    command: Callable[..., list[str]],
    content: bytes,
    message: str,
) -> None:
    """A pact too deep, not UTF-8 or with a huge integer: exit 2, one line, in every command."""
    bad = tmp_path / "web-bad.json"
    bad.write_bytes(content)
    args = command(str(bad), files["good"], files["pact"])
    _assert_one_line_exit_2(_run(*args), message)


# A JSON string body is data to diff and verify; check parses it as JSON, within the bounds.
STRING_BODIES = [
    pytest.param(
        json.dumps(_pact("[" * HUGE + "]" * HUGE)).encode(), DEEP, id="json-string-body-100000-deep"
    ),
    pytest.param(
        json.dumps(_pact(request_body="[" * 900 + "]" * 900)).encode(),
        DEEP,
        id="json-string-request-body-900-deep",
    ),
    pytest.param(json.dumps(_pact(LONG_INT)).encode(), LONG, id="json-string-body-5000-digits"),
]


@pytest.mark.parametrize(("content", "message"), STRING_BODIES)
def test_hostile_json_string_body_is_one_line_exit_2(
    files: dict[str, str], tmp_path: Path, content: bytes, message: str
) -> None:
    """check refuses a JSON string body too deep or with a huge integer, naming the interaction."""
    bad = tmp_path / "web-bad.json"
    bad.write_bytes(content)
    result = _run("check", "--openapi", files["good"], str(bad))
    _assert_one_line_exit_2(result, message)
    assert f"{bad}: interaction 'posts x'" in result.output


def test_yaml_nested_100000_deep_does_not_crash_the_process(tmp_path: Path) -> None:
    """A block sequence nested 100,000 deep is refused; yaml-rs alone dies of a stack overflow."""
    bad = tmp_path / "deep.yaml"
    bad.write_text(YAML_HEAD + "x:\n  " + "- " * HUGE + "1\n")
    done = subprocess.run(
        [sys.executable, "-c", "from seam.cli import main; main()", "check", "--openapi", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert done.stderr.startswith("error: ") and "nesting depth" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", ["pact", "openapi-json", "openapi-yaml"])
def test_utf8_byte_order_mark_is_read(files: dict[str, str], tmp_path: Path, kind: str) -> None:
    """A UTF-8 byte-order mark (Windows editors write one) is read like plain UTF-8."""
    openapi, pact = Path(files["good"]), Path(files["pact"])
    if kind == "pact":
        pact.write_bytes(codecs.BOM_UTF8 + pact.read_bytes())
    elif kind == "openapi-json":
        openapi.write_bytes(codecs.BOM_UTF8 + openapi.read_bytes())
    else:
        openapi = tmp_path / "good.yaml"
        openapi.write_bytes(codecs.BOM_UTF8 + (YAML_HEAD + "x: 1\n").encode())
    result = _run("check", "--openapi", str(openapi), str(pact))
    assert result.exit_code in (0, 1), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_depth_limit_counts_objects_and_arrays_from_the_root() -> None:
    """Data exactly as deep as the limit passes; one level more is refused, naming the limit."""
    check_bounds(_objects(MAX_DEPTH))
    check_bounds([_objects(MAX_DEPTH - 1)])
    with pytest.raises(InputError, match=DEEP):
        check_bounds(_objects(MAX_DEPTH + 1))
    with pytest.raises(InputError, match=DEEP):
        check_bounds([_objects(MAX_DEPTH)])


def test_a_cycle_counts_as_too_deep() -> None:
    """A recursive YAML alias makes a cycle; it is refused rather than walked for ever."""
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(InputError, match=DEEP):
        check_bounds({"a": loop})


# -- at the limit: every analysis survives documents nested exactly MAX_DEPTH deep ------------


def _pact_at_limit(where: str) -> dict[str, Any]:
    """A pact whose request or response body brings it to exactly MAX_DEPTH."""
    wrapper = _depth(_pact())  # the body {"c": 1} is one of these levels
    deep = _objects(MAX_DEPTH - wrapper + 1)
    doc = _pact(response_body=deep) if where == "response" else _pact(request_body=deep)
    assert _depth(doc) == MAX_DEPTH
    return doc


def _spec_at_limit(leaf_type: str = "integer", where: str = "response") -> dict[str, Any]:
    """A document whose inline response or request schema brings it to exactly MAX_DEPTH."""

    def build(schema: dict[str, Any]) -> dict[str, Any]:
        return _spec(schema) if where == "response" else _spec(request_schema=schema)

    levels = (MAX_DEPTH - _depth(build({"type": leaf_type}))) // 2
    schema = _inline_schema(levels, leaf_type)  # two levels for each one
    doc = build(schema)
    if _depth(doc) < MAX_DEPTH:  # an odd remainder: one level more, in an extension
        schema["x-pad"] = [[_inline_schema(levels - 1)]]
    assert _depth(doc) == MAX_DEPTH
    return doc


@pytest.mark.parametrize("where", ["response", "request"])
def test_check_survives_a_pact_at_the_depth_limit(tmp_path: Path, where: str) -> None:
    """A body exactly as deep as the limit is checked against a recursive schema, and passes."""
    openapi, pact = tmp_path / "spec.json", tmp_path / "web-hostile.json"
    openapi.write_text(json.dumps(_spec()))
    pact.write_text(json.dumps(_pact_at_limit(where)))
    result = _run("check", "--openapi", str(openapi), str(pact))
    assert result.exit_code == 0, (result.output, result.exception)


@pytest.mark.parametrize("where", ["response", "request"])
def test_check_survives_a_schema_at_the_depth_limit(tmp_path: Path, where: str) -> None:
    """An inline schema exactly as deep as the limit is converted, compiled and checked."""
    openapi, pact = tmp_path / "spec.json", tmp_path / "web-hostile.json"
    openapi.write_text(json.dumps(_spec_at_limit(where=where)))
    pact.write_text(json.dumps(_pact_at_limit(where)))
    result = _run("check", "--openapi", str(openapi), str(pact))
    assert result.exit_code in (0, 1), (result.output, result.exception)
    assert isinstance(result.exception, SystemExit) or result.exception is None


@pytest.mark.parametrize("where", ["response", "request"])
def test_diff_survives_documents_at_the_depth_limit(tmp_path: Path, where: str) -> None:
    """Two documents at the limit differing at the deepest schema: diff finds that change."""
    base, revision = tmp_path / "base.json", tmp_path / "revision.json"
    base.write_text(json.dumps(_spec_at_limit("integer", where)))
    revision.write_text(json.dumps(_spec_at_limit("string", where)))
    pacts = tmp_path / "web-hostile.json"
    pacts.write_text(json.dumps(_pact_at_limit(where)))
    result = _run("diff", str(base), str(revision), "--pacts", str(pacts), "--format", "json")
    assert result.exit_code == 1, (result.output, result.exception)
    assert "type" in result.output


def test_diff_survives_pacts_at_the_depth_limit(tmp_path: Path) -> None:
    """Two pacts with bodies at the limit are compared to the end."""
    base, revision = tmp_path / "base.json", tmp_path / "revision.json"
    base.write_text(json.dumps(_pact_at_limit("response")))
    revision.write_text(json.dumps(_pact_at_limit("request")))
    result = _run("diff", str(base), str(revision))
    assert result.exit_code in (0, 1), (result.output, result.exception)
    assert isinstance(result.exception, SystemExit) or result.exception is None


def test_snapshot_survives_a_document_at_the_depth_limit(tmp_path: Path) -> None:
    """A document at the limit is validated, normalised and written as YAML."""
    source = tmp_path / "spec.json"
    source.write_text(json.dumps(_spec_at_limit()))
    result = _run(
        "snapshot", "--file", str(source), "--provider", "p", "--contracts", str(tmp_path / "c")
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert (tmp_path / "c" / "openapi" / "p.yaml").is_file()


@pytest.mark.parametrize("levels", [HUGE, 500])
def test_snapshot_app_document_too_deep_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, levels: int
) -> None:
    """A document an --app builds nested too deep is refused like a file, not a RecursionError."""
    module = f"hostile_app_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(
        "def document():\n"
        "    value = 1\n"
        f"    for _ in range({levels}):\n"
        "        value = {'c': value}\n"
        "    return {'openapi': '3.0.3', 'info': {'title': 't', 'version': '1'},"
        " 'paths': {}, 'x': value}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, module, raising=False)
    result = _run("snapshot", "--app", f"{module}:document", "--provider", "p")
    _assert_one_line_exit_2(result, DEEP)
