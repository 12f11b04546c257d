"""drift plan end to end: revisions per phase, run by Alembic on a scratch database, converge."""

from __future__ import annotations

from pathlib import Path

from test_plan_fixtures import (
    LIVE_SQL,
    SCHEMAS,
    example_classification,
    init_migrations,
)

from drift.plan import PlanOptions, build_plan, measure
from drift.plan.revision_writer import write_revisions
from drift.plan.run import PlanOutcome
from drift.plan.verify import verify_plan
from drift.render.plan_summary import render_plan_summary
from drift.sources.database.connection import read_only_connection


def test_example_plan_converges(run_sql, database_url: str, tmp_path: Path) -> None:
    run_sql(LIVE_SQL)
    classification, models, database = example_classification(database_url)
    findings = classification.findings
    draft = build_plan(findings, classification.phases, models, database)
    with read_only_connection(database_url) as conn:
        stats = measure(conn, draft.steps, SCHEMAS)
    plan = build_plan(findings, classification.phases, models, database, PlanOptions(), stats)
    assert [r.key for r in plan.revisions] == ["unexpected", "phase-1", "phase-2", "phase-3"]

    migrations = init_migrations(tmp_path / "migrations")
    written = write_revisions(plan, migrations, url=database_url)
    assert len(written.revisions) == 4
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, SCHEMAS, scratch_url=database_url,
                         downgrade=True)
    assert report.rebuild_differences == ()
    assert report.converged, report
    assert [r.left_disabled for r in report.revisions] == [1, 2, 2, 2]
    # PostgreSQL cannot drop an enum label: the one irreversible step of the plan
    assert report.downgrade_ran
    assert report.downgrade_irreversible == ("enum public.mood values (differs)",)
    assert report.downgrade_differences == ()  # nothing else: it converges


def test_a_revision_that_misses_a_step_does_not_converge(run_sql, database_url: str,
                                                         tmp_path: Path) -> None:
    run_sql(LIVE_SQL)
    classification, models, database = example_classification(database_url)
    plan = build_plan(classification.findings, classification.phases, models, database,
                      PlanOptions(phase=1))
    migrations = init_migrations(tmp_path / "migrations")
    written = write_revisions(plan, migrations)
    [revision] = written.revisions
    # a person "fixes" the revision by deleting the new column: the plan no longer converges
    text = revision.path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "op.add_column('teams', sa.Column('founded'"
             not in line]
    assert len(lines) == len(text.splitlines()) - 1
    revision.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = verify_plan(plan, (revision.rev_id,), written.start, migrations, database, models,
                         SCHEMAS, scratch_url=database_url)
    assert not report.converged
    assert report.revisions[0].unresolved == ("column public.teams.founded (only_in_models)",)
    outcome = PlanOutcome(plan, written, migrations, report)
    assert outcome.exit_code == 1
    assert "NOT converged: unresolved: column public.teams.founded" in render_plan_summary(outcome)


def test_a_later_plan_chains_onto_the_head_and_verifies_from_it(run_sql, database_url: str,
                                                                tmp_path: Path) -> None:
    run_sql(LIVE_SQL)
    classification, models, database = example_classification(database_url)
    migrations = init_migrations(tmp_path / "migrations")
    first = write_revisions(build_plan(classification.findings, classification.phases, models,
                                       database, PlanOptions(phase=1)), migrations)
    later = build_plan(classification.findings, classification.phases, models, database,
                       PlanOptions(phase=3))
    second = write_revisions(later, migrations)
    assert second.start == first.revisions[0].rev_id
    # the scratch copy is stamped at the first revision: only the new one runs
    report = verify_plan(later, (second.revisions[0].rev_id,), second.start, migrations,
                         database, models, SCHEMAS, scratch_url=database_url, downgrade=True)
    assert report.converged, report
    assert report.revisions[0].resolved == len(later.revisions[0].converging_ids) > 0
    assert report.downgrade_ran and report.downgrade_differences == ()
