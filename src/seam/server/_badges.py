"""README badges as the Pact Broker serves them: the latest pact's status and can-i-deploy.

Paths as on the Pact Broker. The Pact Broker redirects to (or proxies) shields.io; this
broker draws the flat SVG itself, so a badge needs nothing from outside. A badge always
answers 200: what cannot be known (no such pacticipant, no pact, no verification) is the
grey "unknown" badge, which is what a README should show rather than a broken image.
"""

from __future__ import annotations

from html import escape

from seam.server._errors import ServiceError
from seam.server._routes import Call, Reply, Route

__all__ = ["BADGE_ROUTES", "render_badge"]

#: shields.io's colours for the three answers.
COLOURS = {"success": "#4c1", "failed": "#e05d44", "unknown": "#9f9f9f"}
_SVG = "image/svg+xml"


def _width(text: str) -> int:
    # Verdana 11px averages about 6.5 px a character; 10 px of padding either side.
    return int(len(text) * 6.5) + 10


def render_badge(label: str, message: str, state: str) -> str:
    """Return a flat two-part badge (shields.io's layout) as a self-contained SVG.

    Args:
        label: The left, grey part.
        message: The right, coloured part.
        state: ``success``, ``failed`` or ``unknown`` (the colour).
    """
    left, right = _width(label), _width(message)
    total = left + right
    colour = COLOURS[state]
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{label_text}: {message_text}">'
        f"<title>{label_text}: {message_text}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}" class="{state}"/>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14">{label_text}</text>'
        f'<text x="{left + right / 2}" y="14">{message_text}</text>'
        "</g></svg>"
    )


def _badge(call: Call, default_label: str, message: str, state: str) -> Reply:
    label = call.arg("label") or default_label
    # Image proxies (GitHub's camo) cache what they are allowed to: a badge must not be.
    headers = {"Cache-Control": "no-cache, no-store, max-age=0"}
    return Reply(200, headers=headers, html=render_badge(label, message, state), media=_SVG)


def latest_pact_badge(call: Call) -> Reply:
    """The status of the latest pact (of a tag): verified, failed or unknown."""
    p = call.params
    try:
        row = call.service.get_pact(p["prov"], p["c"], tag=p.get("tag"))
        results = call.service.latest_verifications_for_consumer_version(
            p["c"], row["consumer_version"]
        )
    except ServiceError:
        return _badge(call, "pact", "unknown", "unknown")
    mine = [r for r in results if r["sha"] == row["sha"] and r["provider"] == row["provider"]]
    if not mine:
        return _badge(call, "pact", "unknown", "unknown")
    newest = max(mine, key=lambda r: r["id"])
    if newest["success"]:
        return _badge(call, "pact", "verified", "success")
    return _badge(call, "pact", "failed", "failed")


def _can_i_deploy(call: Call, query: list[tuple[str, str]]) -> Reply:
    try:
        deployable = call.service.matrix(query)["deployable"]
    except ServiceError:
        deployable = None
    if deployable is True:
        return _badge(call, "can-i-deploy", "yes", "success")
    if deployable is False:
        return _badge(call, "can-i-deploy", "no", "failed")
    return _badge(call, "can-i-deploy", "unknown", "unknown")


def can_i_deploy_tag_badge(call: Call) -> Reply:
    """Can the latest version with a tag deploy to where the environment tag is?"""
    p = call.params
    return _can_i_deploy(
        call,
        [
            ("q[][pacticipant]", p["p"]),
            ("q[][tag]", p["tag"]),
            ("q[][latest]", "true"),
            ("latestby", "cvp"),
            ("tag", p["to"]),
            ("latest", "true"),
        ],
    )


def can_i_deploy_branch_badge(call: Call) -> Reply:
    """Can the latest version of a branch deploy to an environment?"""
    p = call.params
    return _can_i_deploy(
        call,
        [
            ("q[][pacticipant]", p["p"]),
            ("q[][branch]", p["b"]),
            ("q[][latest]", "true"),
            ("latestby", "cvpv"),
            ("environment", p["env"]),
        ],
    )


_PACT = "/pacts/provider/{prov}/consumer/{c}"

BADGE_ROUTES: list[Route] = [
    Route(_PACT + "/latest/badge", {"GET": latest_pact_badge}),
    Route(_PACT + "/latest/{tag}/badge", {"GET": latest_pact_badge}),
    Route(
        "/pacticipants/{p}/latest-version/{tag}/can-i-deploy/to/{to}/badge",
        {"GET": can_i_deploy_tag_badge},
    ),
    Route(
        "/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{env}/badge",
        {"GET": can_i_deploy_branch_badge},
    ),
]
