"""Alembic environments as projects ship them, run by `drift check --migrations` and
`drift plan --verify --downgrade` with no change to the environment.

Each project starts from what `alembic init` writes (its env.py and alembic.ini,
copied from Alembic's own templates) and has the one thing its team did
differently: a history shipped inside a package (`script_location = app:migrations`),
an env.py that calls `fileConfig(config.config_file_name)` unguarded, a wheel with
no `script.py.mako`, a history whose base schema is made by `create_all` in code,
the async template (it calls `asyncio.run` itself), a revision that needs asyncpg,
`version_locations` set in env.py. alembic.ini names a production database
(`postgresql://`, which SQLAlchemy 2.1 reads as psycopg 3, not installed here).

The models declare one index the history does not make: the check finds it
(exit 1), and the plan writes the revision that creates it and proves it
converges and downgrades.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import alembic
import pytest

from drift.sources.scratch import execute_script
from tests.projects.helpers import project_env

TEMPLATES = Path(alembic.__file__).parent / "templates"

MODELS = '''from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    country: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (Index("ix_teams_country", "country"),)  # no revision makes it yet
'''

FIRST = '''"""teams

Revision ID: 1a2b3c4d5e6f
Revises:
Create Date: 2024-01-15 09:12:44.120931

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1a2b3c4d5e6f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("teams")
'''

SECOND = '''"""team country

Revision ID: 7f8e9d0c1b2a
Revises: 1a2b3c4d5e6f
Create Date: 2024-02-02 16:40:03.551207

"""
from alembic import op
import sqlalchemy as sa


revision = "7f8e9d0c1b2a"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("teams", sa.Column("country", sa.String(length=2), nullable=True))
{extra}

def downgrade():
    op.drop_column("teams", "country")
