"""`contracts check` at scale: many interactions against a document with very many paths.

    .venv/bin/python bench/check_scale.py [--paths 40000] [--interactions 20000] [--budget 120]

Builds a synthetic OpenAPI 3.0 document with PATHS path templates of one shape
(`/r{i}/items/{id}` and `/r{i}/items/export`: every template has as many segments as
every other, the worst case for a router that groups by segment count) and a pact with
INTERACTIONS interactions spread over them, then times `seam.compat.compare` in-process
(reading and routing, no I/O). With --budget, a run that would take longer is stopped
after that many seconds and its rate extrapolated to the whole pact. Prints one markdown row.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any


def document(paths: int) -> dict[str, Any]:
    ok = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        }
    }
    idp = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    out: dict[str, Any] = {}
    for i in range(paths // 2):
        out[f"/r{i}/items/{{id}}"] = {"get": {"parameters": idp, "responses": ok}}
        out[f"/r{i}/items/export"] = {"get": {"responses": ok}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "scale", "version": "1"},
        "paths": out,
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                }
            }
        },
    }


def pact(interactions: int, paths: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    items = []
    for n in range(interactions):
        i = rng.randrange(paths // 2)
        path = f"/r{i}/items/{n}" if n % 2 else f"/r{i}/items/export"
        items.append(
            {
                "description": f"interaction {n}",
                "request": {"method": "GET", "path": path},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": n, "name": "x"},
                },
            }
        )
    return {
        "consumer": {"name": "bench"},
        "provider": {"name": "scale"},
        "interactions": items,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=40_000)
    parser.add_argument("--interactions", type=int, default=20_000)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds before extrapolating")
    args = parser.parse_args()

    from seam.compat import build_spec, compare
    from seam.pactfile import parse_pact

    doc, raw = document(args.paths), pact(args.interactions, args.paths)
    started = time.perf_counter()
    spec = build_spec(doc)  # indexed once, as `contracts check` does for all its pacts
    indexed = time.perf_counter() - started
    done = 0
    chunk = 500
    findings = 0
    # Chunks of the pact, so a slow router can be stopped at the budget and extrapolated.
    while done < args.interactions:
        part = dict(raw, interactions=raw["interactions"][done : done + chunk])
        findings += sum(1 for f in compare(parse_pact(part), spec) if f.severity.label == "error")
        done += len(part["interactions"])
        if time.perf_counter() - started > args.budget:
            break
    elapsed = time.perf_counter() - started
    total = indexed + (elapsed - indexed) * args.interactions / done
    note = "" if done == args.interactions else f" (extrapolated from {done} in {elapsed:.1f} s)"
    print("| paths | interactions | index | seconds in all | per interaction | errors found |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.paths:,} | {args.interactions:,} | {indexed:.2f} s | {total:.1f}{note} | "
        f"{1000 * (total - indexed) / args.interactions:.2f} ms | {findings} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
