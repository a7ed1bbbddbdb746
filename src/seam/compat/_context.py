"""What every compat rule sees: the interaction, the operation it routed to, and helpers."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from seam.compat._interaction import HttpInteraction
from seam.compat._matchers import BodyRules, Token
from seam.model import Finding, Registry
from seam.openapi import Api, Document, Operation
from seam.openapi._schemas import Mode

Json = Any

RULES = Registry("check")
# GraphQL requests are judged by seam.graphql (graphql-core loads only when a rule is needed).
RULES.include_later("graphql.", lambda: importlib.import_module("seam.graphql").CHECK_RULES)


# ``check`` works on the shared operation model; its compiled schemas live on it too.
Spec = Api


def build_spec(document: Document | dict[str, Json]) -> Api:
    """Index an OpenAPI 2.0/3.0/3.1 document for ``check``.

    Raises:
        OpenAPIError: ``document`` is not an OpenAPI document, or ``paths`` is not a mapping.
    """
    api = Api(document)
    api.operations()  # malformed paths are refused now, not at the first route
    return api


@dataclass(slots=True)
class Violation:
    """One schema complaint about a value."""

    message: str
    instance: list[Token]
    kind: str


@dataclass(slots=True)
class Context:
    """One interaction routed to one operation."""

    spec: Spec
    op: Operation
    ix: HttpInteraction
    path_params: dict[str, str]
    file: str | None = None
    consumer: str | None = None
    _notes: dict[str, Json] = field(default_factory=dict)

    @property
    def doc(self) -> Json:
        return self.spec.data

    @property
    def valid_request(self) -> bool:
        """Requests the provider answers with an error may break the rules on purpose."""
        return self.ix.status < 400

    def finding(self, rule: str, message: str, location: str, **details: Json) -> Finding:
        """A finding of ``rule`` at its registered severity, about this interaction."""
        return Finding(
            rule=rule,
            severity=RULES[rule].severity,
            message=message,
            path=self.op.path,
            method=self.op.method.upper(),
            location=location,
            file=self.file,
            consumers=(self.consumer,) if self.consumer else (),
            interaction=self.ix.description,
            details={k: v for k, v in details.items() if v is not None},
        )

    def violations(
        self, key: str, schema: Json, value: Json, mode: Mode, rules: BodyRules | None = None
    ) -> Iterator[Violation]:
        """Schema complaints about ``value``, minus those a Pact matcher makes irrelevant."""
        validator = self.spec.schemas.validator(key, schema, mode)
        if validator.is_valid(value):  # the common case; collecting errors costs more
            return
        for error in validator.iter_errors(value):
            kind = type(error.kind).__name__
            instance = list(error.instance_path)
            if rules and rules.relaxes(instance, kind):
                continue
            if kind in ("AdditionalProperties", "UnevaluatedProperties"):
                # One violation per unexpected field, located at the field itself.
                for name in error.kind.as_dict().get("unexpected") or []:
                    yield Violation(
                        f"field {name!r} is not in the spec's schema", [*instance, name], kind
                    )
                continue
            yield Violation(error.message, instance, kind)


def where(instance: list[Token]) -> str:
    """``["items", 0, "id"]`` → ``.items[0].id``."""
    return "".join(f"[{t}]" if isinstance(t, int) else f".{t}" for t in instance)
