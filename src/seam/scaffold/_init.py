"""Write ``[tool.seam]``, a starter consumer test and a CI workflow into a project."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seam import __version__
from seam._files import atomic_write_text, decode_text, read_bounded
from seam._layout import SAFE_NAME, SAFE_NAME_HINT, Layout
from seam.errors import InputError, UsageError

__all__ = ["ACTION", "InitResult", "init"]

# This repository's Action (action.yml at its root), pinned to the Seam being run: the
# README's workflow and the pre-commit hooks name the same repository.
ACTION = f"your-org/seam@v{__version__}"

_WORKFLOW = """\
# Seam on every pull request (written by `contracts init`): diffs contracts/ against the
# base branch, checks each pact against its provider's OpenAPI in contracts/openapi/, and
# keeps one comment on the pull request. Commit contracts/ when your tests change it.
name: contracts
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write   # the one comment Seam keeps up to date
jobs:
  seam:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: {action}
        with:
          contracts: {contracts}
          fail-on: error   # error, warning or never
"""

_STARTER = '''\
"""{consumer}'s contract with {provider}, recorded by Seam's `pact` fixture.

A starter written by `contracts init`: replace the request with one your client really
makes, and call your client instead of httpx. Each test gets a fresh pact-python `Pact`;
the interactions of the tests that pass go to {pact_file}
(consumer and provider come from [tool.seam] in pyproject.toml).
"""

from __future__ import annotations

import httpx
from pact import match


def test_read_an_item(pact) -> None:
    """Reading an item gets its id and name back."""
    (
        pact.upon_receiving("a request for item 1")
        .given("item 1 exists", id=1)
        .with_request("GET", "/items/1")
        .will_respond_with(200)
        .with_body(
            {{"id": match.int(1), "name": match.str("example")}},
            content_type="application/json",
        )
    )
    with pact.serve() as server:
        response = httpx.get(f"{{server.url}}/items/1")
    assert response.status_code == 200
    assert response.json()["name"] == "example"
'''


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``init`` wrote and what to run next.

    Attributes:
        written: the files written, relative to the project folder, in order.
        next_commands: the three commands that come next, each with what it does.
    """

    written: tuple[Path, ...]
    next_commands: tuple[tuple[str, str], ...]


def _name(value: str, what: str) -> str:
    if not SAFE_NAME.match(value):
        raise UsageError(f"{what} name {value!r} cannot name a pact file: {SAFE_NAME_HINT}")
    return value


# A folder inside the project, as it will be written into TOML, YAML and Python source.
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
# `uses:` of a workflow step: OWNER/REPO[/PATH]@REF.
_ACTION_REF = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+")


def _folder(value: str, option: str) -> str:
    if not _FOLDER.fullmatch(value) or ".." in value.split("/"):
        raise UsageError(
            f"{option} {value!r}: give a folder inside the project, such as contracts or "
            "api/contracts (letters, digits, '.', '_', '-', '/')"
        )
    return value


def _read_pyproject(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.exists():
        return "", {}
    text = decode_text(read_bounded(path, what="pyproject.toml"), location=str(path))
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc}); fix it first", location=str(path)) from None


def _default_consumer(project: Path, data: dict[str, Any]) -> str:
    """The project's own name ([project] name, else its folder) when it can name a pact."""
    table = data.get("project")
    name = table.get("name") if isinstance(table, dict) else None
    for candidate in (name, project.resolve().name):
        if isinstance(candidate, str) and SAFE_NAME.match(candidate):
            return candidate
    raise UsageError("cannot tell this project's name: pass --consumer NAME")


