"""HAL documents: the Pact Broker's resource shapes and link relations, built from rows.

Hrefs are absolute (the request's own base URL, or the configured ``base_url``) and use the
canonical Pact Broker paths, because official clients build some URLs themselves.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

__all__ = ["Urls"]

Doc = dict[str, Any]


def _seg(value: str) -> str:
    return quote(value, safe="")


def _b(value: Any) -> bool:
    return bool(value)


def _record_links(version_url: str, kind: str, what: str, envs: list[Doc]) -> list[Doc]:
    """Links to record a deployment or release of a version to each environment."""
    return [
        {
            "href": version_url + f"/{kind}/environment/" + _seg(e["uuid"]),
            "title": f"Record {what} to {e.get('display_name') or e['name']}",
            "name": e["name"],
        }
        for e in envs
    ]


class Urls:
    """Absolute URLs of broker resources under one base URL."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def __call__(self, *segments: str) -> str:
        return self.base + "".join("/" + _seg(s) for s in segments)

    # ---------------------------------------------------------------- simple urls
    def pacticipant(self, name: str) -> str:
        return self("pacticipants", name)

    def version(self, name: str, number: str) -> str:
        return self("pacticipants", name, "versions", number)

    def pact(self, provider: str, consumer: str, number: str) -> str:
        return self("pacts", "provider", provider, "consumer", consumer, "version", number)

    def pact_version(self, provider: str, consumer: str, sha: str) -> str:
        return self("pacts", "provider", provider, "consumer", consumer, "pact-version", sha)

    def environment(self, uuid: str) -> str:
        return self("environments", uuid)

    def verification(self, row: Doc) -> str:
        return self.pact_version(row["provider"], row["consumer"], row["sha"]) + (
            f"/verification-results/{row['number']}"
        )

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

    def pacticipant_doc(self, row: Doc) -> Doc:
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
                "pb:can-i-deploy-badge": {
                    "href": url + "/latest-version/{tag}/can-i-deploy/to/{environment}/badge",
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
        return doc

    def version_doc(self, row: Doc) -> Doc:
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
                        "_links": {"self": {"href": url + "/tags/" + _seg(t["name"])}},
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
                "pb:record-deployment": _record_links(url, "deployed-versions", "deployment", envs),
                "pb:record-release": _record_links(url, "released-versions", "release", envs),
            },
        }

    def tag_doc(self, pacticipant: str, number: str, tag: str, created_at: str | None) -> Doc:
        return {
            "name": tag,
            "createdAt": created_at,
            "_links": {
                "self": {
                    "href": self.version(pacticipant, number) + "/tags/" + _seg(tag),
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

    def pact_doc(self, row: Doc, *, metadata: str | None = None) -> Doc:
        consumer, provider, number = row["consumer"], row["provider"], row["consumer_version"]
        pv_url = self.pact_version(provider, consumer, row["sha"])
        verify_url = (
            pv_url + (f"/metadata/{metadata}" if metadata else "") + "/verification-results"
        )
        doc: Doc = json.loads(row["content"])
        doc["createdAt"] = row["created_at"]
        base = self("pacts", "provider", provider, "consumer", consumer)
        doc["_links"] = {
            "self": {
                "href": (pv_url + f"/metadata/{metadata}")
                if metadata
                else self.pact(provider, consumer, number),
                "title": "Pact",
                "name": f"Pact between {consumer} ({number}) and {provider}",
            },
            "pb:consumer": {
                "href": self.pacticipant(consumer),
                "title": "Consumer",
                "name": consumer,
            },
            "pb:consumer-version": {
                "href": self.version(consumer, number),
                "title": "Consumer version",
                "name": number,
            },
            "pb:provider": {
                "href": self.pacticipant(provider),
                "title": "Provider",
                "name": provider,
            },
            "pb:pact-version": {
                "href": pv_url,
                "title": "Pact content version permalink",
                "name": row["sha"],
            },
            "pb:latest-pact-version": {
                "href": base + "/latest",
                "title": "Latest version of this pact",
            },
            "pb:all-pact-versions": {
                "href": base + "/versions",
                "title": "All versions of this pact",
            },
            "pb:latest-tagged-pact-version": {
                "href": base + "/latest/{tag}",
                "templated": True,
                "title": "Latest version of this pact for a tag",
            },
            "pb:publish-verification-results": {
                "href": verify_url,
                "title": "Publish verification results",
            },
            "pb:latest-verification-results": {
                "href": pv_url + "/verification-results/latest",
                "title": "Latest verification results",
            },
            "pb:consumer-version-tag": {
                "href": self.version(consumer, number) + "/tags/{tag}",
                "templated": True,
            },
            "pb:matrix-for-consumer-version": {
                "href": self.base + f"/matrix?q[][pacticipant]={_seg(consumer)}"
                f"&q[][version]={_seg(number)}&latestby=cvpv",
                "title": "View matrix rows for the consumer version to which this pact belongs",
            },
            "curies": [
                {"name": "pb", "href": self.base + "/doc/{rel}?context=pact", "templated": True}
            ],
        }
        return doc

    def pact_link(self, row: Doc) -> Doc:
        number = row["consumer_version"]
        return {
            "href": self.pact(row["provider"], row["consumer"], number),
            "title": f"Pact between {row['consumer']} (v{number}) and {row['provider']}",
            "name": row["consumer"],
        }

    def latest_pacts_doc(self, rows: list[Doc]) -> Doc:
        pacts = []
        for row in rows:
            consumer, provider, number = row["consumer"], row["provider"], row["consumer_version"]
            pacts.append(
                {
                    "createdAt": row["created_at"],
                    "_embedded": {
                        "consumer": {
                            "name": consumer,
                            "_links": {"self": {"href": self.pacticipant(consumer)}},
                            "_embedded": {"version": {"number": number}},
                        },
                        "provider": {
                            "name": provider,
                            "_links": {"self": {"href": self.pacticipant(provider)}},
                        },
                    },
                    "_links": {
                        "self": [
                            {
                                "href": self(
                                    "pacts", "provider", provider, "consumer", consumer, "latest"
                                )
                            },
                            {"href": self.pact(provider, consumer, number)},
                        ]
                    },
                }
            )
        return {"_links": {"self": {"href": self("pacts", "latest")}}, "pacts": pacts}

    def verification_doc(self, row: Doc) -> Doc:
        doc: Doc = {
            "providerName": row["provider"],
            "providerApplicationVersion": row["provider_version"],
            "success": _b(row["success"]),
            "verificationDate": row["created_at"],
            "buildUrl": row.get("build_url"),
            "_links": {
                "self": {"href": self.verification(row), "title": "Verification result"},
                "pb:pact-version": {
                    "href": self.pact_version(row["provider"], row["consumer"], row["sha"])
                },
                "pb:provider-version": {
                    "href": self.version(row["provider"], row["provider_version"])
                },
            },
        }
        if row.get("test_results"):
            doc["testResults"] = json.loads(row["test_results"])
        if row.get("verified_by"):
            doc["verifiedBy"] = json.loads(row["verified_by"])
        return doc

    def environment_doc(self, env: Doc) -> Doc:
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

    def environments_doc(self, envs: list[Doc]) -> Doc:
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

    def _env_embed(self, row: Doc) -> Doc:
        return {
            "uuid": row["environment_uuid"],
            "name": row["environment"],
            "displayName": row.get("environment_display_name") or row["environment"],
            "production": _b(row.get("production")),
            "_links": {"self": {"href": self.environment(row["environment_uuid"])}},
        }

    def _record_embed(self, row: Doc) -> Doc:
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

    def deployed_doc(self, row: Doc, *, embed: bool = True) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "currentlyDeployed": _b(row["currently_deployed"]),
            "applicationInstance": row.get("application_instance"),
            "target": row.get("application_instance"),
            "createdAt": row["created_at"],
            "undeployedAt": row.get("undeployed_at"),
            "_links": {"self": {"href": self("deployed-versions", row["uuid"])}},
        }
        if embed:
            doc["_embedded"] = self._record_embed(row)
        return doc

    def released_doc(self, row: Doc, *, embed: bool = True) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "currentlySupported": _b(row["currently_supported"]),
            "createdAt": row["created_at"],
            "supportEndedAt": row.get("support_ended_at"),
            "_links": {"self": {"href": self("released-versions", row["uuid"])}},
        }
        if embed:
            doc["_embedded"] = self._record_embed(row)
        return doc

    def webhook_doc(self, row: Doc) -> Doc:
        doc: Doc = {
            "uuid": row["uuid"],
            "description": row.get("description"),
            "enabled": _b(row["enabled"]),
            "events": row["events"],
            "request": row["request"],
            "createdAt": row["created_at"],
            "updatedAt": row["updated_at"],
            "_links": {
                "self": {
                    "href": self("webhooks", row["uuid"]),
                    "title": row.get("description") or "Webhook",
                },
                "pb:webhooks": {"href": self("webhooks"), "title": "All webhooks"},
            },
        }
        for role in ("consumer", "provider"):
            if row.get(role):
                doc[role] = {"name": row[role]}
        return doc

    def publish_doc(self, result: Doc) -> Doc:
        consumer = result["pacticipant"]["name"]
        version = result["version"]
        number = version["number"]
        version_url = self.version(consumer, number)
        return {
            "notices": [
                {
                    "type": "success" if "published" in log["message"] else "info",
                    "text": log["message"],
                }
                for log in result["logs"]
            ]
            + [
                {
                    "type": "prompt",
                    "text": f"View the published pact at {self.pact_link(pub)['href']}",
                }
                for pub in result["contracts"]
            ],
            "logs": result["logs"],
            "_embedded": {
                "pacticipant": {
                    "name": consumer,
                    "_links": {"self": {"href": self.pacticipant(consumer)}},
                },
                "version": {
                    "number": number,
                    "buildUrl": version.get("build_url"),
                    "_links": {"self": {"href": version_url, "name": number, "title": "Version"}},
                },
            },
            "_links": {
                "pb:pacticipant": {
                    "href": self.pacticipant(consumer),
                    "name": consumer,
                    "title": "Pacticipant",
                },
                "pb:pacticipant-version": {
                    "href": version_url,
                    "name": number,
                    "title": "Pacticipant version",
                },
                "pb:pacticipant-version-tags": [
                    {"href": version_url + "/tags/" + _seg(tag), "name": tag, "title": "Tag"}
                    for tag in result["tags"]
                ],
                "pb:contracts": [
                    {
                        "href": self.pact_link(pub)["href"],
                        "title": "Pact",
                        "name": f"Pact between {consumer} ({number}) and {pub['provider']}",
                    }
                    for pub in result["contracts"]
                ],
            },
        }

    def matrix_doc(self, result: Doc) -> Doc:
        rows = [self._matrix_row(r) for r in result["rows"]]
        rows += [self._matrix_row(r) | {"ignored": True} for r in result["ignored_rows"]]
        summary: Doc = {"deployable": result["deployable"], "reason": "\n".join(result["reasons"])}
        summary.update(result["counts"])
        notices = [
            {
                "type": "success"
                if result["deployable"]
                else "error"
                if result["deployable"] is False
                else "warning",
                "text": reason,
            }
            for reason in result["reasons"]
        ]
        return {"summary": summary, "notices": notices, "matrix": rows}

    def _matrix_row(self, row: Doc) -> Doc:
        consumer, provider = row["consumer"], row["provider"]
        number = row["consumer_version"]
        ver = row["verification"]
        provider_version = row["provider_version"]
        return {
            "consumer": {
                "name": consumer,
                "_links": {"self": {"href": self.pacticipant(consumer)}},
                "version": {
                    "number": number,
                    "_links": {"self": {"href": self.version(consumer, number)}},
                },
            },
            "provider": {
                "name": provider,
                "_links": {"self": {"href": self.pacticipant(provider)}},
                "version": None
                if provider_version is None
                else {
                    "number": provider_version,
                    "_links": {"self": {"href": self.version(provider, provider_version)}},
                },
            },
            "pact": {
                "createdAt": row["pact_created_at"],
                "_links": {"self": {"href": self.pact(provider, consumer, number)}},
            },
            "verificationResult": None
            if ver is None
            else {
                "success": bool(ver["success"]),
                "verifiedAt": ver["created_at"],
                "_links": {
                    "self": {
                        "href": self.pact_version(provider, consumer, row["sha"])
                        + f"/verification-results/{ver['number']}"
                    }
                },
            },
        }

    def verifiable_doc(self, provider: str, pacts: list[Any], include_pending: bool) -> Doc:
        docs = []
        for pact in pacts:
            meta = (
                base64.urlsafe_b64encode(
                    json.dumps({"cv": pact.consumer_versions, "w": pact.wip}).encode()
                )
                .decode()
                .rstrip("=")
            )
            notices = [
                {
                    "when": "before_verification",
                    "text": f"The pact at {self.pact_version(provider, pact.consumer, pact.sha)} "
                    f"is being verified because it matches the following configured "
                    f"selection criterion: {', '.join(pact.descriptions)}",
                }
            ]
            props: Doc = {"notices": notices}
            if include_pending:
                props["pending"] = pact.pending
                notices.append(
                    {
                        "when": "before_verification",
                        "text": "This pact is in pending state for this version of "
                        f"{provider} because a successful verification result "
                        "has not yet been published. If verification fails, it "
                        "will not cause the overall build to fail."
                        if pact.pending
                        else "This pact has previously been successfully verified by a "
                        f"version of {provider}. If this verification fails, it will "
                        "fail the build.",
                    }
                )
            if pact.wip:
                props["wip"] = True
            docs.append(
                {
                    "shortDescription": ", ".join(pact.descriptions),
                    "verificationProperties": props,
                    "_links": {
                        "self": {
                            "href": self.pact_version(provider, pact.consumer, pact.sha)
                            + f"/metadata/{meta}",
                            "name": f"Pact between {pact.consumer} "
                            f"({', '.join(pact.consumer_versions)}) and {provider}",
                        }
                    },
                }
            )
        return {
            "_embedded": {"pacts": docs},
            "_links": {
                "self": {
                    "href": self("pacts", "provider", provider, "for-verification"),
                    "title": "Pacts to be verified",
                }
            },
        }
