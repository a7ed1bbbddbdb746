"""Loading OpenAPI documents: formats, limits, $ref handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seam.errors import InputError, OpenAPIError, RefError
from seam.openapi import Document, load_document, parse_document_text

MINIMAL = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "version"),
    [
        pytest.param(MINIMAL, "3.0", id="oas30-yaml"),
        pytest.param(
            json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}),
            "3.1",
            id="oas31-json",
        ),
        pytest.param(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "2.0", id="swagger"
        ),
    ],
)
def test_versions(tmp_path: Path, text: str, version: str) -> None:
    """Swagger 2.0, OpenAPI 3.0 and 3.1, in JSON or YAML, are recognised."""
    assert load_document(_write(tmp_path / "spec", text)).version == version


def test_yaml_status_codes_and_yes_no_stay_strings() -> None:
    """Unquoted status codes become string keys; `yes`, `on` and dates are not reinterpreted."""
    data = parse_document_text(
        "openapi: 3.0.0\nx: {a: yes, b: on, c: 2020-01-01}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        200: {description: ok}\n"
    )
    assert list(data["paths"]["/a"]["get"]["responses"]) == ["200"]
    assert data["x"] == {"a": "yes", "b": "on", "c": "2020-01-01"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("a: [1, 2\nb: 3\n", "invalid YAML", id="bad-yaml"),
        pytest.param('{"a": }', "invalid JSON at line 1", id="bad-json"),
        pytest.param("- 1\n- 2\n", "expected a mapping", id="not-a-mapping"),
    ],
)
def test_unparseable_text(text: str, fragment: str) -> None:
    """Broken JSON/YAML gives one line naming the problem."""
    with pytest.raises(OpenAPIError) as info:
        parse_document_text(text, source="spec.yaml")
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_not_openapi(tmp_path: Path) -> None:
    """A mapping without `openapi`/`swagger` is refused."""
    with pytest.raises(OpenAPIError, match="not an OpenAPI document"):
        load_document(_write(tmp_path / "x.yaml", "name: something\n"))


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    """A billion-laughs document is refused instead of expanded."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(OpenAPIError, match="alias"):
        parse_document_text("\n".join(lines) + "\n")


