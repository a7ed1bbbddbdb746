"""How the plugin reads the contracts it may rewrite (seam.pytest_plugin._emit)."""

from __future__ import annotations

from pathlib import Path

from seam.pytest_plugin._emit import _read_text


def test_crlf_line_ends_read_as_the_text_the_plugin_writes(tmp_path: Path) -> None:
    """A snapshot a checkout turned into CRLF compares equal, so it is not rewritten each run."""
    path = tmp_path / "web-api.yaml"
    path.write_bytes(b"openapi: 3.0.3\r\npaths: {}\r\n")
    assert _read_text(path) == "openapi: 3.0.3\npaths: {}\n"


def test_what_is_not_a_readable_text_file_reads_as_none(tmp_path: Path) -> None:
    """No file, a folder, a file under a file and bytes that are not UTF-8 all read as None."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "blocked").write_text("x")
    (tmp_path / "latin1.yaml").write_bytes(b"caf\xe9\n")
    for name in ("missing.yaml", "folder", "blocked/x.yaml", "latin1.yaml"):
        assert _read_text(tmp_path / name) is None
