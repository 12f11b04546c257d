"""Findings -> Alembic operation objects (Steps), one small builder per object kind and change.

For drift the models want (``only_in_models``, ``differs``) the step makes the
database match the models; for ``only_in_database`` it is the drop, marked
``destructive`` (the plan disables it unless destructive steps are allowed).
Full definitions come from the snapshots, since a ``differs`` mismatch carries
only the attribute's values. The same builders recreate a whole snapshot
(``snapshot_steps``), which ``--verify`` uses to rebuild the live schema on a
scratch database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from drift import schema as s
from drift.compare.exclusions import exclusion_base_name
from drift.compare.tables import all_partitions
from drift.mismatch import Change, Finding, Mismatch, ObjectType
from drift.plan import ddl
from drift.plan.buildable import guard_steps
from drift.plan.objects import (
    EnumIndex,
    Named,
    UnsupportedType,
    constraint_name,
    enum_index,
    final,
    index_elements,
    index_kwargs,
    sa_column,
)
from drift.plan.steps import Hazard, HazardKind, Step, StepKind


@dataclass(frozen=True, slots=True)
class PlanContext:
    models: s.Snapshot
    database: s.Snapshot
    enums: EnumIndex
    # (column type, index method) pairs PostgreSQL has no default operator class for
    opclass_gaps: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, models: s.Snapshot, database: s.Snapshot,
           opclass_gaps: frozenset[tuple[str, str]] = frozenset()) -> PlanContext:
        return cls(models, database, enum_index(models, database), opclass_gaps)

    def table(self, side: s.Snapshot, schema: str, name: str | None) -> s.Table | None:
        sch = side.schema(schema)
        if sch is None or name is None:
            return None
        # a partition the models declare is compared as a table: found where it is nested
        return sch.table(name) or all_partitions(sch.tables).get(name)


# ---------------------------------------------------------------- builders from records


def _inline(column: s.Column, table: s.Table) -> bool:
    """Can the column be declared inside CREATE TABLE / op.add_column (else: SQL)?"""
    sole_pk = table.primary_key is not None and table.primary_key.columns == (column.name,)
    return not (column.serial and not sole_pk)


def _sa_column(column: s.Column, table: s.Table, enums: EnumIndex) -> sa.Column[object]:
    sole_pk = table.primary_key is not None and table.primary_key.columns == (column.name,)
    # SQLAlchemy makes a sole integer key SERIAL unless told not to: only a serial column is one
    return sa_column(column, enums, autoincrement=column.serial if sole_pk else "auto")


def _sa_table(schema: str, table: s.Table, enums: EnumIndex,
              fks: tuple[s.ForeignKey, ...] = ()) -> tuple[sa.Table, list[s.Column]]:
    """The table with its inline columns and constraints; columns that need SQL are returned."""
    columns, rest = [], []
    for c in table.columns:
        try:
            if not _inline(c, table):
                raise UnsupportedType(c.type)
            columns.append(_sa_column(c, table, enums))
        except UnsupportedType:
            rest.append(c)
    inline = {c.name for c in columns}
    items: list[Any] = []
    pk = table.primary_key
    if pk is not None and set(pk.columns) <= inline:
        items.append(sa.PrimaryKeyConstraint(*pk.columns, name=constraint_name(table, pk),
                                             **_deferrable(pk)))
    for uc in table.unique_constraints:
        if set(uc.columns) <= inline:
            kw: dict[str, Any] = (
                {"postgresql_nulls_not_distinct": True} if uc.nulls_not_distinct else {})
            kw.update(_deferrable(uc))
            items.append(sa.UniqueConstraint(*uc.columns, name=constraint_name(table, uc), **kw))
    if not rest:
        # NOT VALID exists in ALTER TABLE only: such a check is added after the table
        for ck in (ck for ck in table.check_constraints if ck.validated):
            items.append(sa.CheckConstraint(sa.text(ck.expression),
                                            name=constraint_name(table, ck)))
    for fk in fks:
        items.append(sa.ForeignKeyConstraint(
            list(fk.columns),
            [f"{fk.referred_schema}.{fk.referred_table}.{c}" for c in fk.referred_columns],
            **_fk_options(table, fk),
        ))
    t = sa.Table(table.name, sa.MetaData(), *columns, *items, schema=schema,
                 comment=table.comment)
    return t, rest


def create_table_op(schema: str, table: s.Table, enums: EnumIndex,
                    fks: tuple[s.ForeignKey, ...] = ()) -> ops.CreateTableOp:
    return ops.CreateTableOp.from_table(_sa_table(schema, table, enums, fks)[0])


def _deferrable(con: s.PrimaryKey | s.UniqueConstraint) -> dict[str, Any]:
    if not con.deferrable:
        return {}
    return {"deferrable": True, "initially": "DEFERRED" if con.initially_deferred else None}


def _fk_options(table: s.Table, fk: s.ForeignKey) -> dict[str, Any]:
    return {
        "name": constraint_name(table, fk),
        "ondelete": None if fk.on_delete == "NO ACTION" else fk.on_delete,
        "onupdate": None if fk.on_update == "NO ACTION" else fk.on_update,
        "deferrable": fk.deferrable or None,
        "initially": "DEFERRED" if fk.initially_deferred else None,
        "match": None if fk.match == "SIMPLE" else fk.match,
    }


def create_fk_op(schema: str, table: s.Table, fk: s.ForeignKey, *,
                 not_valid: bool = False) -> ops.CreateForeignKeyOp:
    kw = _fk_options(table, fk)
    name = kw.pop("name")
    extra = {"postgresql_not_valid": True} if not_valid else {}
    return ops.CreateForeignKeyOp(name, table.name, fk.referred_table, list(fk.columns),
                                  list(fk.referred_columns), source_schema=schema,
                                  referent_schema=fk.referred_schema, **kw, **extra)


def create_index_op(schema: str, table: s.Table, index: s.Index, name: str | None = None,
                    *, concurrently: bool = False) -> ops.CreateIndexOp:
    kw = index_kwargs(index)
    if concurrently:
        kw["postgresql_concurrently"] = True
    named = name or index.name
    return ops.CreateIndexOp(final(named) if named else None, table.name, index_elements(index),
                             schema=schema, unique=index.unique, **kw)


def table_steps(schema: str, table: s.Table, enums: EnumIndex) -> list[Step]:
    """CREATE TABLE with its columns, keys and checks, then its indexes and foreign keys."""
    sa_table, rest = _sa_table(schema, table, enums)
    op = ops.CreateTableOp.from_table(sa_table)
    refers = tuple(sorted({(fk.referred_schema, fk.referred_table) for fk in table.foreign_keys}))
    steps = [Step(StepKind.CREATE_TABLE, op, op.reverse(), schema, table.name,
                  refers_to=refers, record=table)]
    for c in rest:
        steps.append(column_step(schema, table, c, enums))
    inline = {c.name for c in sa_table.columns}
    pk = table.primary_key
    if pk is not None and not set(pk.columns) <= inline:
        steps.append(constraint_step(ObjectType.PRIMARY_KEY, schema, table, pk))
    for uc in table.unique_constraints:
        if not set(uc.columns) <= inline:
            steps.append(constraint_step(ObjectType.UNIQUE_CONSTRAINT, schema, table, uc))
    for ck in table.check_constraints:
        if rest or not ck.validated:
            steps.append(constraint_step(ObjectType.CHECK_CONSTRAINT, schema, table, ck))
    for index in table.indexes:
        steps.append(constraint_step(ObjectType.INDEX, schema, table, index))
    for x in table.exclusion_constraints:
        steps.append(exclusion_step(schema, table, x))
    for fk in table.foreign_keys:
        step = constraint_step(ObjectType.FOREIGN_KEY, schema, table, fk)
        steps.append(dataclasses.replace(step, new_table_fk=True))
    return steps


def column_step(schema: str, table: s.Table, column: s.Column, enums: EnumIndex) -> Step:
    try:
        if not _inline(column, table):
            raise UnsupportedType(column.type)
        add = ops.AddColumnOp(table.name, _sa_column(column, table, enums), schema=schema)
        return Step(StepKind.ADD_COLUMN, add, add.reverse(), schema, table.name, column.name,
                    record=column)
    except UnsupportedType:
        up, down = ddl.add_column_sql(schema, table.name, column, enums)
        return Step(StepKind.ADD_COLUMN, up, down, schema, table.name, column.name, record=column)


_CONSTRAINT_KINDS = {
    ObjectType.PRIMARY_KEY: StepKind.CREATE_PRIMARY_KEY,
    ObjectType.UNIQUE_CONSTRAINT: StepKind.CREATE_UNIQUE,
    ObjectType.CHECK_CONSTRAINT: StepKind.CREATE_CHECK,
    ObjectType.INDEX: StepKind.CREATE_INDEX,
    ObjectType.FOREIGN_KEY: StepKind.CREATE_FOREIGN_KEY,
}
_DROP_KINDS = {
    StepKind.CREATE_FOREIGN_KEY: StepKind.DROP_FOREIGN_KEY,
    StepKind.CREATE_INDEX: StepKind.DROP_INDEX,
}


def _named(table: s.Table, record: Named, name: str | None) -> str:
    return final(name) if name else constraint_name(table, record)


def _constraint_op(kind: ObjectType, schema: str, table: s.Table, record: object,
                   name: str | None) -> ops.MigrateOperation:
    if isinstance(record, s.PrimaryKey):
        return ops.CreatePrimaryKeyOp(_named(table, record, name), table.name,
                                      list(record.columns), schema=schema,
                                      **_deferrable(record))
    if isinstance(record, s.UniqueConstraint):
        kw = {"postgresql_nulls_not_distinct": True} if record.nulls_not_distinct else {}
        kw.update(_deferrable(record))
        return ops.CreateUniqueConstraintOp(_named(table, record, name), table.name,
                                            list(record.columns), schema=schema, **kw)
    if isinstance(record, s.CheckConstraint):
        not_valid = {} if record.validated else {"postgresql_not_valid": True}
        return ops.CreateCheckConstraintOp(_named(table, record, name), table.name,
                                           sa.text(record.expression), schema=schema,
                                           **not_valid)
    if isinstance(record, s.Index):
        return create_index_op(schema, table, record, name)
    assert isinstance(record, s.ForeignKey)
    if name is not None:
        record = dataclasses.replace(record, name=name)
    return create_fk_op(schema, table, record, not_valid=not record.validated)


def exclusion_step(schema: str, table: s.Table, x: s.ExclusionConstraint,
                   name: str | None = None) -> Step:
    """ADD CONSTRAINT ... EXCLUDE (as SQL); ValueError where an operator is not one."""
    up, down = ddl.add_exclusion(schema, table.name, x,
                                 name or x.name or exclusion_base_name(table.name, x))
    return Step(StepKind.CREATE_EXCLUSION, up, down, schema, table.name, record=x)


def constraint_step(kind: ObjectType, schema: str, table: s.Table, record: object,
                    name: str | None = None) -> Step:
    op = _constraint_op(kind, schema, table, record, name)
    reverse = op.reverse()
    if isinstance(op, ops.CreatePrimaryKeyOp):
        # Alembic's renderer has no create_primary_key: the DDL element, compiled, instead
        op = ddl.compiled(sa.schema.AddConstraint(op.to_constraint()))
    return Step(_CONSTRAINT_KINDS[kind], op, reverse, schema, table.name, record=record)


def drop_step(step: Step) -> Step:
    """The inverse of a creation step, as a step of its own (a drop)."""
    kind = _DROP_KINDS.get(step.kind, StepKind.DROP_CONSTRAINT)
    return dataclasses.replace(step, kind=kind, op=step.reverse, reverse=step.op,
                               new_table_fk=False)


def snapshot_steps(snapshot: s.Snapshot, enums: EnumIndex | None = None) -> list[Step]:
    """Every step that builds the snapshot's schemas from nothing (for the scratch database)."""
    enums = enums if enums is not None else enum_index(snapshot)
    steps: list[Step] = []
    for sch in snapshot.schemas:
        if sch.name != "public":
            up, down = ddl.create_schema(sch.name)
            steps.append(Step(StepKind.CREATE_SCHEMA, up, down, schema=sch.name))
        for enum in sch.enums:
            up, down = ddl.create_enum(sch.name, enum)
            steps.append(Step(StepKind.CREATE_ENUM, up, down, schema=sch.name))
        for domain in sch.domains:
            up, down = ddl.create_domain(sch.name, domain)
            steps.append(Step(StepKind.CREATE_DOMAIN, up, down, schema=sch.name))
        for seq in sch.sequences:
            up, down = ddl.create_sequence(sch.name, seq)
            steps.append(Step(StepKind.CREATE_SEQUENCE, up, down, schema=sch.name))
        for table in sch.tables:
            steps.extend(table_steps(sch.name, table, enums))
        for view in sch.views:
            if view.definition:
                up, down = ddl.create_view(sch.name, view)
                steps.append(Step(StepKind.CREATE_VIEW, up, down, schema=sch.name))
    return steps


