"""HTTP resources of pacticipant labels, as the Pact Broker serves them.

``GET``/``PUT``/``DELETE /pacticipants/{name}/labels/{label}`` read, add and remove one
label (``PUT`` answers 201 with ``Location`` when the label is new, 200 when it was there);
``GET /pacticipants/label/{label}`` lists the pacticipants carrying it. A webhook may name a
consumer or provider by label (``{"consumer": {"label": "..."}}``) instead of by name.
"""

from __future__ import annotations

from seam.server._routes import Call, Reply, Route

__all__ = ["LABEL_ROUTES"]


def get_label(call: Call) -> Reply:
    pacticipant, label = call.params["p"], call.params["label"]
    return Reply(doc=call.urls.label_doc(pacticipant, call.service.get_label(pacticipant, label)))


def put_label(call: Call) -> Reply:
    pacticipant, label = call.params["p"], call.params["label"]
    row, created = call.service.add_label(pacticipant, label)
    doc = call.urls.label_doc(pacticipant, row)
    if not created:
        return Reply(200, doc)
    return Reply(201, doc, {"Location": doc["_links"]["self"]["href"]})


def delete_label(call: Call) -> Reply:
    call.service.remove_label(call.params["p"], call.params["label"])
    return Reply(204)


def pacticipants_with_label(call: Call) -> Reply:
    rows = call.service.pacticipants_with_label(call.params["label"])
    doc = call.urls.pacticipants_doc(rows)
    doc["_links"]["self"] = {"href": call.urls("pacticipants", "label", call.params["label"])}
    return Reply(doc=doc)


# After every other route: a pacticipant named "label" keeps its own resources
# (/pacticipants/label/versions is its versions, as before labels existed).
LABEL_ROUTES = [
    Route(
        "/pacticipants/{p}/labels/{label}",
        {"GET": get_label, "PUT": put_label, "DELETE": delete_label},
    ),
    Route("/pacticipants/label/{label}", {"GET": pacticipants_with_label}),
]
