"""Project code that reaches for production: refused where the connection is made, or caught.

Each project keeps the URL of a production stand-in the way real projects do
(``PROD_DATABASE_URL`` in the environment, a settings module, a ``.env`` file
read by python-dotenv) and opens it the ways real environments do: a raw
``psycopg2.connect``, ``create_engine(creator=...)`` returning a psycopg2,
pg8000 or asyncpg connection, ``asyncpg.connect`` inside ``asyncio.run``, an
engine built when a settings module is imported, a libpq keyword DSN naming a
Unix socket, a revision file rather than ``env.py``. ``drift plan --verify``
and ``drift check --migrations --url`` run as commands in the project's folder.
Each time: exit 2, one line naming the file and line that connected, nothing
written, and production's ``pg_dump -s`` and ``alembic_version`` unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from drift.sources.database.connection import make_engine, parse_url
from drift.sources.scratch import execute_script
from tests.projects.helpers import plain_url

INI = """[alembic]
script_location = migrations
sqlalchemy.url = driver://user:pass@localhost/dbname
"""

MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

FIRST = '''"""customers

Revision ID: a1
Revises:
Create Date: 2026-01-01 00:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("customers", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(80), nullable=False))


def downgrade() -> None:
    op.drop_table("customers")
'''

SECOND = '''"""orders

Revision ID: b2
Revises: a1
Create Date: 2026-02-01 00:00:00
"""
import os

from alembic import op
import sqlalchemy as sa
{imports}
revision = "b2"
down_revision = "a1"
branch_labels = None
depends_on = None
{module_code}

def upgrade() -> None:
{upgrade_code}    op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id")))


def downgrade() -> None:
    op.drop_table("orders")
'''

MODELS = '''from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    email = Column(String(200))


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"))
'''

# the generic template's env.py, with {online} placed at the top of run_migrations_online()
ENV_PY = '''import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

import models
{imports}
config = context.config
target_metadata = models.Base.metadata
{module_code}

def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
{online}    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(config.get_section(config.config_ini_section, {{}}),
                                         prefix="sqlalchemy.", poolclass=pool.NullPool)
        with connectable.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connectable, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

# "ON PROD" marks the line that connects: the message must name it
RAW_PSYCOPG2 = '''    import psycopg2
    prod = psycopg2.connect(os.environ["PROD_DATABASE_URL"])  # ON PROD
    prod.cursor().execute("CREATE TABLE pwned (id integer)")
    prod.commit()
'''

CREATOR_PSYCOPG2 = '''    import psycopg2
    from sqlalchemy import create_engine
    engine = create_engine("postgresql+psycopg2://", poolclass=pool.NullPool,
                           creator=lambda: psycopg2.connect(os.environ["PROD_DSN"]))  # ON PROD
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    return
'''

CREATOR_PSYCOPG3 = '''    import psycopg
    from sqlalchemy import create_engine
    engine = create_engine("postgresql+psycopg://", poolclass=pool.NullPool,
                           creator=lambda: psycopg.connect(os.environ["PROD_DSN"]))  # ON PROD
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    return
'''

CREATOR_PG8000 = '''    import pg8000.dbapi
    from sqlalchemy import create_engine
    PROD_DB = os.environ["PROD_DB"]
    def connect():
        return pg8000.dbapi.connect(os.environ["PROD_USER"], database=PROD_DB,  # ON PROD
                                    unix_sock=os.environ["PROD_SOCKET"])
    engine = create_engine("postgresql+pg8000://", creator=connect, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    return
'''

CREATOR_ASYNCPG = '''    import asyncio
    import asyncpg
    from sqlalchemy.ext.asyncio import create_async_engine
    async def connect():
        return await asyncpg.connect(os.environ["PROD_ASYNCPG_URL"])  # ON PROD
    def migrate(connection):
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    async def main():
        engine = create_async_engine("postgresql+asyncpg://", async_creator=connect,
                                     poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()
    asyncio.run(main())
    return
'''

RAW_ASYNCPG = '''    import asyncio
    import asyncpg
    async def main():
        prod = await asyncpg.connect(os.environ["PROD_ASYNCPG_URL"])  # ON PROD
        await prod.execute("CREATE TABLE pwned (id integer)")
        await prod.close()
    asyncio.run(main())
'''

SETTINGS_ENGINE = '''    from sqlalchemy import text
    from settings import engine
    with engine.begin() as prod:  # ON PROD
        prod.execute(text("CREATE TABLE pwned (id integer)"))
'''

