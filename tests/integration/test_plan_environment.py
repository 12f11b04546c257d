"""The repository's own Alembic environment (alembic.ini + migrations/) runs drift's revisions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from drift.demo import demo_sql, import_example_models
from drift.plan import plan_result
from drift.plan.revision_writer import write_revisions
from drift.plan.verify import verify_plan
from drift.sources.database.connection import read_only_connection
from drift.sources.scratch import execute_script

REPO = Path(__file__).resolve().parents[2]


def copy_environment(tmp_path: Path) -> Path:
    """alembic.ini and migrations/ as in the repository, with an empty versions folder."""
    shutil.copy(REPO / "alembic.ini", tmp_path / "alembic.ini")
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        shutil.copy(REPO / "migrations" / name, tmp_path / "migrations" / name)
    return tmp_path / "migrations"


def test_repository_environment_plans_and_upgrades_from_the_command_line(
    database_url: str, pg_server: object, tmp_path: Path
) -> None:
    from drift.api import CheckConfig, run_check

    import_example_models(REPO)
    execute_script(database_url, demo_sql())
    result = run_check(CheckConfig(url=database_url, models=("models",)))
    with read_only_connection(database_url) as conn:
        # with the live catalog's facts (a view reads a retyped column)
        plan = plan_result(result, conn=conn)
    migrations = copy_environment(tmp_path)
    written = write_revisions(plan, migrations, url=database_url)
    [revision] = written.revisions
    assert "drift: unexpected drift" in revision.path.read_text(encoding="utf-8")
    report = verify_plan(plan, (revision.rev_id,), None, migrations, result.database,
                         result.models, ("public", "quantum"), scratch_url=database_url)
    assert report.converged, report

    # `alembic upgrade head` itself, as a person would run it, on a copy of the live schema
    scratch = pg_server.create_database()  # type: ignore[attr-defined]
    scratch_url = pg_server.url(scratch)  # type: ignore[attr-defined]
    try:
        execute_script(scratch_url, demo_sql())
        env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(tmp_path / "alembic.ini"),
             "-x", f"url={scratch_url}", "upgrade", "head"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert f"Running upgrade  -> {revision.rev_id}" in done.stderr
    finally:
        pg_server.drop_database(scratch)  # type: ignore[attr-defined]
