"""The models read in the project's own Python: drift runs from its own environment and the
probe imports the models in the project's interpreter (another Python, SQLAlchemy 1.4, none
of drift's dependencies), with the cache keyed by what that import read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects.environments import importable, oldest_python, project_environment
from tests.projects.helpers import copy_project, project_env

LEGACY_SCHEMA = (Path(__file__).parents[1] / "projects" / "legacy14" / "schema.sql").read_text()
TYPED_SCHEMA = (Path(__file__).parents[1] / "projects" / "typed20" / "schema.sql").read_text()


@pytest.fixture(scope="module")
def sa14() -> Path:
    """A project environment pinned below SQLAlchemy 2.0, on the oldest Python found."""
    return project_environment(oldest_python(), "SQLAlchemy==1.4.54")


@pytest.fixture(scope="module")
def sa2_only() -> Path:
    """A project environment with SQLAlchemy 2.0 (the last series for Python 3.9) and
    nothing else of drift's dependencies."""
    return project_environment(oldest_python(), "SQLAlchemy>=2.0,<2.1")


def drift(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """drift as installed in its own environment, run in the project's folder."""
    environ = {**project_env(), **env}
    environ.pop("VIRTUAL_ENV", None)  # no active environment: what the test names is used
    return subprocess.run([sys.executable, "-m", "drift", *args], cwd=project, env=environ,
                          capture_output=True, text=True, timeout=300)


def findings(run: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str, str | None]]:
    report = json.loads(run.stdout)
    return sorted((m["object_type"], m["path"], m["change"], m["attribute"])
                  for m in report["mismatches"])


def cached_sqlalchemy(project: Path) -> set[str]:
    """The SQLAlchemy versions the models' cache entries were declared with."""
    versions = set()
    for entry in (project / ".drift_cache").glob("models-*.json"):
        for variant in json.loads(entry.read_text()).get("variants", ()):
            versions.add(variant["inputs"]["sqlalchemy"])
    return versions


def test_models_of_sqlalchemy_1_4_in_the_projects_python(tmp_path: Path, database_url: str,
                                                          run_sql, sa14: Path) -> None:
    python = str(sa14 / "bin" / "python")
    assert not importable(sa14, "jinja2")  # drift itself could not run there
    project = copy_project("legacy14", tmp_path)
    run_sql(LEGACY_SCHEMA)
    pristine = drift(project, "check", "--python", python, "--url", database_url,
                     "--format", "json")
    assert pristine.returncode == 0, pristine.stderr
    assert findings(pristine) == []
    assert cached_sqlalchemy(project) == {"1.4.54"}

    run_sql("DROP INDEX ix_tickets_open_by_customer;"
            "ALTER TABLE customers ALTER COLUMN is_vip SET DEFAULT true;"
            "ALTER TABLE tickets ALTER COLUMN status DROP DEFAULT")
    for extra in ((), ("--no-cache",)):
        changed = drift(project, "check", "--python", python, "--url", database_url,
                        "--format", "json", *extra)
        assert changed.returncode == 1, changed.stderr
        assert findings(changed) == [
            ("column", "public.customers.is_vip", "differs", "default"),
            ("column", "public.tickets.status", "differs", "default"),
            ("index", "public.tickets.ix_tickets_open_by_customer", "only_in_models", None),
        ]


def test_a_project_environment_without_drifts_dependencies(tmp_path: Path, database_url: str,
                                                           run_sql, sa2_only: Path) -> None:
    for module in ("jinja2", "click", "alembic", "yaml", "psycopg2"):
        assert not importable(sa2_only, module), module
    project = copy_project("typed20", tmp_path)
    (project / ".venv").symlink_to(sa2_only)  # found beside pyproject.toml, no --python
    run_sql(TYPED_SCHEMA)
    pristine = drift(project, "check", "--url", database_url, "--format", "json")
    assert pristine.returncode == 0, pristine.stderr
    assert findings(pristine) == []
    [version] = cached_sqlalchemy(project)
    assert version.startswith("2.0.")

    run_sql("ALTER TABLE accounts ALTER COLUMN currency SET DEFAULT 'USD';"
            "ALTER TABLE invoices ALTER COLUMN note TYPE varchar(500);"
            "DROP TABLE audit_log")
    changed = drift(project, "check", "--url", database_url, "--format", "json")
    assert changed.returncode == 1, changed.stderr
    assert findings(changed) == [
        ("column", "public.accounts.currency", "differs", "default"),
        ("column", "public.invoices.note", "differs", "type"),
        ("table", "public.audit_log", "only_in_models", None),
    ]


def test_flask_sqlalchemy_models_in_the_projects_python(tmp_path: Path, database_url: str,
                                                        run_sql) -> None:
    """Flask-SQLAlchemy 2's ``db.Model`` on SQLAlchemy 1.4: ``blog.models:db.Model``."""
    env = project_environment(oldest_python(), "SQLAlchemy==1.4.54", "Flask<2.3",
                              "Flask-SQLAlchemy<3")
    project = copy_project("flask14", tmp_path)
    run_sql((project / "schema.sql").read_text())
    python = str(env / "bin" / "python")
    pristine = drift(project, "check", "--python", python, "--url", database_url,
                     "--format", "json")
    assert pristine.returncode == 0, pristine.stderr
    assert findings(pristine) == []
    run_sql("ALTER TABLE posts DROP COLUMN published_at")
    changed = drift(project, "check", "--python", python, "--url", database_url,
                    "--format", "json")
    assert changed.returncode == 1, changed.stderr
    assert findings(changed) == [
        ("column", "public.posts.published_at", "only_in_models", None),
        ("index", "public.posts.ix_posts_published", "only_in_models", None),
    ]


