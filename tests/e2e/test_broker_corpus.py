"""Replay the official broker clients' own pacts against ``contracts broker serve``.

``Pact_Broker_Client_V2-Pact_Broker.json`` is the Ruby client's contract with the Pact
Broker (67 interactions); the two compatibility-suite files cover pacts-for-verification
and verification results. Each is verified by Seam's own ``verify`` (the Rust verifier underneath)
against a real broker process, on SQLite and on PostgreSQL; provider states wipe its
database and seed it through its service layer (``seam.server.BrokerService`` on the same
database), the way pact_broker's ``shared_provider_states.rb`` seeds the real one.
"""

from __future__ import annotations

import http.server
import json
import re
import shlex
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from seam.model import CaseStatus, Finding, Report
from seam.server import BrokerService, Storage
from seam.verify import ProviderStates, verify
from seam.verify._provider import ProviderProcess, free_port

from ..conftest import ServeHTTP, corpus_root, empty_database

CORPUS = corpus_root() / "broker"
V2 = CORPUS / "Pact_Broker_Client_V2-Pact_Broker.json"
# The older client pact, whose requests use placeholder paths (see PlaceholderShim).
V1 = CORPUS / "pact_broker_client-pact_broker.json"
COMPAT = [CORPUS / "compat-suite-pact-broker_c1.json", CORPUS / "compat-suite-pact-broker_c2.json"]
CONTRACTS = Path(sys.executable).parent / "contracts"

# Every test here needs the corpus: skipped without it, failed under SEAM_REQUIRE_CORPUS.
pytestmark = pytest.mark.usefixtures("corpus")


class Broker:
    """A ``contracts broker serve`` process, seeded through its service on the same database.

    The seeding ``BrokerService`` runs in this process over the broker's database (one
    transaction per call), as ``seam.server`` documents for provider states.
    """

    def __init__(self, url: str, db: Path | str) -> None:
        self.url = url
        self.db = db
        self.storage = Storage(db)
        self.service = BrokerService(self.storage)

    def close(self) -> None:
        self.storage.close()

    def wipe(self) -> None:
        """Delete every row (the schema stays), so each interaction starts from nothing."""
        if isinstance(self.db, str):
            empty_database(self.db)
            return
        conn = sqlite3.connect(self.db, timeout=30, isolation_level=None)
        try:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
                )
            ]
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("BEGIN IMMEDIATE")
            for table in tables:
                conn.execute(f'DELETE FROM "{table}"')
            conn.execute("COMMIT")
        finally:
            conn.close()

    def pacticipant(self, name: str, repository_url: str | None = None) -> None:
        fields = {"repositoryUrl": repository_url} if repository_url else {}
        self.service.save_pacticipant(name, fields)

    def version(
        self, pacticipant: str, number: str, *, tags: tuple[str, ...] = (), branch: str = ""
    ) -> None:
        fields: dict[str, Any] = {"tags": list(tags)}
        if branch:
            fields["branch"] = branch
        self.service.save_version(pacticipant, number, fields)

    def pact(
        self, consumer: str, version: str, provider: str, *, tags: tuple[str, ...] = ()
    ) -> str:
        """Publish a pact whose content is unique to this consumer version; return its sha."""
        row, _ = self.service.put_pact(
            provider, consumer, version, _pact_content(consumer, provider, version)
        )
        for tag in tags:
            self.service.add_tag(consumer, version, tag)
        return str(row["sha"])

    def verify(
        self,
        sha: str,
        consumer: str,
        provider: str,
        version: str,
        *,
        success: bool,
        tags: tuple[str, ...] = (),
    ) -> None:
        body = {"success": success, "providerApplicationVersion": version}
        self.service.record_verification(provider, consumer, sha, body)
        for tag in tags:
            self.service.add_tag(provider, version, tag)

    def environment(self, name: str, uuid: str | None = None) -> str:
        body = {
            "name": name,
            "displayName": name.title(),
            "production": False,
            "contacts": [{"name": "Foo team", "details": {"emailAddress": "foo@bar.com"}}],
        }
        env, _ = self.service.save_environment(body, uuid=uuid)
        return str(env["uuid"])

    def deploy(
        self, pacticipant: str, version: str, environment_uuid: str, instance: str | None = None
    ) -> None:
        body = {"applicationInstance": instance} if instance else {}
        self.service.record_deployment(pacticipant, version, environment_uuid, body)


