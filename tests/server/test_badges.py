"""README badges: the latest pact's status and can-i-deploy, as SVG on the Pact Broker's paths."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

from seam.server import BrokerService

from .conftest import Client, pact_doc

SVG = "{http://www.w3.org/2000/svg}"


def badge(client: Client, path: str) -> tuple[str, str]:
    """GET a badge; return (the text of its two parts joined by '|', its state class)."""
    response = client.get(path, headers={"Accept": "image/svg+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "no-cache" in response.headers["cache-control"]
    root = ET.fromstring(response.text)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    state = next(r.get("class") for r in root.iter(f"{SVG}rect") if r.get("class"))
    return "|".join(texts), str(state)


@pytest.fixture
def pair(service: BrokerService, unique: Callable[[str], str]) -> dict[str, Any]:
    """A consumer on branch main that published version 1 of a pact with one provider."""
    consumer, provider = unique("web"), unique("api")
    service.save_version(consumer, "1", {"branch": "main", "tags": ["main"]})
    row = service.put_pact(provider, consumer, "1", pact_doc(consumer, provider))[0]
    return {"consumer": consumer, "provider": provider, "sha": row["sha"]}


def _verify(service: BrokerService, pair: dict[str, Any], success: bool) -> None:
    body = {"success": success, "providerApplicationVersion": "2"}
    service.record_verification(pair["provider"], pair["consumer"], pair["sha"], body)


@pytest.mark.parametrize(
    ("verified", "expected"),
    [
        (None, ("pact|unknown", "unknown")),
        (True, ("pact|verified", "success")),
        (False, ("pact|failed", "failed")),
    ],
    ids=["unverified", "verified", "failed"],
)
def test_latest_pact_badge(
    client: Client,
    service: BrokerService,
    pair: dict[str, Any],
    verified: bool | None,
    expected: tuple[str, str],
) -> None:
    """The latest pact badge says verified, failed or unknown in its colour."""
    if verified is not None:
        _verify(service, pair, verified)
    path = f"/pacts/provider/{pair['provider']}/consumer/{pair['consumer']}/latest/badge"
    assert badge(client, path) == expected
    assert badge(client, path.replace("/latest/", "/latest/main/")) == expected


def test_badge_of_unknown_pacticipants_is_grey_not_404(
    client: Client, unique: Callable[[str], str]
) -> None:
    """A badge for names the broker does not know is the grey unknown badge, not a 404."""
    path = f"/pacts/provider/{unique('x')}/consumer/{unique('y')}/latest/badge"
    assert badge(client, path) == ("pact|unknown", "unknown")


def test_badge_label_is_escaped(client: Client, pair: dict[str, Any]) -> None:
    """A custom ?label= is shown as text, never as markup."""
    path = f"/pacts/provider/{pair['provider']}/consumer/{pair['consumer']}/latest/badge"
    text, _ = badge(client, path + "?label=%3Cscript%3Ex%3C/script%3E")
    assert text == "<script>x</script>|unknown"


@pytest.mark.parametrize(
    ("verified", "expected"),
    [
        (True, ("can-i-deploy|yes", "success")),
        (False, ("can-i-deploy|no", "failed")),
        (None, ("can-i-deploy|unknown", "unknown")),
    ],
    ids=["yes", "no", "unknown"],
)
def test_can_i_deploy_badges(
    client: Client,
    service: BrokerService,
    pair: dict[str, Any],
    unique: Callable[[str], str],
    verified: bool | None,
    expected: tuple[str, str],
) -> None:
    """Both can-i-deploy badges answer the matrix's verdict for the branch or tag head."""
    if verified is not None:
        _verify(service, pair, verified)
    env_name = unique("prod")
    env, _ = service.save_environment({"name": env_name, "production": True}, uuid=None)
    service.save_version(pair["provider"], "2", {"tags": [env_name]})
    service.record_deployment(pair["provider"], "2", env["uuid"], {})
    consumer = pair["consumer"]
    by_branch = (
        f"/pacticipants/{consumer}/branches/main/latest-version/can-i-deploy/"
        f"to-environment/{env_name}/badge"
    )
    by_tag = f"/pacticipants/{consumer}/latest-version/main/can-i-deploy/to/{env_name}/badge"
    assert badge(client, by_branch) == expected
    assert badge(client, by_tag) == expected


def test_can_i_deploy_badge_unknown_environment_is_grey(
    client: Client, pair: dict[str, Any], unique: Callable[[str], str]
) -> None:
    """An environment the broker does not know gives the unknown badge."""
    path = (
        f"/pacticipants/{pair['consumer']}/branches/main/latest-version/can-i-deploy/"
        f"to-environment/{unique('nowhere')}/badge"
    )
    assert badge(client, path)[1] == "unknown"


def test_pacticipant_links_both_can_i_deploy_badges(client: Client, pair: dict[str, Any]) -> None:
    """The pacticipant resource links both badge templates, and they resolve to badges."""
    links = client.get(f"/pacticipants/{pair['consumer']}").json()["_links"]
    tag_link = links["pb:can-i-deploy-badge"]["href"]
    branch_link = links["pb:can-i-deploy-branch-to-environment-badge"]["href"]
    assert links["pb:can-i-deploy-branch-to-environment-badge"]["templated"] is True
    for href in (
        tag_link.replace("{tag}", "main").replace("{environment}", "prod"),
        branch_link.replace("{branch}", "main").replace("{environment}", "prod"),
    ):
        assert badge(client, href.removeprefix("http://broker.test"))[0].startswith("can-i-deploy")
