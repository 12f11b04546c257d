"""Shared by the plan tests (no tests here): a live schema, its models, the expectations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.compare import compare_snapshots
from drift.mismatch import Classification, Expectation, Phase
from drift.schema import Snapshot
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

SCHEMAS = ("public", "quantum")

LIVE_SQL = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE teams (id serial PRIMARY KEY, name varchar(20) NOT NULL, legacy_code text,
                    country text, mood mood);
CREATE TABLE matches (id integer PRIMARY KEY, home_id integer, score integer, note text);
CREATE INDEX ix_matches_score ON matches (score);
CREATE TABLE old_stuff (id integer);
INSERT INTO teams (name, country) VALUES ('a', NULL), ('b', 'fr');
ANALYZE teams;
"""


def example_metadata() -> sa.MetaData:
    md = sa.MetaData()
    mood = postgresql.ENUM("sad", "ok", "happy", name="mood", create_type=False)
    sa.Sequence("ticket_seq", metadata=md, schema="public")
    sa.Table(
        "teams", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("mood", mood),
        sa.Column("founded", sa.Date, comment="year the club was founded"),
        comment="Football teams",
    )
    sa.Table(
        "matches", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("home_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE")),
        sa.Column("score", sa.Integer, server_default=sa.text("0")),
        sa.Column("note", sa.Text, unique=True),
        sa.Index("ix_matches_score", "score", "id"),
    )
    kind = postgresql.ENUM("a", "b", name="kind", schema="quantum")
    sa.Table(
        "profiles", md,
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("quantum.profiles.id")),
        sa.Column("kind", kind, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Index("ix_profiles_team", "team_id"),
        schema="quantum",
    )
    return md


PHASES = (Phase(1, "current"), Phase(2, "short term"), Phase(3, "medium term"))
ENTRIES = (
    Expectation("public.teams*", "teams are being cleaned up", phase=1),
    Expectation("public.matches*", "matches get keys", phase=2),
    Expectation("quantum*", "Quantum DNA 2.0", phase=3),
    Expectation("public.mood", "new label", phase=1),
)


def example_classification(url: str, md: sa.MetaData | None = None
                           ) -> tuple[Classification, Snapshot, Snapshot]:
    models = declare_metadata(md if md is not None else example_metadata(), SCHEMAS)
    database = reflect_snapshot(url, SCHEMAS)
    mismatches = compare_snapshots(models, database)
    expectations = ExpectationsFile(PHASES, ENTRIES)
    return classify(mismatches, expectations, date(2026, 1, 1)), models, database


def init_migrations(path: Path) -> Path:
    """A fresh Alembic environment from Alembic's generic template (as a user would have)."""
    command.init(Config(str(path / "alembic.ini")), str(path))
    return path
