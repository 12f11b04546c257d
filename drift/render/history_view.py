"""Week over week as a report shows it: new, resolved and reclassified findings, changed objects."""

from __future__ import annotations

from dataclasses import dataclass

from drift.render.finding_rows import CHANGE_LABELS
from drift.report.history import MismatchRef, ObjectChange, WeekOverWeek

_CHANGE_BY_VALUE = {c.value: label for c, label in CHANGE_LABELS.items()}


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
