"""An OpenAPI-only `check` never loads graphql-core (some 0.2 s of every run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_openapi_check_does_not_import_graphql(tmp_path: Path) -> None:
    """Checking a pact against an OpenAPI document, with an ignore, leaves graphql unloaded."""
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    pact = {
        "consumer": {"name": "web"},
        "provider": {"name": "t"},
        "interactions": [
            {
                "description": "reads",
                "request": {"method": "POST", "path": "/graphql", "body": {"query": "{ a }"}},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    (tmp_path / "web-t.json").write_text(json.dumps(pact), encoding="utf-8")
    code = (
        "import sys; from seam.compat import check_files; "
        f"r = check_files([{str(tmp_path / 'web-t.json')!r}], {str(tmp_path / 'spec.json')!r},"
        " ignore=['request.query.unknown']); "
        "print([f.rule for f in r.findings], 'graphql' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['request.path-or-method.unknown'] False"
