"""seam.server (being built; see ARCHITECTURE.md)."""

__all__: list[str] = []