def _pact_content(consumer: str, provider: str, version: str) -> dict[str, Any]:
    # No interactions (the client's pact expects ``"interactions": []``); the metadata
    # makes each consumer version's content, and so its pact version, distinct.
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [],
        "metadata": {"pactSpecification": {"version": "2.0.0"}, "seeded-for": version},
    }


SHA = "5556b8149bf8bac76bc30f50a8a2dd4c22c85f30"
ENV_UUID = "16926ef3-590f-4e3f-838e-719717aa88c9"
TEST_ENV_UUID = "cb632df3-0a0d-4227-aac3-60114dd36479"
DEPLOYED_UUID = "ff3adecf-cfc5-4653-a4e3-f1861092f8e0"
WEBHOOK_UUID = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0"
PRICING_REPO = "git@git.realestate.com.au:business-systems/pricing-service"


def _verified(consumer: str) -> Callable[[Broker], None]:
    def seed(b: Broker) -> None:
        sha = b.pact(consumer, "1.2.3", "Bar")
        b.verify(sha, consumer, "Bar", "4.5.6", success=True)

    return seed


def _good_and_bad(provider_tags: tuple[str, ...]) -> Callable[[Broker], None]:
    def seed(b: Broker) -> None:
        good = b.pact("Foo", "1.2.3", "Bar")
        b.verify(good, "Foo", "Bar", "4.5.6", success=True, tags=provider_tags)
        bad = b.pact("Foo", "1.2.4", "Bar")
        b.verify(bad, "Foo", "Bar", "9.9.9", success=False)

    return seed


def _two_providers(first_tags: tuple[str, ...]) -> Callable[[Broker], None]:
    def seed(b: Broker) -> None:
        sha = b.pact("Foo", "1.2.3", "Bar")
        b.verify(sha, "Foo", "Bar", "4.5.6", success=True, tags=first_tags)
        b.verify(sha, "Foo", "Bar", "5.6.7", success=True)

    return seed


def _two_consumer_versions(b: Broker) -> None:
    for version in ("1.2.3", "1.2.4"):
        b.verify(b.pact("Foo", version, "Bar"), "Foo", "Bar", "4.5.6", success=True)


def _ignored_failure(b: Broker) -> None:
    good = b.pact("Foo", "1.2.3", "Bar", tags=("prod",))
    b.verify(good, "Foo", "Bar", "4.5.6", success=True)
    bad = b.pact("Foo", "3.4.5", "Bar", tags=("prod",))
    b.verify(bad, "Foo", "Bar", "4.5.6", success=False)


def _foo_version_with_environments(*names: str) -> Callable[[Broker], None]:
    def seed(b: Broker) -> None:
        b.version("Foo", SHA)
        for name in names:
            b.environment(name, TEST_ENV_UUID if name == "test" else None)

    return seed


def _deployed_to_env(b: Broker) -> None:
    env = b.environment("test", ENV_UUID)
    b.version("Foo", "2")
    b.deploy("Foo", "2", env, "customer-1")


def _currently_deployed(b: Broker) -> None:
    env = b.environment("test")
    b.version("Foo", "2")
    b.deploy("Foo", "2", env)
    # The client's request names this deployment's UUID; no API lets a caller choose it.
    with b.storage.write() as conn:
        conn.execute("UPDATE deployed_versions SET uuid = ?", (DEPLOYED_UUID,))


def _both_exist(b: Broker) -> None:
    b.pacticipant("Pricing Service")
    b.pacticipant("Condor")


def _pricing_exists(b: Broker) -> None:
    b.pacticipant("Pricing Service", PRICING_REPO)
    b.version("Pricing Service", "1.3.0")


def _webhook_exists(b: Broker) -> None:
    _both_exist(b)
    b.service.save_webhook(
        {
            "consumer": {"name": "Condor"},
            "provider": {"name": "Pricing Service"},
            "description": "a webhook",
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": "https://webhook", "body": {"some": "body"}},
        },
        uuid=WEBHOOK_UUID,
    )


def _nothing(b: Broker) -> None:
    """A state that says something does not exist: the wiped database is that state."""


