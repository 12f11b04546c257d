"""`drift plan --verify --downgrade` on Alembic environments written the way projects write them.

Each project has a database standing in for production: alembic.ini's
``sqlalchemy.url``, ``$DATABASE_URL`` or the settings module name it, as they
would in a real deployment. After each run, its ``alembic_version`` and its
schema are unchanged; an environment that cannot be made safe is refused (exit 2)
with nothing written.
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from click.testing import CliRunner

from drift.cli.commands import main
from drift.sources.database.connection import make_engine
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.migrations.scratch_guard import version_of
from drift.sources.scratch import execute_script

LIVE_SQL = """
CREATE TABLE teams (id integer PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('0001');
"""

PRODUCTION_SQL = LIVE_SQL + "CREATE TABLE bets (id integer PRIMARY KEY, stake numeric(10,2));\n"

INITIAL = '''"""initial

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teams")
'''

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData({naming})
sa.Table(
    "teams", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("country", sa.Text),
    sa.Column("code", sa.String(3)),
    sa.UniqueConstraint("code"),
    sa.CheckConstraint("length(code) = 3", name="code_length"),
    sa.Index(None, "country"),
)
'''

NAMING = '''naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}'''


@dataclass
class Project:
    root: Path
    migrations: Path
    models: str  # module:attribute
    live: str
    production: str
    server: str  # where the scratch databases are created


    def plan(self, *extra: str) -> object:
        args = ["plan", "--url", self.live, "--models", self.models, "--schema", "public",
                "--migrations", str(self.migrations), "--verify", "--downgrade",
                "--scratch-url", self.server, *extra]
        return CliRunner().invoke(main, args)

    def versions(self) -> list[str]:
        return sorted(p.name for p in self.root.rglob("versions/*.py"))


def _init(root: Path, template: str) -> Path:
    config = Config(str(root / "alembic.ini"))
    with contextlib.redirect_stdout(io.StringIO()):
        command.init(config, str(root / "migrations"), template=template)
    (root / "migrations" / "versions" / "0001_initial.py").write_text(INITIAL, encoding="utf-8")
    return root / "migrations"


def _set_ini_url(root: Path, url: str) -> None:
    ini = root / "alembic.ini"
    text = ini.read_text(encoding="utf-8")
    ini.write_text(text.replace("driver://user:pass@localhost/dbname",
                                url.replace("%", "%%")), encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_server, database_url: str,
            run_sql) -> Iterator[Project]:
    run_sql(LIVE_SQL)
    name = pg_server.create_database()
    production = pg_server.url(name)
    execute_script(production, PRODUCTION_SQL)
    module = f"app_models_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(MODELS.format(naming=""), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    # a deployment's environment: the application's URL names production
    monkeypatch.setenv("DATABASE_URL", production)
    try:
        yield Project(tmp_path, tmp_path / "migrations", f"{module}:metadata", database_url,
                      production, pg_server.admin_url)
    finally:
        pg_server.drop_database(name)


def _untouched(project: Project, before: str) -> None:
    assert version_of(project.production) == ("0001",)
    assert reflect_snapshot(project.production, ("public",)).to_json() == before
    assert version_of(project.live) == ("0001",)


def _production_schema(project: Project) -> str:
    return reflect_snapshot(project.production, ("public",)).to_json()


def _converged(project: Project, result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    assert "downgrade: ran, back to the start" in result.output
    written = [v for v in project.versions() if v != "0001_initial.py"]
    assert len(written) == 1, project.versions()


def test_generic_template(project: Project) -> None:
    _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


def test_async_template(project: Project) -> None:
    # asyncpg, as FastAPI projects generated by `alembic init -t async` use it
    _init(project.root, "async")
    _set_ini_url(project.root, project.production.replace("+psycopg2", "+asyncpg"))
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


def test_async_template_with_the_cookbook_connection_lines(project: Project) -> None:
    # the async template given Alembic's cookbook lines: the handed connection is used and
    # its own engine (to production, from alembic.ini) is never built
    from drift.sources.migrations.env_runner import SAFE_ENV_PY

    migrations = _init(project.root, "async")
    _set_ini_url(project.root, project.production.replace("+psycopg2", "+asyncpg"))
    lines = "\n".join(SAFE_ENV_PY.splitlines()[1:]) + "\n"
    _edit(migrations / "env.py", '    """Run migrations in \'online\' mode."""\n',
          '    """Run migrations in \'online\' mode."""\n' + lines)
    assert "asyncio.run(run_async_migrations())" in (migrations / "env.py").read_text()
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


def test_env_py_reading_database_url(project: Project) -> None:
    migrations = _init(project.root, "generic")
    _edit(migrations / "env.py", "config = context.config\n",
          "config = context.config\nimport os\n"
          "config.set_main_option('sqlalchemy.url', os.environ['DATABASE_URL'])\n")
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


SETTINGS = '''
import os


class Settings:
    database_url: str = os.environ.get("APP_DB_URL", {production!r})


settings = Settings()
'''


def _settings_env(project: Project, package: str) -> Path:
    migrations = _init(project.root, "generic")
    (project.root / package).mkdir()
    (project.root / package / "__init__.py").write_text("", encoding="utf-8")
    (project.root / package / "settings.py").write_text(
        SETTINGS.format(production=project.production), encoding="utf-8")
    _edit(migrations / "env.py", "config = context.config\n",
          f"config = context.config\nfrom {package}.settings import settings\n")
    _edit(migrations / "env.py", "    connectable = engine_from_config(",
          "    connectable = create_engine(settings.database_url, poolclass=pool.NullPool)\n"
          "    unused = engine_from_config(")
    _edit(migrations / "env.py", "from sqlalchemy import pool\n",
          "from sqlalchemy import create_engine, pool\n")
    return migrations


def test_env_py_reading_a_settings_module_is_refused(project: Project) -> None:
    _settings_env(project, f"myapp_{uuid.uuid4().hex[:8]}")
    before = _production_schema(project)
    result = project.plan()
    assert result.exit_code == 2, result.output
    assert "refused before it connected" in result.output
    assert 'config.attributes.get("connection")' in result.output
    assert project.versions() == ["0001_initial.py"]
    _untouched(project, before)


def test_settings_module_with_its_variable_named(project: Project) -> None:
    _settings_env(project, f"myapp_{uuid.uuid4().hex[:8]}")
    before = _production_schema(project)
    _converged(project, project.plan("--env-var", "APP_DB_URL"))
    _untouched(project, before)


def test_settings_module_made_safe_with_the_readme_lines(project: Project) -> None:
    from drift.sources.migrations.env_runner import SAFE_ENV_PY

    migrations = _settings_env(project, f"myapp_{uuid.uuid4().hex[:8]}")
    lines = "\n".join(SAFE_ENV_PY.splitlines()[1:]) + "\n"
    _edit(migrations / "env.py", '    """Run migrations in \'online\' mode.\n',
          lines + '    """Run migrations in \'online\' mode.\n')
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


def test_naming_convention(project: Project) -> None:
    _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    module = project.models.split(":")[0]
    (project.root / f"{module}.py").write_text(MODELS.format(naming=NAMING), encoding="utf-8")
    before = _production_schema(project)
    result = project.plan()
    _converged(project, result)
    [revision] = [p for p in project.root.rglob("versions/*.py") if p.name != "0001_initial.py"]
    text = revision.read_text(encoding="utf-8")
    assert "uq_teams_code" in text and "ck_teams_code_length" in text, text
    _untouched(project, before)


def test_version_locations_set_in_env_py(project: Project) -> None:
    migrations = _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    _edit(migrations / "env.py", "config = context.config\n",
          "config = context.config\nimport os\n"
          "config.set_main_option('version_locations', "
          "os.path.join(os.path.dirname(os.path.abspath(__file__)), 'versions'))\n")
    before = _production_schema(project)
    _converged(project, project.plan("--message", "add team country"))
    [revision] = [p for p in project.root.rglob("versions/*.py") if p.name != "0001_initial.py"]
    assert revision.name.endswith("_add_team_country.py")
    _untouched(project, before)


BRANCH = '''"""{name}

Revision ID: {rev}
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("{table}", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("{table}")
'''


def _two_heads(project: Project) -> None:
    versions = project.migrations / "versions"
    for rev, table in (("0002a", "leagues"), ("0002b", "venues")):
        (versions / f"{rev}_{table}.py").write_text(
            BRANCH.format(name=table, rev=rev, table=table), encoding="utf-8")
    module = project.models.split(":")[0]
    key = 'sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)'
    extra = "".join(f'sa.Table("{t}", metadata, {key})\n' for t in ("leagues", "venues"))
    path = project.root / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_two_heads_the_database_is_at_both(project: Project) -> None:
    _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    _two_heads(project)
    for url in (project.live, project.production):
        execute_script(url, "CREATE TABLE leagues (id integer PRIMARY KEY);"
                       "CREATE TABLE venues (id integer PRIMARY KEY);"
                       "UPDATE alembic_version SET version_num = '0002a';"
                       "INSERT INTO alembic_version VALUES ('0002b');")
    before = _production_schema(project)
    result = project.plan()
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    assert "downgrade: ran, back to the start" in result.output
    [revision] = [p for p in project.root.rglob("versions/*.py")
                  if not p.name.startswith("000")]
    assert "Revises: 0002a, 0002b\n" in revision.read_text(encoding="utf-8")
    assert version_of(project.production) == ("0002a", "0002b")
    assert version_of(project.live) == ("0002a", "0002b")
    assert _production_schema(project) == before


def test_two_heads_the_database_is_at_one(project: Project) -> None:
    _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    _two_heads(project)
    execute_script(project.live, "CREATE TABLE leagues (id integer PRIMARY KEY);"
                   "UPDATE alembic_version SET version_num = '0002a';")
    result = project.plan()
    assert result.exit_code == 0, result.output
    [revision] = [p for p in project.root.rglob("versions/*.py")
                  if not p.name.startswith("000")]
    # the plan follows the branch the database is on (and creates venues, which it lacks)
    assert "Revises: 0002a\n" in revision.read_text(encoding="utf-8")
    assert "Verdict: converged" in result.output


def test_two_heads_without_a_database_is_refused(project: Project) -> None:
    _init(project.root, "generic")
    _two_heads(project)
    saved = project.root / "db.json"
    saved.write_text(reflect_snapshot(project.live, ("public",)).to_json(), encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "--snapshot", str(saved), "--models",
                                       project.models, "--schema", "public"])
    assert result.exit_code == 2, result.output
    assert "has 2 heads (0002a, 0002b)" in result.output
    assert project.versions() == ["0001_initial.py", "0002a_leagues.py", "0002b_venues.py"]


def test_migrations_given_as_the_folder_of_alembic_ini(project: Project) -> None:
    _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    project.migrations = project.root
    before = _production_schema(project)
    _converged(project, project.plan())
    _untouched(project, before)


def test_database_at_a_revision_the_folder_does_not_have(project: Project) -> None:
    _init(project.root, "generic")
    execute_script(project.live, "UPDATE alembic_version SET version_num = 'feedbeef';")
    result = project.plan()
    assert result.exit_code == 2, result.output
    assert "is at revision feedbeef, which" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert project.versions() == ["0001_initial.py"]


def test_several_version_locations(project: Project) -> None:
    migrations = _init(project.root, "generic")
    _set_ini_url(project.root, project.production)
    other = project.root / "data_migrations" / "versions"
    other.mkdir(parents=True)
    (migrations / "versions" / "0001_initial.py").rename(other / "0001_initial.py")
    _edit(project.root / "alembic.ini", "# version_locations = ",
          "version_locations = %(here)s/migrations/versions:%(here)s/data_migrations/versions\n#")
    before = _production_schema(project)
    result = project.plan()
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    # the new revision goes beside the head it follows
    assert len(list(other.glob("*.py"))) == 2
    _untouched(project, before)


def test_env_py_ignoring_every_url_is_refused(project: Project) -> None:
    # an engine to production built before drift could point anything elsewhere
    migrations = _init(project.root, "generic")
    _edit(migrations / "env.py", "    connectable = engine_from_config(",
          f"    connectable = create_engine({project.production!r}, poolclass=pool.NullPool)\n"
          "    unused = engine_from_config(")
    _edit(migrations / "env.py", "from sqlalchemy import pool\n",
          "from sqlalchemy import create_engine, pool\n")
    before = _production_schema(project)
    result = project.plan()
    assert result.exit_code == 2, result.output
    assert "refused before it connected" in result.output
    assert project.versions() == ["0001_initial.py"]
    _untouched(project, before)


VECTOR_MODELS = '''
import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType


class Vector(UserDefinedType):
    cache_ok = True

    def __init__(self, dim):
        self.dim = dim

    def get_col_spec(self, **kw):
        return f"vector({self.dim})"


metadata = sa.MetaData()
sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("embedding", Vector(3)),
    sa.Index("ix_items_embedding", "embedding", postgresql_using="hnsw",
             postgresql_ops={"embedding": "vector_cosine_ops"}),
)
'''


def _vector_project(project: Project) -> None:
    _init(project.root, "generic")
    (project.migrations / "versions" / "0001_initial.py").unlink()
    module = project.models.split(":")[0]
    (project.root / f"{module}.py").write_text(VECTOR_MODELS, encoding="utf-8")
    execute_script(project.live, "DROP TABLE alembic_version; CREATE EXTENSION vector;"
                   "CREATE TABLE items (id integer PRIMARY KEY, embedding vector(3));")


def test_an_extension_of_the_live_database_is_created_on_the_scratch(project: Project) -> None:
    _vector_project(project)
    result = project.plan()
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    assert "downgrade: ran, back to the start" in result.output
    [revision] = project.root.rglob("versions/*.py")
    text = revision.read_text(encoding="utf-8")
    assert '"embedding" vector_cosine_ops' in text and "hnsw" in text, text


def test_an_extension_the_scratch_server_lacks_is_refused(project: Project, pg_server) -> None:
    # an extension the live server has and the scratch server has not: installed on the
    # server from a control file of its own, created, then its files removed. The server's
    # extension folder is read from the server (embedded or DRIFT_TEST_DATABASE_URL's).
    engine = make_engine(pg_server.admin_url)
    try:
        with engine.connect() as conn:
            share = conn.exec_driver_sql(
                "SELECT setting FROM pg_config WHERE name = 'SHAREDIR'").scalar_one()
    finally:
        engine.dispose()
    folder = Path(share) / "extension"
    assert os.access(folder, os.W_OK), f"the test writes a control file into {folder}"
    name = f"drift_ext_{uuid.uuid4().hex[:8]}"
    files = [folder / f"{name}.control", folder / f"{name}--1.0.sql"]
    files[0].write_text("default_version = '1.0'\nrelocatable = true\n", encoding="utf-8")
    files[1].write_text("CREATE FUNCTION drift_ext_answer() RETURNS int "
                        "LANGUAGE sql AS 'SELECT 42';\n", encoding="utf-8")
    try:
        execute_script(project.live, f"CREATE EXTENSION {name}")
    finally:
        for file in files:
            file.unlink()
    _init(project.root, "generic")
    before = _production_schema(project)
    result = project.plan()
    assert result.exit_code == 2, result.output
    assert f"has no extension {name}" in result.output
    assert "--scratch-url" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert project.versions() == ["0001_initial.py"]
    _untouched(project, before)


def test_a_failed_verify_leaves_no_revision(project: Project) -> None:
    # a check constraint calling a function the database does not have: the upgrade fails
    _init(project.root, "generic")
    module = project.models.split(":")[0]
    (project.root / f"{module}.py").write_text(MODELS.format(naming="").replace(
        'sa.CheckConstraint("length(code) = 3", name="code_length")',
        'sa.CheckConstraint("no_such_function(code)", name="code_length")'), encoding="utf-8")
    result = project.plan()
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output
    assert "Nothing was written" in result.output
    assert project.versions() == ["0001_initial.py"]
    # and the next plan does not build on an unverified revision
    again = project.plan()
    assert again.exit_code == 1, again.output
    assert project.versions() == ["0001_initial.py"]


def test_env_py_failing_offline_is_a_one_line_error(project: Project) -> None:
    migrations = _init(project.root, "generic")
    _edit(migrations / "env.py", "config = context.config\n",
          "config = context.config\nimport os\nos.environ['APP_SECRET_NOT_SET']\n")
    result = project.plan()
    assert result.exit_code == 2, result.output
    # the project's file and line, and what it raised
    assert "migrations/env.py:12: KeyError: 'APP_SECRET_NOT_SET'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert project.versions() == ["0001_initial.py"]


def test_an_extension_the_models_need_is_created_by_the_first_revision(
        project: Project) -> None:
    _vector_project(project)
    # the live database has neither the extension nor the table: the revision creates both
    execute_script(project.live, "DROP TABLE items; DROP EXTENSION vector;")
    result = project.plan()
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    [revision] = project.root.rglob("versions/*.py")
    text = revision.read_text(encoding="utf-8")
    upgrade = text.split("def upgrade", 1)[1]
    assert upgrade.index("CREATE EXTENSION IF NOT EXISTS \"vector\"") < upgrade.index(
        "op.create_table('items'"), text


def test_check_migrations_names_options_it_has_in_one_line(project: Project) -> None:
    _settings_env(project, f"myapp_{uuid.uuid4().hex[:8]}")
    args = ["check", "--models", project.models, "--schema", "public", "--migrations",
            str(project.migrations), "--scratch-url", project.server, "--no-cache"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2, refused.output
    [line] = refused.output.strip().splitlines()
    assert "refused before it connected" in line and "--env-var NAME" in line
    assert "\\n" not in line
    named = CliRunner().invoke(main, [*args, "--env-var", "APP_DB_URL"])
    assert named.exit_code == 1, named.output  # models declare more than 0001 builds
    assert "column country" in named.output
