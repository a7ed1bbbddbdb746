"""``[tool.seam]`` in pyproject.toml: the one reader the CLI and the pytest plugin share.

The pytest plugin reads the table from pytest's rootdir; the ``contracts`` command line
reads it from the nearest ``pyproject.toml`` at or above the current folder. Either way a
key this module does not know is refused, so a typo (``broker_url`` for ``broker-url``)
is one clear error instead of a setting silently ignored.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seam.errors import UsageError

__all__ = ["KEYS", "ConfigError", "ToolTable", "find_pyproject", "read_tool_table"]

# Every key [tool.seam] may hold, and what reads it (README "Configuration" lists them).
KEYS: Mapping[str, str] = {
    "contracts": "the contracts folder (pacts/ and openapi/), relative to pyproject.toml",
    "consumer": "the consumer the pytest plugin records as",
    "provider": "the provider the plugin records against; the CLI's --provider",
    "specification": "the Pact specification the plugin writes (V4 or V3)",
    "broker-url": "the Pact Broker's URL (--broker-base-url)",
    "ignore-file": "contracts diff --ignore-file, relative to pyproject.toml",
    "states": "contracts verify --states (MODULE:OBJ)",
}


class ConfigError(UsageError):
    """``[tool.seam]`` cannot be read, or holds a key or value that cannot work."""


@dataclass(frozen=True)
class ToolTable:
    """The ``[tool.seam]`` table of one pyproject.toml (empty when there is none)."""

    pyproject: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, key: str) -> str | None:
        """The non-empty string under ``key``, or ``None`` when it is not set.

        Raises:
            ConfigError: the value is not a non-empty string.
        """
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ConfigError(f"[tool.seam] {key} must be a non-empty string, found {value!r}")
        return value

    def path(self, key: str, relative_to: Path | None = None) -> Path | None:
        """The path under ``key``, relative to the pyproject.toml's folder.

        Shown relative to ``relative_to`` (the current folder) when it lies below it, so
        messages keep the short ``contracts/...`` a user would type.

        Raises:
            ConfigError: the value is not a non-empty string.
        """
        value = self.text(key)
        if value is None or self.pyproject is None:
            return None if value is None else Path(value)
        path = self.pyproject.parent / value
        if relative_to is not None:
            try:
                return Path(os.path.normpath(path.relative_to(relative_to)))
            except ValueError:
                pass
        return Path(os.path.normpath(path))


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` or a folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_tool_table(pyproject: Path) -> ToolTable:
    """Read ``[tool.seam]`` from ``pyproject`` (an empty table when the file is missing).

    Raises:
        ConfigError: the file is not TOML, the table is not a table, or it holds a key
            that is not in :data:`KEYS`.
    """
    if not pyproject.is_file():
        return ToolTable()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read [tool.seam] from {pyproject}: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("seam", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.seam] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(
            f"{pyproject}: unknown key(s) in [tool.seam]: {', '.join(unknown)}; "
            f"known keys are {', '.join(KEYS)}"
        )
    return ToolTable(pyproject, table)