STATES: dict[str, Callable[[Broker], None]] = {
    f"an environment with name test and UUID {ENV_UUID} exists": lambda b: b.environment(
        "test", ENV_UUID
    ),
    "the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6": _verified(
        "Foo Thing"
    ),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6": _verified("Foo"),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with "
    "tag prod, and 1.2.4 unsuccessfully by 9.9.9": _good_and_bad(("prod",)),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 "
    "(tagged prod) and version 5.6.7": _two_providers(("prod",)),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and "
    "1.2.4 unsuccessfully by 9.9.9": _good_and_bad(()),
    "the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6": (
        _two_consumer_versions
    ),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7": (
        _two_providers(())
    ),
    "the pacticipant relations are present": _nothing,
    "the pb:environments relation exists in the index resource": _nothing,
    "the pb:latest-tagged-version relation exists in the index resource": _nothing,
    "the pb:latest-version relation exists in the index resource": _nothing,
    "the pb:pacticipant-branch relation exists in the index resource": _nothing,
    "the pb:pacticipant-version and pb:environments relations exist in the index resource": (
        _nothing
    ),
    "the pb:publish-contracts relations exists in the index resource": _nothing,
    f"version {SHA} of pacticipant Foo exists with 2 environments that aren't test available "
    "for deployment": _foo_version_with_environments("prod", "dev"),
    f"version {SHA} of pacticipant Foo exists with a test environment available for deployment": (
        _foo_version_with_environments("test")
    ),
    f"version {SHA} of pacticipant Foo exists with a test environment available for release": (
        _foo_version_with_environments("test")
    ),
    "an environment with name test exists": lambda b: b.environment("test"),
    "an environment exists": lambda b: b.environment("test"),
    "a latest pact between Condor and the Pricing Service exists": lambda b: b.pact(
        "Condor", "1.3.0", "Pricing Service"
    ),
    "tagged as prod pact between Condor and the Pricing Service exists": lambda b: b.pact(
        "Condor", "1.3.0", "Pricing Service", tags=("prod",)
    ),
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already "
    "has a pact published for version 1.3.0": lambda b: b.pact(
        "Condor", "1.3.0", "Pricing Service"
    ),
    "'Condor' does not exist in the pact-broker": lambda b: b.pacticipant("Pricing Service"),
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker": _both_exist,
    "a branch named main exists for pacticipant Foo": lambda b: b.version(
        "Foo", "1", branch="main"
    ),
    "provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod "
    "and a failed verification for version 3.4.5 tagged prod": _ignored_failure,
    "the 'Pricing Service' already exists in the pact-broker": _pricing_exists,
    "the 'Pricing Service' does not exist in the pact-broker": _nothing,
    "'Condor' exists in the pact-broker": lambda b: b.version("Condor", "1.3.0"),
    "a pact between Condor and the Pricing Service exists": lambda b: b.pact(
        "Condor", "1.3.0", "Pricing Service"
    ),
    f"an version is deployed to environment with UUID {ENV_UUID} with target customer-1": (
        _deployed_to_env
    ),
    "a currently deployed version exists": _currently_deployed,
    "a pacticipant with name Foo exists": lambda b: b.pacticipant("Foo"),
    "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3": (
        lambda b: b.version("Condor", "1.2.3", tags=("production",))
    ),
    "no pact between Condor and the Pricing Service exists": _nothing,
    "'Condor' exists in the pact-broker with the latest version 1.2.3": lambda b: b.version(
        "Condor", "1.2.3"
    ),
    "a pact between Condor and the Pricing Service exists for the production version of Condor": (
        lambda b: b.pact("Condor", "1.3.0", "Pricing Service", tags=("prod",))
    ),
    "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'": lambda b: (
        b.version("Condor", "1.3.0", tags=("prod",))
    ),
    f"a webhook with the uuid {WEBHOOK_UUID} exists": _webhook_exists,
}


