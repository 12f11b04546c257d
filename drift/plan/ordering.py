"""The order of the steps inside one revision, so that it runs.

By kind first (``StepKind`` is declared in run order): drops of changed or
unwanted keys and indexes, then schemas, enum types and sequences, tables,
column additions, alterations, keys and indexes, foreign keys last, then drops
of columns, tables, sequences, types and schemas. Within new tables, foreign-key
dependency order; a foreign key between new tables is declared inside CREATE
TABLE when the table it refers to exists by then, and added afterwards
otherwise (this is how cycles are broken). Tables are dropped in the reverse
order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from drift import schema as s
from drift.plan.objects import EnumIndex
from drift.plan.operations import create_table_op
from drift.plan.steps import Step, StepKind

TableKey = tuple[str, str]


def dependency_order(tables: dict[TableKey, tuple[TableKey, ...]]) -> list[TableKey]:
    """Referred tables before the tables referring to them; cycles in name order."""
    pending = {k: {d for d in deps if d in tables and d != k} for k, deps in tables.items()}
    order: list[TableKey] = []
    while pending:
        ready = sorted(k for k, deps in pending.items() if not deps)
        if not ready:
            # a cycle: take the first by name; its foreign keys into the cycle come later
            ready = [min(pending)]
        for k in ready:
            order.append(k)
            del pending[k]
        for deps in pending.values():
            deps.difference_update(ready)
    return order


def _sort_key(step: Step) -> tuple[str, str, str, str]:
    return (step.schema, step.table or "", step.column or "", step.path)


def order_steps(steps: Iterable[Step], enums: EnumIndex) -> list[Step]:
    steps = list(steps)
    creates = {(st.schema, st.table or ""): st for st in steps if st.kind is StepKind.CREATE_TABLE}
    create_order = dependency_order({k: st.refers_to for k, st in creates.items()})
    position = {k: i for i, k in enumerate(create_order)}
    drops = {(st.schema, st.table or ""): st for st in steps if st.kind is StepKind.DROP_TABLE}
    drop_order = dependency_order({k: st.refers_to for k, st in drops.items()})[::-1]
    drop_position = {k: i for i, k in enumerate(drop_order)}

    # a key the revision adds later cannot be referred to from inside CREATE TABLE
    keyed_later = {(st.schema, st.table or "") for st in steps if st.kind in _KEYS
                   and (st.kind is not StepKind.CREATE_INDEX or getattr(st.op, "unique", False))}
    folded: dict[TableKey, list[s.ForeignKey]] = {}
    kept: list[Step] = []
    for st in steps:
        owner = (st.schema, st.table or "")
        if st.kind is StepKind.CREATE_FOREIGN_KEY and st.new_table_fk and owner in creates \
                and _foldable(st, owner, position, keyed_later):
            folded.setdefault(owner, []).append(st.record)
            continue
        kept.append(st)

    def key(st: Step) -> tuple[int, int, tuple[str, str, str, str]]:
        table = (st.schema, st.table or "")
        within = position.get(table, 0) if st.kind is StepKind.CREATE_TABLE else (
            drop_position.get(table, 0) if st.kind is StepKind.DROP_TABLE else 0)
        return (st.kind.rank, within, _sort_key(st))

    out = []
    for st in sorted(kept, key=key):
        table = (st.schema, st.table or "")
        if st.kind is StepKind.CREATE_TABLE and table in folded:
            op = create_table_op(st.schema, st.record, enums, tuple(folded[table]))
            st = dataclasses.replace(st, op=op, reverse=op.reverse())
        out.append(st)
    return out


_KEYS = {StepKind.CREATE_PRIMARY_KEY, StepKind.CREATE_UNIQUE, StepKind.CREATE_INDEX}


def _foldable(step: Step, owner: TableKey, position: dict[TableKey, int],
              keyed_later: set[TableKey]) -> bool:
    fk = step.record
    if not isinstance(fk, s.ForeignKey) or step.disabled:
        return False
    # SQLAlchemy spells an inline reference "schema.table.column": a dotted name would be misread
    names = (fk.referred_schema, fk.referred_table, *fk.referred_columns)
    if any("." in n for n in names):
        return False
    referred = (fk.referred_schema, fk.referred_table)
    if referred in keyed_later:
        return False
    return referred not in position or position[referred] <= position[owner]
