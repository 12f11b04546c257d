"""Declarations PostgreSQL cannot build become manual steps, not statements that fail.

A model can declare what no revision can create: an index with no column, a
foreign key to columns no primary key or unique constraint covers ("there is
no unique constraint matching given keys"), an index whose method has no
default operator class for a column's type (GIN on ``text`` without
``gin_trgm_ops``). Copied into a revision, the statement fails on the first
``alembic upgrade``; so the step says what is wrong and where the model
declares it (file and line), and the rest of the plan goes on.

The operator classes are PostgreSQL's answer (``opclass_gaps.sql``, read from
the live database by ``measure``); the foreign key rule is PostgreSQL's own
(a unique constraint or non-partial unique index on exactly those columns).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import sqlalchemy as sa

from drift import schema as s
from drift.mismatch import Finding
from drift.plan.steps import Hazard, HazardKind, Step, StepKind
from drift.sources.database.sql import query

OpclassGaps = frozenset[tuple[str, str]]  # (column type, index method) with no default class


def opclass_pairs(models: s.Snapshot) -> set[tuple[str, str]]:
    """(type, method) of every plain column element of the models' indexes without a class."""
    pairs = set()
    for sch in models.schemas:
        for table in sch.tables:
            types = {c.name: c.type for c in table.columns}
            for index in table.indexes:
                for el in index.elements:
                    if el.is_column and el.opclass is None and el.expression in types:
                        pairs.add((types[el.expression], index.method))
    return pairs


def read_opclass_gaps(conn: sa.Connection, pairs: Iterable[tuple[str, str]]) -> OpclassGaps:
    """Ask the database which of ``pairs`` have no default operator class."""
    pairs = sorted(pairs)
    if not pairs:
        return frozenset()
    rows = conn.execute(query("opclass_gaps"), {"types": [t for t, _ in pairs],
                                                "methods": [m for _, m in pairs]})
    return frozenset((str(t), str(m)) for t, m in rows)


def _where(table: s.Table, name: str | None) -> str:
    if not table.declared_by:
        return ""
    from drift.sources.models.source_lines import locate

    found = locate(table, name)
    shown = f"{found.file}:{found.line}" if found is not None else table.declared_by
    return f" (declared at {shown})"


def _covered(table: s.Table | None, columns: tuple[str, ...]) -> bool:
    if table is None:
        return True  # not known here: PostgreSQL says, on the scratch database
    wanted = set(columns)
    keys = [table.primary_key.columns] if table.primary_key is not None else []
    keys += [uc.columns for uc in table.unique_constraints]
    keys += [tuple(el.expression for el in ix.elements) for ix in table.indexes
             if ix.unique and ix.where is None and all(el.is_column for el in ix.elements)]
    return any(set(key) == wanted for key in keys)


def why_unbuildable(models: s.Snapshot, database: s.Snapshot, gaps: OpclassGaps,
                    schema: str, table: s.Table, record: object) -> str | None:
    """Why PostgreSQL would refuse to create ``record`` (an index or a foreign key of the
    models' ``table``), or None."""
    if isinstance(record, s.Index):
        label = f"index {record.name or '(unnamed)'} on {schema}.{table.name}"
        if not record.elements:
            return f"the {label} names no column: CREATE INDEX needs at least one"
        types = {c.name: c.type for c in table.columns}
        for el in record.elements:
            pair = (types.get(el.expression, ""), record.method)
            if el.is_column and el.opclass is None and pair in gaps:
                return (f"the {label} uses {record.method} on column {el.expression} of type "
                        f"{pair[0]}, which has no default operator class for {record.method}: "
                        "name one in the model (postgresql_ops)")
        return None
    if isinstance(record, s.ForeignKey):
        for side in (models, database):
            sch = side.schema(record.referred_schema)
            target = sch.table(record.referred_table) if sch is not None else None
            if target is not None:
                break
        if _covered(target, record.referred_columns):
            return None
        return (f"the foreign key {schema}.{table.name}({', '.join(record.columns)}) refers to "
                f"{record.referred_schema}.{record.referred_table}"
                f"({', '.join(record.referred_columns)}), which no primary key or unique "
                "constraint covers: PostgreSQL refuses it; make those columns unique or refer "
                "to a key")
    return None


def guard_steps(models: s.Snapshot, database: s.Snapshot, gaps: OpclassGaps,
                finding: Finding, steps: list[Step]) -> list[Step]:
    """``steps``, each that would create what PostgreSQL refuses made a manual step."""
    out = []
    for st in steps:
        table = _models_table(models, st.schema, st.table)
        why = None
        if st.kind is not StepKind.MANUAL and table is not None and st.record is not None \
                and finding.mismatch.models is not None:
            why = why_unbuildable(models, database, gaps, st.schema, table, st.record)
        if why is None:
            out.append(st)
            continue
        record = st.record
        name = record.columns[0] if isinstance(record, s.ForeignKey) else record.name
        note = f"{why}{_where(table, name) if table is not None else ''}"
        out.append(dataclasses.replace(
            st, kind=StepKind.MANUAL, op=None, reverse=None, finding_id=finding.id,
            path=finding.mismatch.path, note=note, hazards=(Hazard(HazardKind.MANUAL, note),),
            new_table_fk=False))
    return out


def _models_table(models: s.Snapshot, schema: str, name: str | None) -> s.Table | None:
    sch = models.schema(schema)
    return sch.table(name) if sch is not None and name is not None else None
