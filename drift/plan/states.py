"""The schema states application SQL is judged on, each with the recipe that builds it.

In go a check's result (and the schema the migration history builds), out
``SchemaState``s, in the order a statement is followed through them:

* ``live``: the live database (or the saved snapshot), rebuilt from its snapshot;
* ``phase-N``: the state before it, then the plan's revision of phase N: every
  operation the phase plans, drops included (a revision writes a drop commented
  out until ``--allow-destructive``, but the phase plans it: the code must not
  need what it drops);
* ``models``: the schema the models declare;
* ``head``: the schema the migration history's heads build (``--migrations``).

Each state's ``content`` is a digest of what builds it, so that equal states
share one scratch database and the verdicts of an unchanged state are reused.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from drift import schema as s
from drift.errors import DriftError, first_line
from drift.plan import PlanOptions, Revision, plan_result
from drift.plan.extensions import needed_extensions
from drift.plan.steps import Step
from drift.result import CheckResult
from drift.sources.cache import digest, drift_version
from drift.sources.code.judge import BuildState, Operation, SchemaState
from drift.sources.database.connection import make_engine


def schema_states(result: CheckResult, head: s.Snapshot | None = None) -> tuple[SchemaState, ...]:
    """live, then after each planned phase, then the models, then the history's head."""
    extensions = tuple(sorted(set(needed_extensions(result.models))
                              | set(needed_extensions(result.database))))
    live_label = ("the live database" if result.config.url or result.config.snapshot
                  else "the migration head")
    live = _root("live", live_label, result.database, extensions)
    states = [live]
    plan = plan_result(result, PlanOptions(expected_only=True))
    before = live
    for revision in plan.revisions:
        if revision.phase is None:
            continue
        state = _phase(revision, before, result.models)
        states.append(state)
        before = state
    states.append(_root("models", "the models", result.models, extensions))
    if head is not None and head is not result.database:
        states.append(_root("head", "the migration head", head, extensions))
    return tuple(states)


def _snapshot_digest(snapshot: s.Snapshot, extensions: tuple[str, ...]) -> str:
    neutral = replace(snapshot, origin="state", source=None, server_version=None)
    return digest(["schema state", drift_version(), neutral.to_json(), *extensions])


def _root(key: str, label: str, snapshot: s.Snapshot, extensions: tuple[str, ...]
          ) -> SchemaState:
    def build(url: str) -> None:
        from drift.plan.verify import rebuild

        _create_extensions(url, extensions)
        rebuild(url, snapshot)

    return SchemaState(key, label, _snapshot_digest(snapshot, extensions), build)


def _phase(revision: Revision, before: SchemaState, models: s.Snapshot) -> SchemaState:
    assert revision.phase is not None
    phase = revision.phase
    steps = tuple(st for st in revision.steps if st.op is not None)
    label = f"after phase {phase.number}" + (f" ({phase.name})" if phase.name else "")
    content = digest(["phase", before.content, models.to_json(), *revision.finding_ids])
    return SchemaState(f"phase-{phase.number}", label, content, _apply(steps),
                       parent=before.content, phase=phase.number,
                       operations=tuple(_operation(st) for st in steps))


def _operation(step: Step) -> Operation:
    where = step.path or ".".join(p for p in (step.schema, step.table, step.column) if p)
    return Operation(f"{step.kind.value.replace('_', ' ')} {where}", step.schema, step.table,
                     step.column)


def _apply(steps: tuple[Step, ...]) -> BuildState:
    def build(url: str) -> None:
        engine = make_engine(url)
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                operations = Operations(MigrationContext.configure(conn))
                for st in steps:
                    assert st.op is not None
                    # a step that cannot run on the empty copy (its revision's --verify
                    # says why) leaves the rest of the phase to be judged
                    with contextlib.suppress(sa.exc.DBAPIError):
                        operations.invoke(st.op)
        finally:
            engine.dispose()

    return build


def _create_extensions(url: str, extensions: tuple[str, ...]) -> None:
    if not extensions:
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            quote = conn.dialect.identifier_preparer.quote
            for name in extensions:
                conn.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {quote(name)}")
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot create extension(s) {', '.join(extensions)}: "
                         f"{first_line(exc)}") from None
    finally:
        engine.dispose()