@contextmanager
def _serve(tmp_path: Path, db: Path | str, *extra: str) -> Iterator[Broker]:
    """Run ``contracts broker serve`` on a free port; yield it with its database at hand."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = shlex.join(
        [str(CONTRACTS), "broker", "serve", "--db", str(db), "--port", str(port), *extra]
    )
    with ProviderProcess(command, url, ready_timeout=20, log_dir=tmp_path):
        b = Broker(url, db)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def broker(tmp_path: Path, broker_database: Path | str) -> Iterator[Broker]:
    """The broker for the Ruby client's pact, with example.org as its public base URL.

    The real Pact Broker verifies this pact through Rack::Test, whose host is
    example.org; a few of its responses compare absolute hrefs built from that host.
    """
    with _serve(tmp_path, broker_database, "--base-url", "http://example.org") as b:
        yield b


@pytest.fixture
def plain_broker(tmp_path: Path, broker_database: Path | str) -> Iterator[Broker]:
    """The broker for the compatibility-suite pacts (hrefs from the request's own URL)."""
    with _serve(tmp_path, broker_database) as b:
        yield b


def _registry(broker: Broker) -> ProviderStates:
    """Every state the corpus names: wipe the database, then seed that state."""
    states = ProviderStates()
    for name, seed in STATES.items():

        def setup(seed: Callable[[Broker], None] = seed) -> None:
            broker.wipe()
            seed(broker)

        states.given(name)(setup)
        # Wipe after each interaction too, so one without a state starts from nothing.
        states.teardown(name)(broker.wipe)
    return states


def _replay(broker: Broker, pact_file: Path, states: ProviderStates | None) -> Report:
    """Verify ``pact_file`` against the broker with Seam's own verify."""
    return verify([pact_file], provider="Pact Broker", base_url=broker.url, states=states)


def _failures(report: Report) -> list[str]:
    failed = [c for c in report.cases if c.status is not CaseStatus.PASSED]
    return [f"{c.name}: " + "; ".join(f.message for f in c.findings)[:400] for c in failed]


def test_ruby_client_v2_pact(broker: Broker) -> None:
    """Every interaction of the official Ruby client's V2 pact passes against the broker."""
    report = _replay(broker, V2, _registry(broker))
    failures, total = _failures(report), len(report.cases)
    print(f"\nbroker corpus V2: {total - len(failures)}/{total} interactions pass")
    assert not failures, f"{len(failures)}/{total} failed:\n" + "\n".join(failures)


def _fixture_divergence(finding: Finding) -> str | None:
    """Why a compatibility-suite mismatch cannot pass against any real Pact Broker, if so.

    Those fixtures were recorded against pact-reference's mock broker: they use regex
    syntax the Rust verifier rejects, pin hrefs to the mock's own address, and expect
    ``application/json`` where the Pact Broker documents ``application/hal+json``, and
    name pacts without the consumer version the Pact Broker puts in.
    """
    said = str(finding.details.get("verifier", "")) + " " + finding.message
    # The verifier reports values as JSON: strings keep their quotes.
    expected = str(finding.details.get("expected", "")).strip('"')
    actual = str(finding.details.get("actual", "")).strip('"')
    if "is not a valid regular expression" in said or "\\Q" in said:
        return "fixture regex the Rust verifier cannot run"
    if finding.location.lower() == "header content-type" and actual.startswith(
        "application/hal+json"
    ):
        return "expects application/json where the Pact Broker answers HAL"
    if "localhost:9876" in expected or "localhost:9876" in said:
        return "href pinned to the mock broker's address"
    named = re.fullmatch(r"Pact between (\S+) and (\S+)", expected)
    if named and re.fullmatch(
        rf"Pact between {re.escape(named[1])} \(.+\) and {re.escape(named[2])}", actual
    ):
        # pact_broker names a pact "Pact between C (version) and P"; the mock leaves it out.
        return "the mock names pacts without the consumer version"
    return None


def _consumers_named(pact_file: Path) -> list[str]:
    """The consumers whose pacts the file's requests name (/pacts/provider/p/consumer/C/...)."""
    doc = json.loads(pact_file.read_text())
    found = [re.search(r"/consumer/([^/]+)/", i["request"]["path"]) for i in doc["interactions"]]
    return sorted({m.group(1) for m in found if m})


@pytest.mark.parametrize("pact_file", COMPAT, ids=lambda p: p.stem)
def test_compatibility_suite_pact(plain_broker: Broker, pact_file: Path) -> None:
    """Every mismatch on a compatibility-suite pact is one of the fixture's own divergences."""
    for consumer in _consumers_named(pact_file):
        plain_broker.pact(consumer, "1.0.0", "p")
    report = _replay(plain_broker, pact_file, None)
    failed = [c for c in report.cases if c.status is not CaseStatus.PASSED]
    reasons = Counter(_fixture_divergence(f) for c in failed for f in c.findings)
    print(
        f"\n{pact_file.name}: {len(report.cases) - len(failed)}/{len(report.cases)} pass; "
        f"mismatches by reason: {dict(reasons)}"
    )
    unexplained = [
        f"{c.name}: {f.message}"
        for c in failed
        for f in c.findings
        if _fixture_divergence(f) is None
    ]
    assert unexplained == []


def _pacticipant_named(b: Broker, shouted: str) -> str:
    """The pacticipant whose name is ``shouted`` ignoring case (placeholders upper-case it)."""
    return next(p["name"] for p in b.service.list_pacticipants() if p["name"].upper() == shouted)


def _record(b: Broker, m: re.Match[str]) -> str:
    kind, who, number, env = m.groups()
    name = _pacticipant_named(b, who)
    uuid = b.service.list_environments(env.lower())[0]["uuid"]
    what = "deployed" if kind == "DEPLOYMENT" else "released"
    return f"/pacticipants/{name}/versions/{number.lower()}/{what}-versions/environment/{uuid}"


# The older pact's placeholder paths and the broker paths they stand for; pact_broker's own
# CI passes that pact through the same kind of request-rewriting shim.
PLACEHOLDERS: list[tuple[re.Pattern[str], Callable[[Broker, re.Match[str]], str]]] = [
    (
        re.compile(r"/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-BRANCH-([^-]+)-(.+)"),
        lambda b, m: f"/pacticipants/{m[1]}/branches/{m[2]}",
    ),
    (re.compile(r"/HAL-REL-PLACEHOLDER-PB-ENVIRONMENTS"), lambda b, m: "/environments"),
    (re.compile(r"/HAL-REL-PLACEHOLDER-PB-ENVIRONMENT-(.+)"), lambda b, m: f"/environments/{m[1]}"),
    (
        re.compile(r"/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-VERSION-([^-]+)-(.+)"),
        lambda b, m: f"/pacticipants/{m[1]}/versions/{m[2]}",
    ),
    (
        re.compile(r"/PLACEHOLDER-ENVIRONMENT-CURRENTLY-DEPLOYED-(.+)"),
        lambda b, m: f"/environments/{m[1]}/deployed-versions/currently-deployed",
    ),
    (re.compile(r"/PLACEHOLDER-DEPLOYED-VERSION-(.+)"), lambda b, m: f"/deployed-versions/{m[1]}"),
    (re.compile(r"/HAL-REL-PLACEHOLDER-PB-PUBLISH-CONTRACTS"), lambda b, m: "/contracts/publish"),
    (
        re.compile(r"/HAL-REL-PLACEHOLDER-PB-RECORD-(DEPLOYMENT|RELEASE)-([^-]+)-([^-]+)-(.+)"),
        _record,
    ),
    (
        re.compile(r"/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-TAGGED-VERSION-([^-]+)-(.+)"),
        lambda b, m: f"/pacticipants/{m[1]}/latest-version/{m[2]}",
    ),
    (
        re.compile(r"/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-VERSION-(.+)"),
        lambda b, m: f"/pacticipants/{m[1]}/latest-version",
    ),
    (re.compile(r"/HAL-REL-PLACEHOLDER-PB-WEBHOOKS"), lambda b, m: "/webhooks"),
]

_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}


