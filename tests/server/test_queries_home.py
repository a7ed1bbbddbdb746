"""The broker's SQL has one home: seam.server._queries, never the service."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import seam.server._service as service_package

_SQL = re.compile(r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH) ")


def _service_sources() -> list[Path]:
    return sorted(Path(service_package.__file__).parent.glob("*.py"))


def test_service_modules_run_no_statements() -> None:
    """No service module calls ``execute``: it composes the query functions instead."""
    calls = [
        f"{path.name}:{node.lineno}"
        for path in _service_sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"execute", "executemany", "executescript"}
    ]
    assert _service_sources(), "the service package has no modules"
    assert calls == []


def test_service_modules_hold_no_sql_text() -> None:
    """No string in a service module starts like an SQL statement."""
    texts = [
        f"{path.name}:{node.lineno}"
        for path in _service_sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.match(node.value)
    ]
    assert texts == []
