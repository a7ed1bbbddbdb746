"""HAL documents: the Pact Broker's resource shapes and link relations, built from rows.

Hrefs are absolute (the request's own base URL, or the configured ``base_url``) and use the
canonical Pact Broker paths, because official clients build some URLs themselves. One module
per resource; :class:`Urls` is the one object routes and pages use.
"""

from __future__ import annotations

from seam.server._documents._pacticipants import PacticipantDocs
from seam.server._documents._pacts import PactDocs
from seam.server._documents._verifications import VerificationDocs
from seam.server._documents._webhooks import WebhookDocs

__all__ = ["Urls"]


class Urls(PacticipantDocs, PactDocs, VerificationDocs, WebhookDocs):
    """Absolute URLs and HAL documents of broker resources under one base URL."""
