"""``drift plan --verify`` when something fails for real, and the planner's own fallbacks.

No fault is simulated: PostgreSQL refuses a type it does not know, a role
without CREATEDB, a revision that divides by zero, a count held up by another
session's lock.
"""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects import postgresql
from test_plan_fixtures import LIVE_SQL, SCHEMAS, example_classification, init_migrations

from drift import schema as s
from drift.compare import compare_snapshots
from drift.errors import DriftError
from drift.plan import HazardKind, PlanOptions, StepKind, build_plan, measure
from drift.plan.revision_writer import write_revisions
from drift.plan.run import PlanOutcome
from drift.plan.verify import verify_plan
from drift.render.plan_summary import render_plan_summary
from drift.sources.database.connection import make_engine, parse_url, read_only_connection
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.migrations.env_runner import load_config


def _databases(admin_url: str) -> set[str]:
    engine = make_engine(admin_url)
    try:
        with engine.connect() as conn:
            return set(conn.exec_driver_sql("SELECT datname FROM pg_database").scalars())
    finally:
        engine.dispose()


def _written_plan(database_url: str, tmp_path: Path, **options: Any) -> tuple[Any, ...]:
    classification, models, database = example_classification(database_url)
    plan = build_plan(classification.findings, classification.phases, models, database,
                      PlanOptions(**options))
    migrations = init_migrations(tmp_path / "migrations")
    written = write_revisions(plan, migrations)
    return plan, written, migrations, models, database


def _break(path: Path, function: str) -> None:
    """Make a revision's upgrade() or downgrade() fail in PostgreSQL, as a bad edit would."""
    text = path.read_text(encoding="utf-8")
    head = f"def {function}() -> None:\n"
    assert text.count(head) == 1, text
    path.write_text(text.replace(head, head + '    op.execute("SELECT 1 / 0")\n'),
                    encoding="utf-8")


def test_a_failing_upgrade_stops_the_run_and_is_reported(run_sql: Any, database_url: str,
                                                         tmp_path: Path) -> None:
    run_sql(LIVE_SQL)
    plan, written, migrations, models, database = _written_plan(database_url, tmp_path)
    assert len(written.revisions) == 4
    _break(written.revisions[1].path, "upgrade")
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, SCHEMAS, scratch_url=database_url,
                         downgrade=True)
    # the first revision ran and converged; the second failed; the later two never ran
    assert [v.rev_id for v in report.revisions] == [w.rev_id for w in written.revisions[:2]]
    first, second = report.revisions
    assert first.converged
    assert second.error is not None
    assert second.error.startswith("upgrade failed: ")
    assert "division by zero" in second.error and "\n" not in second.error
    assert not report.converged
    assert report.downgrade_ran is None  # nothing to go back over after a failed run
    outcome = PlanOutcome(plan, written, migrations, report)
    assert outcome.exit_code == 1
    assert "FAILED: upgrade failed: " in render_plan_summary(outcome)


def test_a_failing_downgrade_is_reported_and_the_plan_does_not_converge(
    run_sql: Any, database_url: str, tmp_path: Path
) -> None:
    run_sql(LIVE_SQL)
    plan, written, migrations, models, database = _written_plan(database_url, tmp_path)
    _break(written.revisions[-1].path, "downgrade")
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, SCHEMAS, scratch_url=database_url,
                         downgrade=True)
    assert all(v.converged for v in report.revisions)  # every upgrade did its part
    assert report.downgrade_ran is False
    assert report.downgrade_error is not None
    assert report.downgrade_error.startswith("downgrade failed: ")
    assert "division by zero" in report.downgrade_error
    assert not report.converged
    outcome = PlanOutcome(plan, written, migrations, report)
    assert outcome.exit_code == 1
    assert "downgrade: FAILED: downgrade failed: " in render_plan_summary(outcome)


