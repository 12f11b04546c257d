"""The view object every report template formats: everything is decided here.

Templates only format; sorting, grouping, counting, labels, the trend chart's
coordinates and the reference's diagram layout are computed in Python, so the
HTML and the Markdown reports show the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from drift.history import MismatchRef, ObjectChange, TrendPoint, WeekOverWeek
from drift.mismatch import Change, Expectation, Finding, Phase, Severity, SortKey, Status
from drift.render.describe import side_value
from drift.render.filters import plural
from drift.render.nextstep import NextStep, next_steps
from drift.render.reference import ReferenceView, build_reference, worst

if TYPE_CHECKING:
    from drift.result import CheckResult

EXPIRY_WARNING = timedelta(days=30)
NO_PHASE = "none"
# The phase filter value of unexpected findings: phases group the expected drift, so an
# expired expectation's finding counts under unexpected, not under its phase.
UNEXPECTED_PHASE = "unexpected"

CHANGE_LABELS = {
    Change.ONLY_IN_MODELS: "only in models",
    Change.ONLY_IN_DATABASE: "only in database",
    Change.DIFFERS: "differs",
}
_CHANGE_BY_VALUE = {c.value: label for c, label in CHANGE_LABELS.items()}


@dataclass(frozen=True, slots=True)
class ExpectationView:
    path: str
    reason: str
    phase: str
    ticket: str
    owner: str
    expires: str
    expiring_soon: bool  # within EXPIRY_WARNING of the report's day
    source: str
    # what the filters of the HTML report match a stale expectation's row on
    schema: str = ""
    phase_key: str = NO_PHASE
    object_type: str = ""
    search: str = ""


@dataclass(frozen=True, slots=True)
class FindingRow:
    id: str
    path: str
    schema: str
    table_anchor: str | None  # the reference entry of its table, where there is one
    object_type: str
    change: str
    change_label: str
    attribute: str
    severity: str
    status: str
    expired: bool
    models: str
    database: str
    hint: str
    cause: str  # missing_migration, out_of_band, ... with migrations and a live database
    phase_key: str  # the filter value: a phase number, NO_PHASE or UNEXPECTED_PHASE
    expectation: ExpectationView | None
    search: str  # lower-case text the browser search matches
    operation: str = ""  # the next step: the Alembic operation drift plan would write
    accept: str = ""  # the expectations entry that would accept it (unexpected drift only)


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
class ChangeRow:
    change: str
    object_type: str
    path: str
    attribute: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RefRow:
    id: str
    path: str
    object_type: str
    change: str
    attribute: str
    status: str
    severity: str


@dataclass(frozen=True, slots=True)
class HistoryView:
    previous_date: str
    new: tuple[RefRow, ...]
    resolved: tuple[RefRow, ...]
    reclassified: tuple[tuple[RefRow, RefRow], ...]
    changed: tuple[ChangeRow, ...]


@dataclass(frozen=True, slots=True)
class TrendMark:
    x: float
    y_expected: float
    y_unexpected: float
    y_stale: float
    label: str
    expected: int
    unexpected: int
    stale: int
    show_label: bool  # at most about eight dates on the x axis
    anchor: str  # text-anchor of the date: the first and last stay inside the chart


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    left: int
    bottom: int
    top: int
    right: int
    marks: tuple[TrendMark, ...]
    expected_points: str  # an SVG polyline's points
    unexpected_points: str
    stale_points: str
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the y axis


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
    breakdowns: tuple[Breakdown, ...]
    unexpected: tuple[FindingRow, ...]
    phase_groups: tuple[PhaseGroup, ...]
    stale: tuple[ExpectationView, ...]
    history: HistoryView | None
    trend: TrendChart | None
    reference: ReferenceView | None

    @property
    def expected_rows(self) -> tuple[FindingRow, ...]:
        return tuple(r for g in self.phase_groups for r in g.rows)


def _phase_label(number: int | None, phases: dict[int, Phase]) -> str:
    if number is None:
        return "No phase"
    phase = phases.get(number)
    return f"Phase {number}: {phase.name}" if phase else f"Phase {number}"


def _expectation_view(e: Expectation, phases: dict[int, Phase], today: date) -> ExpectationView:
    first = e.path.split(".", 1)[0]
    return ExpectationView(
        path=e.path,
        reason=e.reason,
        phase=_phase_label(e.phase, phases),
        ticket=e.ticket or "",
        owner=e.owner or "",
        expires=e.expires.isoformat() if e.expires else "",
        expiring_soon=e.expires is not None and today <= e.expires <= today + EXPIRY_WARNING,
        source=e.source,
        schema="" if any(ch in first for ch in "*?[") else first,
        phase_key=str(e.phase) if e.phase is not None else NO_PHASE,
        object_type=e.object_type.value if e.object_type else "",
        search=" ".join((e.path, e.reason, e.ticket or "", e.owner or "")).lower(),
    )


def finding_row(
    f: Finding,
    phases: dict[int, Phase],
    today: date,
    anchors: dict[tuple[str, str], str],
    step: NextStep | None = None,
) -> FindingRow:
    m = f.mismatch
    models, database = side_value(f, "models"), side_value(f, "database")
    exp = _expectation_view(f.expectation, phases, today) if f.expectation else None
    if f.status is Status.UNEXPECTED:
        phase_key = UNEXPECTED_PHASE
    elif f.expectation is not None and f.expectation.phase is not None:
        phase_key = str(f.expectation.phase)
    else:
        phase_key = NO_PHASE
    words = [m.path, m.object_type.value, m.attribute or "", models, database, m.hint or "",
             m.cause.value if m.cause else ""]
    if exp:
        words += [exp.reason, exp.ticket, exp.owner]
    return FindingRow(
        id=m.id,
        path=m.path,
        schema=m.schema,
        table_anchor=anchors.get((m.schema, m.table)) if m.table else None,
        object_type=m.object_type.value,
        change=m.change.value,
        change_label=CHANGE_LABELS[m.change],
        attribute=m.attribute or "",
        severity=m.severity.value,
        status=f.status.value,
        expired=f.expired,
        models=models,
        database=database,
        hint=m.hint or "",
        cause=m.cause.value if m.cause else "",
        phase_key=phase_key,
        expectation=exp,
        search=" ".join(words).lower(),
        operation=step.operation if step else "",
        accept=step.accept if step else "",
    )


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


def _anchor(i: int, count: int) -> str:
    if count > 1 and i == 0:
        return "start"
    if count > 1 and i == count - 1:
        return "end"
    return "middle"


def trend_chart(points: Sequence[TrendPoint]) -> TrendChart | None:
    """The chart of two reports or more (one report is a dot per line, not a trend)."""
    if len(points) < 2:
        return None
    width, height, left, right, top, bottom = 640, 220, 44, 16, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(p.expected, p.unexpected, p.stale) for p in points)
    step = max(1, -(-peak // 4))  # four ticks, rounded up to whole counts
    y_max = step * 4

    def y(v: int) -> float:
        return round(top + plot_h - plot_h * v / y_max, 1)

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return round(left + plot_w * i / (len(points) - 1), 1)

    every = max(1, -(-len(points) // 8))
    marks = tuple(
        TrendMark(
            x(i),
            y(p.expected),
            y(p.unexpected),
            y(p.stale),
            p.date.isoformat(),
            p.expected,
            p.unexpected,
            p.stale,
            i % every == 0 or i == len(points) - 1,
            _anchor(i, len(points)),
        )
        for i, p in enumerate(points)
    )
    return TrendChart(
        width=width,
        height=height,
        left=left,
        bottom=height - bottom,
        top=top,
        right=width - right,
        marks=marks,
        expected_points=" ".join(f"{m.x},{m.y_expected}" for m in marks),
        unexpected_points=" ".join(f"{m.x},{m.y_unexpected}" for m in marks),
        stale_points=" ".join(f"{m.x},{m.y_stale}" for m in marks),
        ticks=tuple((y(v), v) for v in range(0, y_max + 1, step)),
    )


def _ref_row(r: MismatchRef) -> RefRow:
    return RefRow(
        id=r.id,
        path=r.path,
        object_type=r.object_type,
        change=_CHANGE_BY_VALUE.get(r.change, r.change),
        attribute=r.attribute or "",
        status=r.status,
        severity=r.severity,
    )


def change_row(c: ObjectChange) -> ChangeRow:
    return ChangeRow(
        change=c.change.value,
        object_type=c.object_type,
        path=c.path,
        attribute=c.attribute or "",
        old=c.before,
        new=c.after,
    )


def history_view(week: WeekOverWeek) -> HistoryView:
    return HistoryView(
        previous_date=week.previous_date.isoformat(),
        new=tuple(_ref_row(r) for r in week.new),
        resolved=tuple(_ref_row(r) for r in week.resolved),
        reclassified=tuple((_ref_row(a), _ref_row(b)) for a, b in week.reclassified),
        changed=tuple(change_row(c) for c in week.changed),
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
            title=_phase_label(n, phases),
            description=phases[n].description if n in phases else "",
            rows=tuple(groups[str(n)]),
        )
        for n in numbered
    )
    if NO_PHASE in groups:
        phase_groups += (PhaseGroup(NO_PHASE, "No phase", "", tuple(groups[NO_PHASE])),)
    phase_labels = {str(n): _phase_label(n, phases) for n in sorted(phases)} | {
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
        _breakdown("Schema", "schema", rows, {s: s for s in result.config.schemas}),
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
        verdict=_verdict(len(unexpected), result.failed),
        breakdowns=breakdowns,
        unexpected=unexpected,
        phase_groups=phase_groups,
        stale=tuple(_expectation_view(e, phases, today) for e in c.stale),
        history=history_view(week) if week else None,
        trend=trend_chart(trend),
        reference=ref,
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


def _verdict(unexpected: int, failed: bool) -> str:
    if unexpected:
        return plural(unexpected, "unexpected mismatch", "unexpected mismatches")
    return "stale or expired expectations (strict)" if failed else "no unexpected drift"


def _finding_key(f: Finding) -> tuple[int, SortKey]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return (order[f.mismatch.severity], f.mismatch.sort_key)
