"""Speed of `contracts check` against @pactflow/openapi-pact-comparator@2.3.1, side by side.

Cuts a ~1 MB OpenAPI document from ../shared/corpus/specs/github-json-1y (whole path items,
with every component they reach), writes a pact of 200 interactions generated from its GET
operations (valid paths, parameters and full response bodies), then times, one run each:

- end to end: `contracts check PACT --openapi SPEC --format json` vs the comparator's own
  CLI `opc --oas SPEC PACT` (node 20), both as fresh processes;
- in process: `seam.compat.check` vs `new Comparator({oas})` + `compare(pact)`, timed from
  parsed documents (Seam: from the files, its loading included).

The comparator is installed (pinned) into bench/.work on first use with
`npm install --prefix bench/.work @pactflow/openapi-pact-comparator@2.3.1`.

    .venv/bin/python bench/check_speed.py [--interactions 200] [--size 1000000]
    .venv/bin/python bench/check_speed.py --size 0 --interactions 300 \
        --spec ../shared/corpus/specs/stripe-json-1y/base.json.gz    # all of Stripe, 3 MB
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
SOURCE = ROOT.parent / "shared" / "corpus" / "specs" / "github-json-1y" / "base.json.gz"
PACKAGE = "@pactflow/openapi-pact-comparator@2.3.1"
OPC_DIR = WORK / "node_modules" / "@pactflow" / "openapi-pact-comparator"

NODE_TIMER = r"""
const fs = require("fs");
const { Comparator } = require(process.argv[2]);
const oas = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const pact = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
(async () => {
  const started = process.hrtime.bigint();
  const comparator = new Comparator({ oas });  // 2.x takes { oas, asyncapi }
  let count = 0;
  for await (const result of comparator.compare(pact)) { count += 1; }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ seconds, findings: count }));
})();
"""


def ensure_comparator() -> None:
    """Install the pinned comparator into bench/.work unless it is there already."""
    if (OPC_DIR / "dist" / "cli.cjs").exists():
        return
    if shutil.which("npm") is None:
        sys.exit("npm is needed to install the comparator (node 20 + npm); install them first")
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(WORK), PACKAGE], check=True, stdout=subprocess.DEVNULL
    )


# -- cutting a ~1 MB spec ---------------------------------------------------------------------


def _refs(node: Any, out: set[str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                out.add(ref)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _closure(doc: dict[str, Any], start: Any) -> set[str]:
    seen: set[str] = set()
    pending: set[str] = set()
    _refs(start, pending)
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _refs(_at(doc, ref), pending)
    return seen


def _at(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def cut_spec(source: dict[str, Any], size: int) -> dict[str, Any]:
    """Whole path items, in order, with the components they reach, up to ``size`` bytes."""
    out: dict[str, Any] = {k: v for k, v in source.items() if k not in ("paths", "components")}
    out["paths"] = {}
    refs: set[str] = set()
    for template, item in source["paths"].items():
        trial_refs = refs | _closure(source, item)
        trial = dict(out, paths={**out["paths"], template: item})
        trial["components"] = _components(source, trial_refs)
        if len(json.dumps(trial)) > size and out["paths"]:
            break
        out, refs = trial, trial_refs
    return out


def _components(source: dict[str, Any], refs: set[str]) -> dict[str, Any]:
    components: dict[str, Any] = {}
    for ref in sorted(refs):
        _, _, kind, name = ref.split("/", 3)
        components.setdefault(kind, {})[name] = source["components"][kind][name]
    return components


# -- generating interactions ------------------------------------------------------------------

_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "uri": "https://example.com/x",
    "email": "octo@example.com",
    "uuid": "7b0c2a8e-3f51-4a6b-9c39-1c2f8e6d0b11",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
}


def example(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value ``schema`` accepts: every property filled, to a bounded depth."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = _at(doc, schema["$ref"])
    if not isinstance(schema, dict):
        return "x"
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if "example" in schema and depth > 3:
        return copy.deepcopy(schema["example"])
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return example(doc, schema[key][0], depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(doc, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        if depth > 6:
            return {}
        return {
            name: example(doc, sub, depth + 1)
            for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        return [] if depth > 6 else [example(doc, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    fmt = schema.get("format")
    if fmt in _FORMATS:
        return _FORMATS[fmt]
    if schema.get("pattern"):
        return "x"  # patterns are kept out of generated data below
    return "octocat"[: schema.get("maxLength", 7)] or "o"


def _parameters(doc: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> list[Any]:
    params = [*(item.get("parameters") or []), *(op.get("parameters") or [])]
    out = []
    for p in params:
        while "$ref" in p:
            p = _at(doc, p["$ref"])
        out.append(p)
    return out


def interactions(doc: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` interactions over the GET operations with a JSON 200 response, round robin."""
    candidates = []
    for template, item in doc["paths"].items():
        op = item.get("get")
        if not op:
            continue
        response = op.get("responses", {}).get("200")
        while isinstance(response, dict) and "$ref" in response:
            response = _at(doc, response["$ref"])
        schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
        if schema is None:
            continue
        candidates.append((template, item, op, schema))
    out: list[dict[str, Any]] = []
    for i in range(count):
        template, item, op, schema = candidates[i % len(candidates)]
        path = template
        query: dict[str, list[str]] = {}
        for p in _parameters(doc, item, op):
            value = example(doc, p.get("schema", {}))
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", text or "1")
            elif p["in"] == "query" and p.get("required"):
                query[p["name"]] = [text]
        out.append(
            {
                "description": f"interaction {i}: GET {template}",
                "request": {
                    "method": "GET",
                    "path": path,
                    "query": query,
                    "headers": {"Accept": "application/json"},
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": example(doc, schema),
                },
            }
        )
    return out


