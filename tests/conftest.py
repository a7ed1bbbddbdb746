"""Fixtures shared by the toolkit's own tests."""
