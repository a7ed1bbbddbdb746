"""Read, write, merge and normalise Pact files (V1–V4). Being written by the lead; see ARCHITECTURE.md."""

__all__: list[str] = []
