"""One finding or expectation as a report's row shows it: labels, filter keys, search text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from drift.mismatch import Change, Expectation, Finding, Phase, Status
from drift.render.describe import side_value
from drift.render.nextstep import NextStep
from drift.render.query_view import QueryView, query_view
from drift.render.terminal import TEXT_LIMIT, cut

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


@dataclass(frozen=True, slots=True)
class ExpectationView:
    key: str  # the anchor of its entry in the HTML, its key in the JSON report
    path: str
    reason: str  # whole: a finding's row shows it cut (``long``), the entry once in full
    phase: str
    ticket: str
    owner: str
    expires: str
    expiring_soon: bool  # within EXPIRY_WARNING of the report's day
    source: str
    long: bool  # longer than a row shows
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
    query: QueryView | None = None  # object type query: the statement and where it breaks


def phase_label(number: int | None, phases: dict[int, Phase]) -> str:
    if number is None:
        return "No phase"
    phase = phases.get(number)
    return f"Phase {number}: {phase.name}" if phase else f"Phase {number}"


def expectation_view(e: Expectation, phases: dict[int, Phase], today: date) -> ExpectationView:
    first = e.path.split(".", 1)[0]
    return ExpectationView(
        key=e.key,
        path=e.path,
        reason=e.reason,
        phase=phase_label(e.phase, phases),
        ticket=e.ticket or "",
        owner=e.owner or "",
        expires=e.expires.isoformat() if e.expires else "",
        expiring_soon=e.expires is not None and today <= e.expires <= today + EXPIRY_WARNING,
        source=e.source,
        long=len(e.reason) > TEXT_LIMIT,
        schema="" if any(ch in first for ch in "*?[") else first,
        phase_key=str(e.phase) if e.phase is not None else NO_PHASE,
        object_type=e.object_type.value if e.object_type else "",
        search=" ".join((e.path, cut(e.reason), e.ticket or "", e.owner or "")).lower(),
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
    exp = expectation_view(f.expectation, phases, today) if f.expectation else None
    if f.status is Status.UNEXPECTED:
        phase_key = UNEXPECTED_PHASE
    elif f.expectation is not None and f.expectation.phase is not None:
        phase_key = str(f.expectation.phase)
    else:
        phase_key = NO_PHASE
    words = [m.path, m.object_type.value, m.attribute or "", models, database, m.hint or "",
             m.cause.value if m.cause else ""]
    if exp:
        words += [cut(exp.reason), exp.ticket, exp.owner]  # a long reason: its start
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
        query=query_view(f),
    )
