"""Agreement of Seam's AsyncAPI reading with the official parser (``@asyncapi/parser``).

Runs every document of ../shared/corpus/asyncapi (``docs/`` and ``pairs/*/``) through
``seam.asyncapi.load_asyncapi`` and compares with the parser's answer in
``<name>.expected.json``: the valid/invalid verdict and, for documents both accept, the
channel and operation counts, each channel's message ids, names, titles and content types,
each operation's action, direction (send/receive) and channels, and each payload's
top-level properties and canonical hash (``$ref``s resolved, ``x-parser-*`` keys removed).

    .venv/bin/python bench/asyncapi_corpus.py [--corpus DIR] [--json] [-v]
    .venv/bin/python bench/asyncapi_corpus.py --live DIR   # DIR: where `npm install
                                                           # @asyncapi/parser@3.6.6` ran

With ``--live`` the official parser also runs here, side by side, on the same files: its
verdicts are compared with the stored answers and with Seam's, and the CPU time (user+sys)
of reading and validating the whole corpus is given for both, and their ratio.

Exit 0 always (a report); tests/asyncapi/test_corpus.py holds the score.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from seam.asyncapi import AsyncApi, load_asyncapi
from seam.errors import SeamError

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "asyncapi"


def documents(corpus: Path) -> list[tuple[Path, Path]]:
    """``(document, expected answer)`` for every document of the corpus."""
    out = []
    for expected in sorted(
        [*corpus.glob("docs/*.expected.json"), *corpus.glob("pairs/*/*.expected.json")]
    ):
        stem = expected.name.removesuffix(".expected.json")
        found = [p for p in expected.parent.glob(stem + ".*") if p != expected]
        if found:
            out.append((found[0], expected))
    return out


def _resolved(api: AsyncApi, node: Any, stack: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` inlined; a recursive one as the parser writes it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack:
                return {"$circular": True}
            return _resolved(api, api.document.resolve(ref), (*stack, ref))
        return {
            k: _resolved(api, v, stack) for k, v in node.items() if not k.startswith("x-parser-")
        }
    if isinstance(node, list):
        return [_resolved(api, v, stack) for v in node]
    if isinstance(node, float) and node.is_integer():
        return int(node)  # JSON.stringify writes 1.0 as 1
    return node


def _canonical_hash(schema: Any) -> str:
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not k.startswith("x-parser-")}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def compare(path: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """One document's comparison: verdicts and every structural field both sides have."""
    try:
        api: AsyncApi | None = load_asyncapi(path)
        error = None
    except SeamError as exc:
        api, error = None, exc.message
    row: dict[str, Any] = {
        "file": str(path.relative_to(path.parents[1])),
        "expected_valid": bool(expected["valid"]),
        "seam_valid": api is not None,
        "seam_error": error,
        "fields": 0,
        "field_mismatches": [],
    }
    if api is None or not expected.get("documentProduced"):
        return row

    def field(name: str, ours: Any, theirs: Any) -> None:
        row["fields"] += 1
        if ours != theirs:
            row["field_mismatches"].append({"field": name, "seam": ours, "parser": theirs})

    field("channels", len(api.channels), len(expected["channels"]))
    field("operations", len(api.operations), len(expected["operations"]))
    v2 = api.version.startswith("2.")
    for theirs in expected["channels"]:
        channel = api.channels.get(theirs["id"]) or next(
            (c for c in api.channels.values() if c.address == theirs["address"]), None
        )
        if channel is None:
            field(f"channel {theirs['id']}", None, theirs["id"])
            continue
        field(f"channel {theirs['id']} address", channel.address, theirs["address"])
        field(f"channel {theirs['id']} messages", len(channel.messages), len(theirs["messages"]))
        for ours, message in zip(channel.messages, theirs["messages"], strict=False):
            at = f"channel {theirs['id']} message {message['id'] or message['name']}"
            # The parser numbers messages with no id or component key `<anonymous-message-N>`.
            anonymous = str(message["id"]).startswith("<anonymous-message-")
            field(f"{at} id", ours.id, None if anonymous else message["id"])
            field(f"{at} name", ours.name, message["name"])
            field(f"{at} title", ours.title, message["title"])
            field(f"{at} contentType", ours.content_type, message["contentType"])
            payload = message.get("payload")
            if payload is None:
                field(f"{at} payload", ours.payload is None, True)
                continue
            schema = _resolved(api, ours.payload)
            if isinstance(payload.get("schema"), dict) and "schemaFormat" in payload["schema"]:
                # 3.x multi-format payload: the parser's payload().json() is the wrapper.
                schema = {"schemaFormat": ours.schema_format, "schema": schema}
            if isinstance(schema, dict):
                field(
                    f"{at} payload properties",
                    sorted(schema.get("properties") or []),
                    sorted(payload.get("properties") or []),
                )
            field(f"{at} payload hash", _canonical_hash(schema), payload["sha256_canonical"])
    for theirs in expected["operations"]:
        op = next((o for o in api.operations if o.id == theirs["id"]), None)
        if op is None and v2:  # 2.x operations without operationId: by channel and action
            op = next(
                (
                    o
                    for o in api.operations
                    if o.channel in theirs["channels"] and o.action == theirs["action"]
                ),
                None,
            )
        if op is None:
            field(f"operation {theirs['id']}", None, theirs["id"])
            continue
        field(f"operation {theirs['id']} action", op.action, theirs["action"])
        field(f"operation {theirs['id']} sends", op.sends, theirs["isSend"])
        field(f"operation {theirs['id']} channels", [op.channel], theirs["channels"])
        field(f"operation {theirs['id']} messages", len(op.messages), len(theirs["messages"]))
    return row


