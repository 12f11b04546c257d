"""The planner's hazards, each stated word for word, and the type-change rule checked
against PostgreSQL itself: a table is rewritten when its relfilenode changes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from drift import schema as s
from drift.plan.hazards import TableStats, _type_change, assess, measure
from drift.plan.steps import Hazard, HazardKind, Step, StepKind
from drift.sources.database.connection import read_only_connection

# (old type, new type, may lose data): the loss is stated by hand, the rewrite is PostgreSQL's
TYPE_CHANGES = [
    ("character varying(20)", "character varying(50)", False),
    ("character varying(50)", "character varying(20)", True),
    ("character varying(20)", "text", False),
    ("character varying(20)", "character varying", False),
    ("character varying", "character varying(20)", True),
    ("character varying", "text", False),
    ("text", "character varying(20)", True),
    ("text", "character varying", False),
    ("numeric(6,2)", "numeric(8,2)", False),
    ("numeric(6,2)", "numeric(10,4)", False),
    ("numeric(8,2)", "numeric(8,3)", True),
    ("numeric(8,2)", "numeric(9,3)", False),
    ("numeric(8,3)", "numeric(6,2)", True),
    ("numeric(8,2)", "numeric(7,1)", True),
    ("numeric(6,2)", "numeric", False),
    ("numeric", "numeric(10,2)", True),
    ("smallint", "integer", False),
    ("integer", "bigint", False),
    ("bigint", "integer", True),
    ("integer", "smallint", True),
    ("double precision", "numeric(12,2)", True),
    ("text", "integer", True),
]


@pytest.mark.parametrize(("old", "new", "may_lose"), TYPE_CHANGES,
                         ids=[f"{o} -> {n}" for o, n, _ in TYPE_CHANGES])
def test_a_type_change_rewrites_exactly_when_postgresql_does(
        engine: sa.Engine, old: str, new: str, may_lose: bool) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE t (c {old})"))
        conn.execute(sa.text("INSERT INTO t VALUES ('12')"))
        before = conn.execute(sa.text("SELECT pg_relation_filenode('t')")).scalar_one()
        conn.execute(sa.text(f"ALTER TABLE t ALTER COLUMN c TYPE {new} USING c::{new}"))
        after = conn.execute(sa.text("SELECT pg_relation_filenode('t')")).scalar_one()
    assert _type_change(old, new) == (before != after, may_lose)


@pytest.mark.parametrize(("rows", "words"), [
    (None, "size unknown"),
    (-1.0, "never analysed, size unknown"),
    (0.0, "~0 rows by the catalog's estimate"),
    (1.0, "~1 row by the catalog's estimate"),
    (1234567.0, "~1,234,567 rows by the catalog's estimate"),
])
def test_the_size_of_a_table_in_words(rows: float | None, words: str) -> None:
    stats = TableStats(rows={} if rows is None else {("billing", "orders"): rows})
    assert stats.size("billing", "orders") == words


BIG = TableStats(rows={("billing", "orders"): 1234567.0},
                 nulls={("billing", "orders", "note"): 1200})
SIZE = "~1,234,567 rows by the catalog's estimate"


def _hazards(step: Step, stats: TableStats = BIG, new_tables: set[tuple[str, str]] | None = None
             ) -> tuple[Hazard, ...]:
    [assessed] = assess([step], stats, new_tables or set())
    return assessed.hazards


def _alter_type(old: str, new: str) -> Step:
    return Step(StepKind.ALTER_COLUMN_TYPE, ops.AlterColumnOp("orders", "total", schema="billing"),
                None, "billing", "orders", "total", record=(old, new))


def test_a_type_change_that_rewrites_and_may_lose_data() -> None:
    assert _hazards(_alter_type("bigint", "integer")) == (
        Hazard(HazardKind.REWRITE, "changing the type of 'orders'.'total' from 'bigint' to "
               f"'integer' rewrites the table under an ACCESS EXCLUSIVE lock ({SIZE})"),
        Hazard(HazardKind.DATA_LOSS, "'bigint' -> 'integer' may not hold every value of "
               "'orders'.'total' (the cast fails or truncates)"),
    )


def test_a_widening_type_change_has_no_hazard() -> None:
    assert _hazards(_alter_type("character varying(20)", "text")) == ()


def _set_not_null(column: str) -> Step:
    return Step(StepKind.SET_NOT_NULL, ops.AlterColumnOp("orders", column, schema="billing"),
                None, "billing", "orders", column)


def test_set_not_null_on_a_column_holding_nulls() -> None:
    assert _hazards(_set_not_null("note")) == (
        Hazard(HazardKind.LOCK, "SET NOT NULL on 'orders'.'note' scans the table under an ACCESS "
               f"EXCLUSIVE lock ({SIZE}); on a large table add CHECK (col IS NOT NULL) NOT "
               "VALID, VALIDATE it, then SET NOT NULL"),
        Hazard(HazardKind.NULLS_PRESENT, "'orders'.'note' holds 1,200 NULL(s): SET NOT NULL "
               "fails until they are filled"),
    )


def test_set_not_null_on_a_column_without_nulls_only_locks() -> None:
    assert [h.kind for h in _hazards(_set_not_null("total"))] == [HazardKind.LOCK]


def _add_column(column: s.Column, rows: float = 1234567.0) -> Step:
    return Step(StepKind.ADD_COLUMN, ops.AddColumnOp("orders", sa.Column(column.name, sa.Text),
                                                     schema="billing"),
                None, "billing", "orders", column.name, record=column)


@pytest.mark.parametrize("column", [
    s.Column("code", "uuid", default="gen_random_uuid()"),
    s.Column("code", "integer", nullable=False, identity="always"),
    s.Column("code", "integer", nullable=False, serial=True),
], ids=["volatile default", "identity", "serial"])
def test_adding_a_column_with_a_volatile_default_rewrites(column: s.Column) -> None:
    assert _hazards(_add_column(column)) == (
        Hazard(HazardKind.REWRITE, "adding 'orders'.'code' with a volatile default rewrites the "
               f"table under an ACCESS EXCLUSIVE lock ({SIZE})"),)


@pytest.mark.parametrize(("column", "rows", "fails"), [
    (s.Column("code", "text", nullable=False), 1234567.0, True),
    (s.Column("code", "text", nullable=False), -1.0, True),  # never analysed: maybe rows
    (s.Column("code", "text", nullable=False), 0.0, False),
    # no statistics (a plan made without the live database): no row count to warn about
    (s.Column("code", "text", nullable=False), None, False),
    (s.Column("code", "text", nullable=False, default="'x'::text"), 10.0, False),
    (s.Column("code", "text"), 10.0, False),
])
def test_adding_a_not_null_column_without_a_default(column: s.Column, rows: float | None,
                                                    fails: bool) -> None:
    stats = TableStats(rows={} if rows is None else {("billing", "orders"): rows})
    expected = (Hazard(HazardKind.NULLS_PRESENT, "'orders'.'code' is NOT NULL without a "
                       "default: adding it fails if the table has rows"),)
    assert _hazards(_add_column(column), stats) == (expected if fails else ())


def test_create_index_offers_the_concurrent_form() -> None:
    op = ops.CreateIndexOp("ix_orders_total", "orders", ["total"], schema="billing", unique=True,
                           postgresql_where=sa.text("total > 0"))
    [hazard] = _hazards(Step(StepKind.CREATE_INDEX, op, None, "billing", "orders"))
    assert (hazard.kind, hazard.message, hazard.alternative_note) == (
        HazardKind.INDEX_NOT_CONCURRENT,
        f"CREATE INDEX on 'orders' blocks writes while it builds ({SIZE})",
        "the concurrent form, which must run outside the transaction")
    [concurrent] = hazard.alternative
    assert isinstance(concurrent, ops.CreateIndexOp)
    assert (concurrent.index_name, concurrent.table_name, concurrent.columns, concurrent.schema,
            concurrent.unique) == ("ix_orders_total", "orders", ["total"], "billing", True)
    assert concurrent.kw["postgresql_concurrently"] is True
    assert str(concurrent.kw["postgresql_where"]) == "total > 0"


def test_create_foreign_key_offers_not_valid_then_validate() -> None:
    op = ops.CreateForeignKeyOp("fk_orders_customer", "orders", "customers", ["customer_id"],
                                ["id"], source_schema="billing", referent_schema="crm",
                                ondelete="CASCADE")
    [hazard] = _hazards(Step(StepKind.CREATE_FOREIGN_KEY, op, None, "billing", "orders"))
    assert (hazard.kind, hazard.message, hazard.alternative_note) == (
        HazardKind.FOREIGN_KEY_VALIDATION,
        "the foreign key on 'orders' is validated in one step, holding a SHARE ROW EXCLUSIVE "
        f"lock while it scans ({SIZE})",
        "add it NOT VALID, then VALIDATE it (in a later transaction)")
    not_valid, validate = hazard.alternative
    assert isinstance(not_valid, ops.CreateForeignKeyOp)
    assert (not_valid.constraint_name, not_valid.source_table, not_valid.referent_table,
            not_valid.local_cols, not_valid.remote_cols) == (
        "fk_orders_customer", "orders", "customers", ["customer_id"], ["id"])
    assert not_valid.kw == {"source_schema": "billing", "referent_schema": "crm",
                            "ondelete": "CASCADE", "postgresql_not_valid": True}
    assert isinstance(validate, ops.ExecuteSQLOp)
    assert validate.sqltext == \
        'ALTER TABLE "billing"."orders" VALIDATE CONSTRAINT "fk_orders_customer"'


@pytest.mark.parametrize(("kind", "what"), [
    (StepKind.CREATE_PRIMARY_KEY, "adding the primary key"),
    (StepKind.CREATE_UNIQUE, "adding the unique constraint"),
    (StepKind.CREATE_CHECK, "adding the check constraint"),
])
def test_constraints_that_scan_under_a_lock(kind: StepKind, what: str) -> None:
    step = Step(kind, ops.ExecuteSQLOp("SELECT 1"), None, "billing", "orders")
    assert _hazards(step) == (Hazard(HazardKind.LOCK, f"{what} on 'orders' holds an ACCESS "
                                     f"EXCLUSIVE lock while it scans ({SIZE})"),)


def test_drops_lose_data_even_on_a_table_the_plan_creates() -> None:
    new = {("billing", "orders")}
    column = Step(StepKind.DROP_COLUMN, ops.DropColumnOp("orders", "note", schema="billing"),
                  None, "billing", "orders", "note")
    table = Step(StepKind.DROP_TABLE, ops.DropTableOp("orders", schema="billing"), None,
                 "billing", "orders")
    assert _hazards(column, new_tables=new) == (Hazard(
        HazardKind.DATA_LOSS,
        f"dropping the column 'billing'.'orders'.'note' loses its data ({SIZE})"),)
    assert _hazards(table, new_tables=new) == (Hazard(
        HazardKind.DATA_LOSS, f"dropping the table 'billing'.'orders' loses its data ({SIZE})"),)


def test_a_drop_without_a_table_names_no_size() -> None:
    from drift.plan.hazards import _data_loss

    step = Step(StepKind.DROP_TABLE, ops.ExecuteSQLOp("SELECT 1"), None, "billing")
    assert _data_loss("dropping the thing")(step, BIG) == [
        Hazard(HazardKind.DATA_LOSS, "dropping the thing 'billing' loses its data")]


def test_steps_on_a_new_table_carry_no_hazard_and_manual_steps_none() -> None:
    new = {("billing", "orders")}
    assert _hazards(_set_not_null("note"), new_tables=new) == ()
    assert _hazards(_alter_type("bigint", "integer"), new_tables=new) == ()
    manual = Step(StepKind.ALTER_COLUMN_TYPE, None, None, "billing", "orders", "total",
                  record=("bigint", "integer"))
    assert _hazards(manual) == ()
    # a table of the same name in another schema is not new
    assert [h.kind for h in _hazards(_set_not_null("note"), new_tables={("public", "orders")})] \
        == [HazardKind.LOCK, HazardKind.NULLS_PRESENT]


def test_measure_reads_sizes_nulls_and_views_of_another_schema(run_sql: Any,
                                                               database_url: str) -> None:
    run_sql("""
        CREATE SCHEMA billing;
        CREATE TABLE billing.orders (id int, note text, code text, total int);
        INSERT INTO billing.orders SELECT g, CASE WHEN mod(g, 4) = 0 THEN NULL ELSE 'n' END,
            CASE WHEN mod(g, 5) = 0 THEN NULL ELSE 'c' END, g FROM generate_series(1, 20) g;
        CREATE TABLE public.orders (id int, note text);
        INSERT INTO public.orders VALUES (1, NULL);
        ANALYZE billing.orders;
        CREATE VIEW billing.totals AS SELECT id, total FROM billing.orders;
        CREATE VIEW public.notes AS SELECT note FROM billing.orders;
        CREATE VIEW public.summary AS SELECT note, total FROM billing.orders;
    """)
    steps = [_set_not_null("note"), _set_not_null("code"), _set_not_null("id"),
             Step(StepKind.SET_NOT_NULL, ops.AlterColumnOp("orders", "note"), None, "public",
                  "orders", "note")]
    with read_only_connection(database_url) as conn:
        stats = measure(conn, steps, ["billing"])
    assert stats.rows == {("billing", "orders"): 20.0}
    # public.orders is not in the schemas measured: its NULLs are not counted
    assert stats.nulls == {("billing", "orders", "code"): 4, ("billing", "orders", "id"): 0,
                           ("billing", "orders", "note"): 5}
    assert stats.views == {
        ("billing", "orders", "id"): (("billing", "totals"),),
        ("billing", "orders", "note"): (("public", "notes"), ("public", "summary")),
        ("billing", "orders", "total"): (("billing", "totals"), ("public", "summary")),
    }
