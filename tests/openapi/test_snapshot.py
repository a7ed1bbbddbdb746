"""Provider snapshots: validation, normalisation to byte-stable YAML, atomic writes."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seam.errors import OpenAPIError, UsageError
from seam.openapi import (
    normalise_document,
    parse_document_text,
    snapshot_document,
    validate_document,
    write_snapshot,
)


def _document(**extra: Any) -> dict[str, Any]:
    """A small valid OpenAPI 3.1 document with one object schema."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tasks", "version": "1.0.0"},
        "paths": {
            "/tasks/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The task.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Task"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Task": {
                    "type": "object",
                    "required": ["title", "id", "status"],
                    "properties": {
                        "title": {"type": "string"},
                        "id": {"type": "integer"},
                        "status": {"type": "string", "enum": ["open", "done"]},
                    },
                }
            }
        },
        **extra,
    }


def _shuffled(node: Any, rng: random.Random) -> Any:
    """The same data with every mapping's keys in a random insertion order."""
    if isinstance(node, dict):
        keys = list(node)
        rng.shuffle(keys)
        return {key: _shuffled(node[key], rng) for key in keys}
    if isinstance(node, list):
        return [_shuffled(item, rng) for item in node]
    return node


def test_snapshot_is_byte_stable_across_key_orders() -> None:
    """The same document with keys inserted in other orders gives identical text."""
    document = _document()
    texts = {snapshot_document(_shuffled(document, random.Random(seed))) for seed in range(20)}
    assert len(texts) == 1


def test_snapshot_reads_back_as_the_normalised_document() -> None:
    """Parsing the snapshot text gives back exactly the normalised document."""
    document = _document(servers=[{"url": "http://127.0.0.1:9999"}])
    text = snapshot_document(document)
    assert parse_document_text(text) == normalise_document(document)


def test_required_lists_are_sorted() -> None:
    """A schema's ``required`` order (field declaration order) does not reach the file."""
    normalised = normalise_document(_document())
    assert normalised["components"]["schemas"]["Task"]["required"] == ["id", "status", "title"]


def test_literal_data_is_never_reordered() -> None:
    """``required`` lists inside examples and defaults are data and stay as written."""
    document = _document()
    task = document["components"]["schemas"]["Task"]
    task["example"] = {"required": ["z", "a"]}
    task["properties"]["status"]["default"] = "open"
    normalised = normalise_document(document)
    assert normalised["components"]["schemas"]["Task"]["example"] == {"required": ["z", "a"]}


def test_properties_named_like_keywords_are_still_schemas() -> None:
    """A property called ``default`` is a schema whose own ``required`` list is sorted."""
    document = _document()
    document["components"]["schemas"]["Task"]["properties"]["default"] = {
        "type": "object",
        "required": ["b", "a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
    }
    normalised = normalise_document(document)
    default = normalised["components"]["schemas"]["Task"]["properties"]["default"]
    assert default["required"] == ["a", "b"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765",
        "http://localhost:8000/api",
        "http://0.0.0.0:80",
        "http://[::1]:8000",
    ],
)
def test_loopback_servers_are_dropped(url: str) -> None:
    """A server URL naming this machine describes one running instance and is dropped."""
    normalised = normalise_document(_document(servers=[{"url": url}]))
    assert "servers" not in normalised


def test_published_and_relative_servers_are_kept() -> None:
    """Real server addresses (ports included) and relative URLs stay in the snapshot."""
    servers = [{"url": "https://api.example.com:8443/v1"}, {"url": "/api"}]
    normalised = normalise_document(_document(servers=[{"url": "http://localhost:1"}, *servers]))
    assert normalised["servers"] == servers


def test_loopback_servers_on_operations_are_dropped() -> None:
    """``servers`` on path items and operations are normalised the same way."""
    document = _document()
    document["paths"]["/tasks/{id}"]["servers"] = [{"url": "http://127.0.0.1:1234"}]
    document["paths"]["/tasks/{id}"]["get"]["servers"] = [{"url": "http://localhost:4321"}]
    normalised = normalise_document(document)
    assert "servers" not in normalised["paths"]["/tasks/{id}"]
    assert "servers" not in normalised["paths"]["/tasks/{id}"]["get"]


@pytest.mark.parametrize(
    ("host", "kept"),
    [
        pytest.param("localhost:8000", False, id="loopback"),
        pytest.param("api.example.com", True, id="published"),
    ],
)
def test_swagger_host_on_loopback_is_dropped(host: str, kept: bool) -> None:
    """A Swagger 2.0 ``host`` is dropped only when it names this machine."""
    document = {"swagger": "2.0", "info": {"title": "T", "version": "1"}, "host": host, "paths": {}}
    assert ("host" in normalise_document(document)) is kept


