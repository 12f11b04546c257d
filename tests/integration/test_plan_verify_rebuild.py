"""`drift plan --verify` rebuilds what the live schema's tables need: a user-defined
collation (the embedded server has no ICU: libc ones, as old projects made them, one with a
name that needs quotes); what it cannot
rebuild is a MANUAL line of the summary, not a failed run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from plan_case import init_migrations

from drift.cli.commands import main

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "people", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.Text(collation="bytewise")),
    sa.Column("nickname", sa.Text(collation="Posix Order")),
    sa.Column("phone", sa.Text),  # new: the plan's one revision adds it
)
'''

LIVE = """
CREATE COLLATION bytewise (provider = libc, lc_collate = 'C', lc_ctype = 'C');
CREATE COLLATION "Posix Order" FROM "POSIX";
CREATE TABLE people (id integer PRIMARY KEY, email text COLLATE bytewise,
                     nickname text COLLATE "Posix Order");
"""

# a column of a composite type: drift's rebuild has no step that creates the type
COMPOSITE = """
CREATE TYPE money_pair AS (amount numeric, currency text);
CREATE TABLE wallets (id integer PRIMARY KEY, balance money_pair);
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "rebuild_models.py").write_text(MODELS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    init_migrations(tmp_path / "migrations")
    return tmp_path


def plan(database_url: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [
        "plan", "--url", database_url, "--models", "rebuild_models:metadata",
        "--schema", "public", "--verify", "--scratch-url", database_url, "--downgrade"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout + result.stderr


def test_user_defined_collations_are_rebuilt(run_sql, database_url: str,
                                             project: Path) -> None:
    run_sql(LIVE)
    status, out = plan(database_url)
    assert status == 0, out
    assert "Verdict: converged" in out
    assert "differs from the live one" not in out
    [revision] = (project / "migrations" / "versions").glob("*.py")
    assert "phone" in revision.read_text(encoding="utf-8")


def test_what_cannot_be_rebuilt_is_a_manual_line(run_sql, database_url: str,
                                                 project: Path) -> None:
    run_sql(LIVE + COMPOSITE)
    status, out = plan(database_url)
    assert status == 0, out
    assert ('MANUAL: the scratch copy lacks column public.wallets.balance: type '
            '"public.money_pair" does not exist; check it by hand') in out
    assert "Verdict: converged" in out
