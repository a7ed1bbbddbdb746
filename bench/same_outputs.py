"""Record what Seam answers on the shared corpus, to prove a refactor changed nothing.

    .venv/bin/python bench/same_outputs.py OUT_DIR [--corpus DIR] [--only diff,check,...]
    diff -r BEFORE_DIR AFTER_DIR          # empty when behaviour is identical

Runs the ``contracts`` command (in this process, through click) on every case of the corpus
and writes one file per case: the exit code, then stdout and stderr. Areas:

- ``diff``: ``contracts diff base revision --format json`` on each OpenAPI diff case;
- ``check``: ``contracts check pact --openapi doc --format json`` on each pact-vs-OpenAPI case;
- ``graphql``: ``contracts diff old.graphql new.graphql --format json`` on each GraphQL pair;
- ``asyncapi``: ``contracts diff old.yaml new.yaml --format json`` on each AsyncAPI pair;
- ``rules``: every registered rule id with its severity;
- ``broker``: the HTTP answers of a real ``contracts broker serve`` to a fixed scenario
  (publish, verify, environments, deployments, matrix, webhooks, errors), then to every request
  of the official client's pacts, then to every link found in the answers. Times, UUIDs and
  the port are replaced by placeholders so two runs compare equal.

Run it at the old commit (``PYTHONPATH=old/src``) and the new one, then ``diff -r``. With
``SEAM_BROKER_DATABASE_URL`` set (an empty PostgreSQL database), the broker answers from it.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "corpus"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MS = re.compile(r"\b\d+(\.\d+)? ?(ms|s)\b")
_DURATION = re.compile(r'"(duration|elapsed|seconds)": [0-9.e-]+')


def _run(args: list[str], cwd: Path) -> str:
    from seam.cli import main

    old = Path.cwd()
    os.chdir(cwd)
    # Relative paths from cwd keep the temporary folder's random name out of the answers.
    args = [
        os.path.relpath(a, cwd) if Path(a).is_absolute() and Path(a).exists() else a for a in args
    ]
    try:
        result = CliRunner().invoke(main, args, env={"NO_COLOR": "1", "COLUMNS": "100"})
    finally:
        os.chdir(old)
    stdout = _DURATION.sub(r'"\1": "<time>"', _MS.sub("<time>", result.stdout))
    stderr = _MS.sub("<time>", result.stderr) if result.stderr_bytes is not None else ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"\nEXCEPTION {type(result.exception).__name__}: {result.exception}"
    return f"exit {result.exit_code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"


def _write(out: Path, name: str, text: str) -> None:
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _plain(path: Path, tmp: Path) -> Path:
    """A gzipped corpus file unpacked next to the others (the CLI reads plain files)."""
    if path.suffix != ".gz":
        return path
    target = tmp / f"{path.parent.name}-{path.stem}"
    target.write_bytes(gzip.decompress(path.read_bytes()))
    return target


def record_diff(corpus: Path, out: Path, tmp: Path) -> None:
    for case in sorted((corpus / "diff" / "cases").iterdir()):
        base, rev = case / "base.yaml", case / "revision.yaml"
        if base.exists() and rev.exists():
            args = ["diff", str(base), str(rev), "--format", "json"]
            _write(out, f"diff/{case.name}.txt", _run(args, tmp))


def record_check(corpus: Path, out: Path, tmp: Path) -> None:
    for case in sorted((corpus / "compat" / "cases").iterdir()):
        pact, doc = case / "pact.json", case / "openapi.yaml"
        if not doc.exists():
            doc = case / "openapi.json"
        if pact.exists() and doc.exists():
            args = ["check", str(pact), "--openapi", str(doc), "--format", "json"]
            _write(out, f"check/{case.name}.txt", _run(args, tmp))


def record_graphql(corpus: Path, out: Path, tmp: Path) -> None:
    for group in ("kinds", "real"):
        for case in sorted((corpus / "graphql" / group).iterdir()):
            old = next(iter(case.glob("old.graphql*")), None)
            new = next(iter(case.glob("new.graphql*")), None)
            if old and new:
                args = ["diff", str(_plain(old, tmp)), str(_plain(new, tmp)), "--format", "json"]
                _write(out, f"graphql/{group}-{case.name}.txt", _run(args, tmp))


def record_asyncapi(corpus: Path, out: Path, tmp: Path) -> None:
    for case in sorted((corpus / "asyncapi" / "pairs").iterdir()):
        old, new = case / "old.yaml", case / "new.yaml"
        if old.exists() and new.exists():
            args = ["diff", str(old), str(new), "--format", "json"]
            _write(out, f"asyncapi/{case.name}.txt", _run(args, tmp))
    for doc in sorted((corpus / "asyncapi" / "docs").glob("*.yaml")):
        # A document against itself: what the loader says of each (errors included).
        args = ["diff", str(doc), str(doc), "--format", "json"]
        _write(out, f"asyncapi/doc-{doc.stem}.txt", _run(args, tmp))


def record_rules(out: Path) -> None:
    """Every rule id each registry knows, with its severity and area, sorted."""
    import importlib
    import pkgutil

    import seam
    from seam.model import Severity

    for info in pkgutil.walk_packages(seam.__path__, "seam."):
        if ".pytest_plugin" in info.name or info.name.endswith("__main__"):
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(info.name)
    rules: set[str] = set()

    def add(owner: str, key: object, rule: object) -> None:
        severity = getattr(rule, "severity", None)
        if isinstance(key, str) and isinstance(severity, Severity):
            rules.add(f"{key} {severity.value} {getattr(rule, 'area', '')}")

    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("seam."):
            continue
        for value in list(vars(module).values()):
            # A registry (whatever its class is called) keeps a dict of rules by id; a plain
            # dict of rules by id counts too.
            table = getattr(value, "_rules", value)
            if isinstance(table, dict):
                for key, rule in list(table.items()):
                    add(type(value).__name__ if table is not value else "dict", key, rule)
    _write(out, "rules.txt", "\n".join(sorted(rules)) + "\n")


# --- broker ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _broker(tmp: Path) -> Iterator[str]:
    port = _free_port()
    # SEAM_BROKER_DATABASE_URL=postgresql://... records the same answers on PostgreSQL.
    db = os.environ.get("SEAM_BROKER_DATABASE_URL") or str(tmp / "broker.sqlite")
    command = [sys.executable, "-c", "from seam.cli import main; main()"]
    args = ["broker", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PACT_BROKER_TOKEN", None)
    log = (tmp / "broker.log").open("wb")
    process = subprocess.Popen([*command, *args], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/", timeout=1).status_code < 500:
                    break
            time.sleep(0.1)
        else:
            raise SystemExit(f"broker did not start: {(tmp / 'broker.log').read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _pact(consumer: str, provider: str, description: str, status: int) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "providerState": "a thing exists",
                "request": {"method": "GET", "path": "/things/1"},
                "response": {"status": status, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def _scenario() -> list[tuple[str, str, Any]]:
    """A fixed tour of the API: writes first, then reads and errors."""
    steps: list[tuple[str, str, Any]] = []
    for n, (consumer, version, status) in enumerate(
        [("Web", "1.0.0", 200), ("Web", "1.1.0", 201), ("Mobile", "2.0.0", 200)]
    ):
        steps.append(
            (
                "POST",
                "/contracts/publish",
                {
                    "pacticipantName": consumer,
                    "pacticipantVersionNumber": version,
                    "branch": "main",
                    "tags": ["main", f"t{n}"],
                    "buildUrl": f"http://ci/{n}",
                    "contracts": [
                        {
                            "consumerName": consumer,
                            "providerName": "Things",
                            "specification": "pact",
                            "contentType": "application/json",
                            "content": __import__("base64")
                            .b64encode(
                                json.dumps(_pact(consumer, "Things", f"get {n}", status)).encode()
                            )
                            .decode(),
                        }
                    ],
                },
            )
        )
    web = "/pacts/provider/Things/consumer/Web/version/1.2.0"
    prod = {"name": "production", "displayName": "Prod", "production": True}
    steps += [
        ("PUT", web, _pact("Web", "Things", "p", 200)),
        ("PUT", web, _pact("Web", "Things", "p", 200)),
        ("PUT", web, _pact("Web", "Things", "q", 200)),
        ("PUT", "/pacticipants/Things/versions/9.0.0/tags/prod", None),
        ("PUT", "/pacticipants/Things/branches/main/versions/9.0.0", {}),
        (
            "POST",
            "/pacts/provider/Things/consumer/Web/pact-version/SHA/verification-results",
            {"success": True, "providerApplicationVersion": "9.0.0", "testResults": []},
        ),
        ("POST", "/environments", prod),
        ("GET", "/environments", None),
        ("GET", "/matrix?q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true", None),
        ("GET", "/can-i-deploy?pacticipant=Web&version=1.0.0&to=prod", None),
        ("GET", "/matrix?q[][pacticipant]=Web&q[][latest]=true&q[][pacticipant]=Things", None),
        (
            "POST",
            "/pacts/provider/Things/for-verification",
            {"consumerVersionSelectors": [{"mainBranch": True}, {"latest": True, "tag": "t1"}]},
        ),
        (
            "POST",
            "/webhooks",
            {
                "description": "hook",
                "events": [{"name": "contract_content_changed"}],
                "request": {"method": "POST", "url": "http://127.0.0.1:9/hook"},
            },
        ),
        ("GET", "/webhooks", None),
        ("GET", "/pacticipants", None),
        ("GET", "/pacticipants/Web", None),
        ("GET", "/pacticipants/Web/versions", None),
        ("GET", "/pacticipants/Web/versions/1.0.0", None),
        ("GET", "/pacticipants/Web/latest-version", None),
        ("GET", "/pacticipants/Web/branches/main", None),
        ("GET", "/pacts/provider/Things/latest", None),
        ("GET", "/pacts/provider/Things/consumer/Web/latest", None),
        ("GET", "/pacts/provider/Things/consumer/Web/versions", None),
        ("GET", "/pacts/latest", None),
        ("GET", "/integrations", None),
        ("GET", "/pacts/provider/Things/provider-states", None),
        ("GET", "/pacticipants/Nobody", None),
        ("PUT", "/pacts/provider/Things/consumer/Web/version/1.0.0", "not json"),
        ("POST", "/contracts/publish", {"pacticipantName": ""}),
        ("PATCH", "/pacticipants/Web", {"displayName": "Web App", "mainBranch": "main"}),
        ("DELETE", "/pacticipants/Web/versions/1.2.0", None),
        ("GET", "/", None),
    ]
    return steps


def _normalise(text: str, url: str) -> str:
    text = text.replace(url, "<broker>")
    text = _TIME.sub("<time>", text)
    return _UUID.sub("<uuid>", text)


def _answer(client: httpx.Client, method: str, path: str, body: Any, url: str) -> str:
    headers = {"Accept": "application/hal+json, application/json"}
    content: bytes | None = None
    if isinstance(body, str):
        content = body.encode()
        headers["Content-Type"] = "application/json"
    elif body is not None:
        content = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    response = client.request(method, path, content=content, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k in ("content-type", "location")}
    try:
        shown = json.dumps(response.json(), indent=1, sort_keys=True)
    except ValueError:
        shown = response.text
    return _normalise(f"{method} {path}\n{response.status_code} {kept}\n{shown}\n", url)


def _links(text: str) -> set[str]:
    return {m for m in re.findall(r'"href": "<broker>(/[^"{]*)"', text)}


def record_broker(corpus: Path, out: Path, tmp: Path) -> None:
    with _broker(tmp) as url, httpx.Client(base_url=url, timeout=30) as client:
        answers: list[str] = []
        sha = ""
        for method, path, body in _scenario():
            if "SHA" in path:
                latest = client.get("/pacts/provider/Things/consumer/Web/latest").json()
                sha = sha or latest["_links"]["self"]["href"].rsplit("/", 1)[-1]
                path = path.replace("SHA", sha)
            answers.append(_answer(client, method, path, body, url))
        # Every request the official client's pacts make (no provider states: answers to an
        # unseeded name are answers too).
        for name in ("Pact_Broker_Client_V2-Pact_Broker.json", "compat-suite-pact-broker_c1.json"):
            pact = json.loads((corpus / "broker" / name).read_text())
            for interaction in pact.get("interactions", []):
                request = interaction.get("request") or {}
                method, path = request.get("method", "GET").upper(), request.get("path", "/")
                query = request.get("query")
                if isinstance(query, str) and query:
                    path += "?" + query
                answers.append(_answer(client, method, path, request.get("body"), url))
        seen: set[str] = set()
        frontier = sorted(set().union(*(_links(a) for a in answers)))
        while frontier and len(seen) < 400:
            path = frontier.pop(0)
            if path in seen:
                continue
            seen.add(path)
            text = _answer(client, "GET", path, None, url)
            answers.append(text)
            frontier.extend(sorted(_links(text) - seen))
        _write(out, "broker/answers.txt", "\n".join(answers))


AREAS = ("rules", "diff", "check", "graphql", "asyncapi", "broker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--only", default=",".join(AREAS))
    args = parser.parse_args()
    only = set(args.only.split(","))
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for area in AREAS:
            if area not in only:
                continue
            started = time.monotonic()
            with contextlib.redirect_stdout(io.StringIO()):
                if area == "rules":
                    record_rules(args.out)
                elif area == "broker":
                    record_broker(args.corpus, args.out, tmp)
                else:
                    globals()[f"record_{area}"](args.corpus, args.out, tmp)
            print(f"{area}: {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
