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
    # the same object, another kind of finding in each comparison: the models' column no
    # revision adds (models vs head: only in models), added by hand with another type
    # (head vs live: only in the database; models vs live: the type differs)
    ((NAME,), (), (NAME_INT,), None, Cause.BOTH),
    # the models changed the type and nothing else; by hand, the live column lost NOT NULL:
    # two attributes, two findings, each with its own cause
    ((NAME_VARCHAR,), (Column("name", "text", nullable=False),), (NAME_INT,), None,
     Cause.BOTH),
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



def test_two_attributes_of_one_object_are_two_findings() -> None:
    # models vs head: the type; head vs live: NOT NULL; models vs live: both attributes
    models = snap(NAME_VARCHAR, origin="models")
    head = snap(Column("name", "text"))
    live = snap(Column("name", "character varying(80)", nullable=False))
    [nullable] = compare_snapshots(models, live)
    assert nullable.attribute == "nullable"
    [found] = assign_causes([nullable], models, head, live)
    assert found.cause is Cause.OUT_OF_BAND  # the type difference is not this finding's
