#!/usr/bin/env bash
# The whole Seam loop on the embedded defaults, one step at a time.
# Each step prints what it does; steps not built yet say so plainly.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=.demo
rm -rf "$WORK" && mkdir -p "$WORK"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
todo() { printf '   (not built yet: %s)\n' "$*"; }
# wait_http LOG URL...: wait (up to 20 s each) until every URL answers; else stop, naming LOG.
wait_http() {
  python - "$@" <<'PY'
import sys, time, httpx
log, urls = sys.argv[1], sys.argv[2:]
for url in urls:
    for _ in range(200):
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        sys.exit(f"{url} did not start: see {log}")
PY
}

step "1. consumer tests (pytest + seam plugin) write contracts/"
# The example consumers' contract tests run against pact_ffi's real mock server; the seam
# plugin writes contracts/pacts/<consumer>-tasks-api.json and an OpenAPI snapshot of what each
# consumer uses, contracts/openapi/<consumer>-tasks-api.yaml (rewritten only if they changed).
# The dashboard talks GraphQL to projects-api: its operations also go to
# contracts/graphql/dashboard-projects-api.graphql (step 9).
python -m pytest consumers -q -p no:cacheprovider -p no:randomly
echo "   what web uses of tasks-api, inferred from its pact:"
grep -E '^  /|^    (get|post|patch|delete):' contracts/openapi/web-tasks-api.yaml | sed 's/^/   /'

step "2. snapshot the provider's own OpenAPI into contracts/openapi/"
# Straight from the provider's code, no server needed (--url http://HOST:PORT/openapi.json
# asks a running one). Validated, normalised, and rewritten only if it really changed.
PYTHONPATH=providers/tasks contracts snapshot --app tasks_api.app:app --provider tasks-api
echo "   again with --check, as a provider's CI would: exit 1 if the committed file is stale"
PYTHONPATH=providers/tasks contracts snapshot --app tasks_api.app:app --provider tasks-api --check
echo "   --check is a report like any other: --format json|markdown|github|junit, -o FILE"
PYTHONPATH=providers/tasks contracts snapshot --app tasks_api.app:app --provider tasks-api --check \
  --format json -o "$WORK/snapshot-check.json"
python -c 'import json,sys; m=json.load(open(sys.argv[1]))["meta"]; print("  ", m["snapshot"], m["state"])' \
  "$WORK/snapshot-check.json"

step "3. start the provider and verify every pact against it"
# --start runs the provider on a free port ({port}) per worker, each with its own SQLite
# database ({worker}); the state handlers in tasks_api.states seed it before each interaction.
# The notifier's message interactions are replayed against the producers in tasks_api.messages.
VERIFY=(--provider tasks-api --states tasks_api.states:states --messages tasks_api.messages:messages
        --base-url "http://127.0.0.1:{port}" --env "DATABASE_URL=sqlite:///$PWD/$WORK/verify-{worker}.db")
PYTHONPATH=providers/tasks contracts verify "${VERIFY[@]}" --workers 2 \
  --start "python -m tasks_api serve --port {port}" --junit "$WORK/verify.xml"
echo "   the same pacts against a provider whose create answers 200 instead of 201:"
if PYTHONPATH=providers/tasks contracts verify "${VERIFY[@]}" -q \
     --start "python tests/verify/mutant_app.py created-200 {port} \"\$DATABASE_URL\""; then
  echo "   unexpected: the broken provider passed" >&2; exit 1
else
  echo "   (exit $? as it should: the consumers expect 201)"
fi

step "3a. the same verification split across two CI machines, then one report"
# Each "machine" verifies its share (a stable hash of each interaction) and writes JSON;
# verify-merge joins them and exits 1 if any shard failed. A failure prints its rerun command.
for i in 1 2; do
  PYTHONPATH=providers/tasks contracts verify "${VERIFY[@]}" -q --shard "$i/2" \
    --start "python -m tasks_api serve --port {port}" --format json --output "$WORK/verify-$i.json"
