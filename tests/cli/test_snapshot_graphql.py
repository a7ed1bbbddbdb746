"""`contracts snapshot` of a GraphQL provider: a schema object, an endpoint, or a file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from graphql import build_schema, introspection_from_schema

from seam.verify._provider import free_port

from ..conftest import ServeHTTP
from ._snapshots import example_provider, one_error_line, snapshot, write_module

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ROOT = ROOT / "providers" / "projects"
SCHEMA = "projects_api.schema:schema"


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """An empty contracts folder for this test."""
    return tmp_path / "contracts"


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[str]:
    """The example Projects provider as a real process on 127.0.0.1; yields its base URL."""
    with example_provider("projects_api", tmp_path / "projects.db", "/health") as base_url:
        yield base_url


def test_strawberry_schema_is_written_under_graphql(contracts: Path) -> None:
    """--app of a strawberry schema writes <contracts>/graphql/<provider>.graphql."""
    result = snapshot("--app", SCHEMA, "--provider", "projects-api", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    path = contracts / "graphql" / "projects-api.graphql"
    assert f"wrote {path} (5 types, from {SCHEMA})" in result.output
    assert "  createProject(input: NewProject!): Project!\n" in path.read_text(encoding="utf-8")
    assert not (contracts / "openapi").exists()


def test_graphene_schema_is_snapshotted(module_dir: Path, contracts: Path) -> None:
    """A graphene schema object is recognised without --graphql and printed sorted."""
    name = write_module(
        module_dir,
        "import graphene\n"
        "class Query(graphene.ObjectType):\n"
        "    zeta = graphene.Int()\n"
        "    alpha = graphene.String(name=graphene.String())\n"
        "schema = graphene.Schema(query=Query)\n",
    )
    result = snapshot("--app", f"{name}:schema", "--provider", "g", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    assert (contracts / "graphql" / "g.graphql").read_text(encoding="utf-8") == (
        "type Query {\n  alpha(name: String): String\n  zeta: Int\n}\n"
    )


def test_introspection_of_the_running_provider_matches_the_schema_object(
    provider: str, contracts: Path, tmp_path: Path
) -> None:
    """--url --graphql (introspection over HTTP) gives the same bytes as --app."""
    args = ("--graphql", "--provider", "p", "--contracts", str(contracts))
    by_url = snapshot("--url", provider + "/graphql", *args)
    assert by_url.exit_code == 0, by_url.output
    assert f"from {provider}/graphql" in by_url.output
    snapshot("--app", SCHEMA, "--provider", "p", "--contracts", str(tmp_path / "other"))
    assert (contracts / "graphql" / "p.graphql").read_bytes() == (
        tmp_path / "other" / "graphql" / "p.graphql"
    ).read_bytes()


def test_graphql_endpoint_without_the_flag_says_to_add_it(provider: str) -> None:
    """--url of a GraphQL endpoint without --graphql is exit 2 pointing at --graphql."""
    result = snapshot("--url", provider + "/graphql", "--provider", "p", "--check")
    assert result.exit_code == 2
    assert "needs --graphql" in one_error_line(result)


def test_endpoint_refusing_introspection_is_one_line_exit_2(serve_http: ServeHTTP) -> None:
    """An endpoint answering GraphQL errors to introspection is bad input, with its message."""

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"errors": [{"message": "introspection is disabled"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    url = serve_http(Refusing) + "/graphql"
    result = snapshot("--url", url, "--graphql", "--provider", "p", "--check")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "refused the introspection query: introspection is disabled" in line
    assert "--app MODULE:SCHEMA" in line


def test_server_refusing_the_full_query_is_asked_the_plain_one(
    serve_http: ServeHTTP, contracts: Path
) -> None:
    """A server predating the full query's fields (400 with errors) gets the plain query."""
    from graphql import graphql_sync

    schema = build_schema("type Query { a(old: Int @deprecated): Int }")

    class OldServer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["query"]
            if "includeDeprecated: true) {" in query.split("args", 1)[1][:40]:
                refusal = {"message": "Unknown argument includeDeprecated"}
                status, answer = 400, {"errors": [refusal]}
            else:
                status, answer = 200, {"data": graphql_sync(schema, query).data}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    url = serve_http(OldServer) + "/graphql"
    args = ("--graphql", "--provider", "old", "--contracts", str(contracts))
    result = snapshot("--url", url, *args)
    assert result.exit_code == 0, result.output
    # The plain query does not ask for deprecated arguments, so the server leaves `old` out.
    assert (contracts / "graphql" / "old.graphql").read_text(encoding="utf-8") == (
        "type Query {\n  a: Int\n}\n"
    )


