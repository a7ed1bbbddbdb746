"""Route table and handlers: HTTP request → service call → HAL document.

Handlers are plain synchronous functions (they run in a worker thread, because SQLite
calls block); each takes a :class:`Call` and returns a :class:`Reply`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seam.server._documents import Urls
from seam.server._errors import Invalid, NotFound
from seam.server._html import render_index
from seam.server._pages import render_pact
from seam.server._queries.rows import EnvironmentRow, PublicationRow
from seam.server._requests import json_object, parse_json
from seam.server._service import BrokerService

__all__ = ["ROUTES", "Call", "Handler", "Reply", "Route"]


@dataclass
class Call:
    """What a handler gets: the service, URL builder, path parameters, query and body."""

    service: BrokerService
    urls: Urls
    params: dict[str, str]
    query: list[tuple[str, str]]
    body: bytes
    accept: str
    method: str
    path: str = ""

    def json(self) -> Any:
        """Return the request body parsed as JSON (an empty body is ``{}``)."""
        if not self.body.strip():
            return {}
        return parse_json(self.body, "body", "the request body")

    def arg(self, name: str) -> str | None:
        """Return the first value of a query parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass
class Reply:
    """A handler's answer: status, a JSON document (or None) and extra headers."""

    status: int = 200
    doc: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None
    #: The media type of ``html`` when it is not HTML (an SVG badge, the metrics text).
    media: str | None = None


Handler = Callable[[Call], Reply]

_READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Route:
    """One resource: its path pattern, a handler per method, and which of them only ask.

    Whether a request changes the broker (and so needs the write token) is decided here,
    per route and method, never from the text of the URL: a pacticipant may be named
    ``for-verification``.
    """

    path: str
    methods: dict[str, Handler]
    #: Methods other than GET/HEAD that only query (nothing is stored).
    queries: frozenset[str] = frozenset()
    #: Answered without credentials (the health probes, as on the Pact Broker).
    public: bool = False
    #: Methods whose handler waits on something slow outside the broker (a webhook
    #: receiver): run in a worker thread, so the event loop keeps answering meanwhile.
    offload: frozenset[str] = frozenset()

    def writes(self, method: str) -> bool:
        """True when ``method`` on this route may change the broker."""
        return method not in _READS and method not in self.queries


# ---------------------------------------------------------------------------- index
def index(call: Call) -> Reply:
    if "text/html" in call.accept:
        return Reply(html=render_index(call.service.integrations(), call.urls))
    return Reply(doc=call.urls.index())


# ---------------------------------------------------------------------------- pacticipants
def list_pacticipants(call: Call) -> Reply:
    rows = call.service.list_pacticipants()
    return Reply(doc=call.urls.pacticipants_doc(rows))


def create_pacticipant(call: Call) -> Reply:
    body = json_object(call.json())
    row, _ = call.service.save_pacticipant(body.get("name"), body, must_be_new=True)  # type: ignore[arg-type]
    return Reply(
        201, call.urls.pacticipant_doc(row), {"Location": call.urls.pacticipant(row["name"])}
    )


def get_pacticipant(call: Call) -> Reply:
    name = call.params["p"]
    row = call.service.get_pacticipant(name)
    return Reply(doc=call.urls.pacticipant_doc(row, call.service.labels_of(name)))


def save_pacticipant(call: Call) -> Reply:
    body = json_object(call.json())
    row, created = call.service.save_pacticipant(call.params["p"], body)
    return Reply(201 if created else 200, call.urls.pacticipant_doc(row))


def delete_pacticipant(call: Call) -> Reply:
    call.service.delete_pacticipant(call.params["p"])
    return Reply(204)


# ---------------------------------------------------------------------------- versions
def list_versions(call: Call) -> Reply:
    pacticipant, rows = call.service.list_versions(call.params["p"])
    return Reply(doc=call.urls.versions_doc(pacticipant, rows))


def get_version(call: Call) -> Reply:
    return Reply(
        doc=call.urls.version_doc(call.service.get_version(call.params["p"], call.params["v"]))
    )


def save_version(call: Call) -> Reply:
    body = json_object(call.json())
    row, created = call.service.save_version(call.params["p"], call.params["v"], body)
    return Reply(201 if created else 200, call.urls.version_doc(row))


def delete_version(call: Call) -> Reply:
    call.service.delete_version(call.params["p"], call.params["v"])
    return Reply(204)


def latest_version(call: Call) -> Reply:
    row = call.service.latest_version(
        call.params["p"], tag=call.params.get("tag"), branch=call.params.get("b")
    )
    return Reply(doc=call.urls.version_doc(row))


