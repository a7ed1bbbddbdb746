"""Tasks: the example provider for Seam (FastAPI over SQLite or PostgreSQL).

``tasks_api.app:app`` is the ASGI app, ``tasks_api.db`` the database API that provider
states seed it with, and ``python -m tasks_api serve|migrate`` the command line.
"""

__all__ = ["__version__"]

__version__ = "1.0.0"