@pytest.mark.parametrize("interpreter", ["drift's own", "the project's"])
def test_a_variable_the_models_read_gives_two_right_answers_both_warm(
        interpreter: str, tmp_path: Path, pg_server, sa14: Path) -> None:
    """The models take their schema from TICKETS_SCHEMA: each value is its own answer, and
    each is served from the cache once it was declared."""
    python = ("--python", str(sa14 / "bin" / "python")) if interpreter == "the project's" else ()
    project = copy_project("legacy14", tmp_path)
    public, tenant = pg_server.create_database(), pg_server.create_database()
    try:
        from drift.sources.scratch import execute_script

        execute_script(pg_server.url(public), LEGACY_SCHEMA)
        # the tenant's schema, built by the same script, has lost its partial index
        execute_script(pg_server.url(tenant), "CREATE SCHEMA tenant_a; SET search_path = tenant_a;"
                       + LEGACY_SCHEMA + "DROP INDEX tenant_a.ix_tickets_open_by_customer")
        runs = {
            "": (pg_server.url(public), 0, []),
            "tenant_a": (pg_server.url(tenant), 1, [
                ("index", "tenant_a.tickets.ix_tickets_open_by_customer", "only_in_models",
                 None)]),
        }
        for round_ in ("cold", "warm", "no cache"):
            for value, (url, status, expected) in runs.items():
                env = {"TICKETS_SCHEMA": value} if value else {}
                extra = ("--no-cache",) if round_ == "no cache" else ()
                text = drift(project, "check", *python, "--url", url, *extra, **env)
                assert text.returncode == status, (round_, value, text.stderr)
                assert ("(from the cache)" in text.stdout) == (round_ == "warm"), text.stdout
                run = drift(project, "check", *python, "--url", url, "--format", "json",
                            *extra, **env)
                assert findings(run) == expected, (round_, value)
    finally:
        pg_server.drop_database(public)
        pg_server.drop_database(tenant)


def test_sqlalchemy_older_than_1_4_is_one_line(tmp_path: Path) -> None:
    old = project_environment(oldest_python(), "SQLAlchemy==1.3.24")
    project = copy_project("legacy14", tmp_path)
    run = drift(project, "check", "--python", str(old / "bin" / "python"),
                "--snapshot", str(tmp_path / "unused.json"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"drift: error: SQLAlchemy 1.3.24 in {old / 'bin' / 'python'}: drift reads models of "
        "SQLAlchemy 1.4 or newer"]


def _timeless(text: str) -> str:
    """An output without its timings: the run's timestamp and durations."""
    text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?( ?UTC|Z|[+-]\d\d:\d\d)?",
                  "<time>", text)
    return re.sub(r"\d+(\.\d+)? ?(ms|s)\b", "<duration>", text)


@pytest.mark.parametrize("interpreter", ["drift's own", "the project's"])
def test_a_warm_runs_outputs_are_a_cold_runs(interpreter: str, tmp_path: Path,
                                             database_url: str, run_sql, sa14: Path) -> None:
    """SARIF, HTML and JSON of a run that read the models from the cache equal those of the
    run that imported them, source locations included."""
    python = str(sa14 / "bin" / "python") if interpreter == "the project's" else sys.executable
    project = copy_project("legacy14", tmp_path)
    run_sql(LEGACY_SCHEMA + "ALTER TABLE customers ALTER COLUMN is_vip SET DEFAULT true;"
            "DROP INDEX ix_tickets_open_by_customer")
    outputs, entries = {}, {}
    for round_ in ("cold", "warm"):
        sarif = drift(project, "check", "--python", python, "--url", database_url,
                      "--format", "sarif")
        assert sarif.returncode == 1, sarif.stderr
        report = drift(project, "report", "--python", python, "--url", database_url,
                       "--output-dir", f"reports-{round_}", "--date", "2026-03-02")
        assert report.returncode == 1, report.stderr
        folder = project / f"reports-{round_}" / "2026-03-02"
        outputs[round_] = {
            "sarif": sarif.stdout,
            "html": (folder / "drift.html").read_text(),
            "json": (folder / "drift.json").read_text(),
        }
        # the warm round reads the models from the cache: it writes no entry of its own
        entries[round_] = {p.name: p.stat().st_mtime_ns
                           for p in (project / ".drift_cache").glob("models-*.json")}
    assert entries["warm"] == entries["cold"] and entries["cold"]
    for kind in ("sarif", "html", "json"):
        assert _timeless(outputs["warm"][kind]) == _timeless(outputs["cold"][kind]), kind
    models = (project / "legacy_app" / "models.py").read_text().splitlines()
    results = json.loads(outputs["warm"]["sarif"])["runs"][0]["results"]
    where = {r["properties"]["path"]: r["locations"][0]["physicalLocation"] for r in results}
    assert {path: (w["artifactLocation"]["uri"], models[w["region"]["startLine"] - 1].strip())
            for path, w in where.items()} == {
        "public.customers.is_vip": (
            "legacy_app/models.py",
            'is_vip = Column(Boolean, nullable=False, server_default=text("false"))'),
        "public.tickets.ix_tickets_open_by_customer": (
            "legacy_app/models.py", 'Index("ix_tickets_open_by_customer", "customer_id",'),
    }
    assert "legacy_app/models.py:33" in outputs["warm"]["html"]  # class Customer


def test_the_probe_in_a_missing_or_old_interpreter_is_one_line(tmp_path: Path) -> None:
    project = copy_project("legacy14", tmp_path)
    missing = drift(project, "check", "--python", str(tmp_path / "nope" / "python"),
                    "--snapshot", str(tmp_path / "unused.json"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"drift: error: --python {tmp_path / 'nope' / 'python'}: no such Python interpreter"]
