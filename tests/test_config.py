"""[tool.seam]: the one reader the CLI and the pytest plugin share (seam._config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seam._config import ConfigError, find_pyproject, read_tool_table
from seam.errors import UsageError


def test_the_nearest_pyproject_upward_is_found(tmp_path: Path) -> None:
    """From a nested folder, the closest pyproject.toml above it is the one read."""
    (tmp_path / "pyproject.toml").write_text("[tool.seam]\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.seam]\n")
    assert find_pyproject(inner) == tmp_path / "a" / "pyproject.toml"
    assert find_pyproject(tmp_path) == tmp_path / "pyproject.toml"


def test_unknown_keys_are_a_usage_error_listing_the_known_ones(tmp_path: Path) -> None:
    """A misspelt key is refused (a usage error, exit 2), naming it and the known keys."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.seam]\nbroker_url = "http://127.0.0.1:1"\n')
    expected = r"unknown key\(s\) in \[tool.seam\]: broker_url;.*broker-url"
    with pytest.raises(ConfigError, match=expected):
        read_tool_table(pyproject)
    assert issubclass(ConfigError, UsageError)


def test_paths_are_relative_to_the_pyproject_and_shown_from_the_cwd(tmp_path: Path) -> None:
    """`contracts = "spec"` is the pyproject folder's spec/, written short below the cwd."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.seam]\ncontracts = "spec"\n')
    table = read_tool_table(pyproject)
    assert table.path("contracts", tmp_path) == Path("spec")
    assert table.path("contracts", tmp_path / "sub") == tmp_path / "spec"


def test_a_missing_file_is_an_empty_table(tmp_path: Path) -> None:
    """No pyproject.toml means no settings, not an error."""
    assert read_tool_table(tmp_path / "pyproject.toml").text("provider") is None


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    """A setting that must be text and is not says which and what was found."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.seam]\nprovider = 3\n")
    with pytest.raises(ConfigError, match="provider must be a non-empty string, found 3"):
        read_tool_table(pyproject).text("provider")
