"""Turn the Rust verifier's JSON results into Seam cases and findings.

The verifier's ``interactionResults`` give one entry per interaction (result,
pending, mismatches); its mismatch messages are kept in ``details`` while the
finding's message says expected and actual in that order.

The verifier copies a mismatched response body whole into its results (five times) and
its output: a 100 MB body made a 629 MB JSON report and a 2.6 GB peak. :func:`bound_results`
keeps the first :data:`MAX_KEPT_CHARS` of each value, saying how long it was, as soon as
the results reach Python, before they become findings or travel from a worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from seam.model import Case, CaseStatus, Finding, Registry, Severity
from seam.pactfile import Interaction, Pact

__all__ = [
    "MAX_KEPT_CHARS",
    "RULES",
    "bound_output",
    "bound_results",
    "build_cases",
    "cap_text",
    "case_name",
]

# What a report keeps of one value (a body, a mismatch sentence): enough to see what differs.
MAX_KEPT_CHARS = 64 * 1024

RULES = Registry("verify")
RULES.add(
    "response-status-mismatch",
    severity=Severity.ERROR,
    summary="The provider answered with another status than the consumer expects.",
    area="response",
)
RULES.add(
    "response-header-mismatch",
    severity=Severity.ERROR,
    summary="A response header is missing or does not match.",
    area="response",
)
RULES.add(
    "response-body-mismatch",
    severity=Severity.ERROR,
    summary="A value in the response body is missing or does not match.",
    area="response",
)
RULES.add(
    "response-body-type-mismatch",
    severity=Severity.ERROR,
    summary="The response body has another content type than expected.",
    area="response",
)
RULES.add(
    "message-body-mismatch",
    severity=Severity.ERROR,
    summary="A value in the message body is missing or does not match.",
    area="message",
)
RULES.add(
    "message-content-type-mismatch",
    severity=Severity.ERROR,
    summary="The producer's message has another content type than the consumer expects.",
    area="message",
)
RULES.add(
    "message-producer-failed",
    severity=Severity.ERROR,
    summary="The message could not be produced (no producer, or the producer raised).",
    area="message",
)
RULES.add(
    "message-metadata-mismatch",
    severity=Severity.ERROR,
    summary="Message metadata does not match.",
    area="message",
)
RULES.add(
    "provider-state-failed",
    severity=Severity.ERROR,
    summary="A provider state could not be set up or torn down.",
    area="states",
)
RULES.add(
    "verification-error",
    severity=Severity.ERROR,
    summary="The interaction could not be replayed (request failed, pact unusable).",
    area="verify",
)
RULES.add(
    "interaction-not-replayed",
    severity=Severity.INFO,
    summary="The interaction is of a kind contracts verify does not replay.",
    area="verify",
)
RULES.add(
    "conformance-failed",
    severity=Severity.ERROR,
    summary="schemathesis found a response the provider's OpenAPI does not allow, or a 5xx.",
    area="conformance",
)
RULES.add(
    "publish-failed",
    severity=Severity.ERROR,
    summary="Verification results could not be published to the broker.",
    area="broker",
)

_RULE_BY_TYPE = {
    "StatusMismatch": "response-status-mismatch",
    "HeaderMismatch": "response-header-mismatch",
    "BodyMismatch": "response-body-mismatch",
    "BodyTypeMismatch": "response-body-type-mismatch",
    "MetadataMismatch": "message-metadata-mismatch",
}

# The same mismatch types, said of a message rather than a response.
_MESSAGE_RULE_BY_TYPE = {
    "BodyMismatch": "message-body-mismatch",
    "BodyTypeMismatch": "message-content-type-mismatch",
    "MetadataMismatch": "message-metadata-mismatch",
}

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|us|µs|ns|m|s|h)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def cap_text(text: str, limit: int = MAX_KEPT_CHARS) -> str:
    """``text``, or its first ``limit`` characters and how many bytes it had in all."""
    if len(text) <= limit:
        return text
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    return f"{text[:limit]}… ({size} bytes in all)"


def bound_results(results: Any) -> Any:
    """The verifier's JSON results with every string capped by :func:`cap_text`."""
    if isinstance(results, str):
        return cap_text(results)
    if isinstance(results, dict):
        return {key: bound_results(value) for key, value in results.items()}
    if isinstance(results, list):
        return [bound_results(value) for value in results]
    return results


def bound_output(output: str) -> str:
    """The verifier's printed output with each line capped (every line is kept)."""
    if len(output) <= MAX_KEPT_CHARS:
        return output
    return "\n".join(cap_text(line) for line in output.splitlines())


def parse_duration(text: str) -> float:
    """Seconds from the verifier's duration strings (``120ms``, ``2m 7s 23ms``, ``1.5s``)."""
    return sum(float(n) * _UNIT[u] for n, u in _DURATION_PART.findall(text or ""))


def _group(consumer: str, provider: str) -> str:
    return f"{consumer} -> {provider}"


def _key(
    consumer: str, description: str, states: Iterable[str]
) -> tuple[str, str, tuple[str, ...]]:
    return (consumer, description, tuple(states))


