"""Rules about a pact's own matching rules: matchers the Rust verifier refuses or misreads.

A pact can be valid JSON and still carry a matcher that cannot work: a regex that does not
compile, a matcher name no Pact specification defines, a ``combine`` that is neither AND
nor OR. The mock server and the verifier meet them only at run time (the regex fails every
value, the pact does not load, OR silently becomes AND), so ``check`` reports them first.

The judge is what pact_ffi does: matcher names and their required values as pact_models
reads them (``MatchingRule::from_json`` and ``create``), regexes compiled by Oniguruma with
its default syntax, as pact_matching's ``onig::Regex::new`` compiles them. Oniguruma, not
Python's ``re``: it accepts what Java and Ruby regexes say (``\\p{Alpha}``, lookbehind,
``(?-mix:...)``) and refuses what Rust's ``regex`` would accept in its place only rarely.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import onigurumacffi  # type: ignore[import-untyped]

from seam.compat._context import RULES
from seam.model import Finding, Severity
from seam.pactfile import Interaction

Json = Any

RULES.add(
    "interaction.matcher.unknown",
    severity=Severity.WARNING,
    summary="A matching rule names no matcher Pact defines, so the verifier cannot apply it.",
    area="interaction",
)
RULES.add(
    "interaction.matcher.invalid",
    severity=Severity.WARNING,
    summary="A matcher cannot work as written: its regex does not compile or a value is missing.",
    area="interaction",
)
RULES.add(
    "interaction.combine.unknown",
    severity=Severity.WARNING,
    summary="A rule list's combine is neither AND nor OR; the verifier reads it as AND.",
    area="interaction",
)

# Matcher name → the attribute it cannot do without (pact_models MatchingRule::create).
_NEEDS: dict[str, str | None] = {
    **dict.fromkeys(
        (
            "equality",
            "type",
            "number",
            "integer",
            "decimal",
            "real",
            "boolean",
            "null",
            "values",
            "semver",
            "timestamp",
            "datetime",
            "date",
            "time",
            "statusCode",
            "status-code",
            "notEmpty",
            "not-empty",
            "eachKey",
            "each-key",
            "eachValue",
            "each-value",
        )
    ),
    "regex": "regex",
    "include": "value",
    "min": "min",
    "max": "max",
    "min-type": "min",
    "max-type": "max",
    "contentType": "value",
    "content-type": "value",
    "arrayContains": "variants",
    "array-contains": "variants",
}
# Without "match", pact_models guesses the matcher from the first of these keys it finds.
_GUESSED = ("regex", "min", "max", "timestamp", "time", "date")


def matching_rule_findings(
    item: Interaction, file: str | None, consumer: str | None
) -> Iterator[Finding]:
    """Findings about the matching rules of one interaction (request, response or message)."""
    sides = (
        ("request", item.request.matching_rules if item.request else {}),
        ("response", item.response.matching_rules if item.response else {}),
        ("message", item.message_matching_rules),
    )
    for side, rules in sides:
        for rule, message, location in _categories(rules, f"{side}.matchingRules"):
            yield Finding(
                rule=rule,
                severity=RULES[rule].severity,
                message=message,
                location=location,
                file=file,
                consumers=(consumer,) if consumer else (),
                interaction=item.description,
            )


def _categories(rules: Mapping[str, Json], at: str) -> Iterator[tuple[str, str, str]]:
    """``{category: {path: rule list}}``; a ``path`` category is a rule list itself (V3)."""
    for category, paths in rules.items():
        if not isinstance(paths, dict):
            continue
        if "matchers" in paths:
            yield from _rule_list(paths, f"{at}.{category}")
            continue
        for path, rule_list in paths.items():
            if isinstance(rule_list, dict):
                yield from _rule_list(rule_list, f"{at}.{category}.{path}")


def _rule_list(rule_list: Mapping[str, Json], at: str) -> Iterator[tuple[str, str, str]]:
    combine = rule_list.get("combine")
    if combine is not None and str(combine).upper() not in ("AND", "OR"):
        yield (
            "interaction.combine.unknown",
            f"combine {combine!r} is neither AND nor OR; the verifier reads it as AND",
            at,
        )
    matchers = rule_list.get("matchers")
    for index, matcher in enumerate(matchers if isinstance(matchers, list) else []):
        yield from _matcher(matcher, f"{at}.matchers[{index}]")


def _matcher(matcher: Json, at: str) -> Iterator[tuple[str, str, str]]:
    if not isinstance(matcher, dict):
        yield "interaction.matcher.unknown", f"a matcher must be an object, not {matcher!r}", at
        return
    name = matcher.get("match", matcher.get("pact:matcher:type"))
    if name is None:
        name = next((key for key in _GUESSED if key in matcher), None)
        if name is None:
            yield (
                "interaction.matcher.unknown",
                "the matcher has no 'match' and no value to tell its kind by "
                f"({', '.join(_GUESSED)}); the verifier refuses it",
                at,
            )
            return
    name = str(name)
    if name not in _NEEDS:
        yield (
            "interaction.matcher.unknown",
            f"{name!r} is not a Pact matcher (type, regex, integer, decimal, include, ...); "
            "the verifier cannot apply it",
            at,
        )
        return
    needed = _NEEDS[name]
    if needed is not None and needed not in matcher:
        yield (
            "interaction.matcher.invalid",
            f"the {name} matcher has no {needed!r}; the verifier refuses it",
            at,
        )
    elif name == "regex":
        problem = regex_problem(str(matcher["regex"]))
        if problem is not None:
            yield (
                "interaction.matcher.invalid",
                f"regex {matcher['regex']!r} does not compile ({problem}); "
                "the verifier fails every value against it",
                at,
            )
    # Matchers that hold matchers: each-key/each-value rules, array-contains variants.
    inner = matcher.get("rules")
    if name in ("eachKey", "each-key", "eachValue", "each-value") and isinstance(inner, list):
        for index, nested in enumerate(inner):
            yield from _matcher(nested, f"{at}.rules[{index}]")
    variants = matcher.get("variants")
    if name in ("arrayContains", "array-contains") and isinstance(variants, list):
        for index, variant in enumerate(variants):
            rules = variant.get("rules") if isinstance(variant, dict) else None
            if isinstance(rules, dict):
                for path, rule_list in rules.items():
                    if isinstance(rule_list, dict):
                        yield from _rule_list(rule_list, f"{at}.variants[{index}].{path}")


@functools.lru_cache(maxsize=1024)
def regex_problem(pattern: str) -> str | None:
    """Why Oniguruma (the verifier's regex engine) refuses ``pattern``, or None."""
    try:
        onigurumacffi.compile(pattern)
    except onigurumacffi.OnigError as exc:
        return str(exc)
    return None
