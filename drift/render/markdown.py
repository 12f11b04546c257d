"""Markdown: the full report (for a repository) and the short PR summary.

The PR summary must fit a pull-request comment (GitHub allows 65,536
characters): rendered with every row first, then with fewer rows and shorter
cells until it fits; the counts are always complete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drift.render.environment import render_template
from drift.render.view import ReportView, build_view

if TYPE_CHECKING:
    from drift.report.history import SavedReport
    from drift.result import CheckResult

SUMMARY_LIMIT = 65_000
# (rows listed per table, characters per cell): tried in order until the summary fits
_STEPS = ((None, 400), (500, 200), (200, 120), (100, 80), (40, 60), (10, 60), (0, 60))
# also the last line of summary.md.j2: a CI job finds its one comment by it, to edit it
MARKER = "<!-- drift: pull-request summary -->"
_TRUNCATED = f"\n\n_(summary cut to fit a pull-request comment)_\n{MARKER}\n"


def render_markdown_summary(
    result: CheckResult, *, limit: int = SUMMARY_LIMIT, report_url: str | None = None
) -> str:
    """``drift check --format markdown``: counts, unexpected mismatches, expected ones folded;
    with ``report_url``, a link to the full report. Ends with a newline."""
    view = build_view(result, reference=False, steps=False)
    text = ""
    for rows, width in _STEPS:
        shown = (
            len(view.unexpected) + view.expected_count + view.stale_count if rows is None else rows
        )
        text = render_template(
            "summary.md.j2", v=view, limit=shown, width=width, report_url=report_url or ""
        )
        text = text.rstrip("\n") + "\n"
        if len(text) <= limit:
            return text
    # only a pathological number of phases or breakdown values gets here
    return text[: limit - len(_TRUNCATED)] + _TRUNCATED


def render_markdown_view(view: ReportView) -> str:
    return render_template("report.md.j2", v=view)


def render_markdown_report(result: CheckResult) -> str:
    """The full report (with the reference), without history (``drift report`` adds it)."""
    return render_markdown_view(build_view(result))


def render_index_markdown(reports: list[SavedReport]) -> str:
    return render_template("index.md.j2", reports=list(reversed(reports)))
