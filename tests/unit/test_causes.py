"""The three-way cause of a finding, on hand-built snapshots (models, migrations' head,
live database, and the schema at the live database's revision when it is behind)."""

from __future__ import annotations

import pytest

from drift.classify.causes import assign_causes
from drift.compare import compare_snapshots
from drift.mismatch import Cause
from drift.schema import Column, PrimaryKey, Schema, Snapshot, Table

ID = Column("id", "integer", nullable=False)


def snap(*columns: Column, origin: str = "database") -> Snapshot:
    table = Table("team", columns=(ID, *columns), primary_key=PrimaryKey("team_pkey", ("id",)))
    return Snapshot(origin, (Schema("public", tables=(table,)),))


NAME = Column("name", "text")
NAME_VARCHAR = Column("name", "character varying(80)")
NAME_INT = Column("name", "integer")
NOTE = Column("note", "text")


@pytest.mark.parametrize(("models", "head", "live", "at_live", "expected"), [
    # the models gained a column no revision adds; the live database is at the head
    ((NAME,), (), (), None, Cause.MISSING_MIGRATION),
    # someone added a column by hand; models and migrations agree
    ((), (), (NOTE,), None, Cause.OUT_OF_BAND),
    # the head adds the column, the live database is at the revision before
    ((NAME,), (NAME,), (), (), Cause.PENDING_MIGRATION),
    # behind, but the live database does not match its own revision either: a hand change
    ((), (), (NOTE,), (), Cause.OUT_OF_BAND),
    # all three disagree on the type
    ((NAME,), (NAME_VARCHAR,), (NAME_INT,), None, Cause.BOTH),
])
def test_cause(models: tuple[Column, ...], head: tuple[Column, ...], live: tuple[Column, ...],
               at_live: tuple[Column, ...] | None, expected: Cause) -> None:
    m, h, lv = snap(*models, origin="models"), snap(*head), snap(*live)
    mismatches = compare_snapshots(m, lv)
    assert len(mismatches) == 1
    [found] = assign_causes(mismatches, m, h, lv,
                            snap(*at_live) if at_live is not None else None)
    assert found.cause is expected
    assert found.id == mismatches[0].id  # the cause is no part of the stable id

