"""`drift plan` on the command line: revisions per phase, verified, summary, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_plan_fixtures import LIVE_SQL, init_migrations

from drift.cli.commands import main

MODELS = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
sa.Table(
    "teams", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("mood", postgresql.ENUM("sad", "ok", name="mood", create_type=False)),
)
sa.Table(
    "matches", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("home_id", sa.Integer, sa.ForeignKey("teams.id")),
    sa.Column("score", sa.Integer),
    sa.Column("note", sa.Text),
    sa.Index("ix_matches_score", "score"),
)
'''

EXPECTATIONS = '''
phases:
  - {number: 1, name: current}
  - {number: 2, name: short term}
expected:
  - {path: "public.teams*", reason: "teams are being cleaned up", phase: 1}
  - {path: "public.matches*", reason: "matches get keys", phase: 2}
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "plan_cli_models.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "expectations.yaml").write_text(EXPECTATIONS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    init_migrations(tmp_path / "migrations")
    return tmp_path


def test_plan_verify_writes_one_revision_per_phase(run_sql, database_url: str,
                                                   project: Path) -> None:
    run_sql(LIVE_SQL)
    args = ["plan", "--url", database_url, "--models", "plan_cli_models:metadata",
            "--schema", "public", "--expectations", "expectations.yaml",
            "--verify", "--scratch-url", database_url, "--downgrade", "--summary", "plan.md"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    revisions = sorted((project / "migrations" / "versions").glob("*.py"))
    assert len(revisions) == 3  # unexpected (old_stuff), phase 1, phase 2
    assert "Verdict: converged" in result.output
    assert "drift phase 1: current: converged" in result.output
    assert "HAZARD (nulls_present)" in "".join(p.read_text() for p in revisions)
    markdown = (project / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith("## drift plan")
    assert "**Verdict: converged**" in markdown


def test_plan_of_one_phase_and_expected_only(run_sql, database_url: str, project: Path) -> None:
    run_sql(LIVE_SQL)
    args = ["plan", "--url", database_url, "--models", "plan_cli_models:metadata",
            "--schema", "public", "--expectations", "expectations.yaml", "--phase", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    [revision] = (project / "migrations" / "versions").glob("*.py")
    assert "drift phase 2" in revision.read_text(encoding="utf-8")
    assert "left out" in result.output


def test_unknown_phase_is_a_one_line_error(run_sql, database_url: str, project: Path) -> None:
    result = CliRunner().invoke(main, [
        "plan", "--url", database_url, "--models", "plan_cli_models:metadata",
        "--schema", "public", "--expectations", "expectations.yaml", "--phase", "7"])
    assert result.exit_code == 2
    assert "no such phase" in result.output
    assert list((project / "migrations" / "versions").glob("*.py")) == []


def test_manual_steps_are_reported_not_failed(run_sql, database_url: str,
                                              project: Path) -> None:
    # an enum label the models no longer declare: PostgreSQL cannot drop it, a person must
    run_sql(LIVE_SQL + "ALTER TYPE mood ADD VALUE 'angry';")
    result = CliRunner().invoke(main, [
        "plan", "--url", database_url, "--models", "plan_cli_models:metadata",
        "--schema", "public", "--expectations", "expectations.yaml",
        "--verify", "--scratch-url", database_url])
    assert result.exit_code == 0, result.output  # manual steps are reported, not failures
    assert "1 manual" in result.output
    assert "MANUAL ('public.mood')" in "".join(
        p.read_text() for p in (project / "migrations" / "versions").glob("*.py"))


def test_not_an_alembic_environment(database_url: str, project: Path) -> None:
    result = CliRunner().invoke(main, [
        "plan", "--url", database_url, "--models", "plan_cli_models:metadata",
        "--schema", "public", "--migrations", "nowhere"])
    assert result.exit_code == 2
    assert "not an Alembic environment" in result.output


def _alembic_upgrade(project: Path, url: str) -> None:
    from alembic import command

    from drift.sources.database.connection import parse_url
    from drift.sources.migrations.env_runner import load_config

    # the user's step between two plans; psycopg2 spelled out (SQLAlchemy 2.1 would pick psycopg 3)
    command.upgrade(load_config(project / "migrations",
                                parse_url(url).render_as_string(hide_password=False)), "head")


def test_a_second_plan_on_a_database_not_at_the_head_is_refused(run_sql, database_url: str,
                                                                project: Path) -> None:
    run_sql(LIVE_SQL + "UPDATE teams SET country = 'fr';")  # so that SET NOT NULL runs
    args = ["plan", "--url", database_url, "--models", "plan_cli_models:metadata",
            "--schema", "public", "--expectations", "expectations.yaml", "--phase", "1",
            "--verify", "--scratch-url", database_url]
    versions = project / "migrations" / "versions"
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    [written] = versions.glob("*.py")
    # the same command again, the database untouched: no second copy of the same steps
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2, again.output
    assert "is not stamped" in again.output and "alembic upgrade head" in again.output
    assert "converged" not in again.output
    assert list(versions.glob("*.py")) == [written]
    # upgraded to the head, the database plans the next phase on top of it
    _alembic_upgrade(project, database_url)
    phase2 = [*args[:-4], "2", "--verify", "--scratch-url", database_url]
    later = CliRunner().invoke(main, phase2)
    assert later.exit_code == 0, later.output
    assert len(list(versions.glob("*.py"))) == 2
    # the database is now one revision behind the head: refused, naming both revisions
    behind = CliRunner().invoke(main, phase2)
    assert behind.exit_code == 2, behind.output
    rev1 = written.name.split("_", 1)[0]
    assert f"is at revision {rev1} but the head of" in behind.output
    assert len(behind.output.strip().splitlines()) == 1
    assert len(list(versions.glob("*.py"))) == 2


def test_a_snapshot_plan_is_not_checked_against_the_head(run_sql, database_url: str,
                                                         project: Path) -> None:
    run_sql(LIVE_SQL)
    base = ["--models", "plan_cli_models:metadata", "--schema", "public",
            "--expectations", "expectations.yaml", "--phase", "1"]
    assert CliRunner().invoke(main, ["plan", "--url", database_url, *base]).exit_code == 0
    saved = project / "db.json"
    from drift.sources.database.reflect import reflect_snapshot

    saved.write_text(reflect_snapshot(database_url, ("public",)).to_json(), encoding="utf-8")
    # no live database to read a version from: the plan follows the head as before
    result = CliRunner().invoke(main, ["plan", "--snapshot", str(saved), *base])
    assert result.exit_code == 0, result.output
    assert len(list((project / "migrations" / "versions").glob("*.py"))) == 2
