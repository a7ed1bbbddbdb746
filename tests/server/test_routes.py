"""The broker's resources over HTTP, in the shapes the official clients read."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from .conftest import Client, pact_doc, publish_body

Unique = Callable[[str], str]


def _publish(
    client: Client, consumer: str, version: str, providers: list[str], **kw: object
) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/contracts/publish", json=publish_body(consumer, version, providers, **kw)
    )  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_publish_response_has_every_field_the_rust_cli_parses(
    client: Client, unique: Unique
) -> None:
    """The publish response carries the embedded pacticipant/version and all strict links."""
    consumer, provider = unique("web"), unique("api")
    doc = _publish(client, consumer, "1.0.0", [provider], branch="main", tags=["dev"])
    assert doc["_embedded"]["pacticipant"]["name"] == consumer
    assert doc["_embedded"]["pacticipant"]["_links"]["self"]["href"].endswith(
        f"/pacticipants/{consumer}"
    )
    version_self = doc["_embedded"]["version"]["_links"]["self"]
    assert doc["_embedded"]["version"]["number"] == "1.0.0"
    assert {"href", "name", "title"} <= set(version_self)
    for rel in ("pb:pacticipant", "pb:pacticipant-version"):
        assert {"href", "name", "title"} <= set(doc["_links"][rel])
    [contract] = doc["_links"]["pb:contracts"]
    assert contract["href"].endswith(
        f"/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0"
    )
    assert [t["name"] for t in doc["_links"]["pb:pacticipant-version-tags"]] == ["dev"]
    assert all({"level", "message", "deprecationWarning"} <= set(log) for log in doc["logs"])


def test_publish_notice_types_follow_what_happened_not_the_names(
    client: Client, unique: Unique
) -> None:
    """The version line is info and each pact line success, even for a name with "published"."""
    consumer, provider = unique("published-web"), unique("api")
    first = _publish(client, consumer, "1.0.0", [provider])
    again = _publish(client, consumer, "1.0.0", [provider])
    assert [n["type"] for n in first["notices"]] == ["info", "success", "prompt"]
    assert [n["type"] for n in again["notices"]] == ["info", "success", "prompt"]
    assert again["notices"][1]["text"] == (
        f"Pact republished for {consumer} version 1.0.0 and provider {provider}."
    )
    assert [log["message"] for log in first["logs"]] == [n["text"] for n in first["notices"][:2]]


def test_published_pact_is_served_with_links(client: Client, unique: Unique) -> None:
    """A published pact comes back with its content, pb:provider and the verification link."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1.0.0", [provider])
    response = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0")
    doc = response.json()
    assert doc["interactions"] == pact_doc(consumer, provider)["interactions"]
    assert doc["_links"]["pb:provider"]["name"] == provider
    assert "/pact-version/" in doc["_links"]["pb:publish-verification-results"]["href"]
    assert response.headers["x-pact-consumer-version"] == "1.0.0"


def test_publish_creates_branch_and_tags(client: Client, unique: Unique) -> None:
    """Publishing with a branch and tags records both on the consumer version."""
    consumer = unique("web")
    _publish(client, consumer, "1.0.0", [unique("api")], branch="feat-x", tags=["dev", "qa"])
    version = client.get(f"/pacticipants/{consumer}/versions/1.0.0").json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["feat-x"]
    assert sorted(t["name"] for t in version["_embedded"]["tags"]) == ["dev", "qa"]


def test_republishing_same_content_is_accepted(client: Client, unique: Unique) -> None:
    """Publishing identical content for the same version again succeeds and says it is unchanged."""
    consumer, provider = unique("web"), unique("api")
    first = _publish(client, consumer, "1.0.0", [provider])
    again = _publish(client, consumer, "1.0.0", [provider])
    notices = [n["text"] for n in again["notices"]]
    assert any(text.startswith(f"Pact republished for {consumer}") for text in notices), notices
    assert not any("Pact published" in n["text"] for n in again["notices"])
    assert any("Pact published" in n["text"] for n in first["notices"])
    versions = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/versions").json()
    assert len(versions["_links"]["pb:pacts"]) == 1


