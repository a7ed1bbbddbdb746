"""A plain OpenAPI diff never loads graphql-core (some 0.2 s of every `contracts` run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_openapi_diff_does_not_import_graphql(tmp_path: Path) -> None:
    """Diffing two OpenAPI documents, listing no rules, leaves graphql out of sys.modules."""
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from seam.diff import diff; "
        f"diff(Path({str(tmp_path / 'a.json')!r}), Path({str(tmp_path / 'b.json')!r})); "
        "print('graphql' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_graphql_rules_are_listed_with_the_openapi_rules() -> None:
    """The one diff table still knows the GraphQL rules once asked for them."""
    from seam.diff import RULES

    assert "graphql-field-removed" in RULES
    assert any(rule.id.startswith("graphql-") for rule in RULES)