def test_what_the_scratch_server_cannot_rebuild_is_a_manual_line(
    pg_server: Any, run_sql: Any, database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved snapshot names a type that no longer exists anywhere: that column cannot be
    rebuilt, the verification says so (a MANUAL line of the summary) and goes on."""
    run_sql(LIVE_SQL)
    plan, written, migrations, models, database = _written_plan(database_url, tmp_path, phase=1)
    public = database.schema("public")
    assert public is not None
    teams = public.table("teams")
    assert teams is not None
    gone = dataclasses.replace(teams, columns=(
        *teams.columns, s.Column("grade", "public.grade_since_dropped")))
    stale = dataclasses.replace(database, schemas=tuple(
        dataclasses.replace(sch, tables=tuple(gone if t.name == "teams" else t
                                              for t in sch.tables))
        if sch.name == "public" else sch for sch in database.schemas))
    # a known scratch name, so that other tests' databases (xdist) do not blur the check
    scratch = uuid.uuid4()
    monkeypatch.setattr("drift.sources.migrations.scratch_guard.uuid.uuid4", lambda: scratch)
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, stale, models, SCHEMAS, scratch_url=pg_server.admin_url)
    assert report.not_rebuilt == (
        'column public.teams.grade: type "public.grade_since_dropped" does not exist',)
    # the rest was rebuilt and verified; the missing column is where the copy differs
    assert report.rebuild_differences == ("column public.teams.grade (only_in_models)",)
    summary = render_plan_summary(PlanOutcome(plan, written, migrations, report))
    assert ('MANUAL: the scratch copy lacks column public.teams.grade: type '
            '"public.grade_since_dropped" does not exist; check it by hand') in summary
    # the scratch database is dropped
    assert f"drift_verify_{scratch.hex[:12]}" not in _databases(pg_server.admin_url)


def test_a_scratch_server_that_refuses_a_new_database_is_one_line(
    password_role: str, run_sql: Any, database_url: str, tmp_path: Path
) -> None:
    run_sql(LIVE_SQL)
    plan, written, migrations, models, database = _written_plan(database_url, tmp_path, phase=1)
    # a role that may log in but not CREATE DATABASE, as on a shared staging server
    scratch = parse_url(database_url).set(username=password_role, password="right-password")
    with pytest.raises(DriftError) as caught:
        verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                    migrations, database, models, SCHEMAS,
                    scratch_url=scratch.render_as_string(hide_password=False))
    message = str(caught.value)
    assert message.startswith("cannot create a scratch database: ")
    assert "permission denied to create database" in message
    assert "right-password" not in message and "\n" not in message


DOMAIN_SQL = """
CREATE DOMAIN public.money_amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TABLE public.wallets (id integer PRIMARY KEY);
"""


def domain_metadata() -> sa.MetaData:
    md = sa.MetaData()
    amount = postgresql.DOMAIN("money_amount", sa.Numeric(12, 2), schema="public",
                               check="VALUE >= 0", create_type=False)
    sa.Table("wallets", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("balance", amount))
    sa.Table("payouts", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("amount", amount, nullable=False))
    return md


def test_columns_of_a_domain_are_planned_as_sql_and_converge(run_sql: Any, database_url: str,
                                                             tmp_path: Path) -> None:
    """SQLAlchemy has no type for a domain: the planner writes those columns as SQL."""
    run_sql(DOMAIN_SQL)
    classification, models, database = example_classification(database_url, domain_metadata())
    plan = build_plan(classification.findings, (), models, database)
    by_kind = {st.kind: st for st in plan.steps if st.table in ("wallets", "payouts")}
    assert set(by_kind) >= {StepKind.CREATE_TABLE, StepKind.ADD_COLUMN}
    migrations = init_migrations(tmp_path / "migrations")
    written = write_revisions(plan, migrations)
    source = "".join(w.path.read_text(encoding="utf-8") for w in written.revisions)
    assert source.count("public.money_amount") == 2  # balance, and payouts.amount
    # run by Alembic on the test's own database, which has the domain (verify's scratch
    # rebuild does not create domains, so it cannot prove this plan)
    config = load_config(migrations, database_url)
    command.upgrade(config, "head")
    after = reflect_snapshot(database_url, SCHEMAS)
    assert compare_snapshots(models, after) == []
    command.downgrade(config, "base")
    assert compare_snapshots(database, reflect_snapshot(database_url, SCHEMAS)) == []


def test_a_null_count_that_times_out_leaves_the_count_unknown(run_sql: Any, database_url: str
                                                             ) -> None:
    run_sql(LIVE_SQL + "ALTER TABLE matches ADD COLUMN referee text;"
            "INSERT INTO matches (id) VALUES (1), (2);")
    md = sa.MetaData()
    sa.Table("teams", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(20), nullable=False),
             sa.Column("legacy_code", sa.Text), sa.Column("country", sa.Text, nullable=False),
             sa.Column("mood", postgresql.ENUM("sad", "ok", name="mood", create_type=False)))
    sa.Table("matches", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("home_id", sa.Integer), sa.Column("score", sa.Integer),
             sa.Column("note", sa.Text), sa.Column("referee", sa.Text, nullable=False),
             sa.Index("ix_matches_score", "score"))
    sa.Table("old_stuff", md, sa.Column("id", sa.Integer))
    classification, models, database = example_classification(database_url, md)
    draft = build_plan(classification.findings, (), models, database)
    set_not_null = sorted((st.table, st.column) for st in draft.steps
                          if st.kind is StepKind.SET_NOT_NULL)
    assert set_not_null == [("matches", "referee"), ("teams", "country")]

    # another session holds an ACCESS EXCLUSIVE lock on matches (a migration running)
    engine = make_engine(database_url)
    lock = engine.connect()
    try:
        lock.exec_driver_sql("BEGIN")
        lock.exec_driver_sql("LOCK TABLE public.matches IN ACCESS EXCLUSIVE MODE")
        with read_only_connection(database_url) as conn:
            # short waits: the count on matches waits for the lock, then gives up
            conn.exec_driver_sql("SET LOCAL lock_timeout = 200")
            conn.exec_driver_sql("SET LOCAL statement_timeout = 2000")
            stats = measure(conn, draft.steps, SCHEMAS)
            assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1  # still usable
    finally:
        lock.exec_driver_sql("ROLLBACK")
        lock.close()
        engine.dispose()
    # matches (counted first): unknown, though both rows have no referee
    assert ("public", "matches", "referee") not in stats.nulls
    # teams, counted after the one that failed: team 'a' has no country
    assert stats.nulls[("public", "teams", "country")] == 1
    plan = build_plan(classification.findings, (), models, database, stats=stats)
    hazards = {(st.table, h.kind) for st in plan.steps if st.kind is StepKind.SET_NOT_NULL
               for h in st.hazards}
    assert hazards == {("matches", HazardKind.LOCK), ("teams", HazardKind.LOCK),
                       ("teams", HazardKind.NULLS_PRESENT)}
