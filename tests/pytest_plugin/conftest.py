"""Helpers for inner pytest runs of the seam plugin (pytester)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import httpx  # noqa: F401
import openapi_spec_validator  # noqa: F401
import pact  # noqa: F401
import pytest

import seam.graphql._snapshot  # graphql-core, for the GraphQL operations files
import seam.pytest_plugin._emit
import seam.pytest_plugin._fixture  # noqa: F401

# In-process inner runs (pytester) drop the modules they imported when they end; a
# second import of PyYAML, pact_ffi or the validator in one process then breaks. They
# are imported here once, in the outer process, so every inner run shares them.

# Inner runs load only the plugins under test: schemathesis and hypothesis cost seconds
# per xdist worker on a busy machine and take no part here.
QUIET = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:schemathesis",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:anyio",
)

# urllib, not httpx.get: a throwaway httpx client loads the CA bundle, about 80 ms a test.
HEADER = """
import urllib.request

import pytest
from pact import match
"""


def http_test(name: str, description: str, *, path: str = "/items/1", body: Any = None) -> str:
    """Source of one inner test that declares and exercises one GET interaction."""
    body = {"id": 1} if body is None else body
    return textwrap.dedent(
        f"""
        def {name}(pact):
            (pact.upon_receiving({description!r}).given("an item exists", id=1)
                .with_request("GET", {path!r})
                .will_respond_with(200).with_body({body!r}, content_type="application/json"))
            with pact.serve() as server:
                assert urllib.request.urlopen(f"{{server.url}}{path}").status == 200
        """
    )


def write_suite(pytester: pytest.Pytester, tests: dict[str, str], **pair: str) -> None:
    """A project with [tool.seam] naming the pair, and one test module per entry."""
    consumer = pair.get("consumer", "shop")
    provider = pair.get("provider", "items-api")
    pytester.makepyprojecttoml(f'[tool.seam]\nconsumer = "{consumer}"\nprovider = "{provider}"\n')
    for module, source in tests.items():
        pytester.makepyfile(**{module: HEADER + source})


def read_pact(path: Path) -> dict[str, Any]:
    """A written pact file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def descriptions(path: Path) -> list[str]:
    """The descriptions in a written pact file, in file order."""
    return [i["description"] for i in read_pact(path)["interactions"]]
