"""A client for the Pact Broker HTTP API (Pact Broker, PactFlow, ``contracts broker``).

One :class:`BrokerClient` per broker; each operation is one function taking it::

    with BrokerClient("http://127.0.0.1:9292", token=...) as client:
        publish(client, collect_pact_files([Path("contracts/pacts")]), "1.2.3", branch="main")
        result = can_i_deploy(client, Selector("web", version="1.2.3"), to_environment="production")
        if result.ok:
            record_deployment(client, "web", "1.2.3", "production")

Errors: ``BrokerUnreachable`` (no connection, exit 3) and ``BrokerError`` (the broker
refused: bad token, unknown version or environment; exit 2), from ``seam.errors``.
Each result has ``to_report()``; ``seam.reporters`` renders it (the text is the official
Pact CLI's wording).
"""

from seam._broker_client import BrokerClient, links, publish_verification
from seam.broker._environments import (
    Environment,
    Recorded,
    create_environment,
    record_deployment,
    record_release,
    record_undeployment,
    undeployments_report,
)
from seam.broker._matrix import CanIDeployResult, MatrixRow, Selector, can_i_deploy
from seam.broker._publish import PactFile, PublishResult, collect_pact_files, publish
from seam.broker._versions import VersionInfo, describe_version

__all__ = [
    "BrokerClient",
    "CanIDeployResult",
    "Environment",
    "MatrixRow",
    "PactFile",
    "PublishResult",
    "Recorded",
    "Selector",
    "VersionInfo",
    "can_i_deploy",
    "collect_pact_files",
    "create_environment",
    "describe_version",
    "links",
    "publish",
    "publish_verification",
    "record_deployment",
    "record_release",
    "record_undeployment",
    "undeployments_report",
]