def test_introspection_nested_without_end_is_one_line_exit_2(serve_http: ServeHTTP) -> None:
    """A server answering `ofType` nested thousands deep is refused, not a RecursionError."""

    class Deep(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            deep = '{"kind": "LIST", "ofType": ' * 5000 + "null" + "}" * 5000
            body = ('{"data": {"__schema": {"types": [' + deep + "]}}}").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    url = serve_http(Deep) + "/graphql"
    result = snapshot("--url", url, "--graphql", "--provider", "p", "--check")
    assert result.exit_code == 2
    assert "nested" in one_error_line(result)


def test_unreachable_endpoint_exits_3() -> None:
    """Nothing listening on the endpoint's port is exit 3."""
    url = f"http://127.0.0.1:{free_port()}/graphql"
    result = snapshot("--url", url, "--graphql", "--provider", "p", "--check")
    assert result.exit_code == 3
    assert "cannot reach the provider" in one_error_line(result)


def test_graphql_flag_with_a_non_schema_object_is_a_usage_error(module_dir: Path) -> None:
    """--graphql --app of something that is not a schema is exit 2 naming its type."""
    name = write_module(module_dir, "thing = {'openapi': '3.1.0'}\n")
    result = snapshot("--app", f"{name}:thing", "--graphql", "--provider", "p", "--check")
    assert result.exit_code == 2
    assert "is a dict, not a GraphQL schema" in one_error_line(result)


def test_invalid_schema_object_is_one_line_exit_2(module_dir: Path) -> None:
    """A graphql-core schema without a query type is refused with graphql-core's reason."""
    name = write_module(module_dir, "from graphql import GraphQLSchema\nschema = GraphQLSchema()\n")
    result = snapshot("--app", f"{name}:schema", "--provider", "p", "--check")
    assert result.exit_code == 2
    assert "Query root type must be provided" in one_error_line(result)


@pytest.mark.parametrize("suffix", [".graphql", ".json"])
def test_schema_files_are_snapshotted_sorted(tmp_path: Path, contracts: Path, suffix: str) -> None:
    """An SDL or introspection file becomes the same sorted snapshot."""
    sdl = "type Query { b: Int  a: String }"
    path = tmp_path / f"schema{suffix}"
    text = sdl if suffix == ".graphql" else json.dumps(introspection_from_schema(build_schema(sdl)))
    path.write_text(text, encoding="utf-8")
    result = snapshot("--file", str(path), "--provider", "f", "--contracts", str(contracts))
    assert result.exit_code == 0, result.output
    assert (contracts / "graphql" / "f.graphql").read_text(encoding="utf-8") == (
        "type Query {\n  a: String\n  b: Int\n}\n"
    )


def test_check_passes_then_fails_when_the_schema_changes(module_dir: Path, contracts: Path) -> None:
    """--check is exit 0 for a current snapshot, exit 1 with a diff for a stale one."""
    name = write_module(
        module_dir,
        "from graphql import build_schema\n"
        "schema = build_schema('type Query { a: Int }')\n"
        "changed = build_schema('type Query { a: Int  b: Int }')\n",
    )
    args = ("--provider", "p", "--contracts", str(contracts))
    assert snapshot("--app", f"{name}:schema", *args).exit_code == 0
    fresh = snapshot("--app", f"{name}:schema", *args, "--check")
    assert fresh.exit_code == 0
    assert "is up to date" in fresh.output
    stale = snapshot("--app", f"{name}:changed", *args, "--check")
    assert stale.exit_code == 1
    assert "+  b: Int" in stale.stdout
    assert "graphql/p.graphql is stale" in one_error_line(stale)
    assert "b: Int" not in (contracts / "graphql" / "p.graphql").read_text(encoding="utf-8")


def test_check_fails_when_no_snapshot_exists(contracts: Path) -> None:
    """--check is exit 1 when there is no committed GraphQL snapshot yet."""
    result = snapshot("--app", SCHEMA, "--provider", "p", "--contracts", str(contracts), "--check")
    assert result.exit_code == 1
    assert "does not exist" in one_error_line(result)


def test_committed_projects_snapshot_is_current() -> None:
    """contracts/graphql/projects-api.graphql in the repository matches the example provider."""
    args = ("--provider", "projects-api", "--contracts", str(ROOT / "contracts"), "--check")
    result = snapshot("--app", SCHEMA, *args)
    assert result.exit_code == 0, result.output
