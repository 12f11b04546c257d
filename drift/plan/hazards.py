"""What a step risks on a live database, known from its kind (never from rendered text).

Sizes come from the catalog: ``pg_class.reltuples`` (an estimate kept by
ANALYZE; -1 when never analysed) for every table a step touches, and, for SET
NOT NULL, the number of NULLs actually held (a read-only count). Steps on
tables created in the same plan carry no hazard: those tables are empty.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic.operations import ops

from drift import schema as s
from drift.plan import ddl
from drift.plan.steps import Hazard, HazardKind, Step, StepKind
from drift.sources.database.sql import query

TableKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class TableStats:
    rows: dict[TableKey, float] = field(default_factory=dict)  # reltuples; -1: never analysed
    nulls: dict[tuple[str, str, str], int] = field(default_factory=dict)
    # (schema, table, column) -> the views reading it: they block a type change
    views: dict[tuple[str, str, str], tuple[TableKey, ...]] = field(default_factory=dict)
    # (column type, index method) pairs with no default operator class (plan.buildable)
    opclass_gaps: frozenset[tuple[str, str]] = frozenset()

    def size(self, schema: str, table: str | None) -> str:
        rows = self.rows.get((schema, table or ""))
        if rows is None:
            return "size unknown"
        if rows < 0:
            return "never analysed, size unknown"
        n = int(rows)
        return f"~{n:,} {'row' if n == 1 else 'rows'} by the catalog's estimate"


def measure(conn: sa.Connection, steps: Iterable[Step], schemas: Iterable[str]) -> TableStats:
    """Row estimates for the schemas' tables and NULL counts for the columns made NOT NULL.

    ``conn`` is a ``read_only_connection`` to the live database.
    """
    steps = list(steps)
    stats = TableStats()
    wanted = {"schemas": sorted(set(schemas))}
    for nsp, rel, tuples in conn.execute(query("row_estimates"), wanted):
        stats.rows[(nsp, rel)] = float(tuples)
    for nsp, rel, col, vnsp, view in conn.execute(query("view_dependencies"), wanted):
        key = (nsp, rel, col)
        stats.views[key] = (*stats.views.get(key, ()), (vnsp, view))
    targets: dict[TableKey, set[str]] = {}
    for st in steps:
        if st.kind is StepKind.SET_NOT_NULL and st.table and st.column \
                and (st.schema, st.table) in stats.rows:
            targets.setdefault((st.schema, st.table), set()).add(st.column)
    for (schema, table), columns in sorted(targets.items()):
        cols = sorted(columns)
        # one scan per table: count(*) FILTER (WHERE col IS NULL) per column
        select = sa.select(*(sa.func.count().filter(sa.column(c).is_(None)) for c in cols)
                           ).select_from(sa.table(table, schema=schema))
        try:
            # a savepoint: a count that times out leaves the counts unknown, not the plan
            with conn.begin_nested():
                row = conn.execute(select).one()
        except sa.exc.DBAPIError:
            continue
        for c, n in zip(cols, row, strict=True):
            stats.nulls[(schema, table, c)] = int(n)
    return stats


# ---------------------------------------------------------------- rules by step kind

# binary-coercible changes PostgreSQL makes without a rewrite
_VARCHAR = re.compile(r"^character varying(?:\((\d+)\))?$")
_NUMERIC = re.compile(r"^numeric(?:\((\d+),(\d+)\))?$")
_INT_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8}


def _type_change(old: str, new: str) -> tuple[bool, bool]:
    """(rewrites the table, may lose data) for a column type change."""
    vo, vn = _VARCHAR.match(old), _VARCHAR.match(new)
    if (vo or old == "text") and (vn or new == "text"):
        lo, ln = vo.group(1) if vo else None, vn.group(1) if vn else None
        widening = ln is None or (lo is not None and int(ln) >= int(lo))
        # a shorter limit makes PostgreSQL check every value: it rewrites the table
        return not widening, not widening
    no, nn = _NUMERIC.match(old), _NUMERIC.match(new)
    if no and nn:
        if nn.group(1) is None:
            return False, False
        if no.group(1) is None:
            return True, True
        po, so, pn, sn = map(int, (*no.groups(), *nn.groups()))
        return not (so == sn and pn >= po), pn - sn < po - so or sn < so
    if old in _INT_WIDTH and new in _INT_WIDTH:
        return True, _INT_WIDTH[new] < _INT_WIDTH[old]
    return True, True


_VOLATILE = re.compile(r"\b(random|gen_random_uuid|uuid_generate_v\d|clock_timestamp|nextval|"
                       r"timeofday)\s*\(", re.I)


Rule = Callable[[Step, TableStats], list[Hazard]]


def _rewrite(step: Step, stats: TableStats) -> list[Hazard]:
    old, new = _type_of(step)
    rewrite, loss = _type_change(old, new)
    where = f"{step.table!r}.{step.column!r}"
    out = []
    if rewrite:
        out.append(Hazard(HazardKind.REWRITE, f"changing the type of {where} from {old!r} to "
                          f"{new!r} rewrites the table under an ACCESS EXCLUSIVE lock "
                          f"({stats.size(step.schema, step.table)})"))
    if loss:
        out.append(Hazard(HazardKind.DATA_LOSS, f"{old!r} -> {new!r} may not hold every value "
                          f"of {where} (the cast fails or truncates)"))
    return out


def _type_of(step: Step) -> tuple[str, str]:
    record = step.record
    assert isinstance(record, tuple)
    return record


def _set_not_null(step: Step, stats: TableStats) -> list[Hazard]:
    where = f"{step.table!r}.{step.column!r}"
    out = [Hazard(HazardKind.LOCK, f"SET NOT NULL on {where} scans the table under an ACCESS "
                  f"EXCLUSIVE lock ({stats.size(step.schema, step.table)}); on a large table add "
                  "CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL")]
    nulls = stats.nulls.get((step.schema, step.table or "", step.column or ""))
    if nulls:
        out.append(Hazard(HazardKind.NULLS_PRESENT, f"{where} holds {nulls:,} NULL(s): SET NOT "
                          "NULL fails until they are filled"))
    return out


def _add_column(step: Step, stats: TableStats) -> list[Hazard]:
    column = step.record
    if not isinstance(column, s.Column):
        return []
    where = f"{step.table!r}.{column.name!r}"
    out = []
    if column.identity or column.serial or (column.default and _VOLATILE.search(column.default)):
        out.append(Hazard(HazardKind.REWRITE, f"adding {where} with a volatile default rewrites "
                          f"the table under an ACCESS EXCLUSIVE lock "
                          f"({stats.size(step.schema, step.table)})"))
    rows = stats.rows.get((step.schema, step.table or ""), 0)
    if not column.nullable and column.default is None and not (column.identity or column.serial) \
            and rows != 0:
        out.append(Hazard(HazardKind.NULLS_PRESENT, f"{where} is NOT NULL without a default: "
                          "adding it fails if the table has rows"))
    return out


def _create_index(step: Step, stats: TableStats) -> list[Hazard]:
    assert isinstance(step.op, ops.CreateIndexOp)
    concurrent = ops.CreateIndexOp(step.op.index_name, step.op.table_name, step.op.columns,
                                   schema=step.op.schema, unique=step.op.unique,
                                   **{**step.op.kw, "postgresql_concurrently": True})
    return [Hazard(HazardKind.INDEX_NOT_CONCURRENT,
                   f"CREATE INDEX on {step.table!r} blocks writes while it builds "
                   f"({stats.size(step.schema, step.table)})", (concurrent,),
                   "the concurrent form, which must run outside the transaction")]


def _create_fk(step: Step, stats: TableStats) -> list[Hazard]:
    assert isinstance(step.op, ops.CreateForeignKeyOp)
    op = step.op
    not_valid = ops.CreateForeignKeyOp(op.constraint_name, op.source_table, op.referent_table,
                                       op.local_cols, op.remote_cols,
                                       **{**op.kw, "postgresql_not_valid": True})
    validate = ddl.validate_constraint(step.schema, step.table or "", str(op.constraint_name))
    return [Hazard(HazardKind.FOREIGN_KEY_VALIDATION,
                   f"the foreign key on {step.table!r} is validated in one step, holding a "
                   f"SHARE ROW EXCLUSIVE lock while it scans "
                   f"({stats.size(step.schema, step.table)})", (not_valid, validate),
                   "add it NOT VALID, then VALIDATE it (in a later transaction)")]


def _locks(what: str) -> Rule:
    def rule(step: Step, stats: TableStats) -> list[Hazard]:
        return [Hazard(HazardKind.LOCK, f"{what} on {step.table!r} holds an ACCESS EXCLUSIVE "
                       f"lock while it scans ({stats.size(step.schema, step.table)})")]
    return rule


def _data_loss(what: str) -> Rule:
    def rule(step: Step, stats: TableStats) -> list[Hazard]:
        size = f" ({stats.size(step.schema, step.table)})" if step.table else ""
        target = ".".join(repr(p) for p in (step.schema, step.table, step.column) if p)
        return [Hazard(HazardKind.DATA_LOSS, f"{what} {target} loses its data{size}")]
    return rule


RULES: dict[StepKind, Rule] = {
    StepKind.ALTER_COLUMN_TYPE: _rewrite,
    StepKind.SET_NOT_NULL: _set_not_null,
    StepKind.ADD_COLUMN: _add_column,
    StepKind.CREATE_INDEX: _create_index,
    StepKind.CREATE_FOREIGN_KEY: _create_fk,
    StepKind.CREATE_PRIMARY_KEY: _locks("adding the primary key"),
    StepKind.CREATE_UNIQUE: _locks("adding the unique constraint"),
    StepKind.CREATE_CHECK: _locks("adding the check constraint"),
    StepKind.DROP_TABLE: _data_loss("dropping the table"),
    StepKind.DROP_COLUMN: _data_loss("dropping the column"),
}
# steps whose object has no data of its own still lose data when it is dropped
_ALWAYS = {StepKind.DROP_TABLE, StepKind.DROP_COLUMN}


def assess(steps: Iterable[Step], stats: TableStats, new_tables: set[TableKey]) -> list[Step]:
    """The steps with their hazards added (steps on tables created by the plan have none)."""
    out = []
    for st in steps:
        rule = RULES.get(st.kind)
        fresh = (st.schema, st.table or "") in new_tables and st.kind not in _ALWAYS
        if rule is None or fresh or st.op is None:
            out.append(st)
            continue
        out.append(dataclasses.replace(st, hazards=st.hazards + tuple(rule(st, stats))))
    return out
