"""Prove a plan on a scratch database: rebuild the live schema, upgrade, reflect, compare.

1. A scratch database (a fresh one on the embedded server, or on the server of
   ``scratch_url``) gets the live schema, structure only, built from the
   reflected database Snapshot by the same step builders the plan uses, run
   with Alembic's ``Operations``.
2. It is stamped at the head the new revisions follow, then upgraded one new
   revision at a time by ``drift.sources.migrations.env_runner``, which proves each time that
   the scratch database moved and the inspected one did not.
3. After each revision the scratch database is reflected and compared with the
   models: the findings the revisions so far should resolve must be gone, and
   no new mismatch may appear. Drops left disabled and manual steps are
   expected to remain.
4. With ``downgrade``, ``alembic downgrade`` back to the start must run and
   give back the rebuilt schema.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from drift import schema as s
from drift.compare import compare_snapshots
from drift.errors import DriftError, first_line
from drift.mismatch import Mismatch
from drift.plan import HazardKind, Plan
from drift.plan.objects import enum_index
from drift.plan.operations import snapshot_steps
from drift.plan.ordering import order_steps
from drift.plan.steps import StepKind
from drift.sources.database.connection import make_engine, redact_url
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.migrations.env_runner import (
    AlembicEnvironment,
    MigrationError,
    open_environment,
    scratch_database,
)


@dataclass(frozen=True, slots=True)
class RevisionVerdict:
    key: str
    message: str
    rev_id: str
    resolved: int  # findings this revision was to resolve, and did
    unresolved: tuple[str, ...]  # paths of findings planned so far that remain
    introduced: tuple[str, ...]  # paths of mismatches the plan created
    left_disabled: int  # findings left on purpose (disabled drops, manual steps)
    error: str | None = None

    @property
    def converged(self) -> bool:
        return self.error is None and not self.unresolved and not self.introduced


@dataclass(frozen=True, slots=True)
class VerifyReport:
    scratch: str  # redacted description of where it ran
    rebuild_differences: tuple[str, ...]  # where the rebuilt schema differs from the live one
    revisions: tuple[RevisionVerdict, ...]
    downgrade_ran: bool | None = None  # None: not asked
    downgrade_differences: tuple[str, ...] = ()
    downgrade_error: str | None = None
    downgrade_irreversible: tuple[str, ...] = ()  # not given back, as its hazard says
    # objects of the live schema the scratch copy could not be given, for a person to check
    not_rebuilt: tuple[str, ...] = ()

    @property
    def converged(self) -> bool:
        # the downgrade must give back the schema before the upgrade, to drift's comparator
        return bool(self.revisions) and all(r.converged for r in self.revisions) and (
            self.downgrade_error is None) and not self.downgrade_differences


@dataclass(frozen=True, slots=True)
class Collation:
    """A user-defined collation of the live database: its tables may need it."""

    name: str  # quoted as PostgreSQL quotes it: schema.name
    schema: str
    statement: str  # CREATE COLLATION IF NOT EXISTS ..., written by PostgreSQL's format()


def _describe(m: Mismatch) -> str:
    attr = f" {m.attribute}" if m.attribute else ""
    return f"{m.object_type.value} {m.path}{attr} ({m.change.value})"


def _compare(models: s.Snapshot, database: s.Snapshot) -> dict[str, Mismatch]:
    # the version table Alembic adds to the scratch database: compare_snapshots leaves it out
    return {m.id: m for m in compare_snapshots(models, database)}


def rebuild(url: str, database: s.Snapshot, collations: tuple[Collation, ...] = ()
            ) -> tuple[str, ...]:
    """Create the live database's collations, then the snapshot's schemas, types, sequences,
    tables, keys and indexes (no data). Each in a savepoint: what the scratch server cannot
    make (a locale it lacks, a type drift does not rebuild) is left out and said, one line
    each, for the summary's MANUAL lines; the rest is still verified."""
    steps = order_steps(snapshot_steps(database), enum_index(database))
    missing: list[str] = []
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for collation in collations:
                try:
                    with conn.begin_nested():
                        schema = conn.dialect.identifier_preparer.quote(collation.schema)
                        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                        conn.exec_driver_sql(collation.statement.replace("%", "%%"))
                except sa.exc.DBAPIError as exc:
                    missing.append(f"collation {collation.name}: {first_line(exc)}")
            operations = Operations(MigrationContext.configure(conn))
            for st in steps:
                assert st.op is not None
                try:
                    with conn.begin_nested():
                        operations.invoke(st.op)
                except sa.exc.DBAPIError as exc:
                    what = st.kind.value.removeprefix("create_").removeprefix("add_")
                    where = ".".join(p for p in (st.schema, st.table, st.column) if p)
                    missing.append(f"{what.replace('_', ' ')} {where}: {first_line(exc)}")
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot rebuild the live schema on the scratch database: "
                         f"{first_line(exc)}") from None
    finally:
        engine.dispose()
    return tuple(missing)


