"""``python -m tasks_api serve|migrate``: run the service or migrate its database.

Both read ``DATABASE_URL`` (default ``sqlite:///tasks.db``) unless ``--database-url`` is given.
"""

from __future__ import annotations

import argparse
import sys

from tasks_api import db


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tasks_api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service (migrates first)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.add_argument("--database-url", help="overrides DATABASE_URL")
    serve.add_argument("--log-level", default="warning", help="uvicorn log level")

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.add_argument("--database-url", help="overrides DATABASE_URL")

    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            return _migrate(args.database_url)
        return _serve(args.host, args.port, args.database_url, args.log_level)
    except db.DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _migrate(database_url: str | None) -> int:
    applied = db.migrate(database_url)
    version = db.schema_version(database_url)
    if applied:
        print(f"applied {', '.join(f'{v:04d}' for v in applied)}; schema version {version}")
    else:
        print(f"schema is current (version {version})")
    return 0


def _serve(host: str, port: int, database_url: str | None, log_level: str) -> int:
    import uvicorn

    from tasks_api.app import create_app

    url = db.resolve_url(database_url)
    # Migrate before binding, so a bad DATABASE_URL is one line and exit 2, not a traceback.
    db.migrate(url)
    uvicorn.run(create_app(database_url=url), host=host, port=port, log_level=log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