done
contracts verify-merge "$WORK/verify-2.json" "$WORK/verify-1.json" | tail -n 1

step "3b. messages: the notifier's message pact against the provider's event producers"
# The notifier's tests recorded what it reads of task.created and task.status_changed; the
# producers change a task the way the API does and return the event it put in the outbox.
python - "$WORK/notifier-messages.json" <<'PY'
import json, sys
doc = json.load(open("contracts/pacts/notifier-tasks-api.json"))
doc["interactions"] = [i for i in doc["interactions"] if i.get("type") == "Asynchronous/Messages"]
json.dump(doc, open(sys.argv[1], "w"))
PY
MESSAGES=("$WORK/notifier-messages.json" --states tasks_api.states:states -q
          --env "DATABASE_URL=sqlite:///$PWD/$WORK/messages.db")
echo "   messages only: no provider to start, no --base-url"
PYTHONPATH=providers/tasks contracts verify "${MESSAGES[@]}" --messages tasks_api.messages:messages
echo "   the same pact against a producer whose task.title was renamed to name:"
if PYTHONPATH=providers/tasks:tests/verify contracts verify "${MESSAGES[@]}" \
     --messages mutant_messages:renamed_field; then
  echo "   unexpected: the broken producer passed" >&2; exit 1
else
  echo "   (exit $? as it should: the notifier reads task.title)"
fi

step "4. check every pact against the provider's OpenAPI (no provider running)"
if compgen -G "contracts/pacts/*-tasks-api.json" >/dev/null; then
  # contracts/pacts/*-tasks-api.json against contracts/openapi/tasks-api.yaml
  contracts check --provider tasks-api
else
  todo "no example pacts in contracts/pacts yet (step 1 writes them)"