def _with_seam_table(text: str, table: dict[str, str]) -> str:
    """``text`` with ``[tool.seam]`` set to ``table``, everything else byte for byte."""
    import tomlkit  # only `contracts init` edits TOML; tomllib reads it everywhere else
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import Table

    seam = tomlkit.table()
    seam.add(tomlkit.comment("Seam: this project's name in its pacts, and where contracts go."))
    for key, value in table.items():
        seam.add(key, value)
    seam.add(tomlkit.nl())
    if text and not text.endswith("\n"):
        text += "\n"  # tomlkit appends after the last line as it is: end that line first
    doc = tomlkit.parse(text)
    try:
        if "tool" not in doc:
            doc.add("tool", tomlkit.table(is_super_table=True))
        tool = doc["tool"]
        if not isinstance(tool, Table):
            raise InputError(
                "pyproject.toml's `tool` is an inline table; add [tool.seam] to it by hand "
                "(consumer, provider, contracts)"
            )
        tool["seam"] = seam
    except TOMLKitError as exc:
        raise InputError(f"pyproject.toml: cannot add [tool.seam] ({exc})") from None
    out = tomlkit.dumps(doc)
    if text and text.count("\n") == text.count("\r\n"):
        # A Windows-edited file: the added lines end as its own lines do.
        out = out.replace("\r\n", "\n").replace("\n", "\r\n")
    return out


def _test_file_name(provider: str) -> str:
    return f"test_{re.sub(r'[^A-Za-z0-9]+', '_', provider).strip('_').lower()}_contract.py"


def init(
    project: Path,
    *,
    provider: str,
    consumer: str | None = None,
    contracts: str = "contracts",
    tests: str = "tests",
    action: str = ACTION,
    force: bool = False,
) -> InitResult:
    """Set Seam up in ``project``: ``[tool.seam]``, a starter consumer test, a CI workflow.

    Every file is checked before any is written, so a refusal leaves the project as it
    was; each is then written atomically (temporary file and rename).

    Args:
        project: the project's folder (it holds, or will hold, ``pyproject.toml``).
        provider: the provider this project consumes, as its pacts will name it.
        consumer: this project's name in its pacts; by default ``[project] name`` in
            pyproject.toml, else the folder's name.
        contracts: the contracts folder, relative to the project.
        tests: the folder for the starter test, relative to the project.
        action: the Action the workflow uses, ``OWNER/REPO@REF``.
        force: replace an existing ``[tool.seam]`` and overwrite the starter test and
            the workflow.

    Returns:
        The files written and the commands to run next.

    Raises:
        UsageError: a name that cannot name a pact file, or files that exist (without
            ``force``).
        InputError: a pyproject.toml that is not UTF-8 TOML.
    """
    if not project.is_dir():
        raise UsageError(f"no such folder: {project}")
    _name(provider, "provider")
    _folder(contracts, "--contracts")
    _folder(tests, "--tests")
    if not _ACTION_REF.fullmatch(action):
        raise UsageError(f"--action {action!r}: give OWNER/REPO@REF, e.g. {ACTION}")
    pyproject = project / "pyproject.toml"
    text, data = _read_pyproject(pyproject)
    consumer = _name(consumer or _default_consumer(project, data), "consumer")
    test_file = Path(tests) / _test_file_name(provider)
    workflow = Path(".github/workflows/contracts.yml")
    refused = []
    tool = data.get("tool", {})
    if isinstance(tool, dict) and "seam" in tool and not force:
        refused.append("pyproject.toml already has [tool.seam]")
    refused += [f"{p} exists" for p in (test_file, workflow) if (project / p).exists()]
    if refused and not force:
        raise UsageError("; ".join(refused) + ": nothing written; pass --force to replace them")
    pact_file = Layout(Path(contracts)).pact(consumer, provider).as_posix()
    where = "" if contracts == "contracts" else f" --contracts {contracts}"
    files = {
        Path("pyproject.toml"): _with_seam_table(
            text, {"consumer": consumer, "provider": provider, "contracts": contracts}
        ),
        test_file: _STARTER.format(consumer=consumer, provider=provider, pact_file=pact_file),
        workflow: _WORKFLOW.format(action=action, contracts=contracts),
    }
    for relative, content in files.items():
        atomic_write_text(project / relative, content)
    return InitResult(
        written=tuple(files),
        next_commands=(
            (f"pytest {test_file.as_posix()}", f"record the starter pact into {pact_file}"),
            (
                f"contracts snapshot --url http://127.0.0.1:8000/openapi.json "
                f"--provider {provider}{where}",
                f"bring {provider}'s OpenAPI into {contracts}/openapi/ (or --file PATH)",
            ),
            (
                f"contracts check --provider {provider}{where}",
                "check the pact against it, no provider running",
            ),
        ),
    )
