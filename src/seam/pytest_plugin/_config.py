"""Where a test's pact goes: ``[tool.seam]``, the command line and the ``seam`` marker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seam._config import ConfigError, ToolTable, read_tool_table
from seam._layout import DEFAULT_CONTRACTS, check_name
from seam.errors import UsageError

__all__ = ["PairSettings", "Settings", "load_settings", "resolve_pair"]

_SPECIFICATIONS = ("V3", "V4")


@dataclass(frozen=True)
class Settings:
    """Session-wide settings."""

    consumer: str | None
    provider: str | None
    contracts: Path
    specification: str
    write: bool


@dataclass(frozen=True)
class PairSettings:
    """The consumer/provider pair one test records into."""

    consumer: str
    provider: str
    specification: str


class SettingsError(ValueError):
    """``[tool.seam]`` or a marker that cannot work."""


def _table(rootdir: Path) -> ToolTable:
    try:
        return read_tool_table(rootdir / "pyproject.toml")
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None


def _text(table: ToolTable, key: str) -> str | None:
    try:
        return table.text(key)
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None


def _specification(value: str) -> str:
    spec = value.upper() if value.upper().startswith("V") else f"V{value}"
    if spec not in _SPECIFICATIONS:
        raise SettingsError(
            f"[tool.seam] specification must be one of {', '.join(_SPECIFICATIONS)}, "
            f"found {value!r}"
        )
    return spec


def load_settings(
    rootdir: Path, invocation_dir: Path, contracts_option: str | None, no_write: bool
) -> Settings:
    """Read ``[tool.seam]`` from ``rootdir/pyproject.toml`` and apply the command line.

    ``contracts`` in the config is relative to the rootdir; ``--seam-contracts`` is
    relative to where pytest was invoked, like any path on a command line.

    Raises:
        SettingsError: the table has an unknown key, a value of the wrong type or an unknown
            specification.
    """
    table = _table(rootdir)
    if contracts_option:
        contracts = invocation_dir / contracts_option
    else:
        contracts = rootdir / (_text(table, "contracts") or DEFAULT_CONTRACTS)
    return Settings(
        consumer=_text(table, "consumer"),
        provider=_text(table, "provider"),
        contracts=contracts,
        specification=_specification(_text(table, "specification") or "V4"),
        write=not no_write,
    )


def resolve_pair(settings: Settings, marker_kwargs: Mapping[str, Any]) -> PairSettings:
    """The pair for one test: the marker's arguments win over ``[tool.seam]``.

    Raises:
        SettingsError: no consumer or no provider anywhere, a marker argument is wrong, or a
            name cannot be part of a file name.
    """
    unknown = sorted(set(marker_kwargs) - {"consumer", "provider"})
    if unknown:
        raise SettingsError(
            f"unknown seam marker argument(s) {', '.join(unknown)}; "
            "use @pytest.mark.seam(consumer=..., provider=...)"
        )
    names: dict[str, str] = {}
    for role in ("consumer", "provider"):
        value = marker_kwargs.get(role, getattr(settings, role))
        if not isinstance(value, str) or not value:
            raise SettingsError(
                f"no {role} name: pass @pytest.mark.seam({role}=...) "
                f"or set {role} in [tool.seam] of pyproject.toml"
            )
        try:
            # The name becomes a path: pact_ffi would write "../../x" outside every folder.
            check_name(value, role)
        except UsageError as exc:
            raise SettingsError(exc.message) from None
        names[role] = value
    return PairSettings(names["consumer"], names["provider"], settings.specification)