fi
echo "   a consumer that expects a field, a status and an anonymous delete the spec does not offer:"
cat >"$WORK/mobile-tasks-api.json" <<'PACT'
{"consumer": {"name": "mobile"}, "provider": {"name": "tasks-api"},
 "metadata": {"pactSpecification": {"version": "3.0.0"}},
 "interactions": [
  {"description": "read a task with its priority", "request": {"method": "GET", "path": "/tasks/1"},
   "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                "body": {"id": 1, "title": "ship it", "status": "open", "priority": "high"}}},
  {"description": "a gone task", "request": {"method": "GET", "path": "/tasks/2"},
   "response": {"status": 410}},
  {"description": "delete without a token", "request": {"method": "DELETE", "path": "/tasks/1"},
   "response": {"status": 204}}]}
PACT
if contracts check "$WORK/mobile-tasks-api.json" --openapi contracts/openapi/tasks-api.yaml; then
  echo "   unexpected: the incompatible pact passed" >&2; exit 1
else
  echo "   (exit $? as it should: the pact is incompatible)"
fi
echo "   the GraphQL example: dashboard's pact against contracts/graphql/projects-api.graphql (found by name):"
contracts check --provider projects-api
# The test fixtures cover more of GraphQL: a users-api schema and web's pact of seven
# requests (POST, GET, aliases, fragments on an interface and a union, errors).
echo "   a GraphQL consumer's pact against the provider's schema (--graphql):"
contracts check tests/graphql/fixtures/web-users-api.json --graphql tests/graphql/fixtures/users-api.graphql
echo "   the same pact after the consumer starts expecting a field the schema does not have:"
python - tests/graphql/fixtures/web-users-api.json "$WORK/web-users-api.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["interactions"][0]["response"]["body"]["data"]["user"]["age"] = "thirty-six"
doc["interactions"][2]["request"]["body"]["query"] = 'query Search { search(text: "a") { email } }'
json.dump(doc, open(sys.argv[2], "w"), indent=1)
PY
if contracts check "$WORK/web-users-api.json" --graphql tests/graphql/fixtures/users-api.graphql; then
  echo "   unexpected: the incompatible GraphQL pact passed" >&2; exit 1
else
  echo "   (exit $? as it should: an invalid operation and an Int recorded as a string)"
fi

step "5. diff the contracts against the committed version"
# A provider change under review: Task.status is renamed to state in its snapshot.
NEXT="$WORK/contracts-next"
cp -r contracts "$NEXT"
python - "$NEXT/openapi/tasks-api.yaml" <<'PY'
import sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path, encoding="utf-8"))
task = doc["components"]["schemas"]["Task"]
task["properties"]["state"] = task["properties"].pop("status")
task["required"] = sorted("state" if n == "status" else n for n in task["required"])
open(path, "w", encoding="utf-8").write(yaml.safe_dump(doc, sort_keys=False))
PY
# The consumers' pacts say who reads what: the committed ones and step 4's mobile pact.
mkdir -p "$WORK/diff-pacts"
cp contracts/pacts/*.json "$WORK/diff-pacts/" 2>/dev/null || true
cp "$WORK/mobile-tasks-api.json" "$WORK/diff-pacts/"
echo "   the provider renames Task.status to state; which consumer does that break?"
if contracts diff contracts "$NEXT" --pacts "$WORK/diff-pacts"; then
  echo "   unexpected: the rename passed" >&2; exit 1
else
  echo "   (exit $? as it should: a consumer reads \`status\`)"
fi
echo "   two bare files, pacts picked with --provider: GET /tasks/{id} answers 400 where it said 404"
python - contracts/openapi/tasks-api.yaml "$WORK/tasks-api-400.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
responses = doc["paths"]["/tasks/{id}"]["get"]["responses"]
responses["400"] = responses.pop("404")
open(sys.argv[2], "w", encoding="utf-8").write(yaml.safe_dump(doc, sort_keys=False))
PY
if contracts diff contracts/openapi/tasks-api.yaml "$WORK/tasks-api-400.yaml" \
    --pacts contracts/pacts --provider tasks-api; then
  echo "   unexpected: the status change passed" >&2; exit 1
else
  echo "   (exit $? as it should: notifier expects the 404)"
fi
echo "   the pull-request comment the rename would get (--format markdown; errors first, warnings"
echo "   collapsed, info only counted, under GitHub's size limit, a marker to update it in place):"
contracts diff contracts "$NEXT" --pacts "$WORK/diff-pacts" --format markdown --fail-on never \
  | sed 's/^/   | /'
echo "   PR mode: contracts/ as committed at HEAD against the working tree (report only):"
contracts diff --base HEAD contracts --fail-on never
echo "   what the GitHub Action runs (action.yml): diff against the base, check, annotations and the"
echo "   job summary; on GitHub it also keeps one pull-request comment (--no-comment here):"
contracts pull-request --base HEAD --no-comment --summary "$WORK/job-summary.md"

echo "   the same three checks as pre-commit hooks (.pre-commit-hooks.yaml), validated by pre-commit:"
pre-commit validate-manifest .pre-commit-hooks.yaml && grep -E '^- id:' .pre-commit-hooks.yaml | sed 's/^/   /'
echo "   GraphQL: two versions of a schema (SDL), judged by the graphql-* rules"
mkdir -p "$WORK/graphql"
cat >"$WORK/graphql/schema.graphql" <<'SDL'
type Query {
  users(first: Int = 10): [User!]!
}

type User {
  id: ID!
  name: String
  role: Role
}

enum Role { ADMIN MEMBER }
SDL
# The next version renames User.name, adds a required argument and an enum value.
sed -e 's/  name: String/  fullName: String/' -e 's/users(first: Int = 10)/users(first: Int = 10, orgId: ID!)/' \
    -e 's/ADMIN MEMBER/ADMIN MEMBER GUEST/' "$WORK/graphql/schema.graphql" >"$WORK/graphql/next.graphql"
if contracts diff "$WORK/graphql/schema.graphql" "$WORK/graphql/next.graphql"; then
  echo "   unexpected: the breaking schema change passed" >&2; exit 1
else
  echo "   (exit $? as it should: a rename and a required argument break clients)"
fi
echo "   the same change judged by a consumer's GraphQL operations, recorded in its pact:"
mkdir -p "$WORK/graphql/pacts"
cat >"$WORK/graphql/pacts/web-users-api.json" <<'PACT'
{"consumer": {"name": "web"}, "provider": {"name": "users-api"},
 "interactions": [{"description": "list user names",
   "request": {"method": "POST", "path": "/graphql", "headers": {"Content-Type": "application/json"},
               "body": {"query": "query UserNames { users { id name } }", "variables": {}}},
   "response": {"status": 200, "body": {"data": {"users": []}}}}],
 "metadata": {"pactSpecification": {"version": "3.0.0"}}}
PACT
if contracts diff "$WORK/graphql/schema.graphql" "$WORK/graphql/next.graphql" \
    --pacts "$WORK/graphql/pacts" --provider users-api; then
  echo "   unexpected: web's operation passed" >&2; exit 1
else
  echo "   (exit $? as it should: web's UserNames selects User.name)"
fi

step "5b. messages: events checked against the provider's AsyncAPI document, and a breaking change"
# The Tasks service's events are described in contracts/asyncapi/tasks-api.yaml (AsyncAPI 3.0).
# The notifier's own pact (step 1) holds its message interactions beside its HTTP ones:
# task.created and task.status_changed, which carries the task and its old and new status.
contracts check contracts/pacts/notifier-tasks-api.json \
  --asyncapi contracts/asyncapi/tasks-api.yaml
mkdir -p "$WORK/messages"
echo "   the provider renames old_status to previous_status in its events; who does that break?"
python - contracts/asyncapi/tasks-api.yaml "$WORK/messages/tasks-api.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
payload = doc["components"]["messages"]["taskStatusChanged"]["payload"]
payload["properties"]["previous_status"] = payload["properties"].pop("old_status")
payload["required"] = ["task", "previous_status", "new_status"]
open(sys.argv[2], "w", encoding="utf-8").write(yaml.safe_dump(doc, sort_keys=False))
PY
if contracts diff contracts/asyncapi/tasks-api.yaml "$WORK/messages/tasks-api.yaml" \
    --pacts contracts/pacts --provider tasks-api; then
  echo "   unexpected: the rename passed" >&2; exit 1
else
  echo "   (exit $? as it should: notifier's task.status_changed reads old_status)"
fi
echo "   and the renamed document no longer serves the notifier's pact:"
if contracts check contracts/pacts/notifier-tasks-api.json \
    --asyncapi "$WORK/messages/tasks-api.yaml"; then
  echo "   unexpected: the pact passed" >&2; exit 1
else
  echo "   (exit $? as it should)"
fi

step "6. which consumer uses what of tasks-api, and what no consumer uses"
# Routed and judged as diff judges who a change breaks; what nobody uses may change freely.
contracts usage --provider tasks-api --format markdown | sed 's/^/   /'
contracts usage --provider tasks-api --format html -o "$WORK/usage.html"
echo "   the same as one self-contained page (no external assets): open $WORK/usage.html"

step "7. publish to the embedded broker and ask can-i-deploy"
# The embedded broker in the background on a free port, its SQLite database in .demo/.
BROKER_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PACT_BROKER_BASE_URL="http://127.0.0.1:$BROKER_PORT"   # what every broker command reads
contracts broker serve --db "$WORK/broker.sqlite" --port "$BROKER_PORT" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
# A webhook receiver on 127.0.0.1: it appends each request body it gets to .demo/webhooks.log.
HOOK_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python - "$HOOK_PORT" "$WORK/webhooks.log" <<'PY' &
import http.server, sys

class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        with open(sys.argv[2], "a", encoding="utf-8") as log:
            log.write(body + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
HOOK_PID=$!
stop_broker() {
  kill "$BROKER_PID" "$HOOK_PID" 2>/dev/null && wait "$BROKER_PID" "$HOOK_PID" 2>/dev/null || true
}
trap stop_broker EXIT
wait_http .demo/broker.log "$PACT_BROKER_BASE_URL"
echo "   webhooks: tell a CI receiver which pacts tasks-api must verify and each result;"
echo "   and, scoped by the label team-notify, when its consumers' pacts change"
python - "$PACT_BROKER_BASE_URL" "$HOOK_PORT" <<'PY'
import sys, httpx
hook = {
    "description": "demo CI receiver",
    "provider": {"name": "tasks-api"},
    "events": [{"name": "contract_content_changed"}, {"name": "provider_verification_published"}],
    "request": {
        "method": "POST",
        "url": f"http://127.0.0.1:{sys.argv[2]}/ci",
        "headers": {"Content-Type": "application/json"},
        "body": {
            "scope": "provider tasks-api",
            "event": "${pactbroker.eventName}",
            "consumer": "${pactbroker.consumerName}",
            "pact": "${pactbroker.pactUrl}",
            "status": "${pactbroker.githubVerificationStatus}",
        },
    },
}
# A webhook scoped to a provider needs the provider to exist (as on the Pact Broker).
httpx.post(sys.argv[1] + "/pacticipants", json={"name": "tasks-api"}, timeout=10).raise_for_status()
httpx.post(sys.argv[1] + "/webhooks", json=hook, timeout=10).raise_for_status()
# A second one scoped by label: only consumers labelled team-notify (the notifier) trigger it.
httpx.put(sys.argv[1] + "/pacticipants/notifier/labels/team-notify", timeout=10).raise_for_status()
hook["description"] = "team-notify's consumers"
hook.pop("provider")
hook["consumer"] = {"label": "team-notify"}
hook["events"] = [{"name": "contract_content_changed"}]
hook["request"]["body"]["scope"] = "consumer label ${pactbroker.consumerLabels}"
httpx.post(sys.argv[1] + "/webhooks", json=hook, timeout=10).raise_for_status()
PY
V=$(git rev-parse --short HEAD)
contracts publish contracts/pacts -a "$V" --branch main
contracts create-environment --name production --production
echo "   can web $V go to production before tasks-api has verified its pact?"
if contracts can-i-deploy -a web -e "$V" --to-environment production; then
  echo "   unexpected: deployable without a verification" >&2; exit 1
else
  echo "   (exit $? as it should: no verification result yet)"
fi
echo "   tasks-api verifies the broker's pacts and publishes the results:"
PYTHONPATH=providers/tasks contracts verify "${VERIFY[@]}" -q \
  --start "python -m tasks_api serve --port {port}" --publish --provider-app-version "$V" --branch main
contracts record-deployment -a tasks-api -e "$V" --environment production
for consumer in web notifier; do
  contracts can-i-deploy -a "$consumer" -e "$V" --to-environment production
  contracts record-deployment -a "$consumer" -e "$V" --environment production
done
echo "   the next tasks-api build verifies on two CI machines: the broker's pacts are split by"
echo "   --shard like local ones, and verify-merge publishes one result per pact after the merge:"
for i in 1 2; do
  PYTHONPATH=providers/tasks contracts verify "${VERIFY[@]}" -q --shard "$i/2" \
    --start "python -m tasks_api serve --port {port}" --format json --output "$WORK/broker-verify-$i.json"
done
contracts verify-merge "$WORK/broker-verify-1.json" "$WORK/broker-verify-2.json" \
  --publish --provider-app-version "$V-next" --branch main | tail -n 1
contracts can-i-deploy -a tasks-api -e "$V-next" --to-environment production
contracts describe-version -a web
echo "   operations: probes, a README badge, a pact as a page and what Prometheus scrapes"
python - "$PACT_BROKER_BASE_URL" "$WORK" <<'PY'
import pathlib, sys, httpx
base, work = sys.argv[1], pathlib.Path(sys.argv[2])
print("   heartbeat:", httpx.get(base + "/diagnostic/status/heartbeat").json()["ok"])
print("   database:", httpx.get(base + "/diagnostic/status/dependencies").json()["database"])
badge = httpx.get(base + "/pacts/provider/tasks-api/consumer/web/latest/badge").text
print("   latest pact badge:", "verified" if ">verified<" in badge else "not verified")
(work / "web-tasks-api.html").write_text(httpx.get(
    base + "/pacts/provider/tasks-api/consumer/web/latest", headers={"Accept": "text/html"}).text)
print(f"   the pact as documentation: open {work / 'web-tasks-api.html'}")
series = [l for l in httpx.get(base + "/metrics").text.splitlines()
          if l.startswith("seam_broker_requests_total")]
print(f"   /metrics: {len(series)} request series, e.g. {series[0]}")
PY
echo "   every broker command takes --format and -o like the others: the deployment as JUnit XML"
contracts record-deployment -a web -e "$V" --environment production --format junit -o "$WORK/deployed.xml"
head -c 200 "$WORK/deployed.xml"; echo
echo "   the webhook's deliveries, as the receiver got them and in the broker's delivery log:"
python - "$PACT_BROKER_BASE_URL" "$WORK/webhooks.log" <<'PY'
import json, pathlib, sys, time, httpx
for _ in range(100):  # the worker looks for due deliveries every second
    rows = httpx.get(sys.argv[1] + "/triggered-webhooks", timeout=10).json()
    rows = rows["_embedded"]["triggeredWebhooks"]
    if rows and all(r["status"] == "success" for r in rows):
        break
    time.sleep(0.1)
else:
    sys.exit("webhook deliveries did not all succeed: see " + sys.argv[1] + "/triggered-webhooks")
for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
    got = json.loads(line)
    print(f"   | {got['scope']}: {got['event']}: {got['consumer']} ({got['status']})")
print(f"   {len(rows)} deliveries, all {rows[0]['status']} (open {sys.argv[1]}/triggered-webhooks)")
PY
echo "   clean-up by keep-selectors; what environments use is always kept (a dry run lists only):"
contracts broker clean --db "$WORK/broker.sqlite" --dry-run --keep '{"branch": true, "latest": true}'
stop_broker

step "7b. the same broker on PostgreSQL: three instances on one database"
# A throwaway PostgreSQL cluster in /tmp (make system-deps installs the server), three
# `broker serve` processes on one database: a pact published through one is answered by all.
INITDB=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1 || true)
if [ -z "$INITDB" ]; then
  todo "no PostgreSQL server here (make system-deps installs Debian's postgresql)"
else
  PG_BIN=$(dirname "$INITDB")
  PGDIR=$(mktemp -d /tmp/seam-demo-pg.XXXXXX)
  AS=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; AS=(runuser -u postgres --); fi
  free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  PGPORT=$(free_port)
  "${AS[@]}" "$PG_BIN/initdb" -D "$PGDIR/data" -A trust -U postgres --no-sync >/dev/null
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-k $PGDIR -p $PGPORT -c listen_addresses=127.0.0.1" start >/dev/null
  export SEAM_BROKER_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
  PG_PIDS=() PG_URLS=()
  for i in 1 2 3; do
    port=$(free_port)
    contracts broker serve --port "$port" >"$WORK/broker-pg-$i.log" 2>&1 &
    PG_PIDS+=($!) PG_URLS+=("http://127.0.0.1:$port")
  done
  stop_pg() {
    kill "${PG_PIDS[@]}" 2>/dev/null || true
    wait "${PG_PIDS[@]}" 2>/dev/null || true
    "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
  }
  trap stop_pg EXIT
  wait_http ".demo/broker-pg-*.log" "${PG_URLS[@]}"
  echo "   publish through instance 1, then ask instances 2 and 3:"
  PACT_BROKER_BASE_URL=${PG_URLS[0]} contracts publish contracts/pacts -a "$V" --branch main
  PACT_BROKER_BASE_URL=${PG_URLS[1]} contracts describe-version -a web
  PACT_BROKER_BASE_URL=${PG_URLS[2]} contracts describe-version -a notifier
  stop_pg
  trap - EXIT
  unset SEAM_BROKER_DATABASE_URL
fi

step "8. contracts init: Seam in a new consumer project"
# A fresh project with its own pyproject.toml: init adds [tool.seam] (keeping the rest), a
# starter consumer test and a CI workflow using the Action; its starter test then records
# a pact against pact_ffi's real mock server.
mkdir -p "$WORK/shop" && printf '[project]\nname = "shop"\nversion = "0.1"\n' > "$WORK/shop/pyproject.toml"
contracts init "$WORK/shop" --provider tasks-api | sed 's/^/   /'
# (-c: the project's own pyproject.toml, not this repository's pytest settings above it)
(cd "$WORK/shop" && python -m pytest -c pyproject.toml tests/test_tasks_api_contract.py -q \
  -p no:cacheprovider -p no:randomly | sed 's/^/   /')

step "9. GraphQL: the projects-api provider (strawberry over SQLite) and its dashboard consumer"
# Verify reads contracts/pacts here, not step 7's broker (stopped).
unset PACT_BROKER_BASE_URL
# The schema object itself, no server needed: printed by graphql-core, types and fields sorted.
PYTHONPATH=providers/projects contracts snapshot --app projects_api.schema:schema --provider projects-api
echo "   the operations the dashboard sends, written by its consumer tests in step 1:"
grep -E '^(query|mutation)' contracts/graphql/dashboard-projects-api.graphql | sed 's/^/   /'
echo "   verify the dashboard's pact against the running provider (GraphQL over HTTP is just HTTP):"
PYTHONPATH=providers/projects contracts verify --provider projects-api \
  --states projects_api.states:states --base-url "http://127.0.0.1:{port}" \
  --env "DATABASE_URL=sqlite:///$PWD/$WORK/projects-{worker}.db" \
  --start "python -m projects_api serve --port {port}"
echo "   the committed snapshot against the running provider's introspection, as its CI would:"
PROJECTS_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite:///$PWD/$WORK/projects.db" PYTHONPATH=providers/projects \
  python -m projects_api serve --port "$PROJECTS_PORT" >"$WORK/projects.log" 2>&1 &
PROJECTS_PID=$!
stop_projects() { kill "$PROJECTS_PID" 2>/dev/null && wait "$PROJECTS_PID" 2>/dev/null || true; }
trap stop_projects EXIT
wait_http .demo/projects.log "http://127.0.0.1:$PROJECTS_PORT/health"
contracts snapshot --url "http://127.0.0.1:$PROJECTS_PORT/graphql" --graphql --provider projects-api --check
stop_projects
echo "   the next schema drops Project.owner (the dashboard reads it) and archiveProject (nobody sends it):"
mkdir -p "$WORK/graphql-next"
grep -v -e '^  owner: String$' -e '^  archiveProject(' -e 'Archive a project' -e 'Who runs the project' \
  contracts/graphql/projects-api.graphql >"$WORK/graphql-next/projects-api.graphql"
if contracts diff contracts/graphql/projects-api.graphql "$WORK/graphql-next/projects-api.graphql" \
    --pacts contracts/pacts; then
  echo "   unexpected: removing a field the dashboard reads passed" >&2; exit 1
else
  echo "   (exit $? as it should: the dashboard's Project query selects owner)"
fi

step "done"
