"""seam.verify (being built; see ARCHITECTURE.md)."""

__all__: list[str] = []
