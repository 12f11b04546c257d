"""A declared name over 63 bytes is one finding (PostgreSQL truncates it), planned by hand."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from plan_case import init_migrations, plan_case

from drift.compare import compare_snapshots
from drift.mismatch import Change, ObjectType, Severity
from drift.plan import StepKind
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

LONG_COLUMN = "é" * 40  # 40 characters, 80 bytes
# SQLAlchemy refuses names over 63 characters; over 63 bytes it lets through
LONG_INDEX = "ix_" + "é" * 35  # 73 bytes


def _models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column(LONG_COLUMN, sa.Text),
             sa.Index(LONG_INDEX, "id"))
    return md


def test_a_name_over_63_bytes_is_one_finding_and_a_manual_step(database_url: str,
                                                                  tmp_path: Path) -> None:
    md = _models()
    engine = sa.create_engine(database_url)
    try:
        md.create_all(engine)  # as the application created it: PostgreSQL truncated the names
    finally:
        engine.dispose()
    models = declare_metadata(md, ("public",))
    found = compare_snapshots(models, reflect_snapshot(database_url, ("public",)))
    assert sorted((m.object_type, m.change, m.attribute, m.severity, m.models, m.database)
                  for m in found) == sorted([
        (ObjectType.COLUMN, Change.DIFFERS, "name_too_long", Severity.ERROR, LONG_COLUMN,
         "é" * 31),
        (ObjectType.INDEX, Change.DIFFERS, "name_too_long", Severity.ERROR, LONG_INDEX,
         "ix_" + "é" * 30),
    ])
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"))
    assert [st.kind for st in case.plan.steps] == [StepKind.MANUAL, StepKind.MANUAL]
    assert all("63 bytes" in st.note for st in case.plan.steps)
    assert case.report.converged, case.report


def test_a_new_table_with_a_long_column_is_not_planned(database_url: str,
                                                       tmp_path: Path) -> None:
    case = plan_case(database_url, _models(), ("public",),
                     init_migrations(tmp_path / "migrations"))
    assert {st.kind for st in case.plan.steps} == {StepKind.MANUAL}
    assert case.report.converged, case.report
