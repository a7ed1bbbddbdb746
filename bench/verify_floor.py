"""The floor row of bench/verify_speed.py: a pact's requests from one httpx client in a loop.

Run: python bench/verify_floor.py PACT BASE_URL [STATES]

Sends each interaction's request and reads its JSON answer, nothing else; with STATES
(``module:object`` of a ``ProviderStates``) it sets each interaction's provider states
up before the request and tears them down after it, in this process. A separate script
so that the floor pays only for Python, httpx and the handlers, like a minimal client.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import httpx


def main(pact: Path, base_url: str, states_spec: str | None) -> None:
    states = None
    if states_spec:
        module, _, name = states_spec.partition(":")
        states = getattr(importlib.import_module(module), name)
    doc = json.loads(pact.read_text(encoding="utf-8"))
    with httpx.Client(base_url=base_url) as client:
        for item in doc["interactions"]:
            given = item.get("providerStates") or []
            if states is not None:
                for state in given:
                    states.setup(state["name"], state.get("params") or {})
            request = item["request"]
            body = (request.get("body") or {}).get("content")
            headers = {k: v[0] for k, v in (request.get("headers") or {}).items()}
            response = client.request(
                request["method"],
                request["path"],
                headers=headers,
                content=json.dumps(body).encode() if body is not None else None,
            )
            if response.status_code != item["response"]["status"]:
                raise SystemExit(f"{item['description']}: got {response.status_code}")
            response.json()
            if states is not None:
                for state in given:
                    states.teardown_state(state["name"], state.get("params") or {})


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
