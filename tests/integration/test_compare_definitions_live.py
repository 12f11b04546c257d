"""The name drift gives an unnamed exclusion constraint on an expression is the one PostgreSQL
gives it when ``create_all()`` adds it: ``tstzrange(...)`` names it ``tstzrange``, not ``expr``."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSTZRANGE, ExcludeConstraint
from sqlalchemy.schema import AddConstraint

from drift.compare import compare_snapshots
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

ROOM_SQL = "CREATE TABLE room (id integer PRIMARY KEY, during tstzrange);"


def _models() -> tuple[sa.MetaData, ExcludeConstraint]:
    metadata = sa.MetaData()
    overlap = ExcludeConstraint(
        (sa.func.tstzrange(sa.func.lower(sa.column("during")), sa.func.upper(sa.column("during"))),
         "&&"),
        using="gist")
    sa.Table("room", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("during", TSTZRANGE), overlap)
    return metadata, overlap


def test_an_unnamed_exclusion_on_a_function_is_reported_under_postgresqls_name(
    run_sql: Callable[[str], None], engine: sa.Engine, database_url: str
) -> None:
    run_sql(ROOM_SQL)
    metadata, overlap = _models()
    models = declare_metadata(metadata, ("public",))

    missing = compare_snapshots(models, reflect_snapshot(database_url, ("public",)))
    assert [(m.object_type.value, m.change.value, m.path) for m in missing] == [
        ("exclusion_constraint", "only_in_models", "public.room.room_tstzrange_excl")]

    with engine.begin() as conn:  # what create_all() would run, unnamed
        conn.execute(AddConstraint(overlap))
        named = conn.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'room'::regclass"
            " AND contype = 'x'")).scalars().all()
    assert named == ["room_tstzrange_excl"]
    assert compare_snapshots(models, reflect_snapshot(database_url, ("public",))) == []
