"""Revisions that run on the real database: names, expressions, indexes as PostgreSQL has them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from plan_case import init_migrations, plan_case


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
