"""`broker clean`: keep-selectors, the guards that always keep, dry runs, serving meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from seam.errors import UsageError
from seam.server import BrokerService, clean, parse_keep_selectors

from .conftest import publish_body


def _versions(service: BrokerService, name: str) -> list[str]:
    _, rows = service.list_versions(name)
    return sorted((r["number"] for r in rows), key=lambda n: int(n.rsplit(".", 1)[1]))


def _seed(service: BrokerService, name: str, provider: str, branches: list[str]) -> None:
    """Version 1.0.N on branches[N]; each publishes a pact with its own content."""
    for index, branch in enumerate(branches):
        body = publish_body(
            name, f"1.0.{index}", [provider], branch=branch, description=f"d{index}"
        )
        service.publish_contracts(body)


def _keep(*docs: dict[str, Any]) -> Any:
    return parse_keep_selectors(list(docs))


def test_latest_per_branch_is_kept_and_the_rest_removed(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """{"branch": true, "latest": true} keeps the newest version of each branch only."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main", "main", "feat", "main", "feat"])
    result = clean(service.storage, _keep({"branch": True, "latest": True}))
    assert _versions(service, consumer) == ["1.0.3", "1.0.4"]
    assert sorted(v for p, v in result.removed if p == consumer) == ["1.0.0", "1.0.1", "1.0.2"]


def test_last_n_of_the_main_branch(service: BrokerService, unique: Callable[[str], str]) -> None:
    """{"mainBranch": true, "latest": 2} keeps the two newest main-branch versions."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main"] * 5)
    clean(service.storage, _keep({"mainBranch": True, "latest": 2}))
    assert _versions(service, consumer) == ["1.0.3", "1.0.4"]


def test_what_environments_use_is_never_removed(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """Deployed and supported versions stay even when no selector keeps them."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main"] * 5)
    env, _ = service.save_environment({"name": unique("prod"), "production": True})
    service.record_deployment(consumer, "1.0.1", env["uuid"], {})
    service.record_release(consumer, "1.0.2", env["uuid"])
    undeployed = service.record_deployment(consumer, "1.0.0", env["uuid"], {"target": "old"})
    service.update_deployed(undeployed["uuid"], {"currentlyDeployed": False})
    clean(service.storage, _keep({"pacticipant": "nobody"}))
    # 1.0.0 was deployed once but is not any more; 1.0.4 is the newest.
    assert _versions(service, consumer) == ["1.0.1", "1.0.2", "1.0.4"]


def test_max_age_keeps_recent_versions(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """{"max_age": 90} keeps what is younger than 90 days and nothing older."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main"] * 3)
    clean(service.storage, _keep({"max_age": 90}))
    assert _versions(service, consumer) == ["1.0.0", "1.0.1", "1.0.2"]
    later = datetime.now(UTC) + timedelta(days=91)
    clean(service.storage, _keep({"max_age": 90}), now=later)
    assert _versions(service, consumer) == ["1.0.2"]


def test_dry_run_lists_and_removes_nothing(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """--dry-run names exactly what a real run then removes, and removes nothing itself."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main"] * 4)
    selectors = _keep({"mainBranch": True, "latest": True})
    planned = clean(service.storage, selectors, dry_run=True)
    assert _versions(service, consumer) == ["1.0.0", "1.0.1", "1.0.2", "1.0.3"]
    done = clean(service.storage, selectors)
    assert planned.removed == done.removed and len(done.removed) == 3


def test_removed_versions_take_their_pacts_and_verifications(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """A removed version's pact content goes with its verifications; shared content stays."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main", "main"])
    old_sha = service.get_pact(provider, consumer, number="1.0.0")["sha"]
    result = {"success": True, "providerApplicationVersion": "7"}
    service.record_verification(provider, consumer, old_sha, result)
    service.publish_contracts(
        publish_body(consumer, "1.0.2", [provider], branch="main", description="d1")
    )
    outcome = clean(service.storage, _keep({"mainBranch": True, "latest": 1}))
    assert outcome.pact_versions_removed == 1
    assert [r["consumer_version"] for r in service.pact_versions(provider, consumer)] == ["1.0.2"]
    with service.storage.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM verifications").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM pact_versions").fetchone()[0] == 1


def test_clean_while_publishing_loses_no_new_write(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """Publications made while a clean runs are all there afterwards."""
    consumer, provider = unique("web"), unique("api")
    _seed(service, consumer, provider, ["main"] * 40)
    errors: list[BaseException] = []

    def publish_more() -> None:
        try:
            for n in range(40, 60):
                service.publish_contracts(
                    publish_body(consumer, f"1.0.{n}", [provider], branch="feat", description="x")
                )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    writer = threading.Thread(target=publish_more)
    writer.start()
    clean(service.storage, _keep({"branch": "feat"}))
    writer.join()
    assert errors == []
    kept = _versions(service, consumer)
    assert [f"1.0.{n}" for n in range(40, 60)] == [v for v in kept if int(v.rsplit(".")[2]) >= 40]


@pytest.mark.parametrize(
    ("docs", "message"),
    [
        pytest.param([], "non-empty JSON list", id="empty"),
        pytest.param([{"latst": True}], "unknown key(s) latst", id="typo"),
        pytest.param([{"latest": 0}], "latest must be", id="latest-zero"),
        pytest.param([{"max_age": "old"}], "max_age must be", id="age-text"),
        pytest.param([{"deployed": "yes"}], "deployed must be true or false", id="flag-text"),
    ],
)
def test_bad_selectors_are_refused(docs: Any, message: str) -> None:
    """A selector that is not what the clean task reads is a UsageError naming the problem."""
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_keep_selectors(docs)


def test_old_webhook_deliveries_go_but_the_newest_of_each_stays(
    service: BrokerService, unique: Callable[[str], str]
) -> None:
    """Finished deliveries older than the newest finished one of their kind go; pending stay."""
    consumer, provider = unique("web"), unique("api")
    service.save_webhook(
        {
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": "http://127.0.0.1:9/hook"},
        }
    )
    _seed(service, consumer, provider, ["main"] * 4)
    with service.storage.write() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM webhook_deliveries ORDER BY id")]
        conn.execute(
            "UPDATE webhook_deliveries SET status = 'success' WHERE id IN (?, ?, ?)", ids[:3]
        )
    planned = clean(service.storage, _keep({"max_age": 90}), dry_run=True)
    done = clean(service.storage, _keep({"max_age": 90}))
    assert planned.deliveries_removed == done.deliveries_removed == 2
    with service.storage.read() as conn:
        left = [r[0] for r in conn.execute("SELECT id FROM webhook_deliveries ORDER BY id")]
    assert left == ids[2:]  # the newest finished one, and the pending one
