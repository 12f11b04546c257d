"""The example domain of ``drift demo``: the models import, the example database builds."""

from __future__ import annotations

import sqlalchemy as sa

from drift.demo import demo_sql, import_example_models

# the repository root is not on sys.path under pytest; the demo's own lookup finds it
import_example_models()

import models  # noqa: E402
from models.base import Base  # noqa: E402


def test_the_example_models_declare_both_schemas() -> None:
    assert models.metadata is Base.metadata
    schemas = {t.schema or "public" for t in models.metadata.tables.values()}
    assert schemas == {"public", "quantum"}
    assert {"teams", "matches", "bookmakers", "odds", "bets", "team_dna"} <= set(
        models.metadata.tables
    )
    assert "quantum.dna_profiles" in models.metadata.tables


def test_every_model_carries_the_mixin_columns() -> None:
    for table in models.metadata.tables.values():
        for name in ("created_at", "updated_at", "created_by", "updated_by"):
            assert name in table.c, f"{table.fullname} lacks {name}"
        assert isinstance(table.c.created_at.type, sa.DateTime)
        assert table.c.created_at.type.timezone
        assert table.c.created_at.server_default is not None
        assert not table.c.created_at.nullable
        assert table.c.created_by.nullable


def test_the_example_database_builds_on_a_fresh_database(run_sql, engine: sa.Engine) -> None:
    run_sql(demo_sql())
    inspector = sa.inspect(engine)
    assert "odds" in inspector.get_table_names(schema="public")
    assert set(inspector.get_table_names(schema="quantum")) == {"dna_profiles", "model_runs"}
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from teams")).scalar() >= 5
        assert conn.execute(sa.text("select count(*) from odds")).scalar() >= 5


def test_the_models_build_on_a_fresh_database(engine: sa.Engine) -> None:
    # The declared target is valid DDL too (the plan converges towards it).
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA quantum")
        models.metadata.create_all(conn)
    inspector = sa.inspect(engine)
    assert set(inspector.get_table_names(schema="quantum")) == {
        "dna_profiles",
        "dna_vectors",
        "model_runs",
        "predictions",
        "signal_weights",
    }


def test_the_models_built_by_sqlalchemy_show_no_drift(database_url: str, engine: sa.Engine) -> None:
    # Every construct of the example (serial, identity, enums, jsonb and uuid defaults,
    # arrays, IN-list checks, cross-schema keys) reads back equal: no false positive.
    from drift.api import CheckConfig, run_check

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA quantum")
        models.metadata.create_all(conn)
    result = run_check(CheckConfig(url=database_url, models=("models",)))
    assert [f.to_dict() for f in result.classification.findings] == []
