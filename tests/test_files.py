"""Atomic writes of one file or several, all or nothing (seam._files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seam._files import atomic_write_files


def test_every_file_is_written_and_a_none_removed(tmp_path: Path) -> None:
    """Texts land in their files (folders created); a path mapped to None is removed."""
    gone = tmp_path / "old.yaml"
    gone.write_text("old\n")
    atomic_write_files({tmp_path / "pacts" / "a-b.json": "{}\n", gone: None})
    assert (tmp_path / "pacts" / "a-b.json").read_text() == "{}\n"
    assert not gone.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a-b.json", "pacts"]  # no temp file


def test_a_file_in_the_way_replaces_nothing(tmp_path: Path) -> None:
    """When one folder cannot be made, no file is replaced, none removed, no temp file stays."""
    kept = tmp_path / "a.json"
    kept.write_text("before\n")
    doomed = tmp_path / "doomed.yaml"
    doomed.write_text("still here\n")
    (tmp_path / "blocked").write_text("a file, not a folder\n")
    files: dict[Path, str | None] = {
        kept: "after\n",
        tmp_path / "blocked" / "x.yaml": "x\n",
        doomed: None,
    }
    with pytest.raises(NotADirectoryError):
        atomic_write_files(files)
    assert kept.read_text() == "before\n"
    assert doomed.read_text() == "still here\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "blocked", "doomed.yaml"]
