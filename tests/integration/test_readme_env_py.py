"""README's env.py lines, in an Alembic environment, run by Alembic with what is handed in:
a Connection (drift, Alembic's cookbook) or an Engine (pytest-alembic)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")

ENV_PY = '''\
from alembic import context

config = context.config
target_metadata = None


def run_migrations_online() -> None:
{snippet}
    raise RuntimeError("nothing was handed in")


run_migrations_online()
'''

REVISION = '''\
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("ledger")
'''


def _environment(tmp_path: Path) -> Config:
    found = re.search(r"<!-- env-py-snippet -->\n```python\n(.*?)```\n", README, re.S)
    assert found is not None
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text(ENV_PY.format(snippet=found.group(1).rstrip("\n")))
    (tmp_path / "versions" / "a1_ledger.py").write_text(REVISION)
    config = Config()
    config.set_main_option("script_location", str(tmp_path))
    return config


@pytest.mark.parametrize("handed", ["engine", "connection"])
def test_the_readme_env_py_lines_take_an_engine_or_a_connection(
    engine: sa.Engine, tmp_path: Path, handed: str
) -> None:
    config = _environment(tmp_path)
    if handed == "engine":
        config.attributes["connection"] = engine
        command.upgrade(config, "head")
    else:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "a1"
        assert conn.execute(sa.text("SELECT to_regclass('public.ledger')")).scalar() == "ledger"