# ---------------------------------------------------------------------------- tags, branches
def put_tag(call: Call) -> Reply:
    p, v, t = call.params["p"], call.params["v"], call.params["t"]
    created = call.service.add_tag(p, v, t)
    row = call.service.get_tag(p, v, t)
    return Reply(201 if created else 200, call.urls.tag_doc(p, v, t, row["created_at"]))


def get_tag(call: Call) -> Reply:
    p, v, t = call.params["p"], call.params["v"], call.params["t"]
    row = call.service.get_tag(p, v, t)
    return Reply(doc=call.urls.tag_doc(p, v, t, row["created_at"]))


def delete_tag(call: Call) -> Reply:
    call.service.delete_tag(call.params["p"], call.params["v"], call.params["t"])
    return Reply(204)


def list_branches(call: Call) -> Reply:
    pacticipant, rows = call.service.list_branches(call.params["p"])
    name = pacticipant["name"]
    return Reply(doc=call.urls.branches_doc(name, rows))


def get_branch(call: Call) -> Reply:
    row = call.service.get_branch(call.params["p"], call.params["b"])
    p = call.params["p"]
    return Reply(doc=call.urls.branch_doc(p, row))


def delete_branch(call: Call) -> Reply:
    call.service.delete_branch(call.params["p"], call.params["b"])
    return Reply(204)


def put_branch_version(call: Call) -> Reply:
    row = call.service.add_branch_version(call.params["p"], call.params["b"], call.params["v"])
    return Reply(200, call.urls.version_doc(row))


def get_branch_version(call: Call) -> Reply:
    row = call.service.get_version(call.params["p"], call.params["v"])
    if call.params["b"] not in [b["name"] for b in row["branches"]]:
        raise NotFound(f"version {call.params['v']!r} is not on branch {call.params['b']!r}")
    return Reply(doc=call.urls.version_doc(row))


# ---------------------------------------------------------------------------- pacts
def _pact_reply(
    call: Call, row: PublicationRow, status: int = 200, metadata: str | None = None
) -> Reply:
    return Reply(
        status,
        call.urls.pact_doc(row, metadata=metadata),
        {"X-Pact-Consumer-Version": row["consumer_version"]},
    )


def publish_contracts(call: Call) -> Reply:
    result = call.service.publish_contracts(call.json())
    return Reply(200, call.urls.publish_doc(result))


def put_pact(call: Call) -> Reply:
    p = call.params
    row, created = call.service.put_pact(
        p["prov"], p["c"], p["v"], call.json(), merge=call.method == "PATCH"
    )
    return _pact_reply(call, row, 201 if created else 200)


def get_pact(call: Call) -> Reply:
    p = call.params
    row = call.service.get_pact(
        p["prov"], p["c"], number=p.get("v"), tag=p.get("tag"), branch=p.get("b"), sha=p.get("sha")
    )
    if "text/html" in call.accept:
        # A browser gets the pact as documentation, as on the Pact Broker.
        return Reply(html=render_pact(row, call.urls))
    return _pact_reply(call, row, metadata=p.get("meta"))


def latest_pacts(call: Call) -> Reply:
    return Reply(doc=call.urls.latest_pacts_doc(call.service.latest_pacts()))


def provider_pacts(call: Call) -> Reply:
    provider = call.params["prov"]
    tag = call.params.get("tag")
    rows = call.service.latest_pacts(provider, tag)
    self_href = call.urls("pacts", "provider", provider, "latest", *([tag] if tag else []))
    return Reply(doc=call.urls.provider_pacts_doc(provider, self_href, rows))


def provider_branch_pacts(call: Call, *, latest: bool = False) -> Reply:
    provider = call.params["prov"]
    branch = call.params.get("b")
    rows = call.service.branch_pacts(provider, branch=branch, latest=latest)
    return Reply(doc=call.urls.branch_pacts_doc(provider, call.path, rows))


def consumer_branch_pacts(call: Call, *, latest: bool = False) -> Reply:
    p = call.params
    if latest:
        # The newest pact on the consumer's main branch: the pact itself.
        rows = call.service.branch_pacts(p["prov"], consumer_name=p["c"], latest=True)
        if not rows:
            raise NotFound(f"no pact from {p['c']!r}'s main branch for {p['prov']!r}")
        return _pact_reply(call, rows[0])
    rows = call.service.branch_pacts(p["prov"], consumer_name=p["c"], branch=p.get("b"))
    return Reply(doc=call.urls.consumer_branch_pacts_doc(p, call.path, rows))


