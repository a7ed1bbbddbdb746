"""The contracts folder's layout, spelled out once (seam._layout)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seam._layout import DEFAULT_CONTRACTS, Layout, check_name, pair_name
from seam.errors import UsageError


def test_every_file_has_its_documented_place(tmp_path: Path) -> None:
    """Pacts, snapshots, schemas, operations and locks sit where design.md says."""
    layout = Layout(tmp_path)
    assert {
        "pact": layout.pact("web", "tasks-api"),
        "provider openapi": layout.provider_openapi("tasks-api"),
        "consumer openapi": layout.consumer_openapi("web", "tasks-api"),
        "consumer asyncapi": layout.consumer_asyncapi("notifier", "tasks-api"),
        "provider schema": layout.provider_schema("projects-api"),
        "consumer operations": layout.consumer_operations("dashboard", "projects-api"),
        "locks": layout.locks_dir,
    } == {
        "pact": tmp_path / "pacts" / "web-tasks-api.json",
        "provider openapi": tmp_path / "openapi" / "tasks-api.yaml",
        "consumer openapi": tmp_path / "openapi" / "web-tasks-api.yaml",
        "consumer asyncapi": tmp_path / "asyncapi" / "notifier-tasks-api.yaml",
        "provider schema": tmp_path / "graphql" / "projects-api.graphql",
        "consumer operations": tmp_path / "graphql" / "dashboard-projects-api.graphql",
        "locks": tmp_path / ".seam-locks",
    }
    assert Path("contracts") == DEFAULT_CONTRACTS
    assert pair_name("web", "tasks-api") == "web-tasks-api"


_NAMED: list[tuple[str, Callable[[Layout, str], Path]]] = [
    ("pact consumer", lambda lay, n: lay.pact(n, "p")),
    ("pact provider", lambda lay, n: lay.pact("c", n)),
    ("provider openapi", lambda lay, n: lay.provider_openapi(n)),
    ("consumer openapi", lambda lay, n: lay.consumer_openapi(n, "p")),
    ("consumer asyncapi", lambda lay, n: lay.consumer_asyncapi("c", n)),
    ("provider schema", lambda lay, n: lay.provider_schema(n)),
    ("consumer operations", lambda lay, n: lay.consumer_operations(n, "p")),
]


@pytest.mark.parametrize("name", ["../x", "", ".hidden", "a/b", "tasks api", "-rf"])
@pytest.mark.parametrize(("what", "path_of"), _NAMED, ids=[w for w, _ in _NAMED])
def test_a_name_that_is_not_a_file_name_is_refused(
    tmp_path: Path, name: str, what: str, path_of: Callable[[Layout, str], Path]
) -> None:
    """No path is built from a name that would escape or garble the file name."""
    with pytest.raises(UsageError, match=r"(consumer|provider) name .* cannot be a file name"):
        path_of(Layout(tmp_path), name)


def test_check_name_says_which_role_and_what_to_use() -> None:
    """The message names the role and the characters a name may hold."""
    with pytest.raises(UsageError) as caught:
        check_name("../x", "consumer")
    assert str(caught.value) == (
        "consumer name '../x' cannot be a file name: "
        "use letters, digits, '.', '_' and '-' (e.g. tasks-api)"
    )
    assert check_name("tasks-api", "provider") == "tasks-api"


@pytest.mark.parametrize(
    ("folder", "find", "suffixes"),
    [
        ("openapi", Layout.find_provider_openapi, [".yaml", ".yml", ".json"]),
        ("asyncapi", Layout.find_provider_asyncapi, [".yaml", ".yml", ".json"]),
        ("graphql", Layout.find_provider_schema, [".graphql", ".graphqls", ".gql", ".json"]),
    ],
)
def test_a_providers_document_is_found_by_suffix_in_order(
    tmp_path: Path, folder: str, find: Callable[[Layout, str], Path | None], suffixes: list[str]
) -> None:
    """Each suffix is found when alone, the first listed wins, and an unsafe name finds none."""
    layout = Layout(tmp_path)
    (tmp_path / folder).mkdir()
    assert find(layout, "billing-api") is None
    for suffix in reversed(suffixes):
        (tmp_path / folder / f"billing-api{suffix}").write_text("x")
        assert find(layout, "billing-api") == tmp_path / folder / f"billing-api{suffix}"
    (tmp_path / "billing-api.yaml").write_text("x")
    assert find(layout, "../billing-api") is None


def test_pacts_are_listed_sorted_and_by_provider(tmp_path: Path) -> None:
    """``pacts(provider)`` lists that provider's pacts; the pattern is what an error shows."""
    layout = Layout(tmp_path)
    layout.pacts_dir.mkdir()
    for name in ("web-tasks-api", "cli-tasks-api", "web-billing"):
        (layout.pacts_dir / f"{name}.json").write_text("{}")
    (layout.pacts_dir / "notes.txt").write_text("")
    assert [p.stem for p in layout.pacts("tasks-api")] == ["cli-tasks-api", "web-tasks-api"]
    assert [p.stem for p in layout.pacts()] == ["cli-tasks-api", "web-billing", "web-tasks-api"]
    assert layout.pact_pattern("tasks-api") == tmp_path / "pacts" / "*-tasks-api.json"
    assert layout.pacts("nobody") == []
