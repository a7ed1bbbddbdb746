"""Plain data shared by every analysis: findings, reports and rule registries.

``contracts diff``, ``contracts check`` and ``contracts verify`` all produce a
:class:`Report`; reporters (``seam.reporters``) turn a report into text, JSON,
Markdown, JUnit XML or GitHub annotations without knowing which command made it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from seam.errors import UsageError

__all__ = [
    "Case",
    "CaseStatus",
    "Finding",
    "Registry",
    "Report",
    "Rule",
    "RuleIdError",
    "Severity",
]


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read ``error``/``warning``/``info`` (any case; ``err``/``warn`` too)."""
        aliases = {"err": "error", "warn": "warning"}
        name = aliases.get(text.strip().lower(), text.strip().lower())
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}: expected error, warning or info"
            ) from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check noticed.

    Attributes:
        rule: stable id, e.g. ``response-property-removed`` or ``response.body.incompatible``.
        severity: how much it matters (after any user override).
        message: one human sentence.
        path: the API path template (``/tasks/{id}``) or ``""`` for document-level findings.
        method: upper-case HTTP method or ``""``.
        location: a JSON pointer-ish location inside the document or interaction.
        file: the file the finding is about, if known (for annotations).
        line: 1-based line in ``file``, if known.
        consumers: names of consumers this finding affects (diff with pacts).
        interaction: the pact interaction description, when the finding is about one.
        details: extra, machine-readable facts (expected/actual values, ...).
    """

    rule: str
    severity: Severity
    message: str
    path: str = ""
    method: str = ""
    location: str = ""
    file: str | None = None
    line: int | None = None
    consumers: tuple[str, ...] = ()
    interaction: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.method, -self.severity, self.rule, self.location, self.message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.path,
            "method": self.method,
            "location": self.location,
        }
        if self.file is not None:
            out["file"] = self.file
        if self.line is not None:
            out["line"] = self.line
        if self.consumers:
            out["consumers"] = list(self.consumers)
        if self.interaction is not None:
            out["interaction"] = self.interaction
        if self.details:
            out["details"] = dict(self.details)
        return out


class CaseStatus(enum.Enum):
    """Outcome of one unit of work (an interaction verified or checked)."""

    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"  # failed, but pending: reported, never fails the run
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Case:
    """One interaction (or other unit) and its outcome, for per-case reports such as JUnit."""

    name: str
    status: CaseStatus
    group: str = ""  # e.g. "web -> tasks-api"
    duration: float = 0.0
    findings: tuple[Finding, ...] = ()


@dataclass(slots=True)
class Report:
    """What one command found.

    Attributes:
        command: ``diff``, ``check``, ``verify``, ...
        findings: every finding, in any order (reporters sort with :meth:`sorted_findings`).
        cases: per-unit outcomes, when the command has units (verify, check).
        meta: small, JSON-serialisable facts about the run (inputs, counts).
    """

    command: str
    findings: list[Finding] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def failed(self, fail_on: Severity | None = Severity.ERROR) -> bool:
        """True when a finding reaches ``fail_on`` or a case failed (``None`` means never)."""
        if fail_on is None:
            return False
        if any(c.status is CaseStatus.FAILED for c in self.cases):
            return True
        worst = self.worst()
        return worst is not None and worst >= fail_on


_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered check: a stable id, a default severity, a one-line summary.

    ``func`` is the function that emits the id (several ids may share one, as a schema
    rule does for each context); ``kind`` says which engine loop runs it (``operation``,
    ``schema``, ``request``...; empty for a rule its engine emits without a loop).
    """

    id: str
    severity: Severity
    summary: str
    area: str
    func: Callable[..., Any]
    kind: str = ""


class RuleIdError(AssertionError):
    """A rule emitted an id it did not register: a bug in Seam, never the user's input.

    Not a ``SeamError`` (those are the user's to fix, exit 2); the engines raise it so a
    rule that drifts from its registered id fails the tests instead of reaching a report.
    """