def test_changing_published_content_is_409(client: Client, unique: Unique) -> None:
    """Different content for an already published version is refused, as the Pact Broker does."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1.0.0", [provider])
    body = publish_body(consumer, "1.0.0", [provider], description="something else")
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 409
    assert "new consumer version" in str(response.json()["errors"])


def test_publish_merge_adds_interactions(client: Client, unique: Unique) -> None:
    """onConflict=merge adds new interactions to the version's pact instead of refusing."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1.0.0", [provider])
    body = publish_body(consumer, "1.0.0", [provider], description="another request")
    body["contracts"][0]["onConflict"] = "merge"
    assert client.post("/contracts/publish", json=body).status_code == 200
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    assert [i["description"] for i in pact["interactions"]] == ["get a thing", "another request"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("pacticipantVersionNumber", None), ("contracts", []), ("tags", "dev")],
    ids=["no-version", "no-contracts", "tags-not-list"],
)
def test_publish_validation_errors_name_the_field(
    client: Client, field: str, value: object
) -> None:
    """An invalid publish body answers 400 with errors keyed by the offending field."""
    body = publish_body("web", "1", ["api"])
    body[field] = value
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_publish_refuses_content_that_is_not_base64_json(client: Client) -> None:
    """Contract content that does not decode to JSON is refused with 400."""
    body = publish_body("web", "1", ["api"])
    body["contracts"][0]["content"] = base64.b64encode(b"not json").decode()
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400
    assert "contracts[0].content" in response.json()["errors"]


def test_legacy_put_creates_then_updates(client: Client, unique: Unique) -> None:
    """PUT …/version/V answers 201 for a new pact and 200 for the same content again."""
    consumer, provider = unique("web"), unique("api")
    url = f"/pacts/provider/{provider}/consumer/{consumer}/version/2.0.0"
    assert client.put(url, json=pact_doc(consumer, provider)).status_code == 201
    assert client.put(url, json=pact_doc(consumer, provider)).status_code == 200


def test_legacy_put_refuses_mismatched_consumer(client: Client, unique: Unique) -> None:
    """A pact whose consumer name differs from the URL's is refused."""
    provider = unique("api")
    url = f"/pacts/provider/{provider}/consumer/web/version/1"
    response = client.put(url, json=pact_doc("other", provider))
    assert response.status_code == 400


def test_legacy_patch_merges(client: Client, unique: Unique) -> None:
    """PATCH …/version/V merges interactions into the existing pact."""
    consumer, provider = unique("web"), unique("api")
    url = f"/pacts/provider/{provider}/consumer/{consumer}/version/1"
    client.put(url, json=pact_doc(consumer, provider, "first"))
    client.patch(url, json=pact_doc(consumer, provider, "second"))
    descriptions = [i["description"] for i in client.get(url).json()["interactions"]]
    assert descriptions == ["first", "second"]


def test_latest_pact_and_latest_tagged_pact(client: Client, unique: Unique) -> None:
    """/latest is the newest consumer version's pact; /latest/TAG the newest with that tag."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], tags=["prod"], description="one")
    _publish(client, consumer, "2", [provider], description="two")
    base = f"/pacts/provider/{provider}/consumer/{consumer}"
    assert client.get(f"{base}/latest").headers["x-pact-consumer-version"] == "2"
    assert client.get(f"{base}/latest/prod").headers["x-pact-consumer-version"] == "1"


def test_missing_pact_is_404(client: Client, unique: Unique) -> None:
    """Asking for a pact that does not exist answers 404."""
    response = client.get(f"/pacts/provider/{unique('api')}/consumer/{unique('web')}/latest")
    assert response.status_code == 404


def test_pact_by_content_sha(client: Client, unique: Unique) -> None:
    """The pb:pact-version permalink serves the same content."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider])
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    again = client.get(pact["_links"]["pb:pact-version"]["href"]).json()
    assert again["interactions"] == pact["interactions"]


def test_provider_latest_pacts_lists_each_consumer(client: Client, unique: Unique) -> None:
    """/pacts/provider/P/latest links the latest pact of every consumer of P."""
    provider = unique("api")
    a, b = unique("a"), unique("b")
    _publish(client, a, "1", [provider])
    _publish(client, b, "7", [provider])
    doc = client.get(f"/pacts/provider/{provider}/latest").json()
    assert sorted(link["name"] for link in doc["_links"]["pb:pacts"]) == sorted([a, b])


