"""Replay pacts against a running provider: ``contracts verify`` as a library.

``verify(...)`` returns a :class:`seam.model.Report` with one case per interaction;
``ProviderStates`` is the registry of provider-state handlers that seed the
provider's data before each interaction; ``ProviderMessages`` is the registry of message
producers that message interactions are replayed against (see README, "contracts verify");
``merge_reports`` joins the reports of a verification split with ``--shard I/N``, and
``publish_results`` publishes the merged result of each of the broker's pacts once.
"""

from seam.verify._broker_pacts import publish_results
from seam.verify._merge import merge_reports
from seam.verify._messages import MessageError, ProviderMessages, load_messages
from seam.verify._options import (
    BrokerSource,
    ConformanceOptions,
    InteractionFilter,
    PublishOptions,
    ShardSpec,
)
from seam.verify._results import RULES
from seam.verify._run import Tally, verify
from seam.verify._states import ProviderStates, StateError, StateServer, load_states

__all__ = [
    "RULES",
    "BrokerSource",
    "ConformanceOptions",
    "InteractionFilter",
    "MessageError",
    "ProviderMessages",
    "ProviderStates",
    "PublishOptions",
    "ShardSpec",
    "StateError",
    "StateServer",
    "Tally",
    "load_messages",
    "load_states",
    "merge_reports",
    "publish_results",
    "verify",
]
