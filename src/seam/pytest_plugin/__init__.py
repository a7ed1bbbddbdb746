"""The ``seam`` pytest plugin (being built). Module level imports only pytest and the stdlib."""

from __future__ import annotations

__all__: list[str] = []