def all_pact_versions(call: Call) -> Reply:
    p = call.params
    rows = call.service.pact_versions(p["prov"], p["c"])
    return Reply(doc=call.urls.pact_versions_doc(p, call.path, rows))


def provider_states(call: Call) -> Reply:
    return Reply(doc={"providerStates": call.service.provider_states(call.params["prov"])})


def for_verification(call: Call) -> Reply:
    provider = call.params["prov"]
    if call.method == "GET":
        body: Any = {}
        selectors = call.arg("consumer_version_selectors")
        if selectors:
            body["consumerVersionSelectors"] = parse_json(
                selectors, "consumer_version_selectors", "consumer_version_selectors"
            )
        if call.arg("provider_version_branch"):
            body["providerVersionBranch"] = call.arg("provider_version_branch")
        if call.arg("include_pending_status") == "true":
            body["includePendingStatus"] = True
    else:
        body = call.json()
    pacts = call.service.pacts_for_verification(provider, body)
    return Reply(
        doc=call.urls.verifiable_doc(provider, pacts, bool(body.get("includePendingStatus")))
    )


# ---------------------------------------------------------------------------- verifications
def post_verification(call: Call) -> Reply:
    p = call.params
    row = call.service.record_verification(p["prov"], p["c"], p.get("sha"), call.json())
    return Reply(201, call.urls.verification_doc(row), {"Location": call.urls.verification(row)})


def get_verification(call: Call) -> Reply:
    p = call.params
    row = call.service.get_verification(p["prov"], p["c"], p["sha"], p["n"])
    return Reply(doc=call.urls.verification_doc(row))


def latest_verifications_for_version(call: Call) -> Reply:
    rows = call.service.latest_verifications_for_consumer_version(
        call.params["c"], call.params["v"]
    )
    docs = [call.urls.verification_doc(r) for r in rows]
    return Reply(doc=call.urls.latest_verifications_doc(call.params["c"], call.params["v"], docs))


# ---------------------------------------------------------------------------- matrix
def matrix(call: Call) -> Reply:
    return Reply(doc=call.urls.matrix_doc(call.service.matrix(call.query)))


def can_i_deploy(call: Call) -> Reply:
    pacticipant, version = call.arg("pacticipant"), call.arg("version")
    environment, to = call.arg("environment"), call.arg("to")
    if not pacticipant or not version or not (environment or to):
        raise Invalid(
            "can-i-deploy needs pacticipant, version and environment (or to)",
            errors=["pacticipant, version and environment (or to) are required"],
        )
    items = [
        ("q[][pacticipant]", pacticipant),
        ("q[][version]", version),
        ("latestby", "cvpv" if environment else "cvp"),
    ]
    items += (
        [("environment", environment)] if environment else [("tag", to or ""), ("latest", "true")]
    )
    return Reply(doc=call.urls.matrix_doc(call.service.matrix(items)))


# ---------------------------------------------------------------------------- environments
def list_environments(call: Call) -> Reply:
    return Reply(doc=call.urls.environments_doc(call.service.list_environments(call.arg("name"))))


def create_environment(call: Call) -> Reply:
    row, _ = call.service.save_environment(call.json())
    return Reply(
        201, call.urls.environment_doc(row), {"Location": call.urls.environment(row["uuid"])}
    )


def get_environment(call: Call) -> Reply:
    return Reply(doc=call.urls.environment_doc(call.service.get_environment(call.params["uuid"])))


def put_environment(call: Call) -> Reply:
    row, created = call.service.save_environment(call.json(), call.params["uuid"])
    return Reply(201 if created else 200, call.urls.environment_doc(row))


def delete_environment(call: Call) -> Reply:
    call.service.delete_environment(call.params["uuid"])
    return Reply(204)


def _in_environment(
    u: Urls, env: EnvironmentRow, key: str, docs: list[dict[str, Any]], path: str
) -> Reply:
    """The deployed or released versions now current in an environment (``path`` below it)."""
    url = u.environment(env["uuid"])
    return Reply(
        doc={
            "_embedded": {key: docs},
            "_links": {
                "self": {"href": url + path},
                "pb:environment": {"href": url, "name": env["name"]},
            },
        }
    )


def currently_deployed(call: Call) -> Reply:
    env, rows = call.service.currently_deployed(
        call.params["uuid"],
        call.arg("pacticipant"),
        call.arg("applicationInstance")
        if call.arg("applicationInstance") is not None
        else call.arg("target"),
    )
    docs = [call.urls.deployed_doc(r) for r in rows]
    return _in_environment(
        call.urls, env, "deployedVersions", docs, "/deployed-versions/currently-deployed"
    )


