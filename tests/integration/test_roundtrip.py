"""create_all() of the rich models, reflected, compares equal to the declared models."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from drift.compare import compare_snapshots
from drift.schema import Snapshot
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = ("public", "quantum")


@pytest.fixture
def rich_models(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO))  # the checkout's tests/ is not an installed package
    return importlib.import_module("tests.fixtures.rich_models")


def test_create_all_of_rich_models_has_no_drift(
    rich_models: ModuleType, run_sql, engine: sa.Engine, database_url: str
) -> None:
    run_sql("CREATE SCHEMA quantum")
    rich_models.metadata.create_all(engine)
    run_sql(
        "CREATE TABLE events_2026 PARTITION OF events"
        " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    declared = declare_metadata(rich_models.metadata, SCHEMAS, source="rich_models")
    reflected = reflect_snapshot(database_url, SCHEMAS)
    # what a saved snapshot compares later must be what was read
    assert Snapshot.from_json(reflected.to_json()) == reflected
    assert Snapshot.from_json(declared.to_json()) == declared
    found = [
        (m.object_type.value, m.change.value, m.path, m.attribute, m.models, m.database)
        for m in compare_snapshots(declared, reflected)
    ]
    assert found == [], "\n".join(map(repr, found))


def test_the_round_trip_is_not_vacuous(
    rich_models: ModuleType, run_sql, engine: sa.Engine, database_url: str
) -> None:
    run_sql("CREATE SCHEMA quantum")
    rich_models.metadata.create_all(engine)
    run_sql(
        "CREATE TABLE events_2026 PARTITION OF events"
        " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    reflected = reflect_snapshot(database_url, SCHEMAS)
    public, quantum = reflected.schema("public"), reflected.schema("quantum")
    assert public is not None and quantum is not None
    assert [t.name for t in public.tables] == [
        "Legacy Keyed",
        "events",
        "matches",
        "players",
        "teams",
        "tickets",
    ]
    players = public.table("players")
    assert players is not None
    checks = {c.name: c.expression for c in players.check_constraints}
    # quoted as PostgreSQL quotes it: position is one of its keywords
    assert checks["ck_players_position"] == "\"position\" IN ('GK', 'DF', 'MF', 'FW')"
    indexes = {i.name: i for i in players.indexes}
    assert indexes["ix_players_lower_email"].elements[0].expression == "lower(email)"
    assert indexes["ix_players_active"].where == "retired = false"
    assert indexes["ix_players_rating_desc"].elements[0].descending
    assert indexes["ix_players_team_incl"].include == ("name",)
    assert public.table("matches").indexes[0].method == "gin"
    assert [(e.name, e.labels) for e in public.enums] == [
        ("foot", ("left", "right", "both")),
        ("match_status", ("scheduled", "live", "finished")),
    ]
    assert indexes["ix_players_name_pattern"].elements[0].opclass == "text_pattern_ops"
    assert "ix_players_nickname" in indexes and "ix_players_squad_code" in indexes
    assert indexes["ix_players_squad_code"].unique
    assert {u.name: u.nulls_not_distinct for u in players.unique_constraints}["uq_players_nickname"]
    events = public.table("events")
    assert events is not None and events.partitioned_by == "RANGE (played_at)"
    assert [i.name for i in events.indexes] == ["ix_events_kind"]
    assert events.column("weight").computed == "length(kind) * 2"  # type: ignore[union-attr]
    assert [e.labels for e in quantum.enums] == [("offence", "defence", "balance")]
    assert [s.name for s in public.sequences] == ["legacy_ref_seq", "ticket_seq"]
    tickets = public.table("tickets")
    assert tickets is not None
    assert tickets.column("id").sequence == "public.ticket_seq"
    assert tickets.column("legacy_ref").sequence == "public.legacy_ref_seq"
    assert tickets.column("counter").identity == "by default"
    assert public.table("teams").column("id").serial
    dna = quantum.table("team_dna")
    assert dna is not None and dna.column("kind").type == "quantum.dna_kind"
    assert dna.foreign_keys[0].referred_schema == "public"