def test_latest_pacts_overall(client: Client, unique: Unique) -> None:
    """/pacts/latest lists one pact per integration, with consumer version embedded."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], description="v1")
    _publish(client, consumer, "2", [provider], description="v2")
    [pact] = client.get("/pacts/latest").json()["pacts"]
    assert pact["_embedded"]["consumer"]["_embedded"]["version"]["number"] == "2"


def test_verification_result_is_recorded_and_linked(client: Client, unique: Unique) -> None:
    """POSTing to pb:publish-verification-results stores a result that can be fetched back."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider])
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    response = client.post(
        href,
        json={
            "success": True,
            "providerApplicationVersion": "9.9",
            "testResults": [{"success": True}],
        },
    )
    assert response.status_code == 201
    fetched = client.get(response.json()["_links"]["self"]["href"]).json()
    assert fetched["success"] is True and fetched["providerApplicationVersion"] == "9.9"


def test_verification_result_needs_success_and_version(client: Client, unique: Unique) -> None:
    """A verification result without success or provider version is refused with 400."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider])
    url = f"/pacts/provider/{provider}/consumer/{consumer}/verification-results"
    response = client.post(url, json={"success": "yes"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"success", "providerApplicationVersion"}


def test_pacticipant_create_get_and_patch(client: Client, unique: Unique) -> None:
    """POST creates a pacticipant (201), PATCH updates it (200), GET shows the update."""
    name = unique("svc")
    created = client.post("/pacticipants", json={"name": name, "repositoryUrl": "http://a"})
    assert created.status_code == 201
    updated = client.patch(f"/pacticipants/{name}", json={"repository_url": "http://b"})
    assert updated.status_code == 200
    assert client.get(f"/pacticipants/{name}").json()["repositoryUrl"] == "http://b"


def test_patch_unknown_pacticipant_creates_it(client: Client, unique: Unique) -> None:
    """PATCH on a pacticipant that does not exist creates it (201), as the Ruby client expects."""
    response = client.patch(f"/pacticipants/{unique('svc')}", json={"repositoryUrl": "x"})
    assert response.status_code == 201


def test_pacticipant_embeds_latest_version(client: Client, unique: Unique) -> None:
    """A pacticipant embeds its latest version."""
    consumer = unique("web")
    _publish(client, consumer, "1", [unique("api")])
    _publish(client, consumer, "2", [unique("api")])
    doc = client.get(f"/pacticipants/{consumer}").json()
    assert doc["_embedded"]["latest-version"]["number"] == "2"


def test_tag_put_is_201_then_200(client: Client, unique: Unique) -> None:
    """Tagging a version answers 201 the first time and 200 when the tag exists."""
    url = f"/pacticipants/{unique('svc')}/versions/1.3.0/tags/prod"
    first, second = client.put(url, json={}), client.put(url, json={})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["_links"]["self"]["href"].endswith("/versions/1.3.0/tags/prod")


def test_latest_version_with_tag(client: Client, unique: Unique) -> None:
    """/latest-version/TAG is the newest version carrying the tag."""
    name = unique("svc")
    for number in ("1", "2", "3"):
        client.put(f"/pacticipants/{name}/versions/{number}", json={})
    client.put(f"/pacticipants/{name}/versions/2/tags/production", json={})
    assert client.get(f"/pacticipants/{name}/latest-version/production").json()["number"] == "2"
    assert client.get(f"/pacticipants/{name}/latest-version").json()["number"] == "3"


def test_branch_version_and_delete_branch(client: Client, unique: Unique) -> None:
    """A version added to a branch is listed under it; deleting the branch answers 204."""
    name = unique("svc")
    assert client.put(f"/pacticipants/{name}/branches/main/versions/1", json={}).status_code == 200
    assert client.get(f"/pacticipants/{name}/branches/main").json()["name"] == "main"
    assert client.delete(f"/pacticipants/{name}/branches/main").status_code == 204
    assert client.get(f"/pacticipants/{name}/branches/main").status_code == 404


def _environment(client: Client, name: str) -> dict:  # type: ignore[type-arg]
    body = {
        "name": name,
        "displayName": name.title(),
        "production": False,
        "contacts": [{"name": "team", "details": {"emailAddress": "t@example.org"}}],
    }
    response = client.post("/environments", json=body)
    assert response.status_code == 201
    return response.json()  # type: ignore[no-any-return]


def test_environment_create_list_get(client: Client, unique: Unique) -> None:
    """An environment is created with a UUID, listed, and fetched by UUID."""
    env = _environment(client, unique("test"))
    listed = client.get("/environments").json()
    assert [e["uuid"] for e in listed["_embedded"]["environments"]] == [env["uuid"]]
    assert listed["_links"]["pb:environments"][0]["name"] == env["name"]
    got = client.get(f"/environments/{env['uuid']}").json()
    assert got["contacts"] == env["contacts"]
    assert got["_links"]["pb:currently-deployed-deployed-versions"]["href"].endswith(
        "/deployed-versions/currently-deployed"
    )


def test_duplicate_environment_name_is_409(client: Client, unique: Unique) -> None:
    """Two environments may not share a name."""
    name = unique("prod")
    _environment(client, name)
    assert client.post("/environments", json={"name": name}).status_code == 409


def test_version_links_record_deployment_per_environment(client: Client, unique: Unique) -> None:
    """A version links pb:record-deployment for each environment, named by environment."""
    env = _environment(client, unique("test"))
    name = unique("svc")
    client.put(f"/pacticipants/{name}/versions/1", json={})
    links = client.get(f"/pacticipants/{name}/versions/1").json()["_links"]
    [deploy] = links["pb:record-deployment"]
    assert deploy["name"] == env["name"]
    assert deploy["href"].endswith(f"/deployed-versions/environment/{env['uuid']}")


def test_record_deployment_then_undeploy(client: Client, unique: Unique) -> None:
    """A recorded deployment is currently deployed until PATCHed to currentlyDeployed=false."""
    env = _environment(client, unique("test"))
    name = unique("svc")
    client.put(f"/pacticipants/{name}/versions/1", json={})
    url = f"/pacticipants/{name}/versions/1/deployed-versions/environment/{env['uuid']}"
    deployed = client.post(url, json={"applicationInstance": "blue"})
    assert deployed.status_code == 201
    current = f"/environments/{env['uuid']}/deployed-versions/currently-deployed?pacticipant={name}"
    [row] = client.get(current).json()["_embedded"]["deployedVersions"]
    assert row["applicationInstance"] == "blue"
    patched = client.patch(row["_links"]["self"]["href"], json={"currentlyDeployed": False})
    assert patched.json()["currentlyDeployed"] is False
    assert client.get(current).json()["_embedded"]["deployedVersions"] == []


def test_new_deployment_replaces_same_instance(client: Client, unique: Unique) -> None:
    """Deploying version 2 to the same application instance undeploys version 1."""
    env = _environment(client, unique("test"))
    name = unique("svc")
    for number in ("1", "2"):
        client.put(f"/pacticipants/{name}/versions/{number}", json={})
        client.post(
            f"/pacticipants/{name}/versions/{number}/deployed-versions/environment/{env['uuid']}",
            json={},
        )
    current = f"/environments/{env['uuid']}/deployed-versions/currently-deployed"
    rows = client.get(current).json()["_embedded"]["deployedVersions"]
    assert [r["_embedded"]["version"]["number"] for r in rows] == ["2"]


def test_record_release_is_201_then_200(client: Client, unique: Unique) -> None:
    """Recording a release answers 201, and 200 when the version is already released there."""
    env = _environment(client, unique("test"))
    name = unique("svc")
    client.put(f"/pacticipants/{name}/versions/1", json={})
    url = f"/pacticipants/{name}/versions/1/released-versions/environment/{env['uuid']}"
    assert [client.post(url, json={}).status_code for _ in range(2)] == [201, 200]


def test_record_deployment_of_unknown_version_is_404(client: Client, unique: Unique) -> None:
    """Deploying a version the broker does not know answers 404."""
    env = _environment(client, unique("test"))
    url = f"/pacticipants/{unique('svc')}/versions/1/deployed-versions/environment/{env['uuid']}"
    assert client.post(url, json={}).status_code == 404


def test_webhook_password_is_never_echoed_back(client: Client) -> None:
    """A webhook's password is stored (to send it) but never shown in its document."""
    body = {
        "description": "a webhook",
        "events": [{"name": "contract_published"}],
        "request": {"method": "POST", "url": "https://ci.example.org", "password": "s3cret"},
    }
    response = client.post("/webhooks", json=body)
    assert response.status_code == 201
    assert "s3cret" not in json.dumps(client.get(response.json()["_links"]["self"]["href"]).json())