SOCKET_DSN = '''    import psycopg2
    socket_dir, name, user = (os.environ[k] for k in ("PROD_SOCKET_DIR", "PROD_DB", "PROD_USER"))
    prod = psycopg2.connect(f"host={socket_dir} dbname={name} user={user}")  # ON PROD
    prod.cursor().execute("CREATE TABLE pwned (id integer)")
    prod.commit()
'''

DOTENV = '''    from dotenv import load_dotenv
    from sqlalchemy import create_engine, text
    load_dotenv()
    engine = create_engine(os.environ["DOTENV_DATABASE_URL"], poolclass=pool.NullPool)
    with engine.begin() as prod:  # ON PROD
        prod.execute(text("CREATE TABLE pwned (id integer)"))
'''

BOUND_AT_MODELS_IMPORT = '''    import db
    prod = db.pg_connect(os.environ["PROD_DATABASE_URL"])  # ON PROD
    prod.cursor().execute("CREATE TABLE pwned (id integer)")
    prod.commit()
'''

IN_A_REVISION = '''    import psycopg2
    prod = psycopg2.connect(os.environ["PROD_DATABASE_URL"])  # ON PROD
    prod.cursor().execute("CREATE TABLE pwned (id integer)")
    prod.commit()
'''

AT_REVISION_IMPORT = '''import psycopg2
_prod = psycopg2.connect(os.environ["PROD_DATABASE_URL"])  # ON PROD
_prod.cursor().execute("CREATE TABLE pwned (id integer)")
_prod.commit()
'''


@dataclass(frozen=True)
class Shape:
    env_online: str = ""
    env_module: str = ""
    revision_upgrade: str = ""
    revision_module: str = ""
    files: tuple[tuple[str, str], ...] = ()


SHAPES = {
    "raw psycopg2.connect in env.py": Shape(env_online=RAW_PSYCOPG2),
    "creator= returning psycopg2": Shape(env_online=CREATOR_PSYCOPG2),
    "creator= returning psycopg 3": Shape(env_online=CREATOR_PSYCOPG3),
    "creator= returning pg8000": Shape(env_online=CREATOR_PG8000),
    "async_creator= returning asyncpg": Shape(env_online=CREATOR_ASYNCPG),
    "raw asyncpg.connect in asyncio.run": Shape(env_online=RAW_ASYNCPG),
    "an engine built at import of a settings module": Shape(
        env_online=SETTINGS_ENGINE,
        files=(("settings.py", "import os\nfrom sqlalchemy import create_engine\n\n"
                "engine = create_engine(os.environ['PROD_DATABASE_URL'])\n"),)),
    "a Unix-socket host in a libpq DSN": Shape(env_online=SOCKET_DSN),
    "a URL read from .env by python-dotenv": Shape(env_online=DOTENV),
    "a connect a models module bound before drift ran env.py": Shape(
        env_online=BOUND_AT_MODELS_IMPORT,
        files=(("db.py", "from psycopg2 import connect as pg_connect\n"),
               ("models.py", "import db  # noqa: F401\n" + MODELS))),
    "psycopg2.connect in a revision's upgrade()": Shape(revision_upgrade=IN_A_REVISION),
    "psycopg2.connect when a revision is imported": Shape(revision_module=AT_REVISION_IMPORT),
}


@dataclass
class Project:
    root: Path
    prod_url: str
    scratch_admin: str
    env: dict[str, str]

    def drift(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "drift", *args], cwd=self.root,
                              env=self.env, capture_output=True, text=True, timeout=300)

    def versions(self) -> list[str]:
        return sorted(p.name for p in (self.root / "migrations" / "versions").glob("*.py"))


def pg_dump() -> str:
    try:
        import pgserver
        found = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
        if found.is_file():
            return str(found)
    except ImportError:
        pass
    which = shutil.which("pg_dump")
    assert which, "pg_dump is needed to compare production's schema"
    return which


