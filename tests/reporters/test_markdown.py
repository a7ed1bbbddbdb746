"""The pull-request comment: ordering, collapsing, the marker and GitHub's size limit."""

from __future__ import annotations

import gzip

import pytest

from seam.diff import diff
from seam.model import Finding, Report, Severity
from seam.reporters import GITHUB_COMMENT_LIMIT, MARKDOWN_MARKER, markdown, render

from ..conftest import require_corpus


def _report() -> Report:
    return Report(
        "diff",
        findings=[
            Finding("endpoint-added", Severity.INFO, "endpoint added", path="/tags", method="POST"),
            Finding(
                "request-parameter-removed",
                Severity.WARNING,
                "query `q` removed",
                path="/tasks",
                method="GET",
            ),
            Finding(
                "response-property-removed",
                Severity.ERROR,
                "property `status` removed",
                path="/tasks/{id}",
                method="GET",
                consumers=("web", "mobile"),
            ),
        ],
    )


def test_marker_is_the_first_line() -> None:
    """The hidden marker opens the comment, so a bot can find the comment it posted."""
    assert render(_report(), "markdown").splitlines()[0] == MARKDOWN_MARKER


def test_errors_come_first_with_the_consumers_they_break() -> None:
    """Errors are listed before warnings, one line each with the endpoint and consumers."""
    out = render(_report(), "markdown")
    error_line = next(line for line in out.splitlines() if "response-property-removed" in line)
    assert error_line.startswith("- ❌ **breaks web, mobile** · `GET /tasks/{id}`")
    assert out.index("response-property-removed") < out.index("request-parameter-removed")


def test_warnings_are_collapsed() -> None:
    """Warnings sit inside a <details> block whose summary counts them; errors do not."""
    out = render(_report(), "markdown")
    opened = out.index("<details>")
    assert out.index("<summary>⚠️ 1 warning</summary>") > opened
    assert opened < out.index("request-parameter-removed") < out.index("</details>")
    assert out.index("response-property-removed") < opened


def test_info_is_counted_not_listed_by_default() -> None:
    """Info findings are left out unless asked for, and the comment says how many."""
    out = render(_report(), "markdown")
    assert "endpoint-added" not in out
    assert "1 info finding not listed" in out
    listed = render(_report(), "markdown", include_info=True)
    assert "`POST /tags` `endpoint-added`" in listed
    assert "not listed" not in listed


def test_a_message_cannot_open_html() -> None:
    """A `<details>` or newline inside a message is escaped, keeping one line per finding."""
    report = Report(
        "check",
        findings=[Finding("x", Severity.ERROR, "a <details>\nb", path="/p", method="GET")],
    )
    out = render(report, "markdown")
    assert "<details>" not in out
    assert "- ❌ `GET /p` `x`: a &lt;details&gt; b" in out


def test_overflow_says_how_many_more() -> None:
    """Lines that do not fit are dropped from the end and counted; the markup stays balanced."""
    findings = [
        Finding(f"rule-{i:03}", Severity.WARNING, "w" * 80, path=f"/p{i:03}", method="GET")
        for i in range(100)
    ]
    out = markdown(Report("diff", findings=findings), limit=3_000)
    assert len(out) <= 3_000
    listed = out.count("- ⚠️")
    assert listed > 0
    assert f"**{100 - listed} more in the job summary.**" in out
    assert out.count("<details>") == out.count("</details>") == 1


def test_clean_report_is_short() -> None:
    """A report with nothing to say is the marker, a heading and the summary line."""
    out = render(Report("diff"), "markdown")
    assert out.splitlines()[:2] == [MARKDOWN_MARKER, "### ✅ Seam diff"]
    assert "<details>" not in out


@pytest.fixture(scope="module")
def stripe_1y(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Stripe's spec a year apart (856 findings), diffed once for the module."""
    stripe = require_corpus("specs/stripe-json-1y")
    out = tmp_path_factory.mktemp("stripe")
    files = []
    for side in ("base", "revision"):
        target = out / f"{side}.json"
        target.write_bytes(gzip.decompress((stripe / f"{side}.json.gz").read_bytes()))
        files.append(target)
    return diff(files[0], files[1])


def test_stripe_year_fits_a_comment(stripe_1y: Report) -> None:
    """Stripe's 1-year diff lists every error and warning well under GitHub's limit."""
    out = render(stripe_1y, "markdown")
    assert len(out) < GITHUB_COMMENT_LIMIT
    errors, warnings = stripe_1y.count(Severity.ERROR), stripe_1y.count(Severity.WARNING)
    assert out.count("\n- ❌") == errors and out.count("\n- ⚠️") == warnings
    assert f"{stripe_1y.count(Severity.INFO)} info findings not listed" in out


def test_stripe_year_with_info_is_cut_at_the_limit(stripe_1y: Report) -> None:
    """With every info finding asked for, the comment stops at the limit and counts the rest."""
    out = render(stripe_1y, "markdown", include_info=True)
    assert len(out) <= GITHUB_COMMENT_LIMIT
    listed = sum(out.count(f"\n- {icon}") for icon in ("❌", "⚠️", "ℹ️"))
    assert f"**{len(stripe_1y.findings) - listed} more in the job summary.**" in out


def test_a_long_message_is_cut_to_one_short_line() -> None:
    """A finding's line is at most 1,000 characters, so one message cannot fill the comment."""
    report = Report("diff", findings=[Finding("x", Severity.ERROR, "m" * 5_000, path="/p")])
    (line,) = [line for line in render(report, "markdown").splitlines() if line.startswith("- ")]
    assert len(line) == 1_000 and line.endswith("…")
