"""Revisions that run on the real database: names, expressions, indexes as PostgreSQL has them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from plan_case import init_migrations, plan_case

from drift.plan import PlanOptions


def test_percent_and_colon_in_names_reach_postgresql_as_they_are(run_sql, database_url: str,
                                                                 tmp_path: Path) -> None:
    # run_sql passes the text to psycopg2 with (empty) parameters: % is written %%
    run_sql("""CREATE TABLE "p%%" (id integer PRIMARY KEY, "v%%s" integer, ":w" integer);
               CREATE SEQUENCE "q%%d";""")
    md = sa.MetaData()
    sa.Sequence("q%d", metadata=md, increment=5, schema="public")
    sa.Table("p%", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("v%s", sa.BigInteger), sa.Column(":w", sa.BigInteger))
    sa.Table("n%", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             schema="s%")
    sa.Sequence("r%(x)s", metadata=md, schema="s%")
    # op.execute() runs its text as sa.text(), which reads ":x" as a bind parameter
    sa.Table(":c", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             schema=":s")
    case = plan_case(database_url, md, ("public", "s%", ":s"),
                     init_migrations(tmp_path / "migrations"))
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


CONVENTION = ('sqlalchemy.MetaData(naming_convention={'
              '"ix": "ix_%(column_0_label)s", '
              '"uq": "uq_%(table_name)s_%(column_0_name)s", '
              '"ck": "ck_%(table_name)s_%(constraint_name)s", '
              '"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", '
              '"pk": "pk_%(table_name)s"})')


def test_a_naming_convention_in_env_py_does_not_rename_existing_names(
        run_sql, database_url: str, tmp_path: Path) -> None:
    # a project whose older tables predate its naming convention (PostgreSQL's own names)
    run_sql("""CREATE TABLE parent (id integer PRIMARY KEY);
               CREATE TABLE t (id integer PRIMARY KEY, x integer CHECK (x > 0),
                               code text UNIQUE, parent_id integer REFERENCES parent (id));
               CREATE INDEX t_code_idx ON t (code);""")
    md = eval(CONVENTION, {"sqlalchemy": sa})  # the models share env.py's convention
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("x", sa.Integer), sa.Column("code", sa.Text),
             sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")),
             sa.CheckConstraint("x >= 0", name="x_not_negative"),
             sa.Index(None, "x"))
    sa.Table("fresh", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("t_id", sa.Integer, sa.ForeignKey("t.id"), unique=True),
             sa.CheckConstraint("id > 0", name="positive"))
    migrations = init_migrations(tmp_path / "migrations", target_metadata=CONVENTION)
    case = plan_case(database_url, md, ("public",), migrations,
                     PlanOptions(allow_destructive=True))
    [source] = case.sources()
    assert "op.drop_constraint(op.f('t_x_check')" in source
    assert "op.drop_index(op.f('t_code_idx')" in source
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


# expressions as the models write them and as PostgreSQL deparses them: one of each rewrite
# the normaliser makes (drift/sqlexpr), over the columns of EXPRESSION_TABLE
EXPRESSIONS = [
    "COALESCE(a, b)", "greatest(a, b)", "least(a, 1)", "nullif(a, 0)", "lower(name)",
    "position('x' in name)", "substring(name from 2 for 3)", "trim(name)",
    "trim(leading 'x' from name)", "extract(year from at)", "at::date", "name || 'x'",
    "a between 1 and 5", "name like 'a%'", "name not ilike 'a%'", "a in (1, 2)",
    "a not in (1, 2)", "(a = ANY (ARRAY[1, 2]))", "(a <> ALL (ARRAY[1, 2]))",
    "CASE WHEN a > 0 THEN 1 ELSE 0 END", "CASE a WHEN 1 THEN 'one' END", "left(name, 2)",
    "date_trunc('day', at)", '"Mixed" + 1', "a is not null", "not (a > 1)", "-a",
    "current_date", "tags[1]", "row(a, b)", "a is distinct from b", "(name)::text = 'x'::text",
    "upper((name)::text)", "a % 2", "a ^ 2", "(a + b) * 2", "at > now()",
    "CURRENT_TIMESTAMP", "transaction_timestamp()", "localtimestamp", "current_user",
    "'5'::integer + a", "a = -1", "name ~ '^x'", "tags @> ARRAY['x']", "(a)::numeric(10,2)",
    "lower(name) = 'x' AND (a > 0 OR b IS NULL)", "at > now() - interval '1 day'",
    "(a)::text = '1'", "at::date = current_date", "name::varchar(3)",
]
EXPRESSION_TABLE = ('CREATE TABLE e (a integer, b integer, name text, at timestamptz, '
                    'tags text[], "Mixed" integer)')


def test_each_canonical_expression_runs_on_postgresql(run_sql, engine: sa.Engine) -> None:
    from drift.normalize.canonical import canonical_expression

    run_sql(EXPRESSION_TABLE)
    failed = []
    with engine.connect() as conn:
        for text in EXPRESSIONS:
            canonical = canonical_expression(text)
            try:
                with conn.begin_nested():
                    conn.exec_driver_sql(f"SELECT {canonical} FROM e".replace("%", "%%"))
            except sa.exc.DBAPIError as exc:
                failed.append(f"{text} -> {canonical}: {str(exc.orig).splitlines()[0]}")
    assert failed == []


def test_an_expression_index_on_coalesce_is_created_as_postgresql_accepts_it(
        run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql("CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer, name text)")
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), sa.Column("name", sa.Text),
             sa.Index("ix_t_ab", sa.func.coalesce(sa.column("a"), sa.column("b"))),
             sa.Index("ix_t_n", sa.func.nullif(sa.func.lower(sa.column("name")), "")),
             sa.CheckConstraint("greatest(a, b) < 100", name="ck_t_small"))
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"))
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


LONG_TABLE = "é" * 31 + "t"  # 63 bytes, 32 characters
LONG_COLUMN = "ß" * 30 + "c"  # 61 bytes


def test_names_of_a_63_byte_multibyte_table_are_truncated_as_postgresql_does(
        run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql("CREATE TABLE parent (id integer PRIMARY KEY)")
    md = sa.MetaData()
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table(LONG_TABLE, md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column(LONG_COLUMN, sa.Integer, sa.ForeignKey("parent.id"), unique=True),
             sa.CheckConstraint(f'"{LONG_COLUMN}" > 0'))
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"))
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


def test_a_recreated_index_keeps_operator_class_order_include_and_where(
        run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql("""CREATE TABLE t (id integer PRIMARY KEY, name text, code text, at integer);
               CREATE INDEX ix_t_name ON t (name text_pattern_ops DESC NULLS LAST)
                   INCLUDE (at) WHERE at > 0;
               CREATE INDEX ix_t_lower ON t (lower(name) text_pattern_ops, code DESC)
                   WHERE code IS NOT NULL;""")
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("name", sa.Text), sa.Column("code", sa.Text),
                 sa.Column("at", sa.Integer))
    # differs from the live index in its predicate only: dropped and created again
    sa.Index("ix_t_name", t.c.name.desc().nulls_last(), postgresql_include=["at"],
             postgresql_where=t.c.at > 1, postgresql_ops={"name": "text_pattern_ops"})
    # not declared: dropped, and the downgrade creates it again from the live definition
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"),
                     PlanOptions(allow_destructive=True))
    assert "text_pattern_ops" in case.sources()[0]
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


def test_a_view_two_steps_depend_on_is_dropped_once(run_sql, database_url: str,
                                                    tmp_path: Path) -> None:
    from plan_case import plan_measured

    run_sql("""CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer);
               CREATE TABLE u (id integer PRIMARY KEY, c integer);
               CREATE VIEW v AS SELECT t.a, t.b, u.c FROM t JOIN u ON u.id = t.id;""")
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("a", sa.BigInteger), sa.Column("b", sa.BigInteger))
    sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("c", sa.BigInteger))
    # the view is not declared: its drop is planned too (enabled), and the type changes need it
    case = plan_measured(database_url, md, ("public",), init_migrations(tmp_path / "migrations"),
                         PlanOptions(allow_destructive=True))
    [source] = case.sources()
    upgrade = source.split("def downgrade")[0]
    assert upgrade.count('DROP VIEW "public"."v"') == 1, upgrade
    assert case.report.converged, case.report
