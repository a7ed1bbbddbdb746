"""Projects: the example GraphQL provider for Seam (strawberry over SQLite).

``projects_api.schema:schema`` is the strawberry schema (``contracts snapshot --app`` reads
it without a server), ``projects_api.app:create_app`` the ASGI app serving it at
``/graphql``, ``projects_api.db`` the database that provider states seed, and
``python -m projects_api serve|migrate`` the command line.
"""

__all__ = ["__version__"]

__version__ = "1.0.0"
