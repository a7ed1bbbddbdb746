"""HAL documents of environments, deployed and released versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seam.server._documents._urls import Doc, UrlBase, as_bool
from seam.server._queries.rows import EnvironmentRow

# A deployment or release: a DeployedRow/ReleasedRow (embedding its version and environment)
# or, inside a version's document, a VersionDeployedRow/VersionReleasedRow (not embedding).
Record = Mapping[str, Any]

__all__ = ["DeploymentDocs"]


class DeploymentDocs(UrlBase):
    """HAL documents of environments, deployed and released versions."""

    def environment_doc(self, env: EnvironmentRow) -> Doc:
        url = self.environment(env["uuid"])
        return {
            "uuid": env["uuid"],
            "name": env["name"],
            "displayName": env.get("display_name") or env["name"],
            "production": env["production"],
            "contacts": env.get("contacts") or [],
            "createdAt": env.get("created_at"),
            "updatedAt": env.get("updated_at"),
            "_links": {
                "self": {"href": url, "title": "Environment", "name": env["name"]},
                "pb:currently-deployed-deployed-versions": {
                    "href": url + "/deployed-versions/currently-deployed",
                    "title": "Versions currently deployed to this environment",
                },
                "pb:currently-supported-released-versions": {
                    "href": url + "/released-versions/currently-supported",
                    "title": "Versions released and supported in this environment",
                },
                "pb:environments": {"href": self("environments"), "title": "Environments"},
            },
        }

    def environments_doc(self, envs: list[EnvironmentRow]) -> Doc:
        return {
            "_embedded": {"environments": [self.environment_doc(e) for e in envs]},
            "_links": {
                "self": {"href": self("environments"), "title": "Environments"},
                "pb:create": {"href": self("environments"), "title": "Create an environment"},
                "pb:environments": [
                    {
                        "href": self.environment(e["uuid"]),
                        "name": e["name"],
                        "title": e.get("display_name") or e["name"],
                    }
                    for e in envs
                ],
            },
        }

    def _env_embed(self, row: Record) -> Doc:
        return {
            "uuid": row["environment_uuid"],
            "name": row["environment"],
            "displayName": row.get("environment_display_name") or row["environment"],
            "production": as_bool(row.get("production")),
            "_links": {"self": {"href": self.environment(row["environment_uuid"])}},
        }

    def _record_embed(self, row: Record) -> Doc:
        """The version, pacticipant and environment a deployment or release is about."""
        return {
            "version": {
                "number": row["number"],
                "_links": {"self": {"href": self.version(row["pacticipant"], row["number"])}},
            },
            "pacticipant": {
                "name": row["pacticipant"],
                "_links": {"self": {"href": self.pacticipant(row["pacticipant"])}},
            },
            "environment": self._env_embed(row),
        }

    def deployed_doc(self, row: Record, *, embed: bool = True) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "currentlyDeployed": as_bool(row["currently_deployed"]),
            "applicationInstance": row.get("application_instance"),
            "target": row.get("application_instance"),
            "createdAt": row["created_at"],
            "undeployedAt": row.get("undeployed_at"),
            "_links": {"self": {"href": self("deployed-versions", row["uuid"])}},
        }
        if embed:
            doc["_embedded"] = self._record_embed(row)
        return doc

    def released_doc(self, row: Record, *, embed: bool = True) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "currentlySupported": as_bool(row["currently_supported"]),
            "createdAt": row["created_at"],
            "supportEndedAt": row.get("support_ended_at"),
            "_links": {"self": {"href": self("released-versions", row["uuid"])}},
        }
        if embed:
            doc["_embedded"] = self._record_embed(row)
        return doc
