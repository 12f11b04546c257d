"""Confirmed renames (drift/classify/renames.py) -> one rename step for the pair of findings.

The column (or table) only in the models and the one only in the database are
one object renamed: the step that renames it resolves both findings. It goes
under the models' finding (its revision); the database's finding gets no step
of its own, so its drop is never planned and the data stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic.operations import ops

from drift.errors import DriftError
from drift.mismatch import Change, Finding, Mismatch, ObjectType, Rename
from drift.plan.steps import Step, StepKind

_KINDS = (ObjectType.COLUMN, ObjectType.TABLE)


def rename_steps(findings: Iterable[Finding], renames: Iterable[Rename]) -> dict[str, list[Step]]:
    """Finding id -> its steps, for the findings a rename resolves; DriftError for a rename
    that does not name one object only in the database and one only in the models."""
    sides: dict[tuple[Change, str], list[Finding]] = {}
    for f in findings:
        m = f.mismatch
        if m.object_type in _KINDS and m.change in (Change.ONLY_IN_MODELS,
                                                    Change.ONLY_IN_DATABASE):
            sides.setdefault((m.change, m.path), []).append(f)
    out: dict[str, list[Step]] = {}
    for r in renames:
        pair = next(((new, old) for new in sides.get((Change.ONLY_IN_MODELS, r.new), [])
                     for old in sides.get((Change.ONLY_IN_DATABASE, r.old), [])
                     if new.mismatch.object_type is old.mismatch.object_type
                     and _parent(new.mismatch) == _parent(old.mismatch)), None)
        if pair is None:
            raise DriftError(
                f"{r.source}: cannot rename {r.old} to {r.new}: drift finds no column or table "
                f"{r.old} only in the database with {r.new} only in the models")
        new, old = pair
        if new.id in out or old.id in out:
            raise DriftError(f"{r.source}: {r.old} or {r.new} is renamed twice")
        out[new.id] = [_step(old.mismatch, new.mismatch, new)]
        out[old.id] = []
    return out


def _parent(m: Mismatch) -> tuple[str, str | None]:
    return (m.schema, m.table if m.object_type is ObjectType.COLUMN else None)


def _step(old: Mismatch, new: Mismatch, finding: Finding) -> Step:
    if old.object_type is ObjectType.COLUMN:
        table = old.table or ""
        up: ops.MigrateOperation = ops.AlterColumnOp(table, old.name or "", schema=old.schema,
                                                     modify_name=new.name)
        down: ops.MigrateOperation = ops.AlterColumnOp(table, new.name or "",
                                                       schema=old.schema, modify_name=old.name)
        column = new.name
    else:
        up = ops.RenameTableOp(old.table or "", new.table or "", schema=old.schema)
        down = ops.RenameTableOp(new.table or "", old.table or "", schema=old.schema)
        column = None
    return Step(StepKind.RENAME, up, down, schema=old.schema, table=new.table, column=column,
                finding_id=finding.id, path=new.path)
