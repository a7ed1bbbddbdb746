"""HAL documents of verification results, the matrix and pacts for verification."""

from __future__ import annotations

import base64
import json
from typing import Any

from seam.server._documents._urls import Doc, UrlBase, as_bool
from seam.server._queries.rows import VerificationRow

__all__ = ["VerificationDocs"]


class VerificationDocs(UrlBase):
    """HAL documents of verification results, the matrix and pacts for verification."""

    def verification_doc(self, row: VerificationRow) -> Doc:
        doc: Doc = {
            "providerName": row["provider"],
            "providerApplicationVersion": row["provider_version"],
            "success": as_bool(row["success"]),
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
        test_results, verified_by = row["test_results"], row["verified_by"]
        if test_results:
            doc["testResults"] = json.loads(test_results)
        if verified_by:
            doc["verifiedBy"] = json.loads(verified_by)
        return doc

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

    def latest_verifications_doc(self, consumer: str, number: str, docs: list[Doc]) -> Doc:
        return {
            "success": bool(docs) and all(d["success"] for d in docs),
            "_embedded": {"verificationResults": docs},
            "_links": {
                "self": {
                    "href": self(
                        "verification-results",
                        "consumer",
                        consumer,
                        "version",
                        number,
                        "latest",
                    )
                }
            },
        }