def test_webhook_without_url_is_400(client: Client) -> None:
    """A webhook request without a URL is refused with errors['request.url']."""
    response = client.post("/webhooks", json={"request": {"method": "POST"}})
    assert response.status_code == 400
    assert "request.url" in response.json()["errors"]


def test_webhook_for_unknown_pacticipants_is_404(client: Client, unique: Unique) -> None:
    """Creating a webhook under /webhooks/provider/P/consumer/C for unknown names answers 404."""
    url = f"/webhooks/provider/{unique('api')}/consumer/{unique('web')}"
    body = {"request": {"method": "POST", "url": "https://x"}}
    assert client.post(url, json=body).status_code == 404


def test_integrations_list_status(client: Client, unique: Unique) -> None:
    """/integrations lists each consumer/provider pair with its verification status."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider])
    [row] = client.get("/integrations").json()["_embedded"]["integrations"]
    assert (row["consumer"]["name"], row["provider"]["name"]) == (consumer, provider)
    assert row["verificationStatus"] == "unverified"


def test_version_tags_must_be_names(client: Client, unique: Unique) -> None:
    """A version body whose tags are not strings is refused with 400."""
    response = client.put(f"/pacticipants/{unique('svc')}/versions/1", json={"tags": [None]})
    assert response.status_code == 400


def test_provider_pacts_from_main_branches(client: Client, unique: Unique) -> None:
    """/pacts/provider/P/branch/latest links each consumer's newest main-branch pact."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], branch="main", description="one")
    _publish(client, consumer, "2", [provider], branch="main", description="two")
    _publish(client, consumer, "3", [provider], branch="feature", description="three")
    latest = client.get(f"/pacts/provider/{provider}/branch/latest").json()["_links"]["pb:pacts"]
    every = client.get(f"/pacts/provider/{provider}/branch").json()["_links"]["pb:pacts"]
    assert [p["href"].rsplit("/", 1)[1] for p in latest] == ["2"]
    assert sorted(p["href"].rsplit("/", 1)[1] for p in every) == ["1", "2"]