def currently_supported(call: Call) -> Reply:
    env, rows = call.service.currently_supported(call.params["uuid"], call.arg("pacticipant"))
    docs = [call.urls.released_doc(r) for r in rows]
    return _in_environment(
        call.urls, env, "releasedVersions", docs, "/released-versions/currently-supported"
    )


def record_deployment(call: Call) -> Reply:
    p = call.params
    row = call.service.record_deployment(p["p"], p["v"], p["uuid"], call.json())
    return Reply(201, call.urls.deployed_doc(row))


def record_release(call: Call) -> Reply:
    p = call.params
    row, created = call.service.record_release(p["p"], p["v"], p["uuid"])
    return Reply(201 if created else 200, call.urls.released_doc(row))


def _check_kind(call: Call) -> None:
    if call.params["kind"] not in ("deployed-versions", "released-versions"):
        raise NotFound(f"no resource {call.params['kind']!r} under a version")


def record_deployment_or_release(call: Call) -> Reply:
    _check_kind(call)
    if call.params["kind"] == "deployed-versions":
        return record_deployment(call)
    return record_release(call)


def version_deployments(call: Call) -> Reply:
    _check_kind(call)
    row = call.service.get_version(call.params["p"], call.params["v"])
    uuid = call.params["uuid"]
    u = call.urls
    if "deployed-versions" in call.params.get("kind", ""):
        docs = [
            u.deployed_doc(d, embed=False) for d in row["deployed"] if d["environment_uuid"] == uuid
        ]
        return Reply(doc={"_embedded": {"deployedVersions": docs}})
    docs = [
        u.released_doc(r, embed=False) for r in row["released"] if r["environment_uuid"] == uuid
    ]
    return Reply(doc={"_embedded": {"releasedVersions": docs}})


def get_deployed(call: Call) -> Reply:
    return Reply(doc=call.urls.deployed_doc(call.service.get_deployed(call.params["uuid"])))


def patch_deployed(call: Call) -> Reply:
    row = call.service.update_deployed(call.params["uuid"], call.json())
    return Reply(doc=call.urls.deployed_doc(row))


def get_released(call: Call) -> Reply:
    return Reply(doc=call.urls.released_doc(call.service.get_released(call.params["uuid"])))


def patch_released(call: Call) -> Reply:
    row = call.service.update_released(call.params["uuid"], call.json())
    return Reply(doc=call.urls.released_doc(row))


# ---------------------------------------------------------------------------- webhooks
def list_webhooks(call: Call) -> Reply:
    rows = call.service.list_webhooks()
    return Reply(doc=call.urls.webhooks_doc(rows))


def create_webhook(call: Call) -> Reply:
    p = call.params
    row, _ = call.service.save_webhook(call.json(), consumer=p.get("c"), provider=p.get("prov"))
    return Reply(201, call.urls.webhook_doc(row), {"Location": call.urls("webhooks", row["uuid"])})


def put_webhook(call: Call) -> Reply:
    row, created = call.service.save_webhook(call.json(), uuid=call.params["uuid"])
    return Reply(201 if created else 200, call.urls.webhook_doc(row))


def get_webhook(call: Call) -> Reply:
    return Reply(doc=call.urls.webhook_doc(call.service.get_webhook(call.params["uuid"])))


def delete_webhook(call: Call) -> Reply:
    call.service.delete_webhook(call.params["uuid"])
    return Reply(204)


# ---------------------------------------------------------------------------- integrations
def integrations(call: Call) -> Reply:
    rows = call.service.integrations()
    return Reply(doc=call.urls.integrations_doc(rows))


def _latest(handler: Callable[..., Reply]) -> Handler:
    """The handler of a ``.../latest`` route: the route says so, not the URL's last word."""
    return functools.partial(handler, latest=True)


_PACT = "/pacts/provider/{prov}/consumer/{c}"
_PV = _PACT + "/pact-version/{sha}"