'''

# the live database, as `alembic upgrade head` left it in production
LIVE_SQL = """
CREATE TABLE teams (id integer PRIMARY KEY, name varchar(50) NOT NULL, country varchar(2));
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('7f8e9d0c1b2a');
"""

PRODUCTION = "postgresql://app:s3cret@db.internal.example:5432/app"


@dataclass
class Shipped:
    root: Path
    migrations: str  # what --migrations is given, relative to root
    scratch: str
    live: str

    def drift(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "drift", *args], cwd=self.root,
                              env=project_env(), capture_output=True, text=True, timeout=300)

    def check(self) -> subprocess.CompletedProcess[str]:
        return self.drift("check", "--migrations", self.migrations, "--scratch-url",
                          self.scratch, "--format", "json")

    def plan(self) -> subprocess.CompletedProcess[str]:
        return self.drift("plan", "--url", self.live, "--migrations", self.migrations,
                          "--verify", "--downgrade", "--scratch-url", self.scratch)

    def written(self) -> list[Path]:
        return [p for p in self.root.rglob("versions/*.py")
                if p.name not in (FIRST_FILE, SECOND_FILE)]


FIRST_FILE = "1a2b3c4d5e6f_teams.py"
SECOND_FILE = "7f8e9d0c1b2a_team_country.py"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(root: Path, *, template: str = "generic", location: str = "migrations",
          second_extra: str = "") -> Path:
    """An application ``app`` with its models and an Alembic environment at ``location``
    (a folder under root, or ``package:folder``); returns the environment's folder."""
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "models.py").write_text(MODELS, encoding="utf-8")
    folder = root / (location.replace(":", "/").replace(".", "/"))
    shutil.copytree(TEMPLATES / template, folder,
                    ignore=shutil.ignore_patterns("__pycache__", "alembic.ini.mako", "README"))
    (folder / "versions").mkdir(exist_ok=True)
    (folder / "versions" / FIRST_FILE).write_text(FIRST, encoding="utf-8")
    (folder / "versions" / SECOND_FILE).write_text(
        SECOND.format(extra=second_extra), encoding="utf-8")
    ini = (TEMPLATES / template / "alembic.ini.mako").read_text(encoding="utf-8")
    ini = ini.replace("${script_location}", location).replace("${prepend_sys_path}", ".")
    ini = ini.replace("driver://user:pass@localhost/dbname", PRODUCTION)
    (root / "alembic.ini").write_text(ini, encoding="utf-8")
    _edit(folder / "env.py", "target_metadata = None\n",
          "from app.models import Base\ntarget_metadata = Base.metadata\n")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "2.3.1"\n\n[tool.drift]\nmodels = ["app.models"]\n',
        encoding="utf-8")
    return folder


@pytest.fixture
def shipped(tmp_path: Path, pg_server, database_url: str) -> Shipped:  # type: ignore[no-untyped-def]
    execute_script(database_url, LIVE_SQL)
    return Shipped(tmp_path, ".", pg_server.admin_url, database_url)


def _check_finds_the_index(project: Shipped) -> None:
    run = project.check()
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert [(m["path"], m["change"]) for m in report["mismatches"]] == [
        ("public.teams.ix_teams_country", "only_in_models")]
    assert report["migrations"]["heads"] == ["7f8e9d0c1b2a"]


def _plan_converges(project: Shipped) -> None:
    run = project.plan()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Verdict: converged" in run.stdout, run.stdout
    assert "downgrade: ran, back to the start" in run.stdout
    [revision] = project.written()
    assert "op.create_index(op.f('ix_teams_country')" in revision.read_text(encoding="utf-8")


def test_history_shipped_inside_a_package(shipped: Shipped) -> None:
    folder = build(shipped.root, location="app:migrations")
    assert (folder / "script.py.mako").is_file()
    _check_finds_the_index(shipped)
    _plan_converges(shipped)
    assert shipped.written()[0].parent == folder / "versions"


def test_env_py_calls_file_config_unguarded(shipped: Shipped) -> None:
    folder = build(shipped.root)
    _edit(folder / "env.py", "if config.config_file_name is not None:\n"
                             "    fileConfig(config.config_file_name)\n",
          "fileConfig(config.config_file_name)\n")
    _check_finds_the_index(shipped)
    _plan_converges(shipped)


def test_a_wheel_without_script_py_mako(shipped: Shipped) -> None:
    folder = build(shipped.root, location="app:migrations")
    (folder / "script.py.mako").unlink()
    _check_finds_the_index(shipped)
    # the revision is written from Alembic's own generic template
    _plan_converges(shipped)
    assert not (folder / "script.py.mako").exists()


BASE_SQL = """-- what app.db.init_db() makes with Base.metadata.create_all, before any revision
CREATE TABLE teams (
	id SERIAL NOT NULL,
	name VARCHAR(50) NOT NULL,
	PRIMARY KEY (id)
);
"""


def test_a_history_that_starts_from_create_all(shipped: Shipped) -> None:
    folder = build(shipped.root)
    (folder / "versions" / FIRST_FILE).unlink()  # the first table is made in code
    _edit(folder / "versions" / SECOND_FILE, 'down_revision = "1a2b3c4d5e6f"',
          "down_revision = None")
    (shipped.root / "schema").mkdir()
    (shipped.root / "schema" / "base.sql").write_text(BASE_SQL, encoding="utf-8")
    execute_script(shipped.live, "DROP TABLE alembic_version;"
                   "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);"
                   "INSERT INTO alembic_version VALUES ('7f8e9d0c1b2a');")
    # without the base, the first revision cannot run: the check says so in one line
    failed = shipped.check()
    assert failed.returncode == 2
    assert 'relation "teams" does not exist' in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    with (shipped.root / "pyproject.toml").open("a", encoding="utf-8") as toml:
        toml.write('migrations_base = "schema/base.sql"\n')
    _check_finds_the_index(shipped)
    _plan_converges(shipped)


def test_the_async_template_runs_its_own_event_loop(shipped: Shipped) -> None:
    folder = build(shipped.root, template="async")
    assert "asyncio.run(run_async_migrations())" in (folder / "env.py").read_text()
    _edit(shipped.root / "alembic.ini", PRODUCTION,
          PRODUCTION.replace("postgresql://", "postgresql+asyncpg://"))
    _check_finds_the_index(shipped)
    _plan_converges(shipped)


# Alembic's cookbook, "Programmatic API use (connection sharing) With Asyncio"
SHARED_ASYNC = '''def run_migrations_online() -> None:
    """Run migrations in 'online' mode."""

    connectable = config.attributes.get("connection", None)
    if connectable is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connectable)
'''

COPY_SEED = '''
    # asyncpg's COPY: the reference rows, loaded the fast way
    op.get_bind().connection.dbapi_connection.run_async(
        lambda conn: conn.copy_records_to_table(
            "teams", records=[(1, "Ajax", "NL"), (2, "Porto", "PT")],
            columns=["id", "name", "country"]))
'''


def test_a_revision_that_needs_asyncpg(shipped: Shipped) -> None:
    folder = build(shipped.root, template="async", second_extra=COPY_SEED)
    _edit(folder / "env.py", '''def run_migrations_online() -> None:
    """Run migrations in 'online' mode."""

    asyncio.run(run_async_migrations())
''', SHARED_ASYNC)
    _edit(shipped.root / "alembic.ini", PRODUCTION,
          PRODUCTION.replace("postgresql://", "postgresql+asyncpg://"))
    _check_finds_the_index(shipped)
    _plan_converges(shipped)


def test_version_locations_set_in_env_py(shipped: Shipped) -> None:
    folder = build(shipped.root)
    _edit(folder / "env.py", "config = context.config\n",
          "config = context.config\n"
          'config.set_main_option("version_locations", "%(here)s/migrations/versions")\n')
    _check_finds_the_index(shipped)
    _plan_converges(shipped)
