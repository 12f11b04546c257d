"""`drift plan --allow-destructive --verify --downgrade`: the downgrade must give back the
schema before the upgrade, compared with drift's comparator; any difference is "does NOT
converge", listed as findings."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from drift.plan import PlanOptions
from drift.plan.verify import RevisionVerdict, VerifyReport
from drift.render.plan_summary import verify_lines
from tests.integration.plan_case import init_migrations, plan_case

LIVE = """
CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE leagues (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE fixtures (
    id integer PRIMARY KEY,
    league_id integer NOT NULL REFERENCES leagues (id) ON DELETE CASCADE,
    home_id integer REFERENCES teams (id)
);
CREATE INDEX fixtures_league_idx ON fixtures (league_id);
"""


def test_dropped_tables_come_back_with_their_foreign_keys(database_url: str, run_sql,
                                                          tmp_path: Path) -> None:
    run_sql(LIVE)
    md = sa.MetaData()
    sa.Table("teams", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("name", sa.Text, nullable=False))
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"),
                     PlanOptions(allow_destructive=True))
    assert case.report.downgrade_ran
    assert case.report.downgrade_differences == ()
    assert case.report.converged


def test_a_downgrade_that_does_not_give_the_schema_back_does_not_converge() -> None:
    revision = RevisionVerdict("unexpected", "drift: unexpected drift", "abc", 2, (), (), 0)
    report = VerifyReport("scratch", (), (revision,), downgrade_ran=True,
                          downgrade_differences=(
                              "foreign_key public.fixtures.fixtures_league_id_fkey "
                              "(only_in_database)",))
    assert not report.converged
    lines = verify_lines(report)
    assert lines[-1] == "Verdict: does NOT converge"
    assert "foreign_key public.fixtures.fixtures_league_id_fkey (only_in_database)" in (
        "\n".join(lines))
