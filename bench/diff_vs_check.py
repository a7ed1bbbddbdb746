"""An oracle for `contracts diff`'s consumer verdicts: does diff blame whom check fails?

    .venv/bin/python bench/diff_vs_check.py [--corpus DIR] [--specs DIR] [--sample N]
                                            [--pairs a,b] [--seed S] [--no-specs]

For every base/revision pair of ../shared/corpus/diff and ../shared/corpus/specs, a consumer
pact is made from the BASE document (bench/_oracle_pacts.py: one interaction per operation,
concrete values valid under the base schemas, every response field read). Interactions that
`check` does not find clean against the base are dropped. For each one kept:

- oracle: `compare(pact, revision)` has an ERROR finding for the interaction;
- verdict: `diff(base, revision, pacts=[pact])` has an ERROR finding naming the consumer
  and the interaction (``interaction`` or ``details["broken_interactions"]``).

Prints, per corpus, the confusion table (both / check only / diff only / neither), then every
disagreement in one line (pair, interaction, check's codes, diff's rule ids and, where diff
blamed nobody, diff's findings on that endpoint), each tagged with its explained class.

oasdiff's cases are small: every operation is called. The real pairs (GitHub, Stripe) have
300-900 operations each; to keep the whole run to a few minutes on 2 cores, ``--sample N``
(default 100) operations per pair are drawn with ``random.Random(f"{seed}:{pair}")`` and
called in document order (``--sample 0``: all of them).
"""

from __future__ import annotations

import argparse
import collections
import platform
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import diff_specs
from _oracle_pacts import make_pact

from seam.compat import build_spec, compare
from seam.diff import diff
from seam.errors import SeamError
from seam.model import Finding, Severity
from seam.openapi import Api, load_document
from seam.pactfile import Pact, parse_pact

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "corpus"
CONSUMER, PROVIDER = "oracle", "oracle-provider"


@dataclass
class Row:
    """One kept interaction: what check and diff say about it after the change."""

    pair: str
    interaction: str
    check: list[str]  # ERROR codes of check(pact, revision)
    diff: list[str]  # ERROR rule ids of diff findings blaming this interaction
    request_json: bool = True  # sends no body, or a JSON one
    nearby: list[str] = field(default_factory=list)  # diff findings on its endpoint
    klass: str = ""

    @property
    def cell(self) -> str:
        if self.check and self.diff:
            return "both"
        if self.check:
            return "check only"
        if self.diff:
            return "diff only"
        return "neither"


@dataclass
class Tally:
    pairs: int = 0
    operations: int = 0
    generated: int = 0
    kept: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    unclean: collections.Counter[str] = field(default_factory=collections.Counter)
    unreadable: list[str] = field(default_factory=list)
    refused_revision: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0


def _errors(findings: list[Finding]) -> dict[str, list[Finding]]:
    """ERROR findings by interaction description."""
    out: dict[str, list[Finding]] = collections.defaultdict(list)
    for f in findings:
        if f.severity >= Severity.ERROR and f.interaction:
            out[f.interaction].append(f)
    return out


def _check_each(pact: Pact, api: Api) -> tuple[dict[str, list[Finding]], dict[str, str]]:
    """ERROR findings by interaction, and the interactions check refused to judge (why)."""
    errors: dict[str, list[Finding]] = collections.defaultdict(list)
    refused: dict[str, str] = {}
    for interaction in pact.interactions:
        try:
            findings = compare(replace(pact, interactions=(interaction,)), api)
        except SeamError as exc:
            refused[interaction.description] = type(exc).__name__
            continue
        errors.update(_errors(findings))
    return errors, refused


def _blamed(f: Finding) -> set[str]:
    """Interaction descriptions of this consumer that an ERROR diff finding blames."""
    if f.severity < Severity.ERROR or CONSUMER not in f.consumers:
        return set()
    names = {f.interaction} if f.interaction else set()
    prefix = f"{CONSUMER}: "
    for entry in f.details.get("broken_interactions") or []:
        if str(entry).startswith(prefix):
            names.add(str(entry)[len(prefix) :])
    return names


