"""`contracts broker clean`: the command over the library, its output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from seam.cli import main
from seam.server import create_app

from ..server.conftest import publish_body


def _seed(db: Path | str, consumer: str, count: int) -> None:
    app = create_app(db)
    service = app.state.service
    for n in range(count):
        service.publish_contracts(
            publish_body(consumer, f"1.0.{n}", ["api"], branch="main", description=f"d{n}")
        )
    service.storage.close()


def test_dry_run_lists_versions_and_keeps_them(broker_database: Path | str) -> None:
    """--dry-run lists and removes nothing, a real run removes, on SQLite and PostgreSQL."""
    db = broker_database
    _seed(db, "web", 3)
    args = ["broker", "clean", "--db", str(db), "--keep", '{"mainBranch": true, "latest": true}']
    result = CliRunner().invoke(main, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Would remove web version 1.0.0",
        "Would remove web version 1.0.1",
        "Would remove 2 version(s); kept 1.",
    ]
    app = create_app(db)
    assert len(app.state.service.list_versions("web")[1]) == 3
    app.state.service.storage.close()
    again = CliRunner().invoke(main, [*args, "--format", "json"])
    assert json.loads(again.output)["removed"] == [
        {"pacticipant": "web", "version": "1.0.0"},
        {"pacticipant": "web", "version": "1.0.1"},
    ]


def test_selector_that_is_not_json_exits_2(tmp_path: Path) -> None:
    """A --keep that is not JSON exits 2 with one line saying how to write one."""
    db = tmp_path / "b.db"
    _seed(db, "web", 1)
    result = CliRunner().invoke(main, ["broker", "clean", "--db", str(db), "--keep", "latest"])
    assert result.exit_code == 2
    assert "is not JSON" in result.output and "Traceback" not in result.output


def test_unknown_selector_key_exits_2(tmp_path: Path) -> None:
    """A selector with an unknown key exits 2 naming the key and the known ones."""
    db = tmp_path / "b.db"
    _seed(db, "web", 1)
    result = CliRunner().invoke(
        main, ["broker", "clean", "--db", str(db), "--keep", '{"newest": 3}']
    )
    assert result.exit_code == 2
    assert "unknown key(s) newest" in result.output and "mainBranch" in result.output


def test_missing_database_file_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    """--db naming no file exits 2 in one line instead of cleaning a new, empty broker."""
    db = tmp_path / "typo.sqlite"
    result = CliRunner().invoke(main, ["broker", "clean", "--db", str(db), "--dry-run"])
    assert result.exit_code == 2
    assert "is not a broker database file" in result.output and not db.exists()
