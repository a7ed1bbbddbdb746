"""The broker service's own rules: names, pact identity, merging."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seam.errors import PactConflict
from seam.pactfile import merge_pacts
from seam.server import BrokerService, Invalid, pact_sha
from seam.server._requests import check_name
from seam.server._storage import SqliteStorage

from .conftest import pact_doc, publish_body


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


def _contract(consumer: str, provider: str, doc: dict[str, Any], **extra: str) -> dict[str, Any]:
    content = base64.b64encode(json.dumps(doc).encode()).decode()
    return {"consumerName": consumer, "providerName": provider, "content": content, **extra}


def test_new_version_publish_answers_what_it_stored(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """A new version's publish answer (details, publications) is what reading it back gives."""
    consumer, zed, api = unique("web"), unique("Zed"), unique("api")
    body = publish_body(consumer, "1.0.0", [zed, api], branch="main", tags=["prod", "beta", "prod"])
    merged = _contract(consumer, zed, pact_doc(consumer, zed, "other"), onConflict="merge")
    body["contracts"].append(merged)
    result = service.publish_contracts(body)
    assert result["version"] == service.get_version(consumer, "1.0.0")
    assert [t["name"] for t in result["version"]["tags"]] == ["prod", "beta"]
    assert result["contracts"][1] == service.get_pact(api, consumer, number="1.0.0")
    assert result["contracts"][2] == service.get_pact(zed, consumer, number="1.0.0")


def test_publish_of_content_stored_before_answers_the_stored_text(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """Content with a known sha but its keys in another order: the answer shows the stored text."""
    consumer, provider = unique("web"), unique("api")
    doc = pact_doc(consumer, provider)
    service.publish_contracts(publish_body(consumer, "1", [provider]))
    reordered = dict(reversed(list(doc.items())))
    body = publish_body(consumer, "2", [provider])
    body["contracts"] = [_contract(consumer, provider, reordered)]
    result = service.publish_contracts(body)
    stored = service.get_pact(provider, consumer, number="2")
    assert result["contracts"] == [stored]
    assert stored["content"] == service.get_pact(provider, consumer, number="1")["content"]


def test_publish_of_a_new_version_takes_few_statements(
    db_path: Path, unique: Callable[[str], str]
) -> None:
    """One publish of a new version on a known branch runs 11 statements, BEGIN and COMMIT too."""
    storage = SqliteStorage(db_path)
    try:
        service = BrokerService(storage)
        consumer, provider = unique("web"), unique("api")
        service.publish_contracts(publish_body(consumer, "1", [provider], branch="main"))
        statements: list[str] = []
        storage.connection().set_trace_callback(statements.append)
        body = publish_body(consumer, "2", [provider], branch="main", description="new content")
        service.publish_contracts(body)
        assert len(statements) == 11, statements
    finally:
        storage.close()