# Parses each file given with the official parser; prints {file: valid} as JSON.
_NODE = """
const { Parser, fromFile } = require('@asyncapi/parser');
(async () => {
  const parser = new Parser();
  const out = {};
  for (const file of process.argv.slice(2)) {
    const { diagnostics } = await fromFile(parser, file).parse();
    out[file] = !diagnostics.some((d) => d.severity === 0);
  }
  console.log(JSON.stringify(out));
})();
"""


_SEAM = """
import sys
from seam.asyncapi import load_asyncapi
from seam.errors import SeamError
for file in sys.argv[1:]:
    try:
        load_asyncapi(file)
    except SeamError:
        pass
"""


def child_cpu(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float]:
    """Run ``command``; its stdout and CPU seconds (user+sys, start-up included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done.stdout, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def live(folder: Path, files: list[Path]) -> tuple[dict[str, bool], float]:
    """The official parser's verdict per file, and its CPU seconds (user+sys)."""
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as script:
        script.write(_NODE)
    env = {**os.environ, "NODE_PATH": str(folder / "node_modules")}
    try:
        out, cpu = child_cpu(["node", script.name, *map(str, files)], env)
    finally:
        os.unlink(script.name)
    return json.loads(out.strip().splitlines()[-1]), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="print every row as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list disagreements")
    parser.add_argument("--live", type=Path, help="run @asyncapi/parser installed here too")
    args = parser.parse_args()
    pairs = documents(args.corpus)
    started = time.process_time()
    for doc, _ in pairs:  # reading and validating alone, as the parser's run does
        with contextlib.suppress(SeamError):
            load_asyncapi(doc)
    cpu = time.process_time() - started
    rows = [compare(doc, json.loads(exp.read_text())) for doc, exp in pairs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    agree = sum(r["expected_valid"] == r["seam_valid"] for r in rows)
    fields = sum(r["fields"] for r in rows)
    wrong = sum(len(r["field_mismatches"]) for r in rows)
    print(f"documents: {len(rows)}; valid/invalid agreement: {agree}/{len(rows)}")
    print(f"structural fields compared (both valid): {fields}; agreeing: {fields - wrong}/{fields}")
    print(f"Seam CPU seconds (user+sys), reading and validating the corpus: {cpu:.2f}")
    if args.live is not None:
        verdicts, node_cpu = live(args.live, [doc for doc, _ in pairs])
        stored = sum(
            verdicts[str(d)] == r["expected_valid"] for (d, _), r in zip(pairs, rows, strict=True)
        )
        seam = sum(
            verdicts[str(d)] == r["seam_valid"] for (d, _), r in zip(pairs, rows, strict=True)
        )
        print(
            f"live @asyncapi/parser: agrees with the stored answers on {stored}/{len(rows)}, "
            f"with Seam on {seam}/{len(rows)}"
        )
        _, seam_cpu = child_cpu([sys.executable, "-c", _SEAM, *(str(d) for d, _ in pairs)])
        print(
            f"CPU seconds (user+sys, one process each, start-up included): Seam "
            f"{seam_cpu:.2f}, @asyncapi/parser {node_cpu:.2f}; Seam / parser: "
            f"{seam_cpu / node_cpu:.3f}"
        )
    for r in rows:
        if r["expected_valid"] != r["seam_valid"] or (args.verbose and r["field_mismatches"]):
            print(
                f"- {r['file']}: parser {'valid' if r['expected_valid'] else 'INVALID'}, "
                f"seam {'valid' if r['seam_valid'] else 'INVALID'} {r['seam_error'] or ''}"
            )
            for m in r["field_mismatches"] if args.verbose else ():
                print(f"    {m['field']}: seam {m['seam']!r} parser {m['parser']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
