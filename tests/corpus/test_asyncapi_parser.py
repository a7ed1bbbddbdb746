"""Seam's AsyncAPI reading against the official parser's answers, as one suite with one score."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # the checkout


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "asyncapi_corpus", ROOT / "bench" / "asyncapi_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_agreement_with_the_official_parser(corpus: Path) -> None:
    """Every valid/invalid verdict agrees, and at least 97% of the structural fields do."""
    bench = _bench()
    rows = [
        bench.compare(doc, json.loads(exp.read_text()))
        for doc, exp in bench.documents(corpus / "asyncapi")
    ]
    assert len(rows) >= 50
    disagreeing = [r["file"] for r in rows if r["expected_valid"] != r["seam_valid"]]
    assert disagreeing == []
    fields = sum(r["fields"] for r in rows)
    wrong = sum(len(r["field_mismatches"]) for r in rows)
    assert fields > 1500
    assert (fields - wrong) / fields >= 0.97
