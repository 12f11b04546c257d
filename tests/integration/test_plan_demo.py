"""The example database of `drift demo`: one revision per phase, run by Alembic, converging."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

from drift.api import CheckConfig, run_check
from drift.demo import demo_sql, import_example_models
from drift.demo.plan import demo_plan
from drift.plan import PlanOptions
from drift.plan.run import run_plan
from drift.render.plan_summary import render_plan_summary
from drift.sources.scratch import execute_script

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def example(database_url: str) -> object:
    import_example_models(REPO)
    execute_script(database_url, demo_sql())
    with resources.as_file(resources.files("drift.demo").joinpath("expectations.yaml")) as plan:
        return run_check(CheckConfig(url=database_url, models=("models",), expectations=plan))


def test_example_database_plan_verify_converges(example: object, database_url: str,
                                                tmp_path: Path) -> None:
    from drift.api import CheckResult
    from drift.sources.migrations.env_runner import init_environment

    assert isinstance(example, CheckResult)
    migrations = init_environment(tmp_path / "migrations")
    outcome = run_plan(example, migrations, PlanOptions(), verify=True,
                       scratch_url=database_url, downgrade=True)
    summary = render_plan_summary(outcome)
    phases = [p.number for p in example.classification.phases]
    assert [r.key for r in outcome.plan.revisions] == ["unexpected"] + [
        f"phase-{n}" for n in phases]
    report = outcome.report
    assert report is not None
    assert report.rebuild_differences == (), summary
    assert report.converged, summary
    assert all(r.converged for r in report.revisions), summary
    # what remains after the last phase: only what the plan leaves on purpose
    assert report.revisions[-1].left_disabled > 0
    assert report.downgrade_ran and report.downgrade_error is None, summary
    for w in outcome.written.revisions:
        ast.parse(w.path.read_text(encoding="utf-8"))
    assert outcome.exit_code == 0


def test_demo_plan_writes_the_four_phases_beside_the_report(example: object, database_url: str,
                                                            tmp_path: Path) -> None:
    from drift.api import CheckResult

    assert isinstance(example, CheckResult)
    said: list[str] = []
    outcome = demo_plan(example, tmp_path / "demo", database_url, said.append)
    assert len(list((tmp_path / "demo" / "migrations" / "versions").glob("*.py"))) == 4
    assert (tmp_path / "demo" / "plan.md").read_text(encoding="utf-8").startswith("## drift plan")
    assert outcome.exit_code == 0
    assert "demo: Verdict: converged" in said
    assert any(line.startswith("demo: - drift phase 4: long term: converged") for line in said)


def test_a_second_demo_plan_replaces_its_own_revisions(example: object, database_url: str,
                                                       tmp_path: Path) -> None:
    from drift.api import CheckResult

    assert isinstance(example, CheckResult)
    versions = tmp_path / "demo" / "migrations" / "versions"
    first = demo_plan(example, tmp_path / "demo", database_url, lambda _: None)
    assert (tmp_path / "demo" / "migrations" / ".drift-demo").is_file()
    # the demo database is new each run: the same phases again, not stacked on the first ones
    second = demo_plan(example, tmp_path / "demo", database_url, lambda _: None)
    assert len(list(versions.glob("*.py"))) == 4
    assert {w.path.name for w in second.written.revisions} == {
        p.name for p in versions.glob("*.py")}
    assert second.written.start is None and second.exit_code == 0
    assert not any(w.path.exists() for w in first.written.revisions)


def test_demo_plan_refuses_a_migrations_folder_it_did_not_create(example: object,
                                                                 database_url: str,
                                                                 tmp_path: Path) -> None:
    from drift.api import CheckResult
    from drift.errors import DriftError
    from drift.sources.migrations.env_runner import init_environment

    assert isinstance(example, CheckResult)
    mine = init_environment(tmp_path / "demo" / "migrations")
    (mine / "versions" / "0001_mine.py").write_text("# a user's revision\n", encoding="utf-8")
    before = sorted(p.relative_to(mine) for p in mine.rglob("*"))
    with pytest.raises(DriftError, match="was not created by drift demo"):
        demo_plan(example, tmp_path / "demo", database_url, lambda _: None)
    assert sorted(p.relative_to(mine) for p in mine.rglob("*")) == before
    assert (mine / "versions" / "0001_mine.py").read_text(encoding="utf-8") == \
        "# a user's revision\n"
