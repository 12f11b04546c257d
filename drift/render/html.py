"""The HTML report: one self-contained file (inline CSS, JS and SVG; no network needed).

The page's Content-Security-Policy allows no network at all and only the one
inline script whose hash it names: even if report text were ever rendered
unescaped, an injected script would not run.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from markupsafe import Markup

from drift.render.environment import environment, render_template
from drift.render.trend_chart import trend_chart
from drift.render.view import ReportView, build_view
from drift.report.history import SavedReport, trend

if TYPE_CHECKING:
    from drift.result import CheckResult


def _script() -> tuple[Markup, str]:
    source = environment().loader.get_source(environment(), "_filter.js.j2")[0]  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    # static text of ours, no report data in it: safe to inline as is
    return Markup(source), f"sha256-{digest}"


def render_html_view(view: ReportView) -> str:
    script, script_hash = _script()
    return render_template("report.html.j2", v=view, script=script, script_hash=script_hash)


def render_html(result: CheckResult) -> str:
    """The HTML report of one check, without history (``drift report`` adds it)."""
    return render_html_view(build_view(result))


def render_index_html(reports: list[SavedReport]) -> str:
    return render_template(
        "index.html.j2",
        reports=list(reversed(reports)),
        chart=trend_chart(trend(reports)),
    )