# ---------------------------------------------------------------- findings -> steps

Builder = Callable[[PlanContext, Finding], list[Step]]
BUILDERS: dict[tuple[ObjectType, Change], Builder] = {}


def builder(kind: ObjectType, change: Change) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[(kind, change)] = fn
        return fn

    return register


def manual(finding: Finding, why: str) -> Step:
    m = finding.mismatch
    return Step(StepKind.MANUAL, None, None, schema=m.schema, table=m.table,
                finding_id=m.id, path=m.path, note=why,
                hazards=(Hazard(HazardKind.MANUAL, why),))


def steps_for(ctx: PlanContext, finding: Finding) -> list[Step]:
    m = finding.mismatch
    build = BUILDERS.get((m.object_type, m.change))
    if build is None:
        return [manual(finding, f"no automatic operation for a {m.object_type.value} "
                                f"{m.change.value.replace('_', ' ')}")]
    # what PostgreSQL would refuse to create (a model's bug) is a manual step instead
    steps = guard_steps(ctx.models, ctx.database, ctx.opclass_gaps, finding,
                        build(ctx, finding))
    destructive = m.change is Change.ONLY_IN_DATABASE
    # an unconfirmed rename: the add and the drop move no data, which the revision must say
    hint = (Hazard(HazardKind.DATA_LOSS, f"{m.hint}: if {m.path!r} was renamed, this "
                   "add/drop does not move its data; confirm the rename to plan it as one"),
            ) if m.hint else ()
    return [dataclasses.replace(st, finding_id=m.id, path=m.path,
                                destructive=destructive or st.destructive,
                                hazards=hint + st.hazards) for st in steps]


