"""A real project's pact history through the embedded broker: webhooks, labels, clean.

Replays the git history of a real consumer's pact file (by default the official Ruby
client's ``spec/pacts/pact_broker_client-pact_broker.json``, consumer "Pact Broker Client",
provider "Pact Broker") as a new user's CI would: one ``contracts publish`` per commit
(version = the commit, branch ``master``), a few on a feature branch, one version deployed
to production. A webhook scoped by *consumer label* waits for ``contract_content_changed``
at a receiver on 127.0.0.1; another, scoped to a different label, must never fire. Then
``contracts broker clean`` runs with keep-selectors and the versions left are compared with
what the Pact Broker's maintenance docs say those selectors keep.

    git clone https://github.com/pact-foundation/pact_broker-client /tmp/client
    .venv/bin/python bench/broker_history_trial.py /tmp/client            # SQLite
    .venv/bin/python bench/broker_history_trial.py /tmp/client --db postgresql://...

Exits 1 and says what differed when an expectation fails.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from seam.verify._provider import free_port

BIN = Path(sys.executable).parent
PACT = "spec/pacts/pact_broker_client-pact_broker.json"
CONSUMER, PROVIDER = "Pact Broker Client", "Pact Broker"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def history(repo: Path, path: str, count: int) -> list[tuple[str, dict[str, Any]]]:
    """The last ``count`` commits that touched ``path``, oldest first, with its content."""
    shas = _git(repo, "log", f"-{count}", "--format=%h", "--", path).split()
    return [(sha, json.loads(_git(repo, "show", f"{sha}:{path}"))) for sha in reversed(shas)]


class Receiver(http.server.ThreadingHTTPServer):
    """Records each webhook request's path and JSON body."""

    def __init__(self) -> None:
        self.got: list[tuple[str, Any]] = []
        received = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                received.got.append((self.path, json.loads(body or b"null")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


def _canonical(doc: dict[str, Any]) -> str:
    # What a reader would call "the same pact": the same JSON, key order and spacing aside.
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def run(repo: Path, db: str, count: int, work: Path) -> list[str]:
    """Replay the history; return what differed from the expectations (empty: all held)."""
    problems: list[str] = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PACT_BROKER_BASE_URL": base}
    log = (work / "broker.log").open("wb")
    server = subprocess.Popen(
        [
            BIN / "contracts",
            "broker",
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--webhook-poll",
            "0.2",
            "--no-access-log",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    receiver = Receiver()
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=30)
        client.put(f"/pacticipants/{quote(CONSUMER)}/labels/ruby-clients").raise_for_status()
        for label, path in (("ruby-clients", "/changed"), ("go-clients", "/never")):
            client.post(
                "/webhooks",
                json={
                    "consumer": {"label": label},
                    "events": [{"name": "contract_content_changed"}],
                    "request": {
                        "method": "POST",
                        "url": receiver.url + path,
                        "body": {
                            "version": "${pactbroker.consumerVersionNumber}",
                            "branch": "${pactbroker.consumerVersionBranch}",
                            "labels": "${pactbroker.consumerLabels}",
                        },
                    },
                },
            ).raise_for_status()
        commits = history(repo, PACT, count)
        folder = work / "pacts"
        folder.mkdir()
        expected_changes: list[str] = []
        previous = None
        for sha, doc in commits:
            (folder / "pact.json").write_text(json.dumps(doc))
            subprocess.run(
                [BIN / "contracts", "publish", str(folder), "-a", sha, "--branch", "master"],
                check=True,
                env=env,
                capture_output=True,
            )
            if previous != _canonical(doc):
                expected_changes.append(sha)
            previous = _canonical(doc)
        # Two commits of a feature branch: the newest master content, then an older one.
        feature = [("feat-1", commits[-1][1]), ("feat-2", commits[len(commits) // 2][1])]
        for number, doc in feature:
            (folder / "pact.json").write_text(json.dumps(doc))
            published = subprocess.run(
                [BIN / "contracts", "publish", str(folder), "-a", number, "--branch", "feat/x"],
                env=env,
                capture_output=True,
                text=True,
            )
            if published.returncode:
                sys.exit(f"publish {number} failed: {published.stdout}{published.stderr}")
        expected_changes += ["feat-1", "feat-2"]  # a branch's first pact counts as changed
        deployed = commits[len(commits) // 3][0]
        for args in (
            ["create-environment", "--name", "production", "--production"],
            ["record-deployment", "-a", CONSUMER, "-e", deployed, "--environment", "production"],
        ):
            subprocess.run([BIN / "contracts", *args], check=True, env=env, capture_output=True)
        deadline = time.monotonic() + 30
        while len(receiver.got) < len(expected_changes) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # anything extra would arrive within a few polls
        got = [body["version"] for path, body in receiver.got if path == "/changed"]
        if sorted(got) != sorted(expected_changes):
            problems.append(
                f"contract_content_changed fired for {got}, expected {expected_changes}"
            )
        if any(path == "/never" for path, _ in receiver.got):
            problems.append("the go-clients webhook fired for a consumer without that label")
        if not all(body["labels"] == "ruby-clients" for _, body in receiver.got):
            problems.append(f"consumerLabels not filled: {receiver.got[:1]}")
        print(
            f"published {len(commits)} master commits + 2 feature versions; "
            f"{len(expected_changes)} content changes expected, {len(got)} webhook calls"
        )
        # The default selectors include the last 90 days, counted from when each version was
        # published to this broker, not from its commit: a replayed history is all "new".
        default = subprocess.run(
            [BIN / "contracts", "broker", "clean", "--db", db, "--dry-run", "--format", "json"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        print(f"default selectors would remove {len(json.loads(default.stdout)['removed'])}")
        keep = ['{"branch": true, "latest": true}', '{"deployedOrReleased": true}']
        args = ["broker", "clean", "--db", db, "--format", "json"]
        for selector in keep:
            args += ["--keep", selector]
        cleaned = subprocess.run(
            [BIN / "contracts", *args], check=True, env=env, capture_output=True, text=True
        )
        removed = json.loads(cleaned.stdout)["removed"]
        left = [
            v["number"]
            for v in client.get(f"/pacticipants/{quote(CONSUMER)}/versions").json()["_embedded"][
                "versions"
            ]
        ]
        # The maintenance docs: a version survives when any keep selector selects it; these
        # select the newest of each branch and what an environment uses.
        want = {commits[-1][0], "feat-2", deployed}
        print(f"clean removed {len(removed)} version(s); left {sorted(left)}")
        if set(left) != want:
            problems.append(f"clean left {sorted(left)}, the selectors keep {sorted(want)}")
        matrix = client.get(
            "/matrix",
            params={"q[][pacticipant]": CONSUMER, "q[][version]": deployed, "latestby": "cvp"},
        )
        if matrix.status_code != 200:
            problems.append(f"the deployed version's matrix answers {matrix.status_code}")
    finally:
        server.terminate()
        server.wait(30)
        receiver.shutdown()
        log.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a clone of pact-foundation/pact_broker-client")
    parser.add_argument("--db", help="a postgresql:// URL (default: a new SQLite file)")
    parser.add_argument("--count", type=int, default=30, help="commits to replay")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seam-trial-") as tmp:
        work = Path(tmp)
        problems = run(options.repo, options.db or str(work / "broker.sqlite"), options.count, work)
        if problems:
            print("broker log tail:\n" + (work / "broker.log").read_text()[-2000:])
    for problem in problems:
        print("DIFFERS:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
