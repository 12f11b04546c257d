"""Classified findings -> ordered, hazard-marked Alembic operations, one revision per phase.

In go findings and the expectations' phases, out Alembic revisions (``revision_writer.py``
stages, verifies and publishes them into ``versions/``).

Which finding goes into which revision:

* unexpected drift (including findings whose expectation has expired) goes into
  a first revision of its own, ``unexpected`` (left out with ``expected_only``);
* expected drift goes into the revision of its expectation's ``phase``, in
  phase order;
* expected drift whose expectation names no phase goes into a last revision,
  ``unphased``, after the phases (it is planned, not dropped, so nothing the
  expectations accept is silently left out);
* ``phase=N`` plans that phase's revision only.

Drops of objects the models do not declare (``only_in_database``) are planned
but disabled (rendered commented out) unless ``allow_destructive``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from drift import schema as s
from drift.compare.long_names import ATTRIBUTE as LONG_NAME
from drift.mismatch import Change, Finding, ObjectType, Phase, Rename, Status
from drift.plan import builders  # noqa: F401  (registers the builders)
from drift.plan.hazards import TableStats, assess, measure
from drift.plan.operations import (
    PlanContext,
    manual,
    snapshot_steps,
    steps_for,
    view_rebuild_steps,
)
from drift.plan.ordering import order_steps
from drift.plan.renames import rename_steps
from drift.plan.steps import Hazard, HazardKind, Step, StepKind

__all__ = [
    "Hazard",
    "HazardKind",
    "Plan",
    "PlanOptions",
    "Revision",
    "Step",
    "StepKind",
    "TableStats",
    "build_plan",
    "measure",
    "plan_result",
    "snapshot_steps",
]

UNEXPECTED = "unexpected"
UNPHASED = "unphased"


@dataclass(frozen=True, slots=True)
class PlanOptions:
    allow_destructive: bool = False
    expected_only: bool = False
    phase: int | None = None
    renames: tuple[Rename, ...] = ()  # confirmed renames: planned as renames, not add/drop


@dataclass(frozen=True, slots=True)
class Revision:
    """One future Alembic revision: the steps of one phase (or of the unexpected drift)."""

    key: str  # "unexpected", "phase-<n>", "unphased"
    message: str
    phase: Phase | None
    steps: tuple[Step, ...]
    finding_ids: tuple[str, ...]  # every finding planned here

    @property
    def converging_ids(self) -> tuple[str, ...]:
        """Findings this revision is expected to resolve: every step enabled and automatic."""
        blocked = {st.finding_id for st in self.steps if st.disabled or st.kind is StepKind.MANUAL}
        return tuple(i for i in self.finding_ids if i not in blocked)

    @property
    def hazards(self) -> tuple[tuple[Step, Hazard], ...]:
        return tuple((st, h) for st in self.steps for h in st.hazards)


@dataclass(frozen=True, slots=True)
class Plan:
    revisions: tuple[Revision, ...]
    left_out: tuple[Finding, ...] = ()  # findings not planned (--expected-only / --phase)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(st for r in self.revisions for st in r.steps)


def _revision_key(finding: Finding) -> str:
    if finding.status is Status.UNEXPECTED:
        return UNEXPECTED
    phase = finding.expectation.phase if finding.expectation else None
    return UNPHASED if phase is None else f"phase-{phase}"


def _message(key: str, phases: dict[int, Phase]) -> tuple[str, Phase | None]:
    if key == UNEXPECTED:
        return "drift: unexpected drift", None
    if key == UNPHASED:
        return "drift: expected drift without a phase", None
    number = int(key.split("-", 1)[1])
    phase = phases.get(number)
    name = f": {phase.name}" if phase and phase.name else ""
    return f"drift phase {number}{name}", phase


def _order(key: str) -> tuple[int, int]:
    if key == UNEXPECTED:
        return (0, 0)
    if key == UNPHASED:
        return (2, 0)
    return (1, int(key.split("-", 1)[1]))


def build_plan(
    findings: Iterable[Finding],
    phases: Iterable[Phase],
    models: s.Snapshot,
    database: s.Snapshot,
    options: PlanOptions = PlanOptions(),
    stats: TableStats | None = None,
) -> Plan:
    """Group, build, order and assess the steps. Pure: ``stats`` come from ``measure``."""
    ctx = PlanContext.of(models, database, (stats or TableStats()).opclass_gaps)
    phase_map = {p.number: p for p in phases}
    grouped: dict[str, list[Finding]] = {}
    left_out: list[Finding] = []
    # application SQL that breaks is fixed in the code, not by an operation on the schema
    findings = sorted((f for f in findings if f.mismatch.object_type is not ObjectType.QUERY),
                      key=lambda f: f.mismatch.sort_key)
    renamed = rename_steps(findings, options.renames)
    too_long = long_named(findings)
    for f in findings:
        key = _revision_key(f)
        if (options.expected_only and key == UNEXPECTED) or (
            options.phase is not None and key != f"phase-{options.phase}"
        ):
            left_out.append(f)
            continue
        grouped.setdefault(key, []).append(f)

    db_tables = {(sch.name, t.name) for sch in database.schemas for t in sch.tables}
    revisions = []
    for key in sorted(grouped, key=_order):
        steps: list[Step] = []
        seen: set[tuple[str, ...]] = set()
        for f in grouped[key]:
            for st in _steps(ctx, f, renamed, too_long):
                if st.key and st.key in seen:
                    continue
                seen.add(st.key)
                disabled = st.destructive and not options.allow_destructive
                steps.append(dataclasses.replace(st, disabled=disabled))
        steps += [st for st in view_rebuild_steps(ctx, steps, (stats or TableStats()).views)
                  if st.key not in seen]
        ordered = order_steps(steps, ctx.enums)
        new_tables = {(st.schema, st.table or "") for st in ordered
                      if st.kind is StepKind.CREATE_TABLE} | (
            {(sch.name, t.name) for sch in models.schemas for t in sch.tables} - db_tables)
        assessed = assess(ordered, stats or TableStats(), new_tables)
        message, phase = _message(key, phase_map)
        revisions.append(Revision(key, message, phase, tuple(assessed),
                                  tuple(f.id for f in grouped[key])))
    return Plan(tuple(revisions), tuple(left_out))


def long_named(findings: Iterable[Finding]) -> set[tuple[str, str | None, str | None]]:
    """(schema, table, name) of the declared objects whose name PostgreSQL would cut, and
    (schema, table, None) of their tables."""
    out: set[tuple[str, str | None, str | None]] = set()
    for f in findings:
        m = f.mismatch
        if m.attribute == LONG_NAME:
            out |= {(m.schema, m.table, m.name), (m.schema, m.table, None)}
    return out


def _steps(ctx: PlanContext, f: Finding, renamed: dict[str, list[Step]],
           too_long: set[tuple[str, str | None, str | None]]) -> list[Step]:
    m = f.mismatch
    if m.attribute == LONG_NAME or (m.change is Change.ONLY_IN_MODELS and (
            m.schema, m.table, m.name) in too_long):
        # created under the declared name, it would never be what the models say
        what = (f"the declared name {m.models!r} is over 63 bytes: PostgreSQL cuts it to "
                f"{m.database!r}" if m.attribute == LONG_NAME else
                f"{m.path!r} has or holds a declared name over 63 bytes, which PostgreSQL cuts")
        return [manual(f, f"{what}; shorten it in the models, then plan again")]
    return renamed[f.id] if f.id in renamed else steps_for(ctx, f)


def plan_result(result: object, options: PlanOptions = PlanOptions(),
                conn: Connection | None = None) -> Plan:
    """The plan of a ``CheckResult``; with ``conn`` (a ``read_only_connection`` to the live
    database), with its row estimates, NULL counts and view dependencies read."""
    from drift.result import CheckResult

    assert isinstance(result, CheckResult)
    classification = result.classification
    draft = build_plan(classification.findings, classification.phases, result.models,
                       result.database, options)
    if conn is None:
        return draft
    from drift.plan.buildable import opclass_pairs, read_opclass_gaps

    stats = measure(conn, draft.steps, result.config.schemas)
    stats = dataclasses.replace(stats, opclass_gaps=read_opclass_gaps(
        conn, opclass_pairs(result.models)))
    return build_plan(classification.findings, classification.phases, result.models,
                      result.database, options, stats)
