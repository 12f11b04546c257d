"""Edges of the core that a small change to the code would cross unnoticed.

Each case states what PostgreSQL (or a user) says, not what drift printed:
FLOAT(24) is real; a ``Sequence(optional=True)`` is not created on PostgreSQL;
a table never analysed (reltuples -1) may hold rows; a report keeps non-ASCII
names as they are.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.cli.commands import main
from drift.compare import compare_snapshots
from drift.plan import HazardKind, StepKind, build_plan, measure
from drift.sources.database.connection import read_only_connection
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

# float(p): "PostgreSQL accepts float(1) to float(24) as selecting the real type, while
# float(25) to float(53) select double precision" (the manual, Numeric Types)
FLOATS = [("p1", 1, "real"), ("p24", 24, "real"), ("p25", 25, "double precision"),
          ("p53", 53, "double precision")]


def test_float_precision_selects_real_up_to_24(run_sql: Any, engine: sa.Engine,
                                               database_url: str) -> None:
    run_sql("CREATE TABLE measures ("
            + ", ".join(f"{name} float({p})" for name, p, _ in FLOATS) + ")")
    with engine.connect() as conn:
        stored = dict(conn.exec_driver_sql(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'measures'::regclass AND attnum > 0").all())
    assert stored == {name: canonical for name, _, canonical in FLOATS}
    md = sa.MetaData()
    sa.Table("measures", md, *(sa.Column(name, sa.Float(precision=p)) for name, p, _ in FLOATS))
    declared = declare_metadata(md, ("public",))
    assert compare_snapshots(declared, reflect_snapshot(database_url, ("public",))) == []


def test_an_optional_sequence_is_not_declared_on_postgresql(engine: sa.Engine,
                                                            database_url: str) -> None:
    """Sequence(optional=True) is for databases without SERIAL: create_all skips it here."""
    md = sa.MetaData()
    sa.Table("tickets", md,
             sa.Column("id", sa.Integer, sa.Sequence("ticket_numbers", optional=True),
                       primary_key=True),
             sa.Column("note", sa.Text))
    md.create_all(engine)
    with engine.connect() as conn:
        sequences = conn.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'").scalars().all()
    assert sequences == ["tickets_id_seq"]  # the SERIAL's own, not ticket_numbers
    declared = declare_metadata(md, ("public",))
    assert declared.schemas[0].sequences == ()
    assert compare_snapshots(declared, reflect_snapshot(database_url, ("public",))) == []


def test_a_never_analysed_table_keeps_its_not_null_hazard(run_sql: Any, engine: sa.Engine,
                                                          database_url: str) -> None:
    # rows written, no ANALYZE yet (a table restored or filled minutes ago)
    run_sql("CREATE TABLE bets (id integer PRIMARY KEY);"
            "INSERT INTO bets SELECT generate_series(1, 3);")
    with engine.connect() as conn:
        reltuples = conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'bets'::regclass").scalar_one()
    assert reltuples == -1  # PostgreSQL 14+: never vacuumed nor analysed
    md = sa.MetaData()
    sa.Table("bets", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("stake", sa.Numeric(12, 2), nullable=False))
    models = declare_metadata(md, ("public",))
    database = reflect_snapshot(database_url, ("public",))
    findings = classify(compare_snapshots(models, database), ExpectationsFile((), ()),
                        date(2026, 1, 1)).findings
    draft = build_plan(findings, (), models, database)
    with read_only_connection(database_url) as conn:
        stats = measure(conn, draft.steps, ("public",))
    plan = build_plan(findings, (), models, database, stats=stats)
    [add] = [st for st in plan.steps if st.kind is StepKind.ADD_COLUMN]
    kinds = [h.kind for h in add.hazards]
    assert HazardKind.NULLS_PRESENT in kinds, add.hazards
    # and the run proves it: the table does have rows, so the ALTER fails
    with pytest.raises(sa.exc.IntegrityError, match="contains null values"), \
            engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE bets ADD COLUMN stake numeric(12,2) NOT NULL")


ACCENTED_MODELS = """
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Equipe(Base):
    __tablename__ = "\\u00e9quipes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
"""


def test_the_json_report_keeps_non_ascii_names(run_sql: Any, database_url: str,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    run_sql('CREATE TABLE "équipes" (id integer PRIMARY KEY, "prénom" text);'
            """COMMENT ON COLUMN "équipes"."prénom" IS 'Prénom du joueur ⚽';""")
    module = f"accented_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(ACCENTED_MODELS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("DRIFT_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "drift.json"
    result = CliRunner().invoke(main, ["check", "--url", database_url, "--models",
                                       f"{module}:Base", "--schema", "public",
                                       "--format", "json", "--output", str(out)])
    assert result.exit_code == 1, result.output
    raw = out.read_bytes()
    # UTF-8 as written, readable in a diff or a grep, not \\u00e9 escapes
    assert "public.équipes.prénom".encode() in raw
    assert "Prénom du joueur ⚽".encode() in raw
    assert b"\\u00e9" not in raw
    [mismatch] = json.loads(raw.decode("utf-8"))["mismatches"]
    assert mismatch["path"] == "public.équipes.prénom"