def _mismatch_finding(
    item: Mapping[str, Any], base: dict[str, Any], *, severity: Severity, message_kind: bool
) -> Finding:
    kind = str(item.get("type", ""))
    rules = _MESSAGE_RULE_BY_TYPE if message_kind else _RULE_BY_TYPE
    rule = rules.get(kind) or _RULE_BY_TYPE.get(kind, "verification-error")
    noun = "the message" if message_kind else "the response"
    expected = item.get("expected")
    actual = item.get("actual")
    explanation = str(item.get("mismatch") or "").strip()
    if kind in ("HeaderMismatch", "MetadataMismatch"):
        label = "header" if kind == "HeaderMismatch" else "metadata"
        location = f"{label} {item.get('key', '')}".strip()
    elif kind == "BodyTypeMismatch":
        location = "content type"
    elif kind == "StatusMismatch":
        location = "status"
    else:
        location = str(item.get("path") or "$")
    if kind == "StatusMismatch":
        message = f"expected status {expected}, got {actual}"
    elif explanation.startswith("Actual map is missing"):
        # A removed or renamed field: the key list says it better than two key arrays.
        message = explanation.replace("Actual map is", f"{noun} is", 1)
    elif expected is not None and actual not in (None, ""):
        message = f"expected {expected}, got {actual}"
        # The verifier's own sentence names actual and expected the other way round for
        # equality ("Expected 'open' to be equal to 'closed'"); keep it only when it adds
        # something (a type or a matcher), and always in details.
        if explanation and "to be equal to" not in explanation:
            message += f" — {explanation}"
    else:
        message = explanation or f"{kind or 'mismatch'} at {location}"
    details = {k: v for k, v in {"expected": expected, "actual": actual}.items() if v is not None}
    if explanation:
        details["verifier"] = explanation
    return Finding(
        rule=rule, severity=severity, message=message, location=location, details=details, **base
    )


def _state_errors_for(states: Sequence[str], errors: Sequence[Mapping[str, Any]]) -> list[str]:
    wanted = set(states)
    seen: list[str] = []
    for err in errors:
        message = str(err.get("error") or "")
        if err.get("state") in wanted and message not in seen:
            seen.append(message)
    return seen


def _findings_for(
    result: Mapping[str, Any],
    base: dict[str, Any],
    severity: Severity,
    state_errors: Sequence[Mapping[str, Any]],
    *,
    message_kind: bool = False,
    producer_errors: Sequence[str] = (),
) -> list[Finding]:
    if producer_errors:
        # The verifier compares the relay's error answer with the pact as if it were the
        # message (pact_ffi does not treat a 500 as a failure); the registry knows why.
        return [
            Finding(rule="message-producer-failed", severity=severity, message=m, **base)
            for m in producer_errors
        ]
    mismatch = result.get("mismatch") or {}
    if mismatch.get("type") == "mismatches":
        return [
            _mismatch_finding(m, base, severity=severity, message_kind=message_kind)
            for m in mismatch.get("mismatches", [])
        ]
    message = str(mismatch.get("message") or "the verifier reported an error")
    if "state change" in message:
        handler_errors = _state_errors_for(result.get("providerStates") or [], state_errors)
        if handler_errors:
            return [
                Finding(rule="provider-state-failed", severity=severity, message=m, **base)
                for m in handler_errors
            ]
        return [Finding(rule="provider-state-failed", severity=severity, message=message, **base)]
    return [Finding(rule="verification-error", severity=severity, message=message, **base)]


def build_cases(
    pacts: Sequence[Pact],
    results: Sequence[Mapping[str, Any]],
    state_errors: Sequence[Mapping[str, Any]],
    *,
    provider: str,
    message_errors: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[Case], list[Finding]]:
    """Cases in pact order (then any the verifier reported that no local pact has).

    Args:
        pacts: the local pacts that were replayed (may be empty for broker sources).
        results: the verifier's ``interactionResults`` entries, from every shard.
        state_errors: the state handlers' failures (``StateCall`` dicts).
        provider: the provider's name, for case groups.
        message_errors: the message producers' failures (``{description, error}``).

    Returns:
        The cases and every finding, each finding also attached to its case.
    """
    by_key: dict[tuple[str, str, tuple[str, ...]], Interaction] = {}
    files: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
    order: list[tuple[str, str, tuple[str, ...]]] = []
    for pact in pacts:
        for interaction in pact.interactions:
            key = _key(pact.consumer, interaction.description, interaction.state_names)
            by_key[key] = interaction
            files[key] = pact.source
            order.append(key)

    cases: dict[tuple[str, str, tuple[str, ...]], Case] = {}
    findings: list[Finding] = []
    for result in results:
        consumer = str(result.get("consumer") or "")
        description = str(result.get("description") or "")
        states = [str(s) for s in result.get("providerStates") or []]
        key = _key(consumer, description, states)
        found = by_key.get(key)
        pending = bool(result.get("pending"))
        failed = str(result.get("result")) != "Ok" and result.get("mismatch") is not None
        severity = Severity.WARNING if pending else Severity.ERROR
        producer_errors = list(
            dict.fromkeys(
                str(e.get("error")) for e in message_errors if e.get("description") == description
            )
        )
        is_message = (found is not None and found.kind == "message") or bool(producer_errors)
        # A message has no method and path; its findings are headed by the message instead.
        method, path = ("message", description) if is_message else ("", "")
        if found and found.request:
            method, path = found.request.method, found.request.path
        base: dict[str, Any] = {
            "path": path,
            "method": method,
            "file": files.get(key),
            "consumers": (consumer,),
            "interaction": case_name(description, states),
        }
        case_findings = (
            _findings_for(
                result,
                base,
                severity,
                state_errors,
                message_kind=is_message,
                producer_errors=producer_errors,
            )
            if failed
            else []
        )
        status = (
            CaseStatus.PASSED
            if not failed
            else (CaseStatus.PENDING if pending else CaseStatus.FAILED)
        )
        cases[key] = Case(
            name=case_name(description, states),
            status=status,
            group=_group(consumer, provider),
            duration=parse_duration(str(result.get("duration") or "")),
            findings=tuple(case_findings),
        )
        findings.extend(case_findings)

    ordered = [cases.pop(k) for k in order if k in cases]
    ordered.extend(cases.values())
    return ordered, findings


def case_name(description: str, states: Sequence[str]) -> str:
    if states:
        return f"{description} (given {' and '.join(states)})"
    return description
