"""The builders registered in ``operations.BUILDERS``: one per object kind and change."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from drift import schema as s
from drift.compare.definitions import match_table_objects, match_uniques_and_indexes
from drift.compare.exclusions import match_exclusions
from drift.compare.registry import TablePair
from drift.mismatch import Change, Finding, ObjectType
from drift.plan import ddl
from drift.plan.objects import sa_type, server_default
from drift.plan.operations import (
    PlanContext,
    builder,
    column_step,
    constraint_step,
    drop_step,
    exclusion_step,
    manual,
    object_name,
    table_steps,
)
from drift.plan.steps import Hazard, HazardKind, Step, StepKind

_M, _D, _X = Change.ONLY_IN_MODELS, Change.ONLY_IN_DATABASE, Change.DIFFERS


def _sql_step(kind: StepKind, pair: ddl.Pair, schema: str, table: str | None = None,
              column: str | None = None) -> Step:
    return Step(kind, pair[0], pair[1], schema=schema, table=table, column=column)


# ---------------------------------------------------------------- schemas, enums, sequences, views


# objects made by one SQL statement: the drop is their creation run backwards
_CREATED_BY_SQL: dict[ObjectType, tuple[StepKind, StepKind, Callable[[str, Any], ddl.Pair]]] = {
    ObjectType.SCHEMA: (StepKind.CREATE_SCHEMA, StepKind.DROP_SCHEMA,
                        lambda schema, _: ddl.create_schema(schema)),
    ObjectType.ENUM: (StepKind.CREATE_ENUM, StepKind.DROP_ENUM, ddl.create_enum),
    ObjectType.SEQUENCE: (StepKind.CREATE_SEQUENCE, StepKind.DROP_SEQUENCE, ddl.create_sequence),
    ObjectType.DOMAIN: (StepKind.CREATE_DOMAIN, StepKind.DROP_DOMAIN, ddl.create_domain),
}


def _sql_add(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    kind, _, create = _CREATED_BY_SQL[m.object_type]
    return [_sql_step(kind, create(m.schema, m.models), m.schema)]


def _sql_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    _, kind, create = _CREATED_BY_SQL[m.object_type]
    up, down = create(m.schema, m.database)
    return [Step(kind, down, up, schema=m.schema)]


for _kind in _CREATED_BY_SQL:
    builder(_kind, _M)(_sql_add)
    builder(_kind, _D)(_sql_drop)


def _enum(side: s.Snapshot, schema: str, name: str) -> s.EnumType | None:
    sch = side.schema(schema)
    return next((e for e in sch.enums if e.name == name), None) if sch else None


@builder(ObjectType.ENUM, _X)
def _enum_values(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    models, database = _enum(ctx.models, m.schema, object_name(m)), _enum(
        ctx.database, m.schema, object_name(m))
    if models is None or database is None:
        return [manual(f, "enum not found in both snapshots")]
    steps = [Step(StepKind.ALTER_ENUM, op, None, schema=m.schema, autocommit=True,
                  hazards=(Hazard(HazardKind.IRREVERSIBLE,
                                  "PostgreSQL cannot remove an enum label: no downgrade"),))
             for op in ddl.add_enum_values(m.schema, models, database)]
    gone = [x for x in database.labels if x not in models.labels]
    if gone:
        steps.append(manual(f, f"labels {gone!r} are not declared; PostgreSQL cannot drop "
                               "enum labels (recreate the type by hand)"))
    return steps


def _sequence(side: s.Snapshot, schema: str, name: str) -> s.Sequence | None:
    sch = side.schema(schema)
    return next((q for q in sch.sequences if q.name == name), None) if sch else None


@builder(ObjectType.SEQUENCE, _X)
def _sequence_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    models = _sequence(ctx.models, m.schema, object_name(m))
    database = _sequence(ctx.database, m.schema, object_name(m))
    if models is None or database is None:
        return [manual(f, "sequence not found in both snapshots")]
    return [_sql_step(StepKind.ALTER_SEQUENCE, ddl.alter_sequence(m.schema, models, database),
                      m.schema)]


@builder(ObjectType.VIEW, _M)
def _view_add(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    if not m.models.definition:
        return [manual(f, "the models give no definition for this view")]
    return [_sql_step(StepKind.CREATE_VIEW, ddl.create_view(m.schema, m.models), m.schema)]


@builder(ObjectType.VIEW, _D)
def _view_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    # not _sql_drop: a view the catalog gives no definition of cannot be created again
    step = _sql_step(StepKind.DROP_VIEW, ddl.drop_view(m.schema, m.database), m.schema)
    return [dataclasses.replace(step, record=m.database)]  # the view, known to view rebuilds


# ---------------------------------------------------------------- tables


@builder(ObjectType.TABLE, _M)
def _table_add(ctx: PlanContext, f: Finding) -> list[Step]:
    return table_steps(f.mismatch.schema, f.mismatch.models, ctx.enums)


@builder(ObjectType.TABLE, _D)
def _table_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m, table = f.mismatch, f.mismatch.database
    steps = table_steps(m.schema, table, ctx.enums)
    create = steps[0]
    # the downgrade makes the whole table again: its indexes and foreign keys too, not only
    # the CREATE TABLE (a dropped table came back without its keys, and --verify said so)
    again = ops.ModifyTableOps(table.name, [st.op for st in steps if st.op is not None],
                               schema=m.schema)
    return [Step(StepKind.DROP_TABLE, create.reverse, again, schema=m.schema,
                 table=table.name, refers_to=create.refers_to)]


@builder(ObjectType.TABLE, _X)
def _table_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    if m.attribute != "comment":
        return [manual(f, f"the table's {m.attribute} differs: no automatic operation")]
    if m.models is None:
        op: ops.MigrateOperation = ops.DropTableCommentOp(m.table or "", schema=m.schema,
                                                          existing_comment=m.database)
    else:
        op = ops.CreateTableCommentOp(m.table or "", m.models, schema=m.schema,
                                      existing_comment=m.database)
    return [Step(StepKind.ALTER_COMMENT, op, op.reverse(), schema=m.schema, table=m.table)]


# ---------------------------------------------------------------- columns


@builder(ObjectType.COLUMN, _M)
def _column_add(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.models, m.schema, m.table) or s.Table(m.table or "")
    return [column_step(m.schema, table, m.models, ctx.enums)]


@builder(ObjectType.COLUMN, _D)
def _column_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.database, m.schema, m.table) or s.Table(m.table or "")
    add = column_step(m.schema, table, m.database, ctx.enums)
    return [dataclasses.replace(add, kind=StepKind.DROP_COLUMN, op=add.reverse, reverse=add.op)]


def _columns(ctx: PlanContext, f: Finding) -> tuple[s.Column, s.Column] | None:
    m = f.mismatch
    mt = ctx.table(ctx.models, m.schema, m.table)
    dt = ctx.table(ctx.database, m.schema, m.table)
    mc = mt.column(m.name) if mt and m.name else None
    dc = dt.column(m.name) if dt and m.name else None
    return (mc, dc) if mc is not None and dc is not None else None


def _alter(ctx: PlanContext, f: Finding, kind: StepKind, **kw: Any) -> list[Step]:
    m = f.mismatch
    cols = _columns(ctx, f)
    if cols is None:
        return [manual(f, "column not found in both snapshots")]
    _, dc = cols
    existing = sa_type(dc.type, ctx.enums)
    op = ops.AlterColumnOp(m.table or "", dc.name, schema=m.schema, existing_type=existing,
                           existing_nullable=dc.nullable,
                           existing_server_default=_clause(server_default(dc)),
                           existing_comment=dc.comment, **kw)
    return [Step(kind, op, op.reverse(), schema=m.schema, table=m.table, column=dc.name)]


def _column_type(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    cols = _columns(ctx, f)
    if cols is None:
        return [manual(f, "column not found in both snapshots")]
    pair = ddl.alter_type(m.schema, m.table or "", cols[0], cols[1], ctx.enums)
    step = _sql_step(StepKind.ALTER_COLUMN_TYPE, pair, m.schema, m.table, m.name)
    return [dataclasses.replace(step, record=(m.database, m.models))]  # (old, new) for hazards


def _column_nullable(ctx: PlanContext, f: Finding) -> list[Step]:
    kind = StepKind.DROP_NOT_NULL if f.mismatch.models else StepKind.SET_NOT_NULL
    return _alter(ctx, f, kind, modify_nullable=bool(f.mismatch.models))


def _column_default(ctx: PlanContext, f: Finding) -> list[Step]:
    cols = _columns(ctx, f)
    if cols is None:
        return [manual(f, "column not found in both snapshots")]
    mc, _ = cols
    if mc.serial:
        return [manual(f, "the models want a serial (owned sequence) default: create the "
                          "sequence with OWNED BY and set the default by hand, or use identity")]
    return _alter(ctx, f, StepKind.ALTER_COLUMN_DEFAULT,
                  modify_server_default=_clause(server_default(mc)))


def _clause(text: sa.TextClause | None) -> sa.DefaultClause | None:
    # Alembic's renderer tests a default for truth: a DefaultClause can be, a TextClause cannot
    return sa.DefaultClause(text) if text is not None else None


def _column_comment(ctx: PlanContext, f: Finding) -> list[Step]:
    return _alter(ctx, f, StepKind.ALTER_COMMENT, modify_comment=f.mismatch.models)


def _column_identity(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    if m.models not in _IDENTITY_VALUES:  # the comparator names a sequence default here
        return [manual(f, f"the models fill the column by {m.models}, the database by an "
                          "identity: drop the identity, then create the sequence by hand")]
    pair = ddl.alter_identity(m.schema, m.table or "", m.name or "", m.models, m.database)
    return [_sql_step(StepKind.ALTER_IDENTITY, pair, m.schema, m.table, m.name)]


_IDENTITY_VALUES = (None, "always", "by default")


_COLUMN_ATTRIBUTES: dict[str, Callable[[PlanContext, Finding], list[Step]]] = {
    "type": _column_type,
    "nullable": _column_nullable,
    "default": _column_default,
    "comment": _column_comment,
    "identity": _column_identity,
}


@builder(ObjectType.COLUMN, _X)
def _column_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    build = _COLUMN_ATTRIBUTES.get(f.mismatch.attribute or "")
    if build is None:
        return [manual(f, f"the column's {f.mismatch.attribute} differs: no automatic "
                          "operation (drop and re-add the column by hand)")]
    return build(ctx, f)


# ---------------------------------------------------------------- keys, constraints, indexes

_KINDS = (ObjectType.PRIMARY_KEY, ObjectType.FOREIGN_KEY, ObjectType.UNIQUE_CONSTRAINT,
          ObjectType.CHECK_CONSTRAINT, ObjectType.INDEX)


def _constraint_add(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.models, m.schema, m.table) or s.Table(m.table or "")
    return [constraint_step(m.object_type, m.schema, table, m.models, m.name)]


def _constraint_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.database, m.schema, m.table) or s.Table(m.table or "")
    return [drop_step(constraint_step(m.object_type, m.schema, table, m.database, m.name))]


def _constraint_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    mt = ctx.table(ctx.models, m.schema, m.table)
    dt = ctx.table(ctx.database, m.schema, m.table)
    if mt is None or dt is None:
        return [manual(f, "table not found in both snapshots")]
    # the pair the comparator reported: under the database's name (see compare/constraints.py)
    matching = match_table_objects(m.object_type, TablePair(m.schema, mt, dt))
    models_record, db_record = next(((mo, do) for mo, do in matching.pairs
                                     if (do.name or m.name) == m.name), (None, None))
    if m.attribute == "constraint_kind":
        return _constraint_kind(f, mt, dt)
    if db_record is None or models_record is None:
        return [manual(f, "the pair of objects was not found in the snapshots")]
    if m.attribute == "validated":
        # NOT VALID in the database: check the existing rows, keep the constraint
        op = ddl.validate_constraint(m.schema, dt.name, m.name or "")
        return [Step(StepKind.VALIDATE_CONSTRAINT, op, None, schema=m.schema, table=dt.name,
                     key=(m.object_type.value, m.schema, dt.name, m.name or "", "validate"))]
    if m.attribute == "name":
        pair = ddl.rename_constraint(m.schema, dt.name, m.database, m.models,
                                     index=m.object_type is ObjectType.INDEX)
        return [Step(StepKind.RENAME, pair[0], pair[1], schema=m.schema, table=dt.name)]
    # one drop and one create, however many attributes differ
    key = (m.object_type.value, m.schema, dt.name, m.name or "")
    drop = drop_step(constraint_step(m.object_type, m.schema, dt, db_record, m.name))
    create = constraint_step(m.object_type, m.schema, mt, models_record,
                             models_record.name or m.name)
    return [dataclasses.replace(drop, key=(*key, "drop")),
            dataclasses.replace(create, key=(*key, "create"))]


def _constraint_kind(f: Finding, mt: s.Table, dt: s.Table) -> list[Step]:
    """A unique constraint the database has as a unique index of its name, or the reverse."""
    m = f.mismatch
    pair = next(((mo, do) for mo, do in match_uniques_and_indexes(
        TablePair(m.schema, mt, dt)).kind_changes if do.name == m.name), None)
    if pair is None:
        return [manual(f, "the pair of objects was not found in the snapshots")]
    record = pair[1]
    columns = (record.columns if isinstance(record, s.UniqueConstraint)
               else tuple(e.expression for e in record.elements))
    up, down = ddl.unique_index_to_constraint(m.schema, dt.name, m.name or "", columns)
    if isinstance(record, s.UniqueConstraint):  # the models want the index
        up, down = down, up  # type: ignore[assignment]
    key = (m.object_type.value, m.schema, dt.name, m.name or "", "kind")
    return [Step(StepKind.CREATE_UNIQUE, up, down, schema=m.schema, table=dt.name, key=key)]


for _kind in _KINDS:
    builder(_kind, _M)(_constraint_add)
    builder(_kind, _D)(_constraint_drop)
    builder(_kind, _X)(_constraint_alter)


# ---------------------------------------------------------------- domains, exclusion constraints


@builder(ObjectType.DOMAIN, _X)
def _domain_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    if m.attribute in ("nullable", "default"):
        pair = ddl.alter_domain(m.schema, m.name or "", m.attribute, m.models, m.database)
        step = _sql_step(StepKind.ALTER_DOMAIN, pair, m.schema)
        if m.attribute == "nullable" and m.models is False:
            step = dataclasses.replace(step, hazards=(Hazard(
                HazardKind.LOCK, f"SET NOT NULL on domain {m.name!r} scans every column of "
                "that type, and fails where one holds NULL"),))
        return [step]
    return [manual(f, f"the domain differs in {m.attribute}: ALTER DOMAIN by hand (a CHECK "
                      "is dropped by its name, and a new one checks the existing columns)")]


def _exclusion(f: Finding, table: s.Table, record: s.ExclusionConstraint,
               name: str | None) -> Step:
    try:
        return exclusion_step(f.mismatch.schema, table, record, name)
    except ValueError as exc:  # an operator that is not one: never written into a revision
        return manual(f, f"the exclusion constraint cannot be written: {exc}")


@builder(ObjectType.EXCLUSION_CONSTRAINT, _M)
def _exclusion_add(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.models, m.schema, m.table) or s.Table(m.table or "")
    return [_exclusion(f, table, m.models, m.name)]


@builder(ObjectType.EXCLUSION_CONSTRAINT, _D)
def _exclusion_drop(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    table = ctx.table(ctx.database, m.schema, m.table) or s.Table(m.table or "")
    step = _exclusion(f, table, m.database, m.name)
    return [step if step.kind is StepKind.MANUAL else drop_step(step)]


@builder(ObjectType.EXCLUSION_CONSTRAINT, _X)
def _exclusion_alter(ctx: PlanContext, f: Finding) -> list[Step]:
    m = f.mismatch
    mt = ctx.table(ctx.models, m.schema, m.table)
    dt = ctx.table(ctx.database, m.schema, m.table)
    if mt is None or dt is None:
        return [manual(f, "table not found in both snapshots")]
    pair = next(((mo, do) for mo, do in match_exclusions(TablePair(m.schema, mt, dt)).pairs
                 if (do.name or m.name) == m.name), None)
    if pair is None:
        return [manual(f, "the pair of objects was not found in the snapshots")]
    drop = _exclusion(f, dt, pair[1], m.name)
    create = _exclusion(f, mt, pair[0], pair[0].name or m.name)
    manual_steps = [st for st in (drop, create) if st.kind is StepKind.MANUAL]
    if manual_steps:
        return manual_steps[:1]
    key = (m.object_type.value, m.schema, dt.name, m.name or "")
    return [dataclasses.replace(drop_step(drop), key=(*key, "drop")),
            dataclasses.replace(create, key=(*key, "create"))]
