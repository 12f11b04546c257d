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


# quotes, backslashes, %, triple quotes, newlines, non-ASCII, ":name", a 63-byte multibyte name
HOSTILE_SCHEMA = "it's \\ 100% :s"
HOSTILE_TABLES = ['t"""\nopen("pwned", "w")\n"""', "é" * 31 + "t",
                  "o'brien\\'); open('pwned', 'w') #"]
HOSTILE_COLUMN = "c'''%s\r\nx\u2028"
HOSTILE_CHECK = "ck') or open('pwned','w') #"
HOSTILE_COMMENT = "'''\"\"\" \\x00 %(x)s\nopen('pwned', 'w')"


def test_hostile_names_are_planned_verified_and_downgraded(
        run_sql, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drift.plan.revision_gate import check_revision

    monkeypatch.chdir(tmp_path)
    schema = quote_ident(HOSTILE_SCHEMA).replace("%", "%%")
    old = quote_ident(HOSTILE_TABLES[2]).replace("%", "%%")
    run_sql(f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.{old} (id integer PRIMARY KEY);")
    md = sa.MetaData()
    for name in HOSTILE_TABLES[:2]:
        sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column(HOSTILE_COLUMN, sa.Integer, unique=True, comment=HOSTILE_COMMENT),
                 sa.CheckConstraint(f"{quote_ident(HOSTILE_COLUMN)} > 0", name=HOSTILE_CHECK),
                 schema=HOSTILE_SCHEMA, comment=HOSTILE_COMMENT)
    sa.Table(HOSTILE_TABLES[2], md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column(HOSTILE_COLUMN, sa.Text, comment=HOSTILE_COMMENT),
             schema=HOSTILE_SCHEMA, comment=HOSTILE_COMMENT)
    sa.Table(HOSTILE_TABLES[2], md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column(HOSTILE_COLUMN, sa.Text), schema="public")
    case = plan_case(database_url, md, ("public", HOSTILE_SCHEMA),
                     init_migrations(tmp_path / "migrations"))
    for written, source in zip(case.written.revisions, case.sources(), strict=True):
        check_revision(source, written.path.name)
        for name in (HOSTILE_SCHEMA, *HOSTILE_TABLES, HOSTILE_COLUMN, HOSTILE_CHECK):
            assert repr(name) in source
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()
    assert not (tmp_path / "pwned").exists()


def test_an_unconfirmed_rename_is_marked_as_data_loss_in_the_revision(
        run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql("CREATE TABLE t (id integer PRIMARY KEY, old_name text)")
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("new_name", sa.Text))
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"),
                     PlanOptions(allow_destructive=True))
    [source] = case.sources()
    upgrade = source.split("def downgrade")[0].splitlines()
    add = next(i for i, line in enumerate(upgrade) if "op.add_column('t'" in line)
    drop = next(i for i, line in enumerate(upgrade) if "op.drop_column('t', 'old_name'" in line)
    for at in (add, drop):
        assert any(line.strip().startswith("# HAZARD (data_loss): possibly renamed")
                   for line in upgrade[at - 3:at]), upgrade
    assert case.report.converged, case.report
