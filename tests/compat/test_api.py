"""`seam.compat`'s public functions: reports, files, and agreement with PactFlow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seam.compat
from seam.compat import check, check_files, compare
from seam.errors import InputError, PactError, SeamError
from seam.model import CaseStatus
from seam.openapi import load_document
from seam.pactfile import parse_pact, read_pact

from .conftest import AUTH, interaction, pact_of


def test_exported_members() -> None:
    """`__all__` names exactly the public surface."""
    public = {n for n in dir(seam.compat) if not n.startswith("_")}
    assert set(seam.compat.__all__) <= public
    assert set(seam.compat.__all__) == {
        "RULES",
        "Spec",
        "build_spec",
        "check",
        "check_files",
        "compare",
    }


def test_report_has_one_case_per_interaction(tasks_api: dict[str, Any]) -> None:
    """`check` reports each interaction as a case, failed when it has an error."""
    pact = parse_pact(
        pact_of(interaction(headers=AUTH), interaction(path="/nope")), source="web-tasks.json"
    )
    report = check([pact], tasks_api)
    assert [c.status for c in report.cases] == [CaseStatus.PASSED, CaseStatus.FAILED]
    assert report.cases[0].group == "web -> tasks-api"
    assert report.meta["interactions"] == 2
    assert report.failed()


def test_findings_name_consumer_file_and_interaction(tasks_api: dict[str, Any]) -> None:
    """A finding says which consumer, pact file and interaction it is about."""
    pact = parse_pact(pact_of(interaction(path="/nope"), consumer="mobile"), source="m.json")
    (finding,) = check([pact], tasks_api).findings
    assert finding.consumers == ("mobile",)
    assert finding.file == "m.json"
    assert finding.interaction == "GET /nope -> 200"
    assert finding.path == "/nope"


def _write(tmp_path: Path, name: str, doc: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_check_files_reads_folders(tmp_path: Path, tasks_api: dict[str, Any]) -> None:
    """A folder of pacts is read whole, filtered by provider."""
    folder = tmp_path / "pacts"
    folder.mkdir()
    _write(folder, "web-tasks-api.json", pact_of(interaction(headers=AUTH)))
    other = pact_of(interaction(path="/nope"))
    other["provider"]["name"] = "billing"
    _write(folder, "web-billing.json", other)
    spec = _write(tmp_path, "tasks-api.json", tasks_api)
    report = check_files([folder], spec, provider="tasks-api")
    assert len(report.cases) == 1 and not report.findings


def test_check_files_without_pacts(tmp_path: Path, tasks_api: dict[str, Any]) -> None:
    """No pact to check is bad input, said plainly."""
    spec = _write(tmp_path, "tasks-api.json", tasks_api)
    empty = tmp_path / "pacts"
    empty.mkdir()
    with pytest.raises(InputError, match="no pact files"):
        check_files([empty], spec)


def test_compare_refuses_a_non_pact(tasks_api: dict[str, Any]) -> None:
    """A document without consumer and provider is not a pact."""
    with pytest.raises(PactError):
        compare({"interactions": []}, tasks_api)


def _schema_of(value: Any) -> dict[str, Any]:
    """The tightest OpenAPI 3.0 schema for one JSON value (what a snapshot would infer)."""
    if value is None:
        return {"nullable": True, "type": "string"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": _schema_of(value[0]) if value else {}}
    return {"type": "object", "properties": {k: _schema_of(v) for k, v in value.items()}}


_KEYS = st.text("abcdefgh", min_size=1, max_size=5)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=1) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


def _spec_for(body: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": _schema_of(body)}},
                        }
                    }
                }
            }
        },
    }


@settings(max_examples=60, deadline=None)
@given(body=st.dictionaries(_KEYS, _JSON, max_size=5))
def test_a_spec_inferred_from_the_pact_is_compatible(body: dict[str, Any]) -> None:
    """check(pact, schema-of(pact)) is clean for any JSON body."""
    item = interaction(path="/x", response_body=body)
    assert compare(pact_of(item), _spec_for(body)) == []


@settings(max_examples=30, deadline=None)
@given(body=st.dictionaries(_KEYS, _JSON, max_size=5))
def test_an_unpromised_field_is_incompatible(body: dict[str, Any]) -> None:
    """Expecting one field more than the spec names is response.body.incompatible."""
    item = interaction(path="/x", response_body={**body, "zz-extra": 1})
    assert {f.rule for f in compare(pact_of(item), _spec_for(body))} == {
        "response.body.incompatible"
    }


def test_curated_corpus_agrees_with_the_comparator(corpus: Path) -> None:
    """On the curated corpus cases, Seam's verdicts match PactFlow's comparator (≥ 90 %)."""
    names = json.loads((corpus / "compat" / "CURATED.json").read_text(encoding="utf-8"))
    names = [n if isinstance(n, str) else n["case"] for n in names]
    agree = 0
    for name in names:
        case = corpus / "compat" / "cases" / name
        spec = next(p for p in case.iterdir() if p.name.startswith("openapi."))
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        try:
            report = check([read_pact(case / "pact.json")], load_document(spec))
        except SeamError:  # refused as bad input: agrees only where the comparator threw too
            agree += expected["opc_exception"] is not None
            continue
        agree += (not report.failed()) == expected["compatible"]
    assert agree / len(names) >= 0.9


def test_findings_carry_the_interaction_line(tmp_path: Path, tasks_api: dict[str, Any]) -> None:
    """Findings point at the line of their interaction's description in the pact file."""
    pact = pact_of(interaction(headers=AUTH), interaction(path="/nope"))
    path = tmp_path / "web-tasks-api.json"
    text = json.dumps(pact, indent=2)
    path.write_text(text, encoding="utf-8")
    (finding,) = check([read_pact(path)], tasks_api).findings
    line = text.splitlines()[finding.line - 1] if finding.line else ""
    assert '"description": "GET /nope -> 200"' in line
