"""The broker service's own rules: names, pact identity, merging."""

from __future__ import annotations

from typing import Any

import pytest

from seam.errors import PactConflict
from seam.pactfile import merge_pacts
from seam.server import BrokerService, Invalid, pact_sha
from seam.server._requests import check_name

from .conftest import pact_doc


@pytest.mark.parametrize(
    "name",
    ["a/b", "..", "x..y", "tab\there", "nul\x00", "", "   ", "x" * 256],
    ids=["slash", "dots", "inner-dots", "tab", "nul", "empty", "blank", "long"],
)
def test_bad_names_refused(name: str) -> None:
    """Names with '/', '..', control characters, blank or too long are refused."""
    with pytest.raises(Invalid):
        check_name("pacticipant name", name)


@pytest.mark.parametrize("name", ["Pricing Service", "web-app_2", "1.2.3+build.7", "ünïcode"])
def test_ordinary_names_accepted(name: str) -> None:
    """Spaces, dots, plus signs and non-ASCII letters are fine."""
    assert check_name("pacticipant name", name) == name


def test_pact_sha_ignores_key_order() -> None:
    """The same content with keys in another order has the same sha."""
    doc = pact_doc("a", "b")
    reordered: dict[str, Any] = dict(reversed(list(doc.items())))
    assert pact_sha(doc) == pact_sha(reordered)


def test_pact_sha_changes_with_content() -> None:
    """Different interactions give a different sha."""
    assert pact_sha(pact_doc("a", "b", "one")) != pact_sha(pact_doc("a", "b", "two"))


def test_merge_appends_new_interactions() -> None:
    """Merging adds interactions whose description and state are new."""
    merged = merge_pacts(pact_doc("a", "b", "one"), pact_doc("a", "b", "two"))
    assert [i["description"] for i in merged["interactions"]] == ["one", "two"]


def test_merge_conflicting_interaction_raises() -> None:
    """The same description and state with a different response cannot be merged."""
    changed = pact_doc("a", "b", "one")
    changed["interactions"][0]["response"]["status"] = 500
    with pytest.raises(PactConflict):
        merge_pacts(pact_doc("a", "b", "one"), changed)


def test_allow_contract_modification_overwrites(service: BrokerService) -> None:
    """With modification allowed, new content replaces the version's pact."""
    service.allow_contract_modification = True
    service.put_pact("api", "web", "1", pact_doc("web", "api", "one"))
    row, created = service.put_pact("api", "web", "1", pact_doc("web", "api", "two"))
    assert not created
    assert row["revision"] == 2 and row["sha"] == pact_sha(pact_doc("web", "api", "two"))


def test_verification_numbers_count_per_pact_version(service: BrokerService) -> None:
    """Verification results of one pact content are numbered 1, 2, …"""
    row, _ = service.put_pact("api", "web", "1", pact_doc("web", "api"))
    numbers = [
        service.record_verification(
            "api", "web", row["sha"], {"success": True, "providerApplicationVersion": v}
        )["number"]
        for v in ("10", "11")
    ]
    assert numbers == [1, 2]


def test_main_branch_auto_detected(service: BrokerService) -> None:
    """A first version on 'main' makes main the pacticipant's main branch."""
    service.save_version("web", "1", {"branch": "main"})
    assert service.get_pacticipant("web")["main_branch"] == "main"
