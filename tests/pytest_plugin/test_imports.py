"""The plugin stays light: a run without the `pact` fixture loads nothing heavy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ["pact", "pact_ffi", "httpx", "schemathesis", "yaml", "openapi_spec_validator", "filelock"]

PROBE = """
import json, sys
def pytest_sessionfinish(session):
    with open("modules.json", "w") as fh:
        json.dump(sorted(sys.modules), fh)
"""


def loaded_modules(tmp_path: Path, test_source: str) -> set[str]:
    """Modules loaded by a pytest run of ``test_source`` with only the seam plugin."""
    (tmp_path / "conftest.py").write_text(PROBE)
    (tmp_path / "test_it.py").write_text(test_source)
    (tmp_path / "pyproject.toml").write_text('[tool.seam]\nconsumer = "c"\nprovider = "p"\n')
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "seam.pytest_plugin",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return set(json.loads((tmp_path / "modules.json").read_text()))


def test_run_without_the_fixture_imports_nothing_heavy(tmp_path: Path) -> None:
    """pact, pact_ffi, httpx, schemathesis, PyYAML and the validator stay unimported."""
    modules = loaded_modules(tmp_path, "def test_plain():\n    assert True\n")
    assert "seam.pytest_plugin" in modules
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []


def test_the_fixture_loads_pact_when_asked(tmp_path: Path) -> None:
    """The probe sees pact once a test asks for the fixture (the check above can fail)."""
    modules = loaded_modules(tmp_path, "def test_uses(pact):\n    assert pact is not None\n")
    assert {"pact", "pact_ffi"} <= modules
