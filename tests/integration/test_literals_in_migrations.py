"""Typed literals against a migration history (no live database): the models' text and the
history's stored value are compared as PostgreSQL reads them, asked of a scratch database.

The revision is the one autogenerate writes from the models (the same texts), so the schema
it builds holds what PostgreSQL stored: the interval default '0' as '00:00:00', the jsonpath
in the CHECK parsed and printed back ('$.*?(@.type() != "string")').
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects.helpers import copy_project, drift

MODELS = '''

class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("""jsonb_path_exists(rules, '$.* ? (@.type() <> "string")')""",
                        name="rules_are_text"),
    )

    id: Mapped[int] = mapped_column(Identity(always=True), primary_key=True)
    grace: Mapped[timedelta] = mapped_column(Interval, server_default="0")
    rules: Mapped[dict[str, str]] = mapped_column(JSONB)
'''

REVISION = '''"""plans

Revision ID: 7b1e0c9d2a55
Revises: e5b6d2a09f17
Create Date: 2024-05-02 09:12:40.118203

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7b1e0c9d2a55"
down_revision: Union[str, None] = "e5b6d2a09f17"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), sa.Identity(always=True), nullable=False),
        sa.Column("grace", sa.Interval(), server_default="0", nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("""jsonb_path_exists(rules, '$.* ? (@.type() <> "string")')""",
                           name=op.f("ck_plans_rules_are_text")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )


def downgrade() -> None:
    op.drop_table("plans")
'''


def _shop_with_plans(tmp_path: Path, revision: str = REVISION) -> Path:
    shop = copy_project("shop", tmp_path)
    models = shop / "shop" / "models" / "customers.py"
    text = models.read_text().replace(
        "from sqlalchemy import ForeignKey, Identity, String, Text\n",
        "from datetime import timedelta\n\n"
        "from sqlalchemy import CheckConstraint, ForeignKey, Identity, Interval, String, Text\n"
        "from sqlalchemy.dialects.postgresql import JSONB\n",
    )
    models.write_text(text + MODELS)
    (shop / "migrations" / "versions" / "20240502_7b1e0c9d2a55_plans.py").write_text(revision)
    return shop


def test_interval_default_and_jsonpath_check_match_the_history(tmp_path: Path) -> None:
    shop = _shop_with_plans(tmp_path)
    run = drift(shop, "check", "--no-cache")
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_literal_the_history_spells_otherwise_still_differs(tmp_path: Path) -> None:
    revision = REVISION.replace('server_default="0"', 'server_default="1 second"').replace(
        "'$.* ? (@.type() <> \"string\")'", "'$.* ? (@.type() == \"string\")'")
    shop = _shop_with_plans(tmp_path, revision)
    run = drift(shop, "check", "--no-cache", "--format", "json")
    assert run.returncode == 1, run.stderr
    found = sorted((m["path"], m["attribute"]) for m in json.loads(run.stdout)["mismatches"])
    assert found == [("public.plans.ck_plans_rules_are_text", "expression"),
                     ("public.plans.grace", "default")]


def test_a_warm_run_asks_no_server_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The answers PostgreSQL gave about the models' literals are kept with the other cached
    sides: a warm `drift check --migrations` starts no scratch server to ask them again."""
    from click.testing import CliRunner

    from drift.cli.commands import main
    from drift.sources import scratch

    shop = _shop_with_plans(tmp_path)
    cold = drift(shop, "check")
    assert cold.returncode == 0, cold.stdout + cold.stderr

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm run started a scratch server")

    monkeypatch.chdir(shop)
    monkeypatch.setattr(scratch.EmbeddedPostgres, "__init__", no_server)
    for name in ("DATABASE_URL", "DRIFT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    warm = CliRunner().invoke(main, ["check"])
    assert warm.exit_code == 0, (warm.output, warm.exception)
    assert "(from the cache)" in warm.output