def dump_schema(url: str) -> str:
    parsed = parse_url(url)
    env = {**os.environ, "PGHOST": parsed.query.get("host") or parsed.host or "",
           "PGPORT": str(parsed.port or 5432), "PGUSER": parsed.username or "",
           "PGPASSWORD": parsed.password or "", "PGDATABASE": parsed.database or ""}
    run = subprocess.run([pg_dump(), "--schema-only", "--no-owner"], env=env,
                         capture_output=True, text=True, check=True)
    return "\n".join(line for line in run.stdout.splitlines()
                     if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


def alembic_version(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def marked_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if "# ON PROD" in line)


def build_project(tmp_path: Path, shape: Shape, prod_url: str, scratch_admin: str) -> Project:
    root = tmp_path / "shop"
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text(INI, encoding="utf-8")
    (root / "models.py").write_text(MODELS, encoding="utf-8")
    (root / "migrations" / "script.py.mako").write_text(MAKO, encoding="utf-8")
    (root / "migrations" / "env.py").write_text(ENV_PY.format(
        imports="", module_code=shape.env_module, online=shape.env_online), encoding="utf-8")
    (versions / "a1_customers.py").write_text(FIRST, encoding="utf-8")
    (versions / "b2_orders.py").write_text(SECOND.format(
        imports="", module_code=shape.revision_module, upgrade_code=shape.revision_upgrade),
        encoding="utf-8")
    for name, text in shape.files:
        (root / name).write_text(text, encoding="utf-8")
    prod = parse_url(prod_url)
    socket_dir = prod.query.get("host", "")
    (root / ".env").write_text(f"DOTENV_DATABASE_URL={plain_url(prod_url)}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DRIFT_DATABASE_URL", "PYTHONPATH")}
    env.update({
        "PYTHONPATH": str(root),  # the project's modules (models, settings), as its own tools do
        "PROD_DATABASE_URL": plain_url(prod_url).replace("postgresql+psycopg2", "postgresql"),
        "PROD_DSN": f"host={socket_dir} port={prod.port or 5432} dbname={prod.database} "
                    f"user={prod.username}",
        "PROD_ASYNCPG_URL": f"postgresql://{prod.username}@/{prod.database}?host={socket_dir}"
                            f"&port={prod.port or 5432}",
        "PROD_USER": prod.username or "", "PROD_DB": prod.database or "",
        "PROD_SOCKET_DIR": socket_dir,
        "PROD_SOCKET": f"{socket_dir}/.s.PGSQL.{prod.port or 5432}",
    })
    return Project(root, prod_url, scratch_admin, env)


@pytest.fixture
def production(database_url: str) -> str:
    """Production at the history's head (b2), with a row in each table."""
    execute_script(database_url, """
        CREATE TABLE customers (id serial PRIMARY KEY, name varchar(80) NOT NULL);
        CREATE TABLE orders (id serial PRIMARY KEY, customer_id integer REFERENCES customers(id));
        CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
        INSERT INTO alembic_version VALUES ('b2');
        INSERT INTO customers (name) VALUES ('Ada');
    """)
    return database_url


def _unchanged(project: Project, run: subprocess.CompletedProcess[str], dump: str,
               versions_before: list[str], path: Path) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    stderr = run.stderr.strip().splitlines()
    assert len(stderr) == 1, run.stderr
    assert f"{path}:{marked_line(path)}" in stderr[0], stderr[0]
    assert "Traceback" not in run.stderr
    assert dump_schema(project.prod_url) == dump
    assert "pwned" not in dump
    assert alembic_version(project.prod_url) == ["b2"]
    assert project.versions() == versions_before


@pytest.mark.parametrize("name", list(SHAPES))
def test_plan_verify_never_reaches_production(name: str, production: str, pg_server,
                                              tmp_path: Path) -> None:
    shape = SHAPES[name]
    project = build_project(tmp_path, shape, production, pg_server.admin_url)
    dump, versions = dump_schema(production), project.versions()
    run = project.drift("plan", "--verify", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url)
    where = (project.root / "migrations" / "env.py" if shape.env_online or shape.env_module
             else project.root / "migrations" / "versions" / "b2_orders.py")
    if shape.revision_upgrade:
        # drift plan stamps the history's head on the scratch copy: b2's upgrade() never
        # runs there, so nothing connects and the new revision converges
        assert run.returncode == 0, run.stderr
        assert "Verdict: converged" in run.stdout
        assert alembic_version(production) == ["b2"] and "pwned" not in dump_schema(production)
        return
    _unchanged(project, run, dump, versions, where)


@pytest.mark.parametrize("name", list(SHAPES))
def test_check_migrations_never_reaches_production(name: str, production: str, pg_server,
                                                   tmp_path: Path) -> None:
    shape = SHAPES[name]
    project = build_project(tmp_path, shape, production, pg_server.admin_url)
    dump, versions = dump_schema(production), project.versions()
    run = project.drift("check", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url,
                        "--no-cache")
    where = (project.root / "migrations" / "env.py" if shape.env_online or shape.env_module
             else project.root / "migrations" / "versions" / "b2_orders.py")
    _unchanged(project, run, dump, versions, where)


SUBPROCESS_DDL = '''    import subprocess, sys
    subprocess.run([sys.executable, "-c", "import os, psycopg2; c = psycopg2.connect("
                    "os.environ['PROD_DSN']); c.autocommit = True; "
                    "c.cursor().execute('CREATE TABLE IF NOT EXISTS sneaky (id integer)')"],
                   check=True, capture_output=True)
'''


