"""Rules about security requirements.

oasdiff reports these as information; Seam grades a newly required scheme or scope
as a warning, because a client that sent no credentials is refused (and as an error
when a known consumer calls the endpoint: see ``_consumers``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from seam.diff._structure import OperationDiff
from seam.diff.rules._registry import Hit, operation_rule
from seam.model import Severity

__all__: list[str] = []


def _requirements(security: list[Any] | None) -> dict[str, set[str]]:
    """Scheme name -> scopes, over every alternative."""
    out: dict[str, set[str]] = {}
    for alternative in security or []:
        if isinstance(alternative, dict):
            for name, scopes in alternative.items():
                out.setdefault(str(name), set()).update(str(s) for s in scopes or [])
    return out


def _optional(security: list[Any] | None) -> bool:
    """An empty requirement ``{}`` among the alternatives makes security optional."""
    return any(isinstance(a, dict) and not a for a in security or [])


@operation_rule("api-security-added", Severity.WARNING, "security")
def security_added(od: OperationDiff) -> Iterator[Hit]:
    """A security scheme is newly required: clients without its credentials are refused."""
    if od.base is None or od.revision is None or _optional(od.revision.security):
        return
    before = _requirements(od.base.security)
    for name in sorted(set(_requirements(od.revision.security)) - set(before)):
        yield Hit(
            "api-security-added",
            f"security scheme `{name}` now required",
            od.revision.pointer,
            {"scheme": name, "credential": _credential(od.revision.schemes.get(name, {}))},
        )


def _credential(scheme: Mapping[str, Any]) -> dict[str, str]:
    """Where a client puts this scheme's credential: ``{"in": header|query|cookie, "name"}``."""
    if scheme.get("type") == "apiKey" and isinstance(scheme.get("name"), str):
        return {"in": str(scheme.get("in", "header")), "name": scheme["name"]}
    # http (basic, bearer), oauth2, openIdConnect: the Authorization header (RFC 9110 11.6.2).
    return {"in": "header", "name": "Authorization"}


@operation_rule("api-security-removed", Severity.INFO, "security")
def security_removed(od: OperationDiff) -> Iterator[Hit]:
    """A security scheme is no longer required."""
    if od.base is None or od.revision is None:
        return
    after = _requirements(od.revision.security)
    for name in sorted(set(_requirements(od.base.security)) - set(after)):
        yield Hit(
            "api-security-removed",
            f"security scheme `{name}` no longer required",
            od.revision.pointer,
            {"scheme": name},
        )


def _scope_change(od: OperationDiff, added: bool, rule: str) -> Iterator[Hit]:
    """Scopes newly required (or no longer required) for a scheme required on both sides."""
    if od.base is None or od.revision is None:
        return
    base, revision = _requirements(od.base.security), _requirements(od.revision.security)
    side, other = (revision, base) if added else (base, revision)
    what = "now required" if added else "no longer required"
    for name, scopes in sorted(side.items()):
        for scope in sorted(scopes - other.get(name, scopes)):
            yield Hit(
                rule,
                f"scope `{scope}` {what} for `{name}`",
                od.revision.pointer,
                {"scheme": name, "scope": scope},
            )


@operation_rule("api-security-scope-added", Severity.WARNING, "security")
def scope_added(od: OperationDiff) -> Iterator[Hit]:
    """A scope is newly required: tokens without it are refused."""
    yield from _scope_change(od, True, "api-security-scope-added")


@operation_rule("api-security-scope-removed", Severity.INFO, "security")
def scope_removed(od: OperationDiff) -> Iterator[Hit]:
    """A scope is no longer required."""
    yield from _scope_change(od, False, "api-security-scope-removed")