def test_generated_timestamps_are_dropped() -> None:
    """Timestamp-valued ``x-`` extensions at the top and in info are dropped; others stay."""
    document = _document(**{"x-generated-at": "2026-11-22T03:00:00Z", "x-team": "tasks"})
    document["info"]["x-built"] = "2026-11-22 03:00:00+00:00"
    normalised = normalise_document(document)
    assert normalised["x-team"] == "tasks"
    assert "x-generated-at" not in normalised
    assert "x-built" not in normalised["info"]


def test_normalise_does_not_touch_its_input() -> None:
    """The caller's document is left exactly as it was."""
    document = _document(servers=[{"url": "http://127.0.0.1:1"}])
    before = copy.deepcopy(document)
    normalise_document(document)
    assert document == before


def test_invalid_document_is_refused_with_first_error_and_location() -> None:
    """A response without a description is refused, naming the error and where it is."""
    document = _document()
    del document["paths"]["/tasks/{id}"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIError) as caught:
        snapshot_document(document, source="tasks_api.app:app")
    assert caught.value.location == "tasks_api.app:app#/paths/~1tasks~1{id}/get/responses/200"
    assert "'description' is a required property" in caught.value.message.replace('"', "'")


def test_not_an_openapi_document_is_refused() -> None:
    """A mapping with neither ``openapi`` nor ``swagger`` is refused."""
    with pytest.raises(OpenAPIError, match="not an OpenAPI document"):
        snapshot_document({"title": "nope"})


def test_write_snapshot_writes_under_openapi(tmp_path: Path) -> None:
    """The snapshot lands at <contracts>/openapi/<provider>.yaml with the given text."""
    text = snapshot_document(_document())
    result = write_snapshot(tmp_path / "contracts", "tasks-api", text)
    assert result.path == tmp_path / "contracts" / "openapi" / "tasks-api.yaml"
    assert result.path.read_text(encoding="utf-8") == text
    assert result.changed is True
    assert result.operations == 1


def test_write_snapshot_leaves_an_identical_file_untouched(tmp_path: Path) -> None:
    """Writing the same snapshot again reports no change and does not rewrite the file."""
    text = snapshot_document(_document())
    first = write_snapshot(tmp_path, "tasks-api", text)
    stamp = first.path.stat().st_mtime_ns
    second = write_snapshot(tmp_path, "tasks-api", text)
    assert second.changed is False
    assert first.path.stat().st_mtime_ns == stamp


def test_write_snapshot_leaves_no_temporary_files(tmp_path: Path) -> None:
    """After an update the openapi folder holds only the snapshot itself."""
    write_snapshot(tmp_path, "tasks-api", snapshot_document(_document()))
    write_snapshot(tmp_path, "tasks-api", snapshot_document(_document(**{"x-team": "t"})))
    assert [p.name for p in (tmp_path / "openapi").iterdir()] == ["tasks-api.yaml"]


@pytest.mark.parametrize("name", ["", "../evil", "a/b", ".hidden", "tasks api"])
def test_provider_names_that_are_not_file_names_are_refused(tmp_path: Path, name: str) -> None:
    """A provider name that would escape or garble the file name is a usage error."""
    with pytest.raises(UsageError, match="cannot be a file name"):
        write_snapshot(tmp_path, name, snapshot_document(_document()))
    assert not tmp_path.joinpath("openapi").exists()


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    properties=st.dictionaries(
        _names, st.sampled_from(["string", "integer", "boolean"]), min_size=1, max_size=6
    ),
    data=st.data(),
)
def test_any_key_and_required_order_gives_the_same_valid_snapshot(
    properties: dict[str, str], data: st.DataObject
) -> None:
    """For generated schemas, shuffling keys and ``required`` never changes the bytes."""
    required = data.draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
    document = _document()
    document["components"]["schemas"]["Task"] = {
        "type": "object",
        "required": required,
        "properties": {name: {"type": kind} for name, kind in properties.items()},
    }
    other = _shuffled(document, random.Random(data.draw(st.integers(0, 2**32))))
    other["components"]["schemas"]["Task"]["required"] = list(reversed(required))
    text = snapshot_document(document)
    assert snapshot_document(other) == text
    validate_document(parse_document_text(text))
