"""HAL documents of the index, pacticipants, versions and tags."""

from __future__ import annotations

from seam.server._documents._deployments import DeploymentDocs
from seam.server._documents._urls import Doc, record_links, segment
from seam.server._queries.rows import BranchRow, LabelRow, PacticipantRow
from seam.server._service._results import BranchDetails, PacticipantDetails, VersionDetails

__all__ = ["PacticipantDocs"]


class PacticipantDocs(DeploymentDocs):
    """HAL documents of the index, pacticipants, versions and tags."""

    # ---------------------------------------------------------------- documents
    def index(self) -> Doc:
        b = self.base
        rels: dict[str, tuple[str, str]] = {
            "pb:publish-pact": (
                "/pacts/provider/{provider}/consumer/{consumer}/version/"
                "{consumerApplicationVersion}",
                "Publish a pact",
            ),
            "pb:publish-contracts": ("/contracts/publish", "Publish contracts"),
            "pb:latest-pact-versions": ("/pacts/latest", "Latest pact versions"),
            "pb:pacticipants": ("/pacticipants", "Pacticipants"),
            "pb:pacticipant": ("/pacticipants/{pacticipant}", "Fetch pacticipant by name"),
            "pb:latest-provider-pacts": (
                "/pacts/provider/{provider}/latest",
                "Latest pacts by provider",
            ),
            "pb:latest-provider-pacts-with-tag": (
                "/pacts/provider/{provider}/latest/{tag}",
                "Latest pacts for provider with the specified tag",
            ),
            "pb:provider-pacts": (
                "/pacts/provider/{provider}",
                "All pact versions for the provider",
            ),
            "pb:provider-pacts-for-verification": (
                "/pacts/provider/{provider}/for-verification",
                "Pact versions to be verified for the specified provider",
            ),
            "beta:provider-pacts-for-verification": (
                "/pacts/provider/{provider}/for-verification",
                "DEPRECATED - please use pb:provider-pacts-for-verification",
            ),
            "pb:provider-pacts-with-branch": (
                "/pacts/provider/{provider}/branch/{branch}",
                "All pact versions for the provider from a branch",
            ),
            "pb:latest-provider-pacts-with-branch": (
                "/pacts/provider/{provider}/branch/{branch}/latest",
                "Latest pact versions for the provider from a branch",
            ),
            "pb:provider-pacts-with-main-branch": (
                "/pacts/provider/{provider}/branch",
                "All pact versions from consumers' main branches",
            ),
            "pb:latest-provider-pacts-with-main-branch": (
                "/pacts/provider/{provider}/branch/latest",
                "Latest pact versions from consumers' main branches",
            ),
            "pb:branch-pact-versions": (
                "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}",
                "All versions of a pact from a consumer branch",
            ),
            "pb:latest-branch-pact-versions": (
                "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest",
                "Latest version of a pact from a consumer branch",
            ),
            "pb:main-branch-pact-versions": (
                "/pacts/provider/{provider}/consumer/{consumer}/branch",
                "All versions of a pact from the consumer's main branch",
            ),
            "pb:latest-main-branch-pact-versions": (
                "/pacts/provider/{provider}/consumer/{consumer}/branch/latest",
                "Latest version of a pact from the consumer's main branch",
            ),
            "pb:provider-states": (
                "/pacts/provider/{provider}/provider-states",
                "Provider states in the provider's latest pacts",
            ),
            "pb:latest-version": (
                "/pacticipants/{pacticipant}/latest-version",
                "Latest pacticipant version",
            ),
            "pb:latest-tagged-version": (
                "/pacticipants/{pacticipant}/latest-version/{tag}",
                "Latest pacticipant version with the specified tag",
            ),
            "pb:pacticipant-version": (
                "/pacticipants/{pacticipant}/versions/{version}",
                "Get, create or delete a pacticipant version",
            ),
            "pb:pacticipant-version-tag": (
                "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
                "Get, create or delete a tag for a pacticipant version",
            ),
            "pb:pacticipant-branch": (
                "/pacticipants/{pacticipant}/branches/{branch}",
                "Get or delete a pacticipant branch",
            ),
            "pb:pacticipant-branch-version": (
                "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
                "Get or add/create a pacticipant version for a branch",
            ),
            "pb:webhooks": ("/webhooks", "Webhooks"),
            "pb:webhook": ("/webhooks/{uuid}", "Webhook"),
            "pb:integrations": ("/integrations", "Integrations"),
            "pb:environments": ("/environments", "Environments"),
            "pb:environment": ("/environments/{uuid}", "Environment"),
            "pb:matrix": ("/matrix", "The compatibility matrix"),
            "pb:can-i-deploy-pacticipant-version-to-environment": (
                "/can-i-deploy?pacticipant={pacticipant}&version={version}"
                "&environment={environment}",
                "Determine if an application version can be safely deployed to an environment",
            ),
            "pb:can-i-deploy-pacticipant-version-to-tag": (
                "/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}",
                "Determine if an application version can be safely deployed to a tag",
            ),
        }
        links: Doc = {"self": {"href": b, "title": "Index", "templated": False}}
        for rel, (path, title) in rels.items():
            links[rel] = {"href": b + path, "title": title, "templated": "{" in path}
        links["curies"] = [
            {"name": "pb", "href": b + "/doc/{rel}?context=index", "templated": True}
        ]
        return {"_links": links}

    def label_doc(self, pacticipant: str, row: LabelRow) -> Doc:
        """A label of a pacticipant (the Pact Broker's label resource)."""
        return {
            "name": row["name"],
            "createdAt": row["created_at"],
            "updatedAt": row["updated_at"],
            "_links": {
                "self": {
                    "title": "Label",
                    "name": row["name"],
                    "href": self("pacticipants", pacticipant, "labels", row["name"]),
                },
                "pacticipant": {
                    "title": "Pacticipant",
                    "name": pacticipant,
                    "href": self.pacticipant(pacticipant),
                },
            },
        }

    def pacticipant_doc(self, row: PacticipantDetails, labels: list[LabelRow] | None = None) -> Doc:
        """A pacticipant; with ``labels``, they are embedded as on the Pact Broker."""
        name = row["name"]
        url = self.pacticipant(name)
        doc: Doc = {
            "name": name,
            "displayName": row.get("display_name") or name,
            "repositoryUrl": row.get("repository_url"),
            "mainBranch": row.get("main_branch"),
            "createdAt": row.get("created_at"),
            "updatedAt": row.get("updated_at"),
            "_links": {
                "self": {"href": url, "title": name},
                "pb:versions": {"href": url + "/versions", "title": "Versions"},
                "versions": {"href": url + "/versions", "title": "Versions"},
                "pb:version": {"href": url + "/versions/{version}", "templated": True},
                "pb:version-tag": {
                    "href": url + "/versions/{version}/tags/{tag}",
                    "templated": True,
                },
                "pb:branches": {"href": url + "/branches", "title": "Branches"},
                "pb:branch-version": {
                    "href": url + "/branches/{branch}/versions/{version}",
                    "templated": True,
                },
                "pb:latest-version": {"href": url + "/latest-version"},
                "pb:label": {
                    "title": f"Get, create or delete a label for {name}",
                    "href": url + "/labels/{label}",
                    "templated": True,
                },
                "pb:can-i-deploy-badge": {
                    "href": url + "/latest-version/{tag}/can-i-deploy/to/{environment}/badge",
                    "templated": True,
                },
                "pb:can-i-deploy-branch-to-environment-badge": {
                    "href": url
                    + "/branches/{branch}/latest-version/can-i-deploy/to-environment/"
                    + "{environment}/badge",
                    "templated": True,
                },
            },
        }
        latest = row.get("latest_version")
        if latest:
            doc["_embedded"] = {
                "latest-version": {
                    "number": latest["number"],
                    "_links": {"self": {"href": self.version(name, latest["number"])}},
                }
            }
        if labels:
            embedded = doc.setdefault("_embedded", {})
            embedded["labels"] = [self.label_doc(name, label) for label in labels]
        return doc

    def version_doc(self, row: VersionDetails) -> Doc:
        name, number = row["pacticipant"], row["number"]
        url = self.version(name, number)
        envs = row.get("environments", [])
        return {
            "number": number,
            "buildUrl": row.get("build_url"),
            "createdAt": row.get("created_at"),
            "_embedded": {
                "branchVersions": [
                    {
                        "name": b["name"],
                        "latest": None,
                        "createdAt": b["created_at"],
                        "_links": {
                            "self": {
                                "href": self(
                                    "pacticipants", name, "branches", b["name"], "versions", number
                                )
                            }
                        },
                    }
                    for b in row.get("branches", [])
                ],
                "tags": [
                    {
                        "name": t["name"],
                        "createdAt": t["created_at"],
                        "_links": {"self": {"href": url + "/tags/" + segment(t["name"])}},
                    }
                    for t in row.get("tags", [])
                ],
                "deployedVersions": [
                    self.deployed_doc(d, embed=False)
                    for d in row.get("deployed", [])
                    if d["currently_deployed"]
                ],
                "releasedVersions": [
                    self.released_doc(r, embed=False)
                    for r in row.get("released", [])
                    if r["currently_supported"]
                ],
            },
            "_links": {
                "self": {"href": url, "title": "Version", "name": number},
                "pb:pacticipant": {
                    "href": self.pacticipant(name),
                    "title": "Pacticipant",
                    "name": name,
                },
                "pb:tag": {
                    "href": url + "/tags/{tag}",
                    "templated": True,
                    "title": "Get, create or delete a tag for this pacticipant version",
                },
                "pb:latest-verification-results-where-pacticipant-is-consumer": {
                    "href": self(
                        "verification-results", "consumer", name, "version", number, "latest"
                    ),
                    "title": "Latest verification results for consumer version",
                },
                "pb:pact-versions": [
                    {
                        "href": self.pact(p["provider"], name, number),
                        "title": "Pact",
                        "name": f"Pact between {name} ({number}) and {p['provider']}",
                    }
                    for p in row.get("pacts", [])
                ],
                "pb:record-deployment": record_links(url, "deployed-versions", "deployment", envs),
                "pb:record-release": record_links(url, "released-versions", "release", envs),
            },
        }

    def tag_doc(self, pacticipant: str, number: str, tag: str, created_at: str | None) -> Doc:
        return {
            "name": tag,
            "createdAt": created_at,
            "_links": {
                "self": {
                    "href": self.version(pacticipant, number) + "/tags/" + segment(tag),
                    "title": "Tag",
                    "name": tag,
                },
                "version": {
                    "href": self.version(pacticipant, number),
                    "title": "Version",
                    "name": number,
                },
                "pacticipant": {
                    "href": self.pacticipant(pacticipant),
                    "title": "Pacticipant",
                    "name": pacticipant,
                },
            },
        }

    def pacticipants_doc(self, rows: list[PacticipantDetails]) -> Doc:
        return {
            "_links": {
                "self": {"href": self("pacticipants")},
                "pacticipants": [
                    {"href": self.pacticipant(r["name"]), "title": r["name"]} for r in rows
                ],
            },
            "pacticipants": [self.pacticipant_doc(r) for r in rows],
        }

    def versions_doc(self, pacticipant: PacticipantRow, rows: list[VersionDetails]) -> Doc:
        return {
            "_embedded": {"versions": [self.version_doc(r) for r in rows]},
            "_links": {
                "self": {"href": self("pacticipants", pacticipant["name"], "versions")},
                "pb:pacticipant": {"href": self.pacticipant(pacticipant["name"])},
            },
        }

    def branches_doc(self, name: str, rows: list[BranchRow]) -> Doc:
        return {
            "_embedded": {
                "branches": [
                    {
                        "name": r["name"],
                        "createdAt": r["created_at"],
                        "_links": {
                            "self": {"href": self("pacticipants", name, "branches", r["name"])}
                        },
                    }
                    for r in rows
                ]
            },
            "_links": {"self": {"href": self("pacticipants", name, "branches")}},
        }

    def branch_doc(self, p: str, row: BranchDetails) -> Doc:
        return {
            "name": row["name"],
            "createdAt": row["created_at"],
            "_links": {
                "self": {"href": self("pacticipants", p, "branches", row["name"])},
                "pb:latest-version": {
                    "href": self("pacticipants", p, "branches", row["name"], "latest-version")
                },
                "pb:pacticipant": {"href": self.pacticipant(p), "name": p},
            },
        }