def test_consumer_pacts_from_a_branch(client: Client, unique: Unique) -> None:
    """/pacts/provider/P/consumer/C/branch/B lists that branch's pact versions, newest first."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], branch="feature", description="one")
    _publish(client, consumer, "2", [provider], branch="feature", description="two")
    url = f"/pacts/provider/{provider}/consumer/{consumer}/branch/feature"
    pacts = client.get(url).json()["_embedded"]["pacts"]
    assert [p["_embedded"]["consumerVersion"]["number"] for p in pacts] == ["2", "1"]


def test_latest_main_branch_pact_is_the_pact(client: Client, unique: Unique) -> None:
    """/pacts/provider/P/consumer/C/branch/latest serves the newest main-branch pact itself."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], branch="main")
    response = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/branch/latest")
    assert response.json()["consumer"]["name"] == consumer
    assert response.headers["x-pact-consumer-version"] == "1"


def test_provider_states_of_latest_pacts(client: Client, unique: Unique) -> None:
    """/pacts/provider/P/provider-states names each state and the consumers that use it."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider])
    states = client.get(f"/pacts/provider/{provider}/provider-states").json()["providerStates"]
    assert states == [{"name": "a thing exists", "consumers": [consumer]}]


def test_latest_pact_follows_version_order_not_publish_order(
    client: Client, unique: Unique
) -> None:
    """A pact published late for an older version does not become the latest."""
    consumer, provider = unique("web"), unique("api")
    client.put(f"/pacticipants/{consumer}/versions/1", json={})
    _publish(client, consumer, "2", [provider], description="two")
    _publish(client, consumer, "1", [provider], description="one")
    [pact] = client.get("/pacts/latest").json()["pacts"]
    assert pact["_embedded"]["consumer"]["_embedded"]["version"]["number"] == "2"


def test_all_pact_versions_link_lists_each_version(client: Client, unique: Unique) -> None:
    """The pact's pb:all-pact-versions link lists the pact of every consumer version."""
    consumer, provider = unique("web"), unique("api")
    _publish(client, consumer, "1", [provider], description="one")
    _publish(client, consumer, "2", [provider], description="two")
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    listed = client.get(pact["_links"]["pb:all-pact-versions"]["href"]).json()
    assert [p["_embedded"]["consumerVersion"]["number"] for p in listed["_embedded"]["pacts"]] == [
        "2",
        "1",
    ]
