"""Findings of object type ``query`` as the reports show them: the statement and its
Python location, not a models/database pair, and the report's section of what breaks
when each phase ships (the breaks grouped by the schema state they first break on).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from drift.mismatch import Finding, Phase
from drift.result import CodeCoverage


@dataclass(frozen=True, slots=True)
class QueryView:
    id: str
    location: str  # file:line:column of the failing part of the SQL
    call: str
    kind: str  # undefined_column, result_columns_changed, ...
    message: str  # PostgreSQL's
    state: str  # the state it first breaks on
    state_label: str
    operation: str  # the planned operation that breaks it ("" where none is known)
    statement: str
    status: str
    severity: str
    reason: str  # the expectation's, when it is accepted


@dataclass(frozen=True, slots=True)
class QueryGroup:
    key: str  # the state's key: "live", "phase-3", "models", "head"
    title: str
    rows: tuple[QueryView, ...]


@dataclass(frozen=True, slots=True)
class UncheckedView:
    location: str
    call: str
    reason: str


@dataclass(frozen=True, slots=True)
class QueriesView:
    coverage: str  # the coverage line: call sites, statements, checked, unchecked
    groups: tuple[QueryGroup, ...]
    unchecked: tuple[UncheckedView, ...]


def query_view(f: Finding) -> QueryView | None:
    q = f.mismatch.query
    if q is None:
        return None
    return QueryView(
        id=f.mismatch.id, location=f"{q.file}:{q.line}:{q.column}", call=q.call,
        kind=f.mismatch.attribute or "", message=q.message, state=q.state,
        state_label=q.state_label, operation=q.operation or "", statement=shown_sql(q.statement),
        status=f.status.value, severity=f.mismatch.severity.value,
        reason=f.expectation.reason if f.expectation is not None else "")


def shown_sql(sql: str) -> str:
    """The statement as a reader wants it: its first line, the rest dedented together
    (the statement starts at its first word, its other lines keep the source's indent)."""
    first, _, rest = sql.strip().partition("\n")
    return (first + ("\n" + textwrap.dedent(rest) if rest else "")).rstrip()


def queries_view(findings: Sequence[Finding], coverage: CodeCoverage | None,
                 phases: dict[int, Phase]) -> QueriesView | None:
    """The report's section: one group per schema state a statement first breaks on, in
    the order statements are followed (live, each phase, the models, the head)."""
    if coverage is None:
        return None
    rows = [v for f in findings if (v := query_view(f)) is not None]
    order = [key for key, _ in coverage.states]
    labels = dict(coverage.states)
    groups = []
    for key in order + sorted({r.state for r in rows} - set(order)):
        mine = tuple(sorted((r for r in rows if r.state == key), key=lambda r: r.location))
        if mine:
            groups.append(QueryGroup(key, _title(key, labels.get(key, key), phases), mine))
    return QueriesView(
        coverage=coverage.line(), groups=tuple(groups),
        unchecked=tuple(UncheckedView(u.location, u.call, u.reason) for u in coverage.unchecked))


def _title(key: str, label: str, phases: dict[int, Phase]) -> str:
    if key == "live":
        return f"Already broken on {label}"
    if key.startswith("phase-") and key[6:].isdigit():
        number = int(key[6:])
        name = f": {phases[number].name}" if number in phases else ""
        return f"Phase {number}{name}: breaks when it ships"
    return f"Breaks on {label}"
