"""Generated revisions are inert data: no name from a database or a model runs as code."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from plan_case import init_migrations, plan_case

from drift.errors import DriftError
from drift.plan import PlanOptions

INJECTED_TABLE = "x',__import__('os').system('touch pwned'),'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_a_comment_on_a_hostile_table_runs_no_code(run_sql, database_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_sql(f"CREATE TABLE {quote_ident(INJECTED_TABLE)} (id integer PRIMARY KEY);"
            f"CREATE TABLE described (id integer PRIMARY KEY);"
            f"COMMENT ON TABLE described IS 'old';")
    md = sa.MetaData()
    sa.Table(INJECTED_TABLE, md, sa.Column("id", sa.Integer, primary_key=True,
                                           autoincrement=False), comment="now described")
    sa.Table("described", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"))
    [source] = case.sources()
    assert "create_table_comment(" in source and "drop_table_comment(" in source
    assert repr(INJECTED_TABLE) in source
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()
    assert not (tmp_path / "pwned").exists()


def test_quotes_in_table_and_schema_names_of_comment_operations(
        run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql("""CREATE SCHEMA "it's";
               CREATE TABLE "it's"."o'brien" (id integer PRIMARY KEY);
               CREATE TABLE "it's"."d'arcy" (id integer PRIMARY KEY);
               COMMENT ON TABLE "it's"."d'arcy" IS 'to drop';""")
    md = sa.MetaData()
    sa.Table("o'brien", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             schema="it's", comment="it's a comment")
    sa.Table("d'arcy", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             schema="it's")
    case = plan_case(database_url, md, ("it's",), init_migrations(tmp_path / "migrations"),
                     PlanOptions())
    for source in case.sources():
        compile(source, "revision", "exec")
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()


def test_a_revision_the_gate_rejects_is_not_written(run_sql, database_url: str,
                                                    tmp_path: Path) -> None:
    run_sql("CREATE TABLE t (id integer PRIMARY KEY)")
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("name", sa.Text))
    migrations = init_migrations(tmp_path / "migrations")
    # a template that makes every revision run code when it is loaded
    mako = migrations / "script.py.mako"
    mako.write_text(mako.read_text(encoding="utf-8") + "\nprint('loaded')\n", encoding="utf-8")
    with pytest.raises(DriftError, match="bug in drift, nothing was written"):
        plan_case(database_url, md, ("public",), migrations)
    assert list((migrations / "versions").iterdir()) == []
