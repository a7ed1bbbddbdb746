"""``python -m projects_api serve|migrate``: run the service or migrate its database.

Both read ``DATABASE_URL`` (default ``sqlite:///projects.db``) unless ``--database-url`` is
given.
"""

from __future__ import annotations

import argparse
import sys

from projects_api import db


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m projects_api", description=__doc__)
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
        url = db.resolve_url(args.database_url)
        # Migrate before binding, so a bad DATABASE_URL is one line and exit 2, not a traceback.
        applied = db.migrate(url)
        if args.command == "migrate":
            version = db.schema_version(url)
            done = f"applied {', '.join(f'{v:04d}' for v in applied)}" if applied else "current"
            print(f"schema {done}; version {version}")
            return 0
    except db.DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from projects_api.app import create_app

    uvicorn.run(create_app(url), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