def _placeholder_shim(
    broker: Broker, client: httpx.Client
) -> type[http.server.BaseHTTPRequestHandler]:
    """A reverse proxy in front of the broker that rewrites placeholder paths, nothing else."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            path, _, query = self.path.partition("?")
            for pattern, target in PLACEHOLDERS:
                m = pattern.fullmatch(path)
                if m:
                    path = target(broker, m)
                    break
            size = int(self.headers.get("Content-Length") or 0)
            # A list, not a dict: a header sent on several lines keeps every value.
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
            answer = client.request(
                self.command,
                broker.url + path + (f"?{query}" if query else ""),
                headers=headers,
                content=self.rfile.read(size) if size else None,
            )
            self.send_response(answer.status_code)
            for key, value in answer.headers.multi_items():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_older_ruby_client_pact_through_placeholder_shim(
    broker: Broker, serve_http: ServeHTTP
) -> None:
    """The older client pact (placeholder paths) passes through a path-rewriting shim."""
    with httpx.Client(timeout=30) as client:
        shim = serve_http(_placeholder_shim(broker, client))
        report = verify([V1], provider="Pact Broker", base_url=shim, states=_registry(broker))
    failures, total = _failures(report), len(report.cases)
    print(f"\nbroker corpus (older client pact): {total - len(failures)}/{total} pass")
    assert not failures, f"{len(failures)}/{total} failed:\n" + "\n".join(failures)
