"""Renames the user confirms (--rename, the expectations file's `renames:`) move the data."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from click.testing import CliRunner
from plan_case import init_migrations

from drift.cli.commands import main

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("full_name", sa.Text, nullable=False),
)
sa.Table(
    "invoice_lines", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("amount", sa.Numeric(10, 2)),
)
'''

LIVE = """
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
CREATE TABLE lines (id integer PRIMARY KEY, amount numeric(10, 2));
INSERT INTO lines VALUES (7, 12.50);
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "rename_models.py").write_text(MODELS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    init_migrations(tmp_path / "migrations")
    return tmp_path


def _plan(url: str, *extra: str) -> tuple[int, str]:
    args = ["plan", "--url", url, "--models", "rename_models:metadata", "--schema", "public",
            "--verify", "--scratch-url", url, "--downgrade", *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def _upgrade(project: Path, url: str, target: str = "head") -> None:
    cfg = Config(str(project / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(project / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if target == "head":
        command.upgrade(cfg, target)
    else:
        command.downgrade(cfg, target)


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def _check_moved(project: Path, url: str) -> None:
    [revision] = (project / "migrations" / "versions").glob("*.py")
    source = revision.read_text(encoding="utf-8")
    assert "new_column_name='full_name'" in source
    assert "op.rename_table('lines', 'invoice_lines'" in source
    _upgrade(project, url)  # the test's database stands in for the scratch one here
    assert _rows(url, "SELECT id, full_name FROM customers ORDER BY id") == [(1, "Ada"),
                                                                          (2, "Grace")]
    assert _rows(url, "SELECT id, amount::text FROM invoice_lines") == [(7, "12.50")]
    _upgrade(project, url, "base")
    assert _rows(url, "SELECT name FROM customers ORDER BY id") == [("Ada",), ("Grace",)]
    assert _rows(url, "SELECT count(*) FROM lines") == [(1,)]


def test_renames_given_on_the_command_line_keep_the_rows(run_sql, database_url: str,
                                                         project: Path) -> None:
    run_sql(LIVE)
    code, output = _plan(database_url, "--rename", "public.customers.name=full_name",
                         "--rename", "public.lines=invoice_lines")
    assert code == 0, output
    assert "Verdict: converged" in output
    _check_moved(project, database_url)


def test_renames_of_the_expectations_file_keep_the_rows(run_sql, database_url: str,
                                                        project: Path) -> None:
    run_sql(LIVE)
    (project / "expectations.yaml").write_text(
        "renames:\n"
        "  - {from: public.customers.name, to: public.customers.full_name}\n"
        "  - {from: public.lines, to: public.invoice_lines}\n"
        "expected: []\n", encoding="utf-8")
    code, output = _plan(database_url, "--expectations", "expectations.yaml")
    assert code == 0, output
    assert "Verdict: converged" in output
    _check_moved(project, database_url)


def test_a_rename_that_matches_no_pair_of_findings_is_refused(run_sql, database_url: str,
                                                              project: Path) -> None:
    run_sql(LIVE)
    code, output = _plan(database_url, "--rename", "public.customers.nme=full_name")
    assert code == 2, output
    assert "public.customers.nme" in output
    assert list((project / "migrations" / "versions").glob("*.py")) == []


def test_without_a_confirmed_rename_the_hint_is_a_data_loss_hazard(
        run_sql, database_url: str, project: Path) -> None:
    run_sql(LIVE)
    code, output = _plan(database_url, "--allow-destructive")
    [revision] = (project / "migrations" / "versions").glob("*.py")
    source = revision.read_text(encoding="utf-8")
    assert "HAZARD (data_loss)" in source and "possibly renamed" in source
    assert "new_column_name" not in source


@pytest.mark.parametrize("given", ["public.customers.name", "customers=full_name",
                                   "public.customers.=x"])
def test_a_malformed_rename_is_a_one_line_error(database_url: str, project: Path,
                                                given: str) -> None:
    code, output = _plan(database_url, "--rename", given)
    assert code == 2, output
    assert output.count("\n") == 1 and "expected schema.table.old=new" in output
