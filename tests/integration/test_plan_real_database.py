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
