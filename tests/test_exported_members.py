"""Each public package's `__all__` is exactly what it exposes."""

from __future__ import annotations

import importlib
import types

import pytest

PACKAGES = [
    "seam",
    "seam.errors",
    "seam.model",
    "seam.reporters",
    "seam.pactfile",
    "seam.openapi",
    "seam.graphql",
    "seam.graphql.rules",
    "seam.asyncapi",
    "seam.diff",
    "seam.diff.rules",
    "seam.compat",
    "seam.usage",
    "seam.verify",
    "seam.broker",
    "seam.github",
    "seam.scaffold",
    "seam.snapshot",
    "seam.server",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_matches_public_names(name: str) -> None:
    """Names in `__all__` exist; every public name the package itself defines is listed."""
    module = importlib.import_module(name)
    exported = set(module.__all__)
    missing = {n for n in exported if not hasattr(module, n)}
    assert not missing, f"{name}.__all__ lists names it lacks: {sorted(missing)}"
    public = {
        n
        for n, value in vars(module).items()
        if not n.startswith("_")
        and not isinstance(value, types.ModuleType)
        and str(getattr(value, "__module__", name)).startswith(name)
        and n not in {"annotations"}
    }
    unlisted = public - exported
    assert not unlisted, f"{name} exposes names missing from __all__: {sorted(unlisted)}"