def run_pair(name: str, base: Path, revision: Path, tally: Tally, sample: int, seed: int) -> None:
    """Generate, filter, and compare check with diff on one pair."""
    try:
        base_doc, rev_doc = load_document(base), load_document(revision)
        base_api = build_spec(base_doc)
        ops = [op for op in base_api.all_operations() if not op.webhook]
    except SeamError as exc:
        tally.unreadable.append(f"{name}: {exc}")
        return
    tally.pairs += 1
    tally.operations += len(ops)
    if sample and len(ops) > sample:
        ops = sorted(random.Random(f"{seed}:{name}").sample(ops, sample), key=lambda o: o.order)
    doc, skipped = make_pact(base_api, CONSUMER, PROVIDER, ops, seed)
    tally.skipped.update(skipped)
    tally.generated += len(doc["interactions"])
    dirty, refused = _check_each(parse_pact(doc), base_api)
    for findings in dirty.values():
        tally.unclean.update({f.rule for f in findings})
    tally.unclean.update(f"check raised {why}" for why in refused.values())
    dirty.update({d: [] for d in refused})
    kept = [i for i in doc["interactions"] if i["description"] not in dirty]
    tally.kept += len(kept)
    if not kept:
        return
    pact = parse_pact({**doc, "interactions": kept})
    broken, refused = _check_each(pact, build_spec(rev_doc))
    for description, why in refused.items():
        tally.refused_revision.append(f"{name}: {description} ({why})")
    report = diff(base, revision, pacts=[pact], provider=PROVIDER)
    blamed: dict[str, list[str]] = collections.defaultdict(list)
    by_endpoint: dict[str, list[str]] = collections.defaultdict(list)
    info: dict[str, set[str]] = collections.defaultdict(set)
    for f in report.findings:
        for description in _blamed(f):
            blamed[description].append(f.rule)
        for endpoint in f.details.get("endpoints") or [f"{f.method} {f.path}"]:
            if f.severity >= Severity.WARNING:
                by_endpoint[str(endpoint)].append(f"{f.rule}:{f.severity.label}")
            info[str(endpoint)].add(f.rule)
    for interaction in kept:
        description = interaction["description"]
        row = Row(
            name,
            description,
            sorted({f.rule for f in broken.get(description, [])}),
            sorted(set(blamed.get(description, []))),
            request_json="json" in str(interaction["request"].get("headers", {})).lower()
            or "body" not in interaction["request"],
        )
        if row.cell in ("check only", "diff only"):
            row.nearby = sorted(set(by_endpoint.get(description, [])))
            row.klass = classify(
                row, broken.get(description, []), info[description], description in refused
            )
        tally.rows.append(row)


# Explained classes of disagreement, by what each side says (see bench/RESULTS.md).
NARROWED = "response value narrowed (pattern, enum, mapping): the recorded example no longer fits"
ONE_OF_OVERLAP = "oneOf gained an alternative overlapping the recorded value's"
DISCRIMINATOR = "discriminator removed: the tag field the consumer reads was declared only by it"
WRAPPER = "DIFF GAP: `nullable`+`allOf: [$ref A]` became `$ref: NA`; changes below are not seen"
WIDENED = "response widened or loosened: the recorded example still fits, other values may come"
REQUEST_OPEN = "request field or body no longer described: check's request schemas stay open"
FORM_BODY = "a non-JSON request body is not judged by the values sent"
SECURITY = "security added or scopes changed: check cannot judge OAuth2 tokens and scopes"
DEFAULT = "status now covered only by `default`: check warns, diff says the status is gone"
REFUSED = "check refused the revision's schema"
_WIDENING = (
    "enum-value-added",
    "became-nullable",
    "became-optional",
    "type-generalized",
    "widened",
    "-unset",
    "decreased",
    "increased",
    "contains-removed",
    "dependent-",
    "pattern-property",
    "property-names",
    "unevaluated",
    "if-removed",
    "then-removed",
    "else-removed",
    "content-encoding",
    "content-media-type",
    "content-schema",
    "property-removed",
    "required-property-removed",
    "one-of-added",
    "any-of-added",
)


def classify(row: Row, check: list[Finding], info: set[str], refused: bool) -> str:
    """The explained class a disagreement belongs to ("" when none explains it)."""
    text = " ".join(f.message for f in check)
    if row.cell == "check only":
        if "does not match" in text or "is not one of" in text:
            return NARROWED
        if "valid under more than one" in text:
            return ONE_OF_OVERLAP
        if any("discriminator-removed" in r for r in info):
            return DISCRIMINATOR
        if any(r.endswith("all-of-removed") for r in info):
            return WRAPPER
        return ""
    if refused:
        return REFUSED
    classes = [_diff_only_class(r, row.request_json) for r in row.diff]
    if "" in classes:
        return ""
    return " + ".join(dict.fromkeys(classes))


