"""stdout is the report and nothing else: what the project's own code prints (the models
at import, env.py, a revision) goes to stderr, so ``--format json`` stays one document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from modules import write_module

from drift.cli.commands import main
from drift.sources.scratch import execute_script
from tests.projects.helpers import copy_project, drift

MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

print("loading the models (debug)")


class Base(DeclarativeBase):
    pass


class Bet(Base):
    __tablename__ = "bets"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
"""

REVISION = '''"""noisy

Revision ID: 0b0e0b0e0b0e
Revises: e5b6d2a09f17
"""
from alembic import op

revision = "0b0e0b0e0b0e"
down_revision = "e5b6d2a09f17"
branch_labels = None
depends_on = None

print("importing the noisy revision")


def upgrade():
    print("upgrading: nothing to do")


def downgrade():
    pass
'''


@pytest.mark.usefixtures("cli_isolated")
def test_a_print_in_the_models_goes_to_stderr(tmp_path: Path, database_url: str) -> None:
    execute_script(database_url, "CREATE TABLE bets (id integer PRIMARY KEY);")
    for fmt in ("json", "sarif"):
        models = write_module(tmp_path, "noisy_models", MODELS)  # imported afresh
        result = CliRunner().invoke(main, ["check", "--url", database_url, "-m",
                                           f"{models}:Base", "--format", fmt, "--no-cache"])
        assert result.exit_code == 0, result.stderr
        json.loads(result.stdout)  # one document, nothing before or after it
        assert "loading the models (debug)" in result.stderr


def test_a_print_in_a_revision_goes_to_stderr(tmp_path: Path) -> None:
    shop = copy_project("shop", tmp_path)
    (shop / "migrations" / "versions" / "20240601_0b0e0b0e0b0e_noisy.py").write_text(REVISION)
    run = drift(shop, "check", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["mismatches"] == []
    assert "upgrading: nothing to do" in run.stderr
