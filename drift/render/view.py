"""The view object every report template formats: everything is decided here.

Templates only format; sorting, grouping, counting, labels, the trend chart's
coordinates and the reference's diagram layout are computed in Python, so the
HTML and the Markdown reports show the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from drift.mismatch import Finding, Severity, SortKey, Status, matched_expectations
from drift.render.filters import plural
from drift.render.finding_rows import (
    NO_PHASE,
    ExpectationView,
    FindingRow,
    expectation_view,
    finding_row,
    phase_label,
)
from drift.render.history_view import HistoryView, history_view
from drift.render.nextstep import next_steps
from drift.render.query_view import QueriesView, queries_view
from drift.render.reference import ReferenceView, build_reference, worst
from drift.render.terminal import TEXT_LIMIT
from drift.render.trend_chart import TrendChart, trend_chart
from drift.report.history import TrendPoint, WeekOverWeek

if TYPE_CHECKING:
    from drift.result import CheckResult


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    value: int
    key: str  # the filter value the count selects


@dataclass(frozen=True, slots=True)
class Breakdown:
    title: str
    filter: str  # the data-* attribute it filters on
    counts: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class PhaseGroup:
    key: str
    title: str
    description: str
    rows: tuple[FindingRow, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    generated_at: datetime
    today: date
    database_url: str
    server_version: str
    schemas: tuple[str, ...]
    total: int
    expected_count: int
    unexpected_count: int
    expired_count: int
    stale_count: int
    failed: bool
    verdict: str  # lower case, as the PR summary's heading reads it
    migration_problems: tuple[str, ...]  # the history's own (several heads, downgrades)
    breakdowns: tuple[Breakdown, ...]
    unexpected: tuple[FindingRow, ...]
    phase_groups: tuple[PhaseGroup, ...]
    stale: tuple[ExpectationView, ...]
    history: HistoryView | None
    trend: TrendChart | None
    reference: ReferenceView | None
    queries: QueriesView | None = None  # with --code: what breaks when each phase ships
    # each expectation whose reason is longer than a row shows, once, with it whole
    long_reasons: tuple[ExpectationView, ...] = ()

    @property
    def expected_rows(self) -> tuple[FindingRow, ...]:
        return tuple(r for g in self.phase_groups for r in g.rows)


def _breakdown(
    title: str, attr: str, rows: Sequence[FindingRow], labels: dict[str, str]
) -> Breakdown:
    counts: Counter[str] = Counter(str(getattr(r, attr)) for r in rows)
    order = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
    return Breakdown(
        title=title,
        filter=attr.replace("_key", "").replace("_", "-"),
        counts=tuple(Count(labels.get(k, k), counts[k], k) for k in order),
    )


def build_view(
    result: CheckResult,
    *,
    week: WeekOverWeek | None = None,
    trend: Sequence[TrendPoint] = (),
    reference: bool = True,
    title: str = "Schema drift report",
    steps: bool = True,
) -> ReportView:
    """``steps``: each finding's next step (the operation and the entry accepting it)."""
    c = result.classification
    today = result.config.today
    phases = {p.number: p for p in c.phases}
    ref = (
        build_reference(result.database, result.models, drift_marks(c.findings))
        if reference
        else None
    )
    anchors = ref.anchors if ref else {}
    nexts = next_steps(c.findings, result.models, result.database) if steps else {}
    rows = [
        finding_row(f, phases, today, anchors, nexts.get(f.id))
        for f in sorted(c.findings, key=_finding_key)
    ]
    unexpected = tuple(r for r in rows if r.status == Status.UNEXPECTED.value)
    expected = [r for r in rows if r.status == Status.EXPECTED.value]
    groups: dict[str, list[FindingRow]] = {}
    for r in expected:
        groups.setdefault(r.phase_key, []).append(r)
    numbered = sorted(int(k) for k in groups if k != NO_PHASE)
    phase_groups = tuple(
        PhaseGroup(
            key=str(n),
            title=phase_label(n, phases),
            description=phases[n].description if n in phases else "",
            rows=tuple(groups[str(n)]),
        )
        for n in numbered
    )
    if NO_PHASE in groups:
        phase_groups += (PhaseGroup(NO_PHASE, "No phase", "", tuple(groups[NO_PHASE])),)
    phase_labels = {str(n): phase_label(n, phases) for n in sorted(phases)} | {
        NO_PHASE: "No phase"
    }
    breakdowns: tuple[Breakdown, ...] = (
        _breakdown(
            "Status",
            "status",
            rows,
            {s.value: s.value for s in (Status.UNEXPECTED, Status.EXPECTED)},
        ),
        _breakdown("Severity", "severity", rows, {s.value: s.value for s in Severity}),
        # a query's "schema" is its Python location: no schema to count
        _breakdown("Schema", "schema", [r for r in rows if r.query is None],
                   {s: s for s in result.config.schemas}),
        _breakdown("Object type", "object_type", rows, {}),
        # expected rows only: each phase's count is then its section's
        _breakdown("Phase", "phase_key", expected, phase_labels),
    )
    if any(r.cause for r in rows):  # three sides known: whose fault each finding is
        breakdowns += (_breakdown("Cause", "cause", [r for r in rows if r.cause], {}),)
    return ReportView(
        title=title,
        generated_at=result.generated_at,
        today=today,
        database_url=result.database.source or "",
        server_version=result.database.server_version or "",
        schemas=tuple(result.config.schemas),
        total=len(rows),
        expected_count=len(rows) - len(unexpected),
        unexpected_count=len(unexpected),
        expired_count=sum(1 for r in rows if r.expired),
        stale_count=len(c.stale),
        failed=result.failed,
        verdict=_verdict(result),
        migration_problems=result.history.problems if result.history is not None else (),
        breakdowns=breakdowns,
        unexpected=unexpected,
        phase_groups=phase_groups,
        stale=tuple(expectation_view(e, phases, today) for e in c.stale),
        history=history_view(week) if week else None,
        trend=trend_chart(trend),
        reference=ref,
        queries=queries_view(c.findings, result.code, phases),
        long_reasons=tuple(expectation_view(e, phases, today)
                           for e in matched_expectations(c.findings)
                           if len(e.reason) > TEXT_LIMIT),
    )


def drift_marks(findings: Sequence[Finding]) -> dict[tuple[str, ...], str]:
    """(schema, table) and (schema, table, column) -> the worst status found on it."""
    marks: dict[tuple[str, ...], str] = {}
    for f in findings:
        m = f.mismatch
        if m.table is None:
            continue
        key: tuple[str, ...] = (m.schema, m.table)
        if m.object_type.value == "column" and m.name is not None:
            key = (m.schema, m.table, m.name)
        marks[key] = worst(marks.get(key, ""), f.status.value)
    return marks


def _verdict(result: CheckResult) -> str:
    causes = list(result.failure_causes)
    unexpected = len(result.classification.unexpected)
    if unexpected:  # the first cause, as the PR summary's heading has always read it
        causes[0] = plural(unexpected, "unexpected mismatch", "unexpected mismatches")
    return "; ".join(causes) if causes else "no unexpected drift"


def _finding_key(f: Finding) -> tuple[int, SortKey]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return (order[f.mismatch.severity], f.mismatch.sort_key)