def _diff_only_class(rule: str, request_json: bool) -> str:
    """Why diff may blame a consumer for ``rule`` while check passes its pact."""
    if rule.startswith("api-security"):
        return SECURITY
    if rule == "response-success-status-removed":
        return DEFAULT
    if rule.startswith("response-") and any(w in rule for w in _WIDENING):
        return WIDENED
    if rule in ("request-property-removed", "request-property-renamed", "request-body-removed"):
        return REQUEST_OPEN
    if rule.startswith("request-") and not request_json:
        return FORM_BODY
    return ""


def print_corpus(title: str, tally: Tally) -> None:
    counts = collections.Counter(r.cell for r in tally.rows)
    print(f"### {title}\n")
    print("| measure | value |\n|---|---|")
    print(f"| pairs read | {tally.pairs} ({len(tally.unreadable)} unreadable) |")
    print(f"| operations in the base documents | {tally.operations} |")
    print(f"| interactions generated | {tally.generated} |")
    skipped = ", ".join(f"{why}: {n}" for why, n in tally.skipped.most_common())
    print(f"| operations without an interaction | {sum(tally.skipped.values())} ({skipped}) |")
    unclean = ", ".join(f"`{code}` {n}" for code, n in tally.unclean.most_common())
    print(
        f"| dropped: check finds them broken against the base | "
        f"{tally.generated - tally.kept} ({unclean or '—'}) |"
    )
    print(f"| **kept** | **{tally.kept}** |")
    print(f"| time | {tally.seconds:.1f} s |\n")
    print("| | diff blames the consumer | diff blames nobody |\n|---|---|---|")
    print(f"| check fails | {counts['both']} (both) | {counts['check only']} (check only) |")
    print(f"| check passes | {counts['diff only']} (diff only) | {counts['neither']} (neither) |\n")
    rows = [r for r in tally.rows if r.cell in ("check only", "diff only")]
    if rows:
        classes = collections.Counter((r.cell, r.klass or "unexplained") for r in rows)
        print("| disagreement | class | interactions |\n|---|---|---|")
        for (cell, klass), n in sorted(classes.items()):
            print(f"| {cell} | {klass} | {n} |")
        print("\nEvery disagreement:\n")
        for r in rows:
            near = f" — diff on the endpoint: {', '.join(r.nearby)}" if r.nearby else ""
            print(
                f"- {r.cell} · {r.pair} · `{r.interaction}` · check {r.check or '—'} · "
                f"diff {r.diff or '—'}{near} · {r.klass or 'unexplained'}"
            )
        print()
    for line in tally.unreadable:
        print(f"- unreadable: {line}")
    for line in tally.refused_revision:
        print(f"- check refused the revision's schema: {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "diff")
    parser.add_argument("--specs", type=Path, default=SHARED / "specs")
    parser.add_argument("--pairs", default="", help="only these pairs of --specs (comma list)")
    parser.add_argument(
        "--sample",
        type=int,
        default=100,
        help="at most N operations per real pair, drawn with the seed (0: all)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-specs", action="store_true", help="skip the large real pairs")
    args = parser.parse_args()
    diff_specs.SPECS = args.specs  # where its unpack() reads the gzipped pairs
    print(
        f"Python {platform.python_version()}, {platform.machine()}, seed {args.seed}, "
        f"real pairs sampled to {args.sample or 'all'} operations each\n"
    )
    corpus = Tally()
    started = time.perf_counter()
    for case in sorted(p for p in (args.corpus / "cases").iterdir() if p.is_dir()):
        run_pair(case.name, case / "base.yaml", case / "revision.yaml", corpus, 0, args.seed)
    corpus.seconds = time.perf_counter() - started
    print_corpus(f"oasdiff's cases ({args.corpus.name}, {corpus.pairs} pairs)", corpus)
    if args.no_specs:
        return 0
    specs = Tally()
    started = time.perf_counter()
    wanted = (
        args.pairs.split(",")
        if args.pairs
        else sorted(p.name for p in args.specs.iterdir() if p.is_dir())
    )
    for pair in wanted:
        base, revision = diff_specs.unpack(pair)
        run_pair(pair, base, revision, specs, args.sample, args.seed)
    specs.seconds = time.perf_counter() - started
    print_corpus(f"real APIs ({', '.join(wanted)})", specs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
