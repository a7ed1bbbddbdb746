"""The public entry points of ``seam.compat``."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from seam.compat._engine import check_interactions, to_case
from seam.compat._spec import Spec, build_spec
from seam.model import Finding, Report

Json = Any


def compare(pact: Mapping[str, Json], openapi: Mapping[str, Json] | Spec) -> list[Finding]:
    """Every finding for one pact document (plain data) against one OpenAPI document.

    Args:
        pact: a Pact V1–V4 document as parsed JSON.
        openapi: an OpenAPI 2.0/3.0/3.1 document as plain data (local ``$ref`` only), or a
            :class:`Spec` built from one to reuse its compiled schemas.

    Returns:
        The findings, in interaction order.

    Raises:
        PactError: ``pact`` is not a pact document.
        OpenAPIError: ``openapi`` is not an OpenAPI document or a ``$ref`` cannot be followed.
    """
    spec = openapi if isinstance(openapi, Spec) else build_spec(dict(openapi))
    out: list[Finding] = []
    for _, findings, _ in check_interactions(spec, pact):
        out.extend(findings)
    return out


def check_documents(
    pacts: Iterable[tuple[str | None, Mapping[str, Json]]],
    openapi: Mapping[str, Json],
    *,
    openapi_file: str | None = None,
) -> Report:
    """Check several pacts (``(file name or None, document)``) against one OpenAPI document.

    Returns:
        A ``check`` report: one case per interaction, every finding, counts in ``meta``.
    """
    started = time.perf_counter()
    spec = build_spec(dict(openapi))
    report = Report(command="check", meta={"openapi": openapi_file, "pacts": []})
    interactions = 0
    for file, pact in pacts:
        consumer = _name(pact.get("consumer"))
        provider = _name(pact.get("provider"))
        group = f"{consumer or '?'} -> {provider or '?'}"
        report.meta["pacts"].append(file)
        for name, findings, seconds in check_interactions(spec, pact, file=file, consumer=consumer):
            interactions += 1
            report.findings.extend(findings)
            report.cases.append(to_case(name, group, findings, seconds))
    report.meta["interactions"] = interactions
    report.meta["seconds"] = round(time.perf_counter() - started, 4)
    return report


def _name(party: Json) -> str | None:
    if isinstance(party, dict) and isinstance(party.get("name"), str):
        return str(party["name"])
    return None