def verify_plan(
    plan: Plan,
    rev_ids: tuple[str, ...],
    start: str | tuple[str, ...] | None,
    migrations: Path,
    database: s.Snapshot,
    models: s.Snapshot,
    schemas: tuple[str, ...],
    *,
    scratch_url: str | None = None,
    downgrade: bool = False,
    environment: AlembicEnvironment | None = None,
    protected_urls: tuple[str, ...] = (),
    extensions: tuple[str, ...] = (),
    collations: tuple[Collation, ...] = (),
) -> VerifyReport:
    """Run the written revisions (``rev_ids``, in plan order) on a scratch copy of the schema.

    ``environment``: where the revisions are (the staging folder of unpublished ones);
    ``protected_urls``: the inspected databases, whose alembic_version must not move.
    """
    env = environment or open_environment(migrations)
    heads = (start,) if isinstance(start, str) else tuple(start or ())
    with scratch_database(scratch_url, extensions=extensions) as url:
        # env.py runs once before anything else: one that connects elsewhere stops here
        env.probe(url, protected_urls=protected_urls)
        not_rebuilt = rebuild(url, database, collations)
        baseline = reflect_snapshot(url, schemas)
        rebuild_diff = tuple(sorted(_describe(m) for m in compare_snapshots(database, baseline)))
        before = _compare(models, baseline)
        if heads:
            env.stamp(url, heads)
        verdicts: list[RevisionVerdict] = []
        # what a manual step leaves undone (an index PostgreSQL cannot build) is no surprise
        manual = {(st.schema, st.table, st.record) for st in plan.steps
                  if st.kind is StepKind.MANUAL and st.record is not None}
        expected: set[str] = set()
        left: set[str] = set()
        failed = False
        for revision, rev_id in zip(plan.revisions, rev_ids, strict=True):
            expected.update(revision.converging_ids)
            left.update(set(revision.finding_ids) - set(revision.converging_ids))
            if failed:
                break
            try:
                env.upgrade(url, rev_id, protected_urls=protected_urls)
            except MigrationError as exc:
                failed = True
                verdicts.append(RevisionVerdict(revision.key, revision.message, rev_id, 0, (), (),
                                                0, f"upgrade failed: {_after_colon(exc)}"))
                continue
            after = _compare(models, reflect_snapshot(url, schemas))
            unresolved = sorted(_describe(after[i]) for i in expected if i in after)
            introduced = sorted(_describe(m) for i, m in after.items() if i not in before
                                and (m.schema, m.table, m.models) not in manual)
            done = sum(1 for i in revision.converging_ids if i not in after)
            verdicts.append(RevisionVerdict(revision.key, revision.message, rev_id, done,
                                            tuple(unresolved), tuple(introduced),
                                            len(left & after.keys())))
        report = VerifyReport(redact_url(url), rebuild_diff, tuple(verdicts),
                              not_rebuilt=not_rebuilt)
        if not downgrade or failed:
            return report
        try:
            # down to one of the heads removes its descendants, the new revisions (a merge's
            # too), and leaves the other heads where they are
            target = heads[0] if heads else "base"
            env.downgrade(url, target, protected_urls=protected_urls)
        except MigrationError as exc:
            return replace(report, downgrade_ran=False,
                           downgrade_error=f"downgrade failed: {_after_colon(exc)}")
        back = compare_snapshots(baseline, reflect_snapshot(url, schemas))
        # a step marked irreversible (an enum label PostgreSQL cannot remove) is not undone,
        # as its hazard says; any other difference means the downgrade does not converge
        irreversible = {st.finding_id for st in plan.steps
                        if any(h.kind is HazardKind.IRREVERSIBLE for h in st.hazards)}
        diff = tuple(sorted(_describe(m) for m in back if m.id not in irreversible))
        kept = tuple(sorted(_describe(m) for m in back if m.id in irreversible))
        return replace(report, downgrade_ran=True, downgrade_differences=diff,
                       downgrade_irreversible=kept)


def _after_colon(exc: MigrationError) -> str:
    return str(exc).split(" failed: ", 1)[-1]