# First match wins; {name} matches one path segment.
ROUTES: list[Route] = [
    Route("/", {"GET": index}),
    Route("/contracts/publish", {"POST": publish_contracts}),
    Route("/pacticipants", {"GET": list_pacticipants, "POST": create_pacticipant}),
    Route(
        "/pacticipants/{p}",
        {
            "GET": get_pacticipant,
            "PUT": save_pacticipant,
            "PATCH": save_pacticipant,
            "DELETE": delete_pacticipant,
        },
    ),
    Route("/pacticipants/{p}/versions", {"GET": list_versions}),
    Route(
        "/pacticipants/{p}/versions/{v}",
        {"GET": get_version, "PUT": save_version, "PATCH": save_version, "DELETE": delete_version},
    ),
    Route("/pacticipants/{p}/latest-version", {"GET": latest_version}),
    Route("/pacticipants/{p}/latest-version/{tag}", {"GET": latest_version}),
    Route(
        "/pacticipants/{p}/versions/{v}/tags/{t}",
        {"GET": get_tag, "PUT": put_tag, "DELETE": delete_tag},
    ),
    Route("/pacticipants/{p}/branches", {"GET": list_branches}),
    Route("/pacticipants/{p}/branches/{b}", {"GET": get_branch, "DELETE": delete_branch}),
    Route("/pacticipants/{p}/branches/{b}/latest-version", {"GET": latest_version}),
    Route(
        "/pacticipants/{p}/branches/{b}/versions/{v}",
        {"GET": get_branch_version, "PUT": put_branch_version},
    ),
    Route(
        "/pacticipants/{p}/versions/{v}/{kind}/environment/{uuid}",
        {"POST": record_deployment_or_release, "GET": version_deployments},
    ),
    Route("/pacts/latest", {"GET": latest_pacts}),
    Route("/pacts/provider/{prov}/latest", {"GET": provider_pacts}),
    Route("/pacts/provider/{prov}", {"GET": provider_pacts}),
    Route("/pacts/provider/{prov}/latest/{tag}", {"GET": provider_pacts}),
    Route("/pacts/provider/{prov}/provider-states", {"GET": provider_states}),
    # Literal "latest" routes come before "{b}" ones: the first match wins.
    Route("/pacts/provider/{prov}/branch", {"GET": provider_branch_pacts}),
    Route("/pacts/provider/{prov}/branch/latest", {"GET": _latest(provider_branch_pacts)}),
    Route("/pacts/provider/{prov}/branch/{b}", {"GET": provider_branch_pacts}),
    Route("/pacts/provider/{prov}/branch/{b}/latest", {"GET": _latest(provider_branch_pacts)}),
    Route(_PACT + "/versions", {"GET": all_pact_versions}),
    Route(_PACT + "/branch", {"GET": consumer_branch_pacts}),
    Route(_PACT + "/branch/latest", {"GET": _latest(consumer_branch_pacts)}),
    Route(_PACT + "/branch/{b}", {"GET": consumer_branch_pacts}),
    # POST only asks which pacts to verify (the body holds the selectors, too long for a
    # query string): a verifier holding the read token may make it, as the Pact Broker allows.
    Route(
        "/pacts/provider/{prov}/for-verification",
        {"GET": for_verification, "POST": for_verification},
        queries=frozenset({"POST"}),
    ),
    Route(_PACT + "/version/{v}", {"GET": get_pact, "PUT": put_pact, "PATCH": put_pact}),
    Route(_PACT + "/latest", {"GET": get_pact}),
    Route(_PACT + "/latest/{tag}", {"GET": get_pact}),
    Route(_PACT + "/branch/{b}/latest", {"GET": get_pact}),
    Route(_PACT + "/verification-results", {"POST": post_verification}),
    Route(_PV, {"GET": get_pact}),
    Route(_PV + "/metadata/{meta}", {"GET": get_pact}),
    Route(_PV + "/verification-results", {"POST": post_verification}),
    Route(_PV + "/metadata/{meta}/verification-results", {"POST": post_verification}),
    Route(_PV + "/verification-results/{n}", {"GET": get_verification}),
    Route(
        "/verification-results/consumer/{c}/version/{v}/latest",
        {"GET": latest_verifications_for_version},
    ),
    Route("/matrix", {"GET": matrix}),
    Route("/can-i-deploy", {"GET": can_i_deploy}),
    Route("/environments", {"GET": list_environments, "POST": create_environment}),
    Route(
        "/environments/{uuid}",
        {"GET": get_environment, "PUT": put_environment, "DELETE": delete_environment},
    ),
    Route("/environments/{uuid}/deployed-versions/currently-deployed", {"GET": currently_deployed}),
    Route(
        "/environments/{uuid}/released-versions/currently-supported", {"GET": currently_supported}
    ),
    Route("/deployed-versions/{uuid}", {"GET": get_deployed, "PATCH": patch_deployed}),
    Route("/released-versions/{uuid}", {"GET": get_released, "PATCH": patch_released}),
    Route("/webhooks", {"GET": list_webhooks, "POST": create_webhook}),
    Route("/webhooks/{uuid}", {"GET": get_webhook, "PUT": put_webhook, "DELETE": delete_webhook}),
    Route("/webhooks/provider/{prov}/consumer/{c}", {"POST": create_webhook}),
    Route("/integrations", {"GET": integrations}),
]
