"""The broker's domain operations over :class:`Storage`; no HTTP here.

Every public method runs in one transaction and returns typed rows (the TypedDicts of
:mod:`seam.server._queries.rows` and :mod:`seam.server._service._results`) that the route
layer turns into HAL documents. Refusals raise :mod:`seam.server._errors` classes.

One module per resource, each a class over :class:`ServiceCore` (storage and shared lookups);
:class:`BrokerService` is the facade routes and tests use. The service holds no SQL: it
composes the query functions of :mod:`seam.server._queries`.
"""

from __future__ import annotations

from seam.server._service._core import AUTO_MAIN_BRANCHES, Outcome
from seam.server._service._deployments import DeploymentsService
from seam.server._service._labels import LabelsService
from seam.server._service._pacticipants import PacticipantsService
from seam.server._service._pacts import PactsService
from seam.server._service._verifications import VerificationsService
from seam.server._service._webhooks import WebhooksService

__all__ = ["AUTO_MAIN_BRANCHES", "BrokerService", "Outcome"]


class BrokerService(
    PacticipantsService,
    LabelsService,
    PactsService,
    VerificationsService,
    DeploymentsService,
    WebhooksService,
):
    """The embedded broker's operations. Thread-safe: each call is one SQLite transaction.

    Args:
        storage: The opened database.
        allow_contract_modification: Allow publishing different pact content for an existing
            consumer version (the Pact Broker refuses it by default, because it makes
            can-i-deploy answers racy).
    """