class Registry:
    """A table of rules, filled by the ``@registry.rule(...)`` decorator.

    The one registry type of Seam: ``seam.diff.RULES``, ``seam.compat.RULES``,
    ``seam.verify.RULES`` and ``seam.graphql.RULES`` are each one. A rule is one small
    function whose docstring's first line is its summary. Registration order is run order
    (:meth:`functions`); listing (iteration, :meth:`ids`) is by id.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._rules: dict[str, Rule] = {}
        self._later: list[tuple[str, Callable[[], Registry]]] = []
        # Which ids each function may emit: what the engines hold a finding to.
        self._emits: dict[Callable[..., Any], set[str]] = {}

    def rule(
        self, rule_id: str, *, severity: Severity, area: str = "", kind: str = ""
    ) -> Callable[[_F], _F]:
        """Register the decorated function as the rule ``rule_id`` (run in ``kind`` loops)."""

        def register(func: _F) -> _F:
            summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
            if not summary:
                raise ValueError(f"rule {rule_id!r} needs a one-line docstring")
            self._put(Rule(rule_id, severity, summary, area, func, kind))
            return func

        return register

    def add(
        self,
        rule_id: str,
        *,
        severity: Severity,
        summary: str,
        area: str = "",
        func: Callable[..., Any] | None = None,
        kind: str = "",
    ) -> Rule:
        """Register a rule whose summary is given here: a table row (``func``, when the row
        is callable) or an id its engine emits without a function of its own."""
        rule = Rule(rule_id, severity, summary, area, func or _no_rule, kind)
        self._put(rule)
        return rule

    def _put(self, rule: Rule) -> None:
        if rule.id in self._rules:
            raise ValueError(f"rule {rule.id!r} is registered twice in {self.name}")
        self._rules[rule.id] = rule
        if rule.func is not _no_rule:
            self._emits.setdefault(rule.func, set()).add(rule.id)

    def include(self, other: Registry) -> None:
        """Take in every rule of ``other`` (one table for a command over several formats)."""
        for rule in other._rules.values():
            self._put(rule)

    def include_later(self, prefix: str, load: Callable[[], Registry]) -> None:
        """:meth:`include` another registry, whose ids all start with ``prefix``, when one
        of them is first looked for or the table is listed: its module (and what it
        imports) loads only if needed."""
        self._later.append((prefix, load))

    def _load_later(self, rule_id: object = None) -> bool:
        wanted = [
            entry
            for entry in self._later
            if rule_id is None or (isinstance(rule_id, str) and rule_id.startswith(entry[0]))
        ]
        self._later = [entry for entry in self._later if entry not in wanted]
        for _, load in wanted:
            self.include(load())
        return bool(wanted)

    def rules(self, kind: str) -> list[Rule]:
        """The rules registered for ``kind``, in registration (run) order."""
        return [r for r in self._rules.values() if r.kind == kind]

    def functions(self, kind: str) -> list[Callable[..., Any]]:
        """The functions registered for ``kind``, each once, in registration (run) order."""
        return list(dict.fromkeys(r.func for r in self._rules.values() if r.kind == kind))

    def emitted(self, func: Callable[..., Any], rule_id: str) -> str:
        """``rule_id``, if ``func`` registered it.

        Raises:
            RuleIdError: ``func`` emitted an id it did not register (a bug in the rule).
        """
        if rule_id not in self._emits.get(func, ()):
            name = getattr(func, "__qualname__", repr(func))
            raise RuleIdError(
                f"rule {name} emitted {rule_id!r}, which it did not register in {self.name}"
            )
        return rule_id

    def __getitem__(self, rule_id: str) -> Rule:
        if rule_id not in self._rules:
            self._load_later(rule_id)
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules or (self._load_later(rule_id) and rule_id in self._rules)

    def __iter__(self) -> Iterator[Rule]:
        self._load_later()
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        self._load_later()
        return len(self._rules)

    def ids(self) -> list[str]:
        self._load_later()
        return sorted(self._rules)


def _no_rule(*args: Any, **kwargs: Any) -> None:
    """Stands for the function of a rule its engine emits itself."""


def apply_overrides(
    findings: Iterable[Finding],
    severities: Mapping[str, Severity] | None = None,
    ignored: Callable[[Finding], bool] | None = None,
) -> list[Finding]:
    """Re-grade findings by rule id and drop the ignored ones."""
    from dataclasses import replace

    out = []
    for f in findings:
        if ignored is not None and ignored(f):
            continue
        if severities and f.rule in severities:
            f = replace(f, severity=severities[f.rule])
        out.append(f)
    return out


def parse_severities(
    values: Iterable[str], known: Container[str] | None = None, *, option: str = "--severity"
) -> dict[str, Severity]:
    """Read ``RULE_ID=LEVEL`` values into rule id → severity: the one parser of them.

    ``contracts diff --severity`` and ``contracts check --severity`` both read through it.

    Args:
        values: ``RULE_ID=error|warning|info`` strings, as the user wrote them.
        known: the rule ids that may be named (a registry); None leaves that check to the
            caller (``seam.compat.check`` names the unknown id with its own rule list).
        option: the option the values came from, for the message.

    Returns:
        Each rule id (surrounding spaces dropped) mapped to its new severity.

    Raises:
        UsageError: a value without ``=``, an unknown rule id or an unknown level.
    """
    expected = "expected RULE_ID=error|warning|info" + (
        " with a known rule id" if known is not None else ""
    )
    out: dict[str, Severity] = {}
    for value in values:
        rule, sep, level = value.partition("=")
        rule = rule.strip()
        if not sep or not rule or (known is not None and rule not in known):
            raise UsageError(f"{option} {value!r}: {expected}")
        try:
            out[rule] = Severity.parse(level)
        except ValueError as exc:
            raise UsageError(f"{option} {value!r}: {exc}") from None
    return out


__all__ += ["apply_overrides", "parse_severities"]
