"""The demo's migration plan: the phase revisions of the example database, written
into an Alembic environment of the demo's own under its output folder, and verified."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from drift.errors import DriftError
from drift.files import write_atomic
from drift.plan import PlanOptions
from drift.plan.run import PlanOutcome, run_plan
from drift.render.plan_summary import render_plan_summary, verify_lines
from drift.result import CheckResult
from drift.sources.migrations.env_runner import init_environment

DEMO_MARKER = ".drift-demo"


def demo_migrations(output_dir: Path) -> Path:
    """Where the demo writes its revisions; refuses a folder the demo did not create."""
    migrations = output_dir / "migrations"
    if (migrations.exists() or migrations.is_symlink()) and not (
            migrations.is_dir() and not migrations.is_symlink()
            and (migrations / DEMO_MARKER).is_file()):
        raise DriftError(f"{migrations} exists and was not created by drift demo (no "
                         f"{DEMO_MARKER} file in it): move it away or choose another "
                         "--output-dir; the demo never deletes files it did not write")
    return migrations


def demo_plan(result: CheckResult, output_dir: Path, scratch_url: str,
              say: Callable[[str], None] = print) -> PlanOutcome:
    """For ``drift demo``: the phase revisions into ``output_dir/migrations``, verified.

    The demo's unexpected drift is what its check reports; the revisions are the
    planned phases only (``expected_only``). They go into an Alembic environment
    of their own under ``output_dir``, so the repository's ``migrations/`` is
    never touched. The demo database is new each run, so the environment is too:
    a folder marked as the demo's is removed and created again (else a second run
    would stack its revisions on the first ones); any other folder is refused.
    """
    migrations = demo_migrations(output_dir)
    if migrations.exists():
        shutil.rmtree(migrations)
    init_environment(migrations)
    write_atomic(migrations / DEMO_MARKER, "Created by `drift demo`, which removes this folder "
                 "and creates it again on each run.\n")
    say(f"demo: planning the phases into {migrations}")
    outcome = run_plan(result, migrations, PlanOptions(expected_only=True), verify=True,
                       scratch_url=scratch_url, downgrade=True)
    summary = output_dir / "plan.md"
    write_atomic(summary, render_plan_summary(outcome, "markdown"))
    say(f"demo: wrote {len(outcome.written.revisions)} revision(s) and {summary}")
    if outcome.report is not None:
        for line in verify_lines(outcome.report):
            say(f"demo: {line.strip()}")
    return outcome