def test_yaml_merge_key_bomb_is_refused() -> None:
    """The PyYAML path (taken for merge keys) counts alias expansion too."""
    lines = ["base: &base {k: 1}", "m: {<<: *base}", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(OpenAPIError, match="alias bomb"):
        parse_document_text("\n".join(lines) + "\n")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    """A file over the size limit is refused before it is parsed."""
    path = _write(tmp_path / "big.yaml", MINIMAL + "#" * 2000)
    with pytest.raises(InputError, match="over the"):
        load_document(path, max_bytes=1000)


def test_local_ref_and_deref(tmp_path: Path) -> None:
    """`deref` follows a chain of local references to the schema."""
    doc = load_document(
        _write(
            tmp_path / "s.yaml",
            MINIMAL + "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
            "    B: {type: string}\n",
        )
    )
    assert doc.deref({"$ref": "#/components/schemas/A"}) == {"type": "string"}


def test_cyclic_ref_chain_is_an_error(tmp_path: Path) -> None:
    """A → B → A is refused on load with the chain spelled out."""
    path = _write(
        tmp_path / "s.yaml",
        MINIMAL + "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
        "    B: {$ref: '#/components/schemas/A'}\n",
    )
    with pytest.raises(RefError, match="cyclic") as info:
        load_document(path)
    assert "#/components/schemas/A → #/components/schemas/B → #/components/schemas/A" in str(
        info.value
    )


def test_deref_refuses_a_cyclic_chain_in_plain_data() -> None:
    """A Document built from data that skipped the load-time check still stops on A → B → A."""
    schemas = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    doc = Document({"openapi": "3.0.3", "components": {"schemas": schemas}}, "3.0", "<data>")
    with pytest.raises(RefError, match="cyclic"):
        doc.deref({"$ref": "#/components/schemas/A"})


def test_recursive_schema_is_fine(tmp_path: Path) -> None:
    """A schema whose property refers back to itself is not a cycle."""
    doc = load_document(
        _write(
            tmp_path / "s.yaml",
            MINIMAL + "components:\n  schemas:\n    Node:\n      type: object\n      properties:\n"
            "        next: {$ref: '#/components/schemas/Node'}\n",
        )
    )
    node = doc.deref({"$ref": "#/components/schemas/Node"})
    assert doc.deref(node["properties"]["next"]) is node


def test_unresolvable_ref(tmp_path: Path) -> None:
    """A pointer to nothing names the missing piece."""
    doc = load_document(_write(tmp_path / "s.yaml", MINIMAL))
    with pytest.raises(RefError, match="no 'components'"):
        doc.resolve("#/components/Missing")


def test_relative_file_refs_are_bundled(tmp_path: Path) -> None:
    """A ref to a sibling file, and refs inside that file, become local references."""
    (tmp_path / "schemas").mkdir()
    _write(
        tmp_path / "schemas" / "task.yaml",
        "Task:\n  type: object\n  properties:\n    owner: {$ref: '#/User'}\nUser: {type: string}\n",
    )
    doc = load_document(
        _write(
            tmp_path / "s.yaml",
            MINIMAL.replace("paths: {}\n", "")
            + "paths:\n  /t:\n    get:\n      responses:\n        '200':\n"
            "          description: ok\n          content:\n            application/json:\n"
            "              schema: {$ref: 'schemas/task.yaml#/Task'}\n",
        )
    )
    schema_ref = doc.data["paths"]["/t"]["get"]["responses"]["200"]["content"]["application/json"]
    task = doc.deref(schema_ref["schema"])
    assert task["type"] == "object"
    assert doc.deref(task["properties"]["owner"]) == {"type": "string"}


def test_remote_ref_is_not_fetched(tmp_path: Path) -> None:
    """A remote $ref is refused with the flag that would allow it."""
    path = _write(
        tmp_path / "s.yaml",
        MINIMAL + "components:\n  schemas:\n    A: {$ref: 'https://example.invalid/a.yaml'}\n",
    )
    with pytest.raises(RefError, match="--allow-remote-refs"):
        load_document(path)


def test_ref_outside_the_folder_is_refused(tmp_path: Path) -> None:
    """A file ref that climbs out of the document's folder is refused."""
    (tmp_path / "inner").mkdir()
    _write(tmp_path / "secret.yaml", "A: {type: string}\n")
    path = _write(
        tmp_path / "inner" / "s.yaml",
        MINIMAL + "components:\n  schemas:\n    A: {$ref: '../secret.yaml#/A'}\n",
    )
    with pytest.raises(RefError, match="outside"):
        load_document(path)


def test_ref_key_inside_example_data_is_left_alone(tmp_path: Path) -> None:
    """A `$ref` key inside an example value is data, not a reference (GitHub's SCIM examples)."""
    path = _write(
        tmp_path / "s.yaml",
        MINIMAL + "components:\n  examples:\n    E:\n      value: {$ref: 'https://x.invalid/u'}\n",
    )
    doc = load_document(path)
    assert doc.data["components"]["examples"]["E"]["value"] == {"$ref": "https://x.invalid/u"}


@pytest.mark.parametrize("indicator", [">-", "|-", ">2-"])
def test_file_ref_written_as_a_block_scalar_is_bundled(tmp_path: Path, indicator: str) -> None:
    """A relative-file `$ref` whose value is a YAML block scalar on the next line is bundled."""
    _write(tmp_path / "common.yaml", "Name: {type: string, maxLength: 9}\n")
    doc = load_document(
        _write(
            tmp_path / "s.yaml",
            MINIMAL + f"components:\n  schemas:\n    A:\n      $ref: {indicator}\n"
            "        common.yaml#/Name\n",
        )
    )
    assert doc.deref(doc.data["components"]["schemas"]["A"]) == {
        "type": "string",
        "maxLength": 9,
    }


def test_local_ref_written_as_a_block_scalar_resolves(tmp_path: Path) -> None:
    """Stripe's `$ref: >-` with a local pointer on the next line resolves like a plain one."""
    doc = load_document(
        _write(
            tmp_path / "s.yaml",
            MINIMAL + "components:\n  schemas:\n    B: {type: integer}\n    A:\n"
            "      $ref: >-\n        #/components/schemas/B\n",
        )
    )
    assert doc.deref(doc.data["components"]["schemas"]["A"]) == {"type": "integer"}


def test_yaml_keys_become_strings_in_nested_and_repeated_mappings() -> None:
    """Integer, boolean and null keys are strings at every depth, also in aliased mappings."""
    data = parse_document_text(
        MINIMAL.replace("paths: {}\n", "")
        + "x-codes: &codes {200: ok, 404: {7: seven, true: yes, null: none}}\n"
        + "x-again: *codes\n"
        + "paths: {}\n"
    )
    for key in ("x-codes", "x-again"):
        assert list(data[key]) == ["200", "404"]
        assert list(data[key]["404"]) == ["7", "true", "null"]


def test_yaml_key_too_long_to_print_is_refused() -> None:
    """An integer key past Python's digit limit is one clear error, not a traceback."""
    digits = "9" * 5000
    with pytest.raises(OpenAPIError, match="integer of more than"):
        parse_document_text(MINIMAL + f"x-big:\n  ? {digits}\n  : a\n")
