"""Model bugs PostgreSQL cannot build (an index with no column, a foreign key to a column
no unique key covers, GIN on text without its operator class): `drift plan` makes each a
MANUAL step naming the model's file and line (and `drift explain` says the same), and
`--verify` converges on the rest."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from drift.cli.commands import main
from tests.integration.plan_case import init_migrations

MODELS = '''from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (
        Index("ix_teams_name_search", "name", postgresql_using="gin"),
        Index("ix_teams_nothing"),
    )


class Player(Base):
    __tablename__ = "players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_code: Mapped[str] = mapped_column(String(3), ForeignKey("teams.code"))
'''

LIVE = """
CREATE TABLE teams (id integer PRIMARY KEY, code varchar(3) NOT NULL, name text NOT NULL);
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
"""


def test_model_bugs_become_manual_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        database_url: str, run_sql, pg_server) -> None:
    run_sql(LIVE)
    module = f"clubs_{uuid.uuid4().hex[:8]}"
    source = tmp_path / f"{module}.py"
    source.write_text(MODELS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    migrations = init_migrations(tmp_path / "migrations")
    common = ["--url", database_url, "--models", module, "--schema", "public"]
    result = CliRunner().invoke(main, ["plan", *common, "--migrations", str(migrations),
                                       "--verify", "--scratch-url", pg_server.admin_url])
    assert result.exit_code == 0, result.output
    assert "Verdict: converged" in result.output
    [revision] = (migrations / "versions").glob("*.py")
    text = revision.read_text(encoding="utf-8")
    assert "op.add_column('teams', sa.Column('country'" in text
    assert "op.create_table('players'" in text
    assert "create_foreign_key" not in text and "ForeignKeyConstraint" not in text
    assert "op.create_index" not in text
    where = f"{source}:"
    assert ("# MANUAL ('public.teams.ix_teams_nothing'): the index ix_teams_nothing on "
            "public.teams names no column: CREATE INDEX needs at least one (declared at "
            f"{where}19)") in text
    assert ("the index ix_teams_name_search on public.teams uses gin on column name of type "
            "text, which has no default operator class for gin: name one in the model "
            f"(postgresql_ops) (declared at {where}18)") in " ".join(
                line.lstrip("# ") for line in text.splitlines())
    assert ("the foreign key public.players(team_code) refers to public.teams(code), which "
            "no primary key or unique constraint covers") in " ".join(
                line.lstrip("# ") for line in text.splitlines())
    assert f"(declared at {where}27)" in " ".join(line.lstrip("# ") for line in
                                                  text.splitlines())

    check = CliRunner().invoke(main, ["check", *common, "--format", "json"])
    import json

    ids = {m["path"]: m["id"] for m in json.loads(check.stdout)["mismatches"]}
    explained = CliRunner().invoke(main, ["explain", *common,
                                          ids["public.teams.ix_teams_name_search"]])
    assert explained.exit_code == 0, explained.output
    assert "no default operator class for gin" in explained.output
    assert "op.create_index" not in explained.output
