"""An index element's collation (COLLATE "C") is read, declared, compared and kept."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from plan_case import init_migrations, plan_case

from drift.compare import compare_snapshots
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

LIVE = """
CREATE TABLE people (id integer PRIMARY KEY, name text, email text COLLATE "C");
CREATE INDEX ix_people_name ON people (name COLLATE "C" DESC);
CREATE INDEX ix_people_email ON people (email);
"""


def _index_models(name_sql: str, email_sql: str) -> sa.MetaData:
    md = sa.MetaData()
    t = sa.Table("people", md, sa.Column("id", sa.Integer, primary_key=True,
                                         autoincrement=False),
                 sa.Column("name", sa.Text), sa.Column("email", sa.Text(collation="C")))
    sa.Index("ix_people_name", sa.text(name_sql), _table=t)
    sa.Index("ix_people_email", sa.text(email_sql), _table=t)
    return md


def test_reflection_reads_the_collation_an_index_element_adds(run_sql,
                                                               database_url: str) -> None:
    run_sql(LIVE)
    table = reflect_snapshot(database_url, ("public",)).schema("public").table("people")
    elements = {i.name: i.elements for i in table.indexes}
    assert [(e.expression, e.collation, e.descending)
            for e in elements["ix_people_name"]] == [("name", '"C"', True)]
    # the column's own collation is not the index's to report
    assert [(e.expression, e.collation) for e in elements["ix_people_email"]] == [("email", None)]


def test_a_declared_collate_matches_the_database(run_sql, database_url: str) -> None:
    run_sql(LIVE)
    md = _index_models('name COLLATE "C" DESC', "email")
    found = compare_snapshots(declare_metadata(md, ("public",)),
                              reflect_snapshot(database_url, ("public",)))
    assert found == []


def test_a_recreated_index_keeps_its_collation(run_sql, database_url: str,
                                               tmp_path: Path) -> None:
    run_sql(LIVE)
    md = _index_models("name DESC", 'email COLLATE "POSIX"')
    found = compare_snapshots(declare_metadata(md, ("public",)),
                              reflect_snapshot(database_url, ("public",)))
    assert sorted((m.name, m.attribute, m.models, m.database) for m in found) == [
        ("ix_people_email", "expressions", ("email COLLATE \"POSIX\"",), ("email",)),
        ("ix_people_name", "expressions", ("name DESC",), ('name COLLATE "C" DESC',)),
    ]
    case = plan_case(database_url, md, ("public",), init_migrations(tmp_path / "migrations"))
    assert case.report.converged, case.report
    assert case.report.downgrade_ran and case.report.downgrade_differences == ()
    [source] = case.sources()
    assert 'COLLATE "C"' in source and 'COLLATE "POSIX"' in source
