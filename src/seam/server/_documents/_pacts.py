"""HAL documents of pacts, pact lists and publication answers."""

from __future__ import annotations

import json

from seam.server._documents._urls import Doc, UrlBase, segment
from seam.server._queries.rows import PublicationRow
from seam.server._service import Outcome
from seam.server._service._results import IntegrationDetails, PublishResult

__all__ = ["PactDocs"]

# The Pact Broker's word for what publishing did to each pact.
_PACT_WORDS = {
    Outcome.CREATED: "published",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "republished",
}


class PactDocs(UrlBase):
    """HAL documents of pacts, pact lists and publication answers."""

    def pact_doc(self, row: PublicationRow, *, metadata: str | None = None) -> Doc:
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
                "href": self.base + f"/matrix?q[][pacticipant]={segment(consumer)}"
                f"&q[][version]={segment(number)}&latestby=cvpv",
                "title": "View matrix rows for the consumer version to which this pact belongs",
            },
            "curies": [
                {"name": "pb", "href": self.base + "/doc/{rel}?context=pact", "templated": True}
            ],
        }
        return doc

    def pact_link(self, row: PublicationRow) -> Doc:
        number = row["consumer_version"]
        return {
            "href": self.pact(row["provider"], row["consumer"], number),
            "title": f"Pact between {row['consumer']} (v{number}) and {row['provider']}",
            "name": row["consumer"],
        }

    def latest_pacts_doc(self, rows: list[PublicationRow]) -> Doc:
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

    def publish_doc(self, result: PublishResult) -> Doc:
        consumer = result["pacticipant"]["name"]
        version = result["version"]
        number = version["number"]
        version_url = self.version(consumer, number)
        # (notice type, text): the version's line, then one per contract in order.
        tags = result["tags"]
        detail = f" with branch {result['branch']}" if result["branch"] else ""
        detail += f" and tags {', '.join(tags)}" if tags else ""
        verb = "Created" if result["version_created"] else "Updated"
        lines = [("info", f"{verb} {consumer} version {number}{detail}")]
        for pub, outcome in zip(result["contracts"], result["outcomes"], strict=True):
            kind = "info" if outcome is Outcome.UPDATED else "success"
            lines.append(
                (
                    kind,
                    f"Pact {_PACT_WORDS[outcome]} for {consumer} version {number} and "
                    f"provider {pub['provider']}.",
                )
            )
        logs = [{"level": "info", "message": text, "deprecationWarning": ""} for _, text in lines]
        return {
            "notices": [{"type": kind, "text": text} for kind, text in lines]
            + [
                {
                    "type": "prompt",
                    "text": f"View the published pact at {self.pact_link(pub)['href']}",
                }
                for pub in result["contracts"]
            ],
            "logs": logs,
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
                    {"href": version_url + "/tags/" + segment(tag), "name": tag, "title": "Tag"}
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

    def provider_pacts_doc(self, provider: str, self_href: str, rows: list[PublicationRow]) -> Doc:
        return {
            "_links": {
                "self": {"href": self_href},
                "provider": {"href": self.pacticipant(provider), "title": provider},
                "pb:provider": {"href": self.pacticipant(provider), "title": provider},
                "pb:pacts": [self.pact_link(r) for r in rows],
                "pacts": [self.pact_link(r) for r in rows],
            },
        }

    def branch_pacts_doc(self, provider: str, path: str, rows: list[PublicationRow]) -> Doc:
        return {
            "_links": {
                "self": {"href": self.base + path},
                "pb:provider": {"href": self.pacticipant(provider), "name": provider},
                "pb:pacts": [self.pact_link(r) for r in rows],
            },
        }

    def consumer_branch_pacts_doc(
        self, p: dict[str, str], path: str, rows: list[PublicationRow]
    ) -> Doc:
        return {
            "_embedded": {
                "pacts": [
                    self.pact_entry(
                        r,
                        {
                            "number": r["consumer_version"],
                            "_links": {
                                "self": {
                                    "href": self.version(r["consumer"], r["consumer_version"]),
                                    "title": "Version",
                                    "name": r["consumer_version"],
                                }
                            },
                        },
                    )
                    for r in rows
                ]
            },
            "_links": {
                "self": {"href": self.base + path},
                # Not in the Pact Broker's version of this resource; the Rust CLI's
                # get-pacts reads pb:pacts and panics without it.
                "pb:pacts": [self.pact_link(r) for r in rows],
                "consumer": {"href": self.pacticipant(p["c"]), "title": "Consumer", "name": p["c"]},
                "provider": {
                    "href": self.pacticipant(p["prov"]),
                    "title": "Provider",
                    "name": p["prov"],
                },
            },
        }

    def pact_versions_doc(self, p: dict[str, str], path: str, rows: list[PublicationRow]) -> Doc:
        return {
            "_embedded": {
                "pacts": [self.pact_entry(r, {"number": r["consumer_version"]}) for r in rows]
            },
            "_links": {
                "self": {"href": self.base + path},
                "pb:pacts": [self.pact_link(r) for r in rows],
                "consumer": {"href": self.pacticipant(p["c"]), "name": p["c"]},
                "provider": {"href": self.pacticipant(p["prov"]), "name": p["prov"]},
            },
        }

    def integrations_doc(self, rows: list[IntegrationDetails]) -> Doc:
        return {
            "_embedded": {
                "integrations": [
                    {
                        "consumer": {
                            "name": r["consumer"],
                            "_links": {"self": {"href": self.pacticipant(r["consumer"])}},
                        },
                        "provider": {
                            "name": r["provider"],
                            "_links": {"self": {"href": self.pacticipant(r["provider"])}},
                        },
                        "verificationStatus": "success"
                        if r["verified_latest"]
                        else "failed"
                        if r["verified_latest"] is False
                        else "unverified",
                    }
                    for r in rows
                ]
            },
            "_links": {"self": {"href": self("integrations")}},
        }

    def pact_entry(self, row: PublicationRow, consumer_version: Doc) -> Doc:
        """One pact in a list of a consumer's pact versions."""
        link = self.pact_link(row)
        return {
            "createdAt": row["created_at"],
            "_embedded": {"consumerVersion": consumer_version},
            "_links": {"self": {"href": link["href"], "title": link["title"]}},
        }