def _drop_patterns(node: Any) -> None:
    # Generated strings cannot follow arbitrary patterns; both tools see the same document.
    if isinstance(node, dict):
        node.pop("pattern", None)
        for value in node.values():
            _drop_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _drop_patterns(value)


# -- timing -----------------------------------------------------------------------------------


def timed(cmd: list[str], out: Path) -> tuple[float, float, int, str, str]:
    """Run ``cmd`` with its standard output in ``out`` (node cuts large outputs to a pipe).

    Returns wall seconds, CPU seconds (user + system of the process and its children, from
    wait4: the steadier figure on a shared machine), exit code, stdout and stderr.
    """
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, stdout=sink, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    return wall, cpu, code, out.read_text(encoding="utf-8"), stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="spec size in bytes (0: the whole document)"
    )
    parser.add_argument(
        "--spec", type=Path, default=SOURCE, help="a gzipped JSON OpenAPI document to cut from"
    )
    args = parser.parse_args()
    ensure_comparator()
    WORK.mkdir(parents=True, exist_ok=True)

    source = json.loads(gzip.decompress(args.spec.read_bytes()))
    _drop_patterns(source)
    spec = cut_spec(source, args.size) if args.size else source
    spec_file = WORK / "check-spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    pact = {
        "consumer": {"name": "bench-consumer"},
        "provider": {"name": "github"},
        "interactions": interactions(spec, args.interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    pact_file = WORK / "check-pact.json"
    pact_file.write_text(json.dumps(pact), encoding="utf-8")
    timer = WORK / "opc-timer.cjs"
    timer.write_text(NODE_TIMER, encoding="utf-8")

    contracts = str(Path(sys.executable).with_name("contracts"))
    seam_cli, seam_cpu, seam_code, seam_out, seam_err = timed(
        [
            contracts,
            "check",
            str(pact_file),
            "--openapi",
            str(spec_file),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        WORK / "check-seam-out.json",
    )
    opc_cli, opc_cpu, _, opc_out, _ = timed(
        ["node", str(OPC_DIR / "dist" / "cli.cjs"), "--oas", str(spec_file), str(pact_file)],
        WORK / "check-opc-out.ndjson",
    )
    if seam_code != 0:
        sys.exit(f"contracts check failed: {seam_err.strip()}")
    seam_findings = len(json.loads(seam_out)["findings"])
    opc_findings = sum(len(json.loads(line)) for line in opc_out.splitlines() if line.strip())

    from seam.compat import check
    from seam.openapi import load_document
    from seam.pactfile import read_pact

    started, cpu_started = time.perf_counter(), time.process_time()
    report = check([read_pact(pact_file)], load_document(spec_file))
    seam_lib, seam_lib_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    _, node_cpu, node_code, node_out, node_err = timed(
        ["node", str(timer), str(OPC_DIR), str(spec_file), str(pact_file)],
        WORK / "opc-timer-out.json",
    )
    if node_code != 0:
        sys.exit(f"the comparator's timer failed: {node_err.strip()}")
    node = json.loads(node_out)

    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    print(
        f"## contracts check speed: {len(pact['interactions'])} interactions, "
        f"{spec_file.stat().st_size / 1e6:.2f} MB spec ({len(spec['paths'])} paths), "
        f"node {node_version.strip()}, {os.cpu_count()} cores\n"
    )
    print("| measure | Seam | comparator 2.3.1 | comparator / Seam |\n|---|---|---|---|")
    print(
        f"| end to end, wall (fresh process, load + check + report) | {seam_cli:.2f} s | "
        f"{opc_cli:.2f} s | {opc_cli / seam_cli:.1f}× |"
    )
    print(
        f"| end to end, CPU (user + system) | {seam_cpu:.2f} s | "
        f"{opc_cpu:.2f} s | {opc_cpu / seam_cpu:.1f}× |"
    )
    print(
        f"| in process, wall (load + check; comparator: construct + compare) | {seam_lib:.3f} s | "
        f"{node['seconds']:.3f} s | {node['seconds'] / seam_lib:.1f}× |"
    )
    print(
        f"| in process, CPU (Seam: this process; comparator: the whole node process) | "
        f"{seam_lib_cpu:.3f} s | {node_cpu:.3f} s | {node_cpu / seam_lib_cpu:.1f}× |"
    )
    print(f"| findings | {seam_findings} (lib: {len(report.findings)}) | {opc_findings} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