def test_a_change_no_wrapper_sees_is_caught_by_the_fingerprint(production: str, pg_server,
                                                                tmp_path: Path) -> None:
    """A process the project's code starts connects on its own: no guard in drift's process
    sees it, so it cannot be prevented; the fingerprint taken before and after proves it."""
    project = build_project(tmp_path, Shape(env_online=SUBPROCESS_DDL), production,
                            pg_server.admin_url)
    versions = project.versions()
    run = project.drift("plan", "--verify", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert "changed while the project's code ran" in run.stderr
    assert "table public.sneaky created" in run.stderr
    assert "converged" not in run.stdout
    assert project.versions() == versions  # nothing written


def test_a_change_from_another_session_during_the_check_is_caught(production: str, pg_server,
                                                                  tmp_path: Path) -> None:
    """Production changed from elsewhere while drift check ran the history: exit 2, named."""
    project = build_project(tmp_path, Shape(env_online=SUBPROCESS_DDL), production,
                            pg_server.admin_url)
    run = project.drift("check", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url,
                        "--no-cache")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "table public.sneaky created" in run.stderr
    assert run.stdout == ""


def test_an_honest_environment_still_verifies_and_converges(production: str, pg_server,
                                                            tmp_path: Path) -> None:
    project = build_project(tmp_path, Shape(), production, pg_server.admin_url)
    dump = dump_schema(production)
    run = project.drift("plan", "--verify", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url)
    assert run.returncode == 0, run.stderr  # the email column planned, and it converged
    assert "Verdict: converged" in run.stdout, run.stdout
    assert len(project.versions()) == 3
    assert dump_schema(production) == dump
    assert alembic_version(production) == ["b2"]


def test_the_refusal_names_the_line_even_when_env_py_swallows_it(production: str, pg_server,
                                                                 tmp_path: Path) -> None:
    swallowing = textwrap.indent(textwrap.dedent('''\
        import psycopg2
        try:
            psycopg2.connect(os.environ["PROD_DATABASE_URL"])  # ON PROD
        except Exception:
            pass
        '''), "    ")
    project = build_project(tmp_path, Shape(env_online=swallowing), production,
                            pg_server.admin_url)
    dump, versions = dump_schema(production), project.versions()
    run = project.drift("plan", "--verify", "--url", production, "--models", "models:Base",
                        "--migrations", "migrations", "--scratch-url", pg_server.admin_url)
    _unchanged(project, run, dump, versions, project.root / "migrations" / "env.py")


def test_a_project_inside_the_interpreters_prefix_is_still_named(production: str, pg_server,
                                                                 tmp_path: Path) -> None:
    """A project under ``sys.prefix`` (an app in /usr/src/app beside the system's Python, or
    in its virtual environment's folder) is still the project's code: the refusal names its
    env.py line, not "code outside the project"."""
    inside = Path(sys.prefix) / f"drift-test-app-{tmp_path.name}"
    try:
        project = build_project(inside, Shape(env_online=RAW_PSYCOPG2), production,
                                pg_server.admin_url)
        dump, versions = dump_schema(production), project.versions()
        run = project.drift("plan", "--verify", "--url", production, "--models",
                            "models:Base", "--migrations", "migrations", "--scratch-url",
                            pg_server.admin_url)
        _unchanged(project, run, dump, versions, project.root / "migrations" / "env.py")
    finally:
        shutil.rmtree(inside, ignore_errors=True)


def test_the_fingerprint_reads_version_tables_under_hostile_names(database_url: str) -> None:
    """A schema named with a quote, a percent and a bind-like colon keeps its own
    alembic_version: the fingerprint reads it, and names it when it moves."""
    from drift.sources.migrations.fingerprint import changes, take

    def run(sql: str) -> None:  # psycopg2 with no parameters: the % stays as written
        engine = make_engine(database_url)
        try:
            with engine.begin() as conn:
                conn.connection.dbapi_connection.cursor().execute(sql)
        finally:
            engine.dispose()

    run('''
        CREATE SCHEMA "we""ird %s :x";
        CREATE TABLE "we""ird %s :x".alembic_version (version_num varchar(32) PRIMARY KEY);
        INSERT INTO "we""ird %s :x".alembic_version VALUES ('a1');
    ''')
    before = take(database_url)
    assert before.versions == (('we"ird %s :x', ("a1",)),)
    run('''UPDATE "we""ird %s :x".alembic_version SET version_num = 'b2';''')
    assert changes(before, take(database_url)) == [
        'we"ird %s :x.alembic_version moved from a1 to b2']
