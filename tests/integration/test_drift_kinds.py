"""Every kind of drift, end to end: raw SQL database, SQLAlchemy models, reflect, declare, compare.

Each case is tiny: a table ``k`` (the target of foreign keys) exists on both
sides, then the case adds its SQL to the database and its tables to the
models. The findings' (object_type, change, attribute, path) must be exactly
the expected ones, no more (no false positives), no fewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from drift.compare import compare_snapshots
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

M, D, X = "only_in_models", "only_in_database", "differs"
Row = tuple[str, str, str | None, str]


@dataclass(frozen=True)
class Case:
    name: str
    db: str
    models: Callable[[sa.MetaData], object]
    expected: list[Row]
    schemas: tuple[str, ...] = ("public",)


def pk() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)


def t(*columns: sa.Column[object] | sa.Constraint | sa.Index, **kw: object
      ) -> Callable[[sa.MetaData], sa.Table]:
    """Models: table ``t`` with the primary key ``id`` and these columns/constraints."""
    return lambda md: sa.Table("t", md, pk(), *columns, **kw)  # type: ignore[arg-type]


def a(type_: object = sa.Integer, *args: object, **kw: object) -> sa.Column[object]:
    return sa.Column("a", type_, *args, **kw)  # type: ignore[arg-type]


def b(type_: object = sa.Integer, *args: object, **kw: object) -> sa.Column[object]:
    return sa.Column("b", type_, *args, **kw)  # type: ignore[arg-type]


def nothing(md: sa.MetaData) -> None:
    return None


T = "CREATE TABLE t (id integer PRIMARY KEY"
TA = T + ", a integer"
TAB = TA + ", b integer"

CASES = [
    # ------------------------------------------------------------ tables and schemas
    Case("table only in models", "", t(), [("table", M, None, "public.t")]),
    Case("table only in database", T + ");", nothing, [("table", D, None, "public.t")]),
    Case("table comment differs", T + "); COMMENT ON TABLE t IS 'old';", t(comment="new"),
         [("table", X, "comment", "public.t")]),
    Case("declared table is a view", "CREATE VIEW t AS SELECT 1 AS id;", t(),
         [("table", X, "kind", "public.t")]),
    Case("declared table is a materialized view", "CREATE MATERIALIZED VIEW t AS SELECT 1 AS id;",
         t(), [("table", X, "kind", "public.t")]),
    Case("table partitioning differs",
         "CREATE TABLE t (id integer, at date) PARTITION BY RANGE (at);",
         lambda md: sa.Table("t", md, sa.Column("id", sa.Integer), sa.Column("at", sa.Date)),
         [("table", X, "partitioned_by", "public.t")]),
    Case("view only in database", "CREATE VIEW v AS SELECT 1 AS x;", nothing,
         [("view", D, None, "public.v")]),
    Case("schema only in models", "",
         lambda md: sa.Table("q", md, pk(), schema="quantum"),
         [("schema", M, None, "quantum"), ("table", M, None, "quantum.q")],
         schemas=("public", "quantum")),
    Case("schema only in database", "CREATE SCHEMA legacy; CREATE TABLE legacy.l (id integer);",
         nothing, [("schema", D, None, "legacy"), ("table", D, None, "legacy.l")],
         schemas=("public", "legacy")),
    # ------------------------------------------------------------ columns
    Case("column only in models", T + ");", t(a()), [("column", M, None, "public.t.a")]),
    Case("column only in database", TA + ");", t(), [("column", D, None, "public.t.a")]),
    Case("column type differs", T + ", a text);", t(a(sa.String(20))),
         [("column", X, "type", "public.t.a")]),
    Case("column nullable differs", TA + ");", t(a(nullable=False)),
         [("column", X, "nullable", "public.t.a")]),
    Case("column default differs", TA + " DEFAULT 1);", t(a(server_default="2")),
         [("column", X, "default", "public.t.a")]),
    Case("column serial in models, plain in database", "CREATE TABLE t (id integer PRIMARY KEY);",
         lambda md: sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True)),
         [("column", X, "default", "public.t.id")]),
    Case("column identity differs", TA + " GENERATED ALWAYS AS IDENTITY);",
         t(a(sa.Integer, sa.Identity(always=False))),
         [("column", X, "identity", "public.t.a")]),
    Case("column computed differs", TAB + " GENERATED ALWAYS AS (a * 2) STORED);",
         t(a(), b(sa.Integer, sa.Computed("a * 3"))),
         [("column", X, "computed", "public.t.b")]),
    Case("column comment differs", TA + "); COMMENT ON COLUMN t.a IS 'old';",
         t(a(comment="new")), [("column", X, "comment", "public.t.a")]),
    Case("column collation differs", T + ', a text COLLATE "C");', t(a(sa.Text())),
         [("column", X, "collation", "public.t.a")]),
    # ------------------------------------------------------------ primary keys
    Case("primary key only in models", "CREATE TABLE t (id integer NOT NULL);", t(),
         [("primary_key", M, None, "public.t.t_pkey")]),
    Case("primary key only in database", T + ");",
         lambda md: sa.Table("t", md, sa.Column("id", sa.Integer, nullable=False)),
         [("primary_key", D, None, "public.t.t_pkey")]),
    Case("primary key columns differ",
         "CREATE TABLE t (id integer, a integer, PRIMARY KEY (id, a));", t(a(nullable=False)),
         [("primary_key", X, "columns", "public.t.t_pkey")]),
    # ------------------------------------------------------------ foreign keys
    Case("foreign key only in models", TA + ");", t(a(sa.Integer, sa.ForeignKey("k.id"))),
         [("foreign_key", M, None, "public.t.t_a_fkey")]),
    Case("foreign key only in database", TA + " REFERENCES k (id));", t(a()),
         [("foreign_key", D, None, "public.t.t_a_fkey")]),
    Case("foreign key on_delete differs", TA + " REFERENCES k (id));",
         t(a(sa.Integer, sa.ForeignKey("k.id", ondelete="CASCADE"))),
         [("foreign_key", X, "on_delete", "public.t.t_a_fkey")]),
    Case("foreign key on_update differs", TA + " REFERENCES k (id) ON UPDATE CASCADE);",
         t(a(sa.Integer, sa.ForeignKey("k.id"))),
         [("foreign_key", X, "on_update", "public.t.t_a_fkey")]),
    Case("foreign key deferrable differs", TA + " REFERENCES k (id));",
         t(a(sa.Integer, sa.ForeignKey("k.id", deferrable=True, initially="DEFERRED"))),
         [("foreign_key", X, "deferrable", "public.t.t_a_fkey")]),
    Case("foreign key match differs", TA + " REFERENCES k (id));",
         t(a(sa.Integer, sa.ForeignKey("k.id", match="FULL"))),
         [("foreign_key", X, "match", "public.t.t_a_fkey")]),
    Case("foreign key referred differs",
         "CREATE TABLE k2 (id integer PRIMARY KEY);" + TA + " CONSTRAINT f REFERENCES k (id));",
         lambda md: (sa.Table("k2", md, pk()),
                     t(a(sa.Integer, sa.ForeignKey("k2.id", name="f")))(md)),
         [("foreign_key", X, "referred", "public.t.f")]),
    Case("foreign key columns differ", TAB + ", CONSTRAINT f FOREIGN KEY (a) REFERENCES k (id));",
         t(a(), b(), sa.ForeignKeyConstraint(["b"], ["k.id"], name="f")),
         [("foreign_key", X, "columns", "public.t.f")]),
    # ------------------------------------------------------------ unique constraints
    Case("unique only in models", TA + ");", t(a(unique=True)),
         [("unique_constraint", M, None, "public.t.t_a_key")]),
    Case("unique only in database", TA + " UNIQUE);", t(a()),
         [("unique_constraint", D, None, "public.t.t_a_key")]),
    Case("unique columns differ", TAB + ", CONSTRAINT u UNIQUE (a));",
         t(a(), b(), sa.UniqueConstraint("a", "b", name="u")),
         [("unique_constraint", X, "columns", "public.t.u")]),
    # ------------------------------------------------------------ check constraints
    Case("check only in models", TA + ");", t(a(), sa.CheckConstraint("a > 0")),
         [("check_constraint", M, None, "public.t.t_a_check")]),
    Case("check only in database", TA + " CHECK (a > 0));", t(a()),
         [("check_constraint", D, None, "public.t.t_a_check")]),
    Case("check expression differs", TA + ", CONSTRAINT c CHECK (a > 0));",
         t(a(), sa.CheckConstraint("a > 1", name="c")),
         [("check_constraint", X, "expression", "public.t.c")]),
    # ------------------------------------------------------------ indexes
    Case("index only in models", TA + ");", t(a(), sa.Index("ix", "a")),
         [("index", M, None, "public.t.ix")]),
    Case("index only in database", TA + "); CREATE INDEX ix ON t (a);", t(a()),
         [("index", D, None, "public.t.ix")]),
    Case("index unique differs", TA + "); CREATE INDEX ix ON t (a) WHERE a > 0;",
         t(a(), sa.Index("ix", "a", unique=True, postgresql_where=sa.text("a > 0"))),
         [("index", X, "unique", "public.t.ix")]),
    Case("index where differs", TA + "); CREATE INDEX ix ON t (a) WHERE a > 0;",
         t(a(), sa.Index("ix", "a", postgresql_where=sa.text("a > 1"))),
         [("index", X, "where", "public.t.ix")]),
    Case("index method differs", TA + "); CREATE INDEX ix ON t USING hash (a);",
         t(a(), sa.Index("ix", "a")), [("index", X, "method", "public.t.ix")]),
    Case("index expressions differ", TAB + "); CREATE INDEX ix ON t (a);",
         t(a(), b(), sa.Index("ix", "b")), [("index", X, "expressions", "public.t.ix")]),
    Case("index include differs", TAB + "); CREATE INDEX ix ON t (a) INCLUDE (b);",
         t(a(), b(), sa.Index("ix", "a")), [("index", X, "include", "public.t.ix")]),
    # ------------------------------------------------------------ enums and sequences
    Case("enum only in models", T + ");", t(a(sa.Enum("x", "y", name="mood"))),
         [("column", M, None, "public.t.a"), ("enum", M, None, "public.mood")]),
    Case("enum only in database", "CREATE TYPE mood AS ENUM ('x');", nothing,
         [("enum", D, None, "public.mood")]),
    Case("enum values differ", "CREATE TYPE mood AS ENUM ('x'); " + T + ", a mood);",
         t(a(sa.Enum("x", "y", name="mood"))), [("enum", X, "values", "public.mood")]),
    Case("sequence only in models", "", lambda md: sa.Sequence("s", metadata=md),
         [("sequence", M, None, "public.s")]),
    Case("sequence only in database", "CREATE SEQUENCE s;", nothing,
         [("sequence", D, None, "public.s")]),
    Case("sequence increment differs", "CREATE SEQUENCE s;",
         lambda md: sa.Sequence("s", increment=2, metadata=md),
         [("sequence", X, "increment", "public.s")]),
    # ------------------------------------------------------------ equivalent: no drift
    Case("same table", TA + " NOT NULL DEFAULT 0);", t(a(nullable=False, server_default="0")), []),
    Case("unnamed unique matched by definition", TA + " UNIQUE);", t(a(unique=True)), []),
    Case("unique constraint = unique index", TA + "); CREATE UNIQUE INDEX ux ON t (a);",
         t(a(unique=True)), []),
    Case("unnamed check matched by definition", TA + " CHECK (a > 0));",
         t(a(), sa.CheckConstraint("a > 0")), []),
    Case("unnamed foreign key matched by definition", TA + " REFERENCES k (id));",
         t(a(sa.Integer, sa.ForeignKey("k.id"))), []),
    Case("expression index and canonical types", T + ", a text, at timestamptz DEFAULT now());"
         " CREATE INDEX ix ON t (lower(a)) WHERE at IS NOT NULL;",
         t(a(sa.Text), sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
           sa.Index("ix", sa.func.lower(sa.column("a")),
                    postgresql_where=sa.column("at").isnot(None))), []),
    Case("same partitioning", "CREATE TABLE t (id integer, at date) PARTITION BY RANGE (at);"
         " CREATE TABLE t_2026 PARTITION OF t FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
         lambda md: sa.Table("t", md, sa.Column("id", sa.Integer), sa.Column("at", sa.Date),
                             postgresql_partition_by="RANGE (at)"), []),
    Case("serial on both sides", "CREATE TABLE t (id serial PRIMARY KEY);",
         lambda md: sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True)), []),
]


def rows(found: list) -> list[Row]:  # type: ignore[type-arg]
    return sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_drift_kind(case: Case, run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    run_sql("CREATE TABLE k (id integer PRIMARY KEY);" + case.db)
    metadata = sa.MetaData()
    sa.Table("k", metadata, pk())
    case.models(metadata)
    models = declare_metadata(metadata, case.schemas)
    database = reflect_snapshot(database_url, case.schemas)
    assert rows(compare_snapshots(models, database)) == sorted(case.expected)


def test_values_severity_and_rename_hint(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    run_sql("CREATE TABLE t (id integer PRIMARY KEY, old_name varchar(20), n integer NOT NULL);")
    metadata = sa.MetaData()
    t(sa.Column("new_name", sa.String(20)), sa.Column("n", sa.BigInteger, nullable=False))(metadata)
    found = compare_snapshots(declare_metadata(metadata, ("public",)),
                              reflect_snapshot(database_url, ("public",)))
    by_path = {m.path: m for m in found}
    assert sorted(by_path) == ["public.t.n", "public.t.new_name", "public.t.old_name"]
    assert by_path["public.t.new_name"].hint == (
        "possibly renamed: database column 'old_name' has the same type"
    )
    assert by_path["public.t.old_name"].hint == (
        "possibly renamed: models column 'new_name' has the same type"
    )
    n = by_path["public.t.n"]
    assert (n.attribute, n.models, n.database, n.severity.value) == (
        "type", "bigint", "integer", "error")
    assert by_path["public.t.old_name"].severity.value == "info"
    assert by_path["public.t.new_name"].models.type == "character varying(20)"


def test_unmatched_unnamed_constraints_get_the_names_postgresql_would_give(
    run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    """Create the constraints unnamed in the database: the names it picks are our paths."""
    long_table, long_column = "t" * 40, "c" * 40
    metadata = sa.MetaData()
    sa.Table("k", metadata, pk())
    sa.Table(long_table, metadata, pk(),
             sa.Column(long_column, sa.Integer, sa.ForeignKey("k.id"), unique=True),
             sa.CheckConstraint(f"{long_column} > 0"))
    declared = declare_metadata(metadata, ("public",))
    run_sql(f"CREATE TABLE k (id integer PRIMARY KEY); CREATE TABLE {long_table} (id integer);")
    missing = compare_snapshots(declared, reflect_snapshot(database_url, ("public",)))
    before = {m.name for m in missing if m.object_type.value != "column"}
    run_sql(f"DROP TABLE {long_table}; CREATE TABLE {long_table} (id integer PRIMARY KEY, "
            f"{long_column} integer REFERENCES k (id) UNIQUE CHECK ({long_column} > 0));")
    database = reflect_snapshot(database_url, ("public",))
    table = database.schema("public").table(long_table)  # type: ignore[union-attr]
    assert table is not None
    actual = {table.primary_key.name, table.foreign_keys[0].name,  # type: ignore[union-attr]
              table.unique_constraints[0].name, table.check_constraints[0].name}
    assert before == actual
    assert compare_snapshots(declared, database) == []
