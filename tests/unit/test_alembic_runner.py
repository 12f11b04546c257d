"""The environment runner's offline side: finding an environment, its heads and input files."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from drift.errors import DriftError
from drift.sources.migrations.env_runner import open_environment
from drift.sources.migrations.scratch_guard import driver_url, endpoint_of, url_for

REVISION = '''revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def _init(root: Path) -> Path:
    with contextlib.redirect_stdout(io.StringIO()):
        command.init(Config(str(root / "alembic.ini")), str(root / "migrations"))
    return root / "migrations"


def test_the_folder_of_env_py_or_of_alembic_ini(tmp_path: Path) -> None:
    migrations = _init(tmp_path)
    by_env = open_environment(migrations)
    by_ini = open_environment(tmp_path)
    assert by_env.script_location == by_ini.script_location == migrations.resolve()
    assert by_env.ini == by_ini.ini == (tmp_path / "alembic.ini").resolve()


def test_neither_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DriftError, match="is not an Alembic environment"):
        open_environment(tmp_path)


def test_heads_and_input_files(tmp_path: Path) -> None:
    migrations = _init(tmp_path)
    versions = migrations / "versions"
    for rev, down in (("0001", None), ("0002a", "0001"), ("0002b", "0001")):
        (versions / f"{rev}_x.py").write_text(REVISION.format(rev=rev, down=down))
    env = open_environment(migrations)
    assert env.heads() == ("0002a", "0002b")
    names = [p.name for p in env.input_files()]
    assert names == ["env.py", "script.py.mako", "alembic.ini", "0001_x.py", "0002a_x.py",
                     "0002b_x.py"]


def test_the_scratch_url_keeps_the_environment_s_driver() -> None:
    scratch = "postgresql://u:pw@scratch.host:5433/drift_verify_1?host=/tmp/sock"
    assert url_for(scratch, "postgresql+asyncpg://app@prod/db").startswith(
        "postgresql+asyncpg://u:pw@scratch.host:5433/drift_verify_1")
    # no %-escapes: an env.py that copies it into sqlalchemy.url would trip configparser
    assert "%" not in url_for(scratch, None)
    assert driver_url(scratch, "driver://user:pass@localhost/dbname",
                      "async_engine_from_config(").startswith("postgresql+asyncpg://")
    assert driver_url(scratch, None, "engine_from_config(").startswith("postgresql+psycopg2://")


def test_endpoints_are_compared_as_the_driver_gets_them() -> None:
    a = endpoint_of("postgresql://u@h:5432/scratch")
    assert a == endpoint_of("postgresql+asyncpg://other@h/scratch")
    assert a != endpoint_of("postgresql://u@h/production")


def test_a_plain_postgresql_url_is_handed_over_with_an_installed_driver() -> None:
    # SQLAlchemy 2.1 reads plain postgresql:// as psycopg 3: env.py gets a URL it can use
    import sqlalchemy as sa

    from drift.sources.migrations.scratch_guard import driver_url

    url = driver_url("postgresql+psycopg2://u@localhost:5432/scratch",
                     "postgresql://app@db.internal/app", "")
    parsed = sa.engine.make_url(url)
    assert parsed.database == "scratch"
    parsed.get_dialect().import_dbapi()  # raises ImportError for a driver not installed
    asyncpg = driver_url("postgresql+psycopg2://u@localhost:5432/scratch",
                         "postgresql+asyncpg://app@db.internal/app", "")
    assert asyncpg.startswith("postgresql+asyncpg://")