def object_name(m: Mismatch) -> str:
    return m.name or m.table or m.schema


def view_rebuild_steps(ctx: PlanContext, steps: list[Step],
                       readers: dict[tuple[str, str, str], tuple[tuple[str, str], ...]]
                       ) -> list[Step]:
    """Views reading a column whose type changes: dropped before, created again after."""
    # a view the plan drops anyway is dropped once, and not created again
    dropped = {(st.schema, st.record.name) for st in steps if st.kind is StepKind.DROP_VIEW
               and not st.disabled and isinstance(st.record, s.View)}
    views = sorted({v for st in steps if st.kind is StepKind.ALTER_COLUMN_TYPE
                    for v in readers.get((st.schema, st.table or "", st.column or ""), ())}
                   - dropped)
    out = []
    for schema, name in views:
        sch = ctx.models.schema(schema)
        declared = next((v for v in sch.views if v.name == name), None) if sch else None
        sch = ctx.database.schema(schema)
        live = next((v for v in sch.views if v.name == name), None) if sch else None
        if live is None:
            continue
        drop_sql, create_live = ddl.drop_view(schema, live)
        up, down = ddl.create_view(schema, declared if declared and declared.definition else live)
        key = ("view rebuild", schema, name)
        out.append(Step(StepKind.DROP_VIEW, drop_sql, create_live, schema, key=(*key, "drop"),
                        note="recreated below: it reads a column whose type changes"))
        out.append(Step(StepKind.CREATE_VIEW, up, down, schema, key=(*key, "create")))
    return out
