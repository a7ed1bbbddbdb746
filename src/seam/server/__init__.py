"""seam.server: an embedded, Pact-Broker-compatible broker over SQLite or PostgreSQL.

Layers: ``_routes`` (HTTP → call) → ``_service`` / ``_matrix`` / ``_verifiable`` (domain)
→ ``_storage`` (SQLite file with WAL, or PostgreSQL through a psycopg pool for several
instances; numbered migrations per engine). ``create_app`` returns the ASGI app;
``contracts broker serve`` runs it with uvicorn.

Seeding the database (for provider states, fixtures and tests) goes through the service,
never through SQL::

    with create_app(tmp_path / "broker.db") as app:  # closes its database on leaving
        service: BrokerService = app.state.service
        service.save_pacticipant("Condor", {"repositoryUrl": "git@example.org:condor"})
        service.save_version("Condor", "1.2.3", {"branch": "main", "tags": ["prod"]})
        service.put_pact("Pricing Service", "Condor", "1.3.0", pact_document)
        service.record_verification("Pricing Service", "Condor", sha_or_None,
                                    {"success": True, "providerApplicationVersion": "4.5.6"})
        env, _ = service.save_environment({"name": "test", "production": False}, uuid=None)
        service.record_deployment("Foo", "1.0.0", env["uuid"], {"applicationInstance": "blue"})
        service.record_release("Foo", "1.0.0", env["uuid"])
        service.add_tag("Condor", "1.3.0", "prod")
        service.add_branch_version("Foo", "main", "1.0.0")
        service.save_webhook(body, uuid="696c5f93-…")

``put_pact`` returns the publication row, whose ``sha`` identifies the pact content for
``record_verification``. Every call is one transaction; all are thread-safe.
A fresh, empty broker per test is one ``with create_app(tmp_path / "x.db") as app:``; the
database opens on first use (or in the ASGI lifespan) and closes on leaving the block (or at
the lifespan's end), so ``httpx.ASGITransport``, which runs no lifespan, leaks nothing.
``create_app("postgresql://user:password@host/db")`` serves a PostgreSQL database.
"""

from seam.server._app import DEFAULT_MAX_BODY_BYTES, BrokerApp, create_app
from seam.server._clean import CleanResult, KeepSelector, clean, parse_keep_selectors
from seam.server._errors import Conflict, Invalid, NotFound, ServiceError
from seam.server._pactmerge import pact_sha
from seam.server._service import BrokerService
from seam.server._storage import Storage, is_database_url
from seam.server._webhook_delivery import DeliverySettings

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "BrokerApp",
    "BrokerService",
    "CleanResult",
    "Conflict",
    "DeliverySettings",
    "Invalid",
    "KeepSelector",
    "NotFound",
    "ServiceError",
    "Storage",
    "clean",
    "create_app",
    "is_database_url",
    "pact_sha",
    "parse_keep_selectors",
]
