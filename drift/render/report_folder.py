"""``drift report``: the dated report folder and the index of all reports.

``reports/<date>/`` gets drift.html, drift.md, snapshot.json and drift.json,
built in a folder beside it and swapped in whole (``folders``), under a lock
on ``reports/`` so that concurrent runs take turns. Then ``reports/index.html`` and ``index.md`` are
rewritten from every saved report. Week over week compares with the newest
report dated before this one; running twice on one day replaces that day's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from drift.files import remove_stale_temporaries, write_atomic, write_new
from drift.render.html import render_html_view, render_index_html
from drift.render.json import render_report_dict
from drift.render.markdown import render_index_markdown, render_markdown_view
from drift.render.view import build_view
from drift.report.folders import locked, staged_folder
from drift.report.history import (
    REPORT_FILE,
    SNAPSHOT_FILE,
    SavedReport,
    TrendPoint,
    compare_reports,
    load_reports,
    trend,
)
from drift.result import CheckResult

HTML_FILE = "drift.html"
MARKDOWN_FILE = "drift.md"


def write_report(
    result: CheckResult, output_dir: Path, day: date | None = None
) -> tuple[Path, ...]:
    """Write the report of ``result`` dated ``day`` (default: the check's today) and the indexes."""
    day = day or result.config.today
    # two runs at once would each write an index without the other's folder: they take turns
    with locked(output_dir):
        remove_stale_temporaries(output_dir)
        return _write_report(result, output_dir, day)


def _write_report(result: CheckResult, output_dir: Path, day: date) -> tuple[Path, ...]:
    directory = output_dir / day.isoformat()
    others = [r for r in load_reports(output_dir) if r.date != day]  # today's is replaced
    earlier = [r for r in others if r.date < day]
    report = result.to_dict()
    this = SavedReport.from_report(day, directory, report)
    week = compare_reports(earlier[-1], this.mismatches, result.database) if earlier else None
    points = (*trend(earlier), TrendPoint(day, this.expected, this.unexpected, this.stale))
    view = build_view(result, week=week, trend=points)
    outputs = (
        (directory / HTML_FILE, render_html_view(view)),
        (directory / MARKDOWN_FILE, render_markdown_view(view)),
        (directory / SNAPSHOT_FILE, result.database.to_json() + "\n"),
        (directory / REPORT_FILE, render_report_dict(report)),
    )
    written = []
    # built beside and swapped in whole: never today's new HTML beside yesterday's JSON
    with staged_folder(directory) as stage:
        for path, text in outputs:
            write_new(stage / path.name, text)
            written.append(path)
    reports = sorted((*others, this), key=lambda r: r.date)
    for path, text in (
        (output_dir / "index.html", render_index_html(reports)),
        (output_dir / "index.md", render_index_markdown(reports)),
    ):
        write_atomic(path, text)
        written.append(path)
    return tuple(written)
