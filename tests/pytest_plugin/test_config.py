"""Settings from [tool.seam], the command line and the marker (seam.pytest_plugin._config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seam.pytest_plugin._config import SettingsError, load_settings, resolve_pair


def settings_from(tmp_path: Path, table: str, contracts: str | None = None) -> object:
    """Settings read from a pyproject.toml holding ``table``."""
    (tmp_path / "pyproject.toml").write_text(table)
    return load_settings(tmp_path, tmp_path / "sub", contracts, no_write=False)


def test_defaults_without_a_table(tmp_path: Path) -> None:
    """No [tool.seam]: contracts/ under the rootdir, specification V4, no names."""
    settings = load_settings(tmp_path, tmp_path, None, no_write=False)
    assert (settings.contracts, settings.specification, settings.consumer) == (
        tmp_path / "contracts",
        "V4",
        None,
    )


def test_contracts_option_is_relative_to_the_invocation_dir(tmp_path: Path) -> None:
    """--seam-contracts is read from where pytest was started, like any path argument."""
    settings = settings_from(tmp_path, '[tool.seam]\ncontracts = "c"\n', contracts="out")
    assert settings.contracts == tmp_path / "sub" / "out"  # type: ignore[attr-defined]


def test_unknown_specification_is_refused(tmp_path: Path) -> None:
    """A specification other than V3/V4 is a clear settings error."""
    with pytest.raises(SettingsError, match="specification must be one of V3, V4"):
        settings_from(tmp_path, '[tool.seam]\nspecification = "V9"\n')


def test_marker_arguments_win_over_the_table(tmp_path: Path) -> None:
    """The marker's provider replaces the table's; the table fills in the consumer."""
    settings = settings_from(tmp_path, '[tool.seam]\nconsumer = "c"\nprovider = "p"\n')
    pair = resolve_pair(settings, {"provider": "q"})  # type: ignore[arg-type]
    assert (pair.consumer, pair.provider) == ("c", "q")


def test_unknown_marker_argument_is_refused(tmp_path: Path) -> None:
    """A misspelt marker argument is named rather than ignored."""
    settings = settings_from(tmp_path, '[tool.seam]\nconsumer = "c"\nprovider = "p"\n')
    with pytest.raises(SettingsError, match="unknown seam marker argument"):
        resolve_pair(settings, {"provder": "q"})  # type: ignore[arg-type]


def test_unknown_table_key_is_refused_as_the_cli_refuses_it(tmp_path: Path) -> None:
    """The plugin reads [tool.seam] with the CLI's reader: a misspelt key is named."""
    with pytest.raises(SettingsError, match=r"unknown key\(s\) in \[tool.seam\]: consumr"):
        settings_from(tmp_path, '[tool.seam]\nconsumr = "c"\n')
