"""The comparator on hand-built snapshots: every kind in each change, matching, hints, order."""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from types import FrameType

import pytest

from drift.compare import compare_snapshots
from drift.mismatch import Change, Mismatch, ObjectType, Severity
from drift.schema import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    Snapshot,
    Table,
    UniqueConstraint,
    View,
)

ID = Column("id", "integer", nullable=False, serial=True)
NAME = Column("name", "text")
TEAM = Table("team", columns=(ID, NAME), primary_key=PrimaryKey("team_pkey", ("id",)))


def models(*schemas: Schema) -> Snapshot:
    return Snapshot(origin="models", schemas=schemas)


def database(*schemas: Schema) -> Snapshot:
    return Snapshot(origin="database", schemas=schemas)


def public(*tables: Table, **kw: object) -> Schema:
    return Schema("public", tables=tables, **kw)  # type: ignore[arg-type]


def with_table(**changes: object) -> Schema:
    return public(replace(TEAM, **changes))  # type: ignore[arg-type]


def col(name: str, **kw: object) -> Column:
    return replace(Column(name, "integer"), **kw)  # type: ignore[arg-type]


def idx(name: str | None, *cols: str, **kw: object) -> Index:
    return Index(name, tuple(IndexElement(c) for c in cols), **kw)  # type: ignore[arg-type]


def fk(name: str | None, *cols: str, **kw: object) -> ForeignKey:
    return replace(ForeignKey(name, cols, "public", "team", ("id",)), **kw)  # type: ignore[arg-type]


Row = tuple[str, str, str | None, str]


def rows(found: list[Mismatch]) -> list[Row]:
    return [(m.object_type.value, m.change.value, m.attribute, m.path) for m in found]


M, D, X = "only_in_models", "only_in_database", "differs"
T_ = ("team",)

CASES: list[tuple[str, Schema, Schema, list[Row]]] = [
    ("identical", public(TEAM), public(TEAM), []),
    ("table only in models", public(TEAM), public(), [("table", M, None, "public.team")]),
    ("table only in database", public(), public(TEAM), [("table", D, None, "public.team")]),
    ("table comment", with_table(comment="Teams"), public(TEAM),
     [("table", X, "comment", "public.team")]),
    ("table partitioning", public(TEAM), with_table(partitioned_by="RANGE (id)"),
     [("table", X, "partitioned_by", "public.team")]),
    ("column only in models", with_table(columns=(ID, NAME, col("x"))), public(TEAM),
     [("column", M, None, "public.team.x")]),
    ("column only in database", public(TEAM), with_table(columns=(ID, NAME, col("x"))),
     [("column", D, None, "public.team.x")]),
    *[
        (f"column {attr}", with_table(columns=(ID, replace(NAME, **{attr: a}))),
         with_table(columns=(ID, replace(NAME, **{attr: b}))),
         [("column", X, attr, "public.team.name")])
        for attr, a, b in [
            ("type", "text", "character varying(20)"),
            ("nullable", True, False),
            ("default", "'x'::text", None),
            ("identity", "always", None),
            ("computed", "upper(name)", None),
            ("comment", "the name", None),
            ("collation", "C", None),
        ]
    ],
    ("column serial vs plain", public(TEAM), with_table(columns=(replace(ID, serial=False), NAME)),
     [("column", X, "default", "public.team.id")]),
    ("column sequence vs serial", with_table(columns=(replace(ID, serial=False,
                                                              sequence="public.s"), NAME)),
     public(TEAM), [("column", X, "default", "public.team.id")]),
    ("primary key only in models", public(TEAM), with_table(primary_key=None),
     [("primary_key", M, None, "public.team.team_pkey")]),
    ("unnamed primary key only in models", with_table(primary_key=PrimaryKey(None, ("id",))),
     with_table(primary_key=None), [("primary_key", M, None, "public.team.team_pkey")]),
    ("primary key only in database", with_table(primary_key=None), public(TEAM),
     [("primary_key", D, None, "public.team.team_pkey")]),
    ("primary key columns", with_table(primary_key=PrimaryKey(None, ("id", "name"))), public(TEAM),
     [("primary_key", X, "columns", "public.team.team_pkey")]),
    ("primary key named the same way", with_table(primary_key=PrimaryKey(None, ("id",))),
     public(TEAM), []),
    ("foreign key only in models (unnamed: PostgreSQL's name)",
     with_table(foreign_keys=(fk(None, "id"),)), public(TEAM),
     [("foreign_key", M, None, "public.team.team_id_fkey")]),
    ("foreign key only in database", public(TEAM), with_table(foreign_keys=(fk("f", "id"),)),
     [("foreign_key", D, None, "public.team.f")]),
    ("unnamed foreign key matched by definition", with_table(foreign_keys=(fk(None, "id"),)),
     with_table(foreign_keys=(fk("team_id_fkey", "id"),)), []),
    *[
        (f"foreign key {attr}", with_table(foreign_keys=(fk("f", "id", **{field: a}),)),
         with_table(foreign_keys=(fk("f", "id", **{field: b}),)),
         [("foreign_key", X, attr, "public.team.f")])
        for attr, field, a, b in [
            ("on_delete", "on_delete", "CASCADE", "NO ACTION"),
            ("on_update", "on_update", "CASCADE", "NO ACTION"),
            ("deferrable", "deferrable", True, False),
            ("match", "match", "FULL", "SIMPLE"),
            ("referred", "referred_table", "league", "team"),
            ("columns", "columns", ("name",), ("id",)),
        ]
    ],
    ("unnamed foreign key on_delete differs: matched by definition, differs",
     with_table(foreign_keys=(fk(None, "id", on_delete="CASCADE"),)),
     with_table(foreign_keys=(fk("team_id_fkey", "id"),)),
     [("foreign_key", X, "on_delete", "public.team.team_id_fkey")]),
    ("named the other way: name differs",
     with_table(foreign_keys=(fk("fk_team_id", "id"),)),
     with_table(foreign_keys=(fk("team_id_fkey", "id"),)),
     [("foreign_key", X, "name", "public.team.team_id_fkey")]),
    ("unique only in models", with_table(unique_constraints=(UniqueConstraint(None, ("name",)),)),
     public(TEAM), [("unique_constraint", M, None, "public.team.team_name_key")]),
    ("unique only in database", public(TEAM),
     with_table(unique_constraints=(UniqueConstraint("u", ("name",)),)),
     [("unique_constraint", D, None, "public.team.u")]),
    ("unique columns", with_table(unique_constraints=(UniqueConstraint("u", ("name",)),)),
     with_table(unique_constraints=(UniqueConstraint("u", ("id", "name")),)),
     [("unique_constraint", X, "columns", "public.team.u")]),
    ("unnamed unique matched by columns",
     with_table(unique_constraints=(UniqueConstraint(None, ("name",)),)),
     with_table(unique_constraints=(UniqueConstraint("team_name_key", ("name",)),)), []),
    ("unique constraint = plain unique index",
     with_table(unique_constraints=(UniqueConstraint(None, ("name",)),)),
     with_table(indexes=(idx("team_name_uq", "name", unique=True),)), []),
    ("unique index = unique constraint",
     with_table(indexes=(idx("ix_team_name", "name", unique=True),)),
     with_table(unique_constraints=(UniqueConstraint("team_name_key", ("name",)),)), []),
    ("partial unique index is not a unique constraint",
     with_table(unique_constraints=(UniqueConstraint(None, ("name",)),)),
     with_table(indexes=(idx("p", "name", unique=True, where="(id > 0)"),)),
     [("index", D, None, "public.team.p"),
      ("unique_constraint", M, None, "public.team.team_name_key")]),
    ("check only in models (one column: PostgreSQL's name)",
     with_table(check_constraints=(CheckConstraint(None, "(id > 0)"),)), public(TEAM),
     [("check_constraint", M, None, "public.team.team_id_check")]),
    ("two unnamed checks only in models",
     with_table(check_constraints=(CheckConstraint(None, "(id > name)"),
                                   CheckConstraint(None, "(length(name) > id)"))), public(TEAM),
     [("check_constraint", M, None, "public.team.team_check"),
      ("check_constraint", M, None, "public.team.team_check1")]),
    ("check only in database", public(TEAM),
     with_table(check_constraints=(CheckConstraint("c", "(id > 0)"),)),
     [("check_constraint", D, None, "public.team.c")]),
    ("check expression", with_table(check_constraints=(CheckConstraint("c", "(id > 0)"),)),
     with_table(check_constraints=(CheckConstraint("c", "(id > 1)"),)),
     [("check_constraint", X, "expression", "public.team.c")]),
    ("unnamed check matched by expression",
     with_table(check_constraints=(CheckConstraint(None, "(id > 0)"),)),
     with_table(check_constraints=(CheckConstraint("team_id_check", "(id > 0)"),)), []),
    ("index only in models", with_table(indexes=(idx("ix", "name"),)), public(TEAM),
     [("index", M, None, "public.team.ix")]),
    ("unnamed index only in models", with_table(indexes=(idx(None, "name", "id"),)), public(TEAM),
     [("index", M, None, "public.team.team_name_id_idx")]),
    ("index only in database", public(TEAM), with_table(indexes=(idx("ix", "name"),)),
     [("index", D, None, "public.team.ix")]),
    ("unnamed index matched by definition", with_table(indexes=(idx(None, "name"),)),
     with_table(indexes=(idx("team_name_idx", "name"),)), []),
    *[
        (f"index {attr}", with_table(indexes=(a,)), with_table(indexes=(b,)),
         [("index", X, attr, "public.team.ix")])
        for attr, a, b in [
            ("unique", idx("ix", "name", unique=True, where="(id > 0)"),
             idx("ix", "name", where="(id > 0)")),
            ("where", idx("ix", "name", where="(id > 0)"), idx("ix", "name")),
            ("method", idx("ix", "name", method="hash"), idx("ix", "name")),
            ("expressions", idx("ix", "name"), idx("ix", "id")),
            ("include", idx("ix", "name", include=("id",)), idx("ix", "name")),
        ]
    ],
    ("enum only in models", public(enums=(EnumType("kind", ("a", "b")),)), public(),
     [("enum", M, None, "public.kind")]),
    ("enum only in database", public(), public(enums=(EnumType("kind", ("a",)),)),
     [("enum", D, None, "public.kind")]),
    ("enum values", public(enums=(EnumType("kind", ("a", "b")),)),
     public(enums=(EnumType("kind", ("a",)),)), [("enum", X, "values", "public.kind")]),
    ("sequence only in models", public(sequences=(Sequence("s"),)), public(),
     [("sequence", M, None, "public.s")]),
    ("sequence only in database", public(), public(sequences=(Sequence("s"),)),
     [("sequence", D, None, "public.s")]),
    ("sequence increment and start", public(sequences=(Sequence("s", increment=2, start=5),)),
     public(sequences=(Sequence("s"),)),
     [("sequence", X, "increment", "public.s"), ("sequence", X, "start", "public.s")]),
    ("view only in database", public(), public(views=(View("v"),)),
     [("view", D, None, "public.v")]),
    ("view only in models", public(views=(View("v"),)), public(),
     [("view", M, None, "public.v")]),
    ("view vs materialized view", public(views=(View("v"),)),
     public(views=(View("v", materialized=True),)), [("view", X, "kind", "public.v")]),
    ("declared table is a view", public(TEAM), public(views=(View("team"),)),
     [("table", X, "kind", "public.team")]),
    ("declared view is a table", public(views=(View("team"),)), public(TEAM),
     [("view", X, "kind", "public.team")]),
]


@pytest.mark.parametrize(("models_schema", "database_schema", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_and_change(
    models_schema: Schema, database_schema: Schema, expected: list[Row]
) -> None:
    found = compare_snapshots(models(models_schema), database(database_schema))
    assert rows(found) == sorted(expected, key=lambda r: (r[3], r[0], r[2] or ""))


def test_schema_only_in_models_lists_its_tables() -> None:
    quantum = Schema("quantum", tables=(Table("a"), Table("b")), enums=(EnumType("k", ("x",)),))
    found = compare_snapshots(models(public(), quantum), database(public()))
    assert rows(found) == [
        ("schema", M, None, "quantum"),
        ("enum", M, None, "quantum.k"),
        ("table", M, None, "quantum.a"),
        ("table", M, None, "quantum.b"),
    ]
    assert found[0].models == Schema("quantum") and found[0].database is None
    assert found[0].severity is Severity.ERROR


def test_schema_only_in_database() -> None:
    found = compare_snapshots(models(), database(Schema("legacy", tables=(Table("t"),))))
    assert rows(found) == [("schema", D, None, "legacy"), ("table", D, None, "legacy.t")]


def test_alembics_version_table_is_not_drift() -> None:
    version = Table("alembic_version", columns=(Column("version_num", "character varying(32)"),))
    assert compare_snapshots(models(public(TEAM)), database(public(TEAM, version))) == []
    # unless the models declare it: then it is compared like any table
    declared = replace(version, columns=())
    found = compare_snapshots(models(public(TEAM, declared)), database(public(TEAM, version)))
    assert rows(found) == [("column", D, None, "public.alembic_version.version_num")]


def test_values_and_raw_text_of_differs() -> None:
    m = replace(NAME, type="character varying(20)", raw=(("type", "VARCHAR(20)"),))
    d = replace(NAME, type="text")
    [found] = compare_snapshots(models(with_table(columns=(ID, m))),
                                database(with_table(columns=(ID, d))))
    assert (found.models, found.database) == ("character varying(20)", "text")
    assert (found.models_raw, found.database_raw) == ("VARCHAR(20)", None)
    assert "format_type" in found.rule
    assert found.severity is Severity.ERROR


def test_only_in_carries_the_whole_record() -> None:
    [found] = compare_snapshots(models(public(TEAM)), database(public()))
    assert found.models == TEAM and found.database is None


@pytest.mark.parametrize(("kind", "change", "attribute", "a", "b", "severity"), [
    ("column", X, "nullable", True, False, Severity.ERROR),
    ("column", X, "nullable", False, True, Severity.WARNING),
    ("column", X, "comment", "x", None, Severity.INFO),
    ("column", X, "default", "serial", None, Severity.ERROR),
    ("column", X, "default", "now()", None, Severity.WARNING),
    ("enum", X, "values", ("a", "b"), ("a",), Severity.ERROR),
    ("enum", X, "values", ("a",), ("a", "b"), Severity.WARNING),
])
def test_severity_rules(kind: str, change: str, attribute: str, a: object, b: object,
                        severity: Severity) -> None:
    from drift.compare.severity import severity_of

    assert severity_of(ObjectType(kind), Change(change), attribute, a, b) is severity


@pytest.mark.parametrize(("column", "severity"), [
    (col("x", nullable=False), Severity.ERROR),
    (col("x", nullable=False, default="0"), Severity.INFO),
    (col("x", nullable=False, identity="always"), Severity.INFO),
    (col("x"), Severity.INFO),
])
def test_column_only_in_database_breaks_inserts_when_not_null_without_default(
    column: Column, severity: Severity
) -> None:
    [found] = compare_snapshots(models(public(TEAM)),
                                database(with_table(columns=(ID, NAME, column))))
    assert found.severity is severity


def test_column_rename_hint_on_both_sides() -> None:
    found = compare_snapshots(
        models(with_table(columns=(ID, Column("full_name", "text"), col("n")))),
        database(with_table(columns=(ID, NAME, Column("n", "bigint")))),
    )
    by_path = {m.path: m for m in found}
    assert by_path["public.team.full_name"].hint == (
        "possibly renamed: database column 'name' has the same type"
    )
    assert by_path["public.team.name"].hint == (
        "possibly renamed: models column 'full_name' has the same type"
    )
    assert by_path["public.team.n"].hint is None  # same name: a type change, no rename


def test_table_rename_hint() -> None:
    found = compare_snapshots(models(public(replace(TEAM, name="club"), Table("x"))),
                              database(public(TEAM, Table("y"))))
    by_path = {m.path: m for m in found}
    assert by_path["public.club"].hint == (
        "possibly renamed: database table 'team' has the same columns"
    )
    assert by_path["public.team"].hint == (
        "possibly renamed: models table 'club' has the same columns"
    )
    assert by_path["public.x"].hint is None  # no columns: nothing to go by


def test_output_sorted_and_stable_whatever_the_input_order() -> None:
    tables = [Table(f"t{i}", columns=(col("a"), col(f"c{i}"))) for i in range(30)]
    other = [Table(f"t{i}", columns=(col("a", type="text"), col(f"d{i}"))) for i in range(30)]
    first = compare_snapshots(models(public(*tables)), database(public(*other)))
    random.Random(7).shuffle(tables)
    random.Random(8).shuffle(other)
    second = compare_snapshots(models(public(*tables)), database(public(*other)))
    assert [m.id for m in first] == [m.id for m in second]
    assert [m.sort_key for m in first] == sorted(m.sort_key for m in first)
    assert len({m.id for m in first}) == len(first) == 90


def test_id_does_not_depend_on_values() -> None:
    a = compare_snapshots(models(with_table(comment="one")), database(public(TEAM)))
    b = compare_snapshots(models(with_table(comment="two")), database(public(TEAM)))
    assert a[0].id == b[0].id and a[0].models != b[0].models


def test_inputs_are_not_changed() -> None:
    m, d = models(public(TEAM)), database(with_table(comment="x"))
    before = (m.to_json(), d.to_json())
    compare_snapshots(m, d)
    assert (m.to_json(), d.to_json()) == before


def _catalog(n: int) -> tuple[Snapshot, Snapshot]:
    """n tables of 16 columns, an index unnamed in the models, one type drifted per table."""
    cols = tuple(col(f"c{i}") for i in range(16))
    tables = tuple(Table(f"t{i}", columns=cols, indexes=(idx(None, "c1"),)) for i in range(n))
    db_tables = tuple(
        replace(t, indexes=(idx(f"{t.name}_c1_idx", "c1"),),
                columns=(col("c0", type="bigint"), *cols[1:]))
        for t in tables
    )
    return models(public(*tables)), database(public(*db_tables))


def test_a_large_catalog_is_compared_whole() -> None:
    found = compare_snapshots(*_catalog(2000))
    # the unnamed index pairs with its named twin by definition in every table
    assert [(m.path, m.attribute) for m in found] == sorted(
        (f"public.t{i}.c0", "type") for i in range(2000))


def _lines_run_in_the_comparator(n: int) -> int:
    """Python lines executed inside drift/compare/ for a catalog of n tables: a count of work
    that, unlike a clock, is the same on every machine and every run."""
    inside = os.sep + "compare" + os.sep
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> object:
        return local if inside in frame.f_code.co_filename else None

    snapshots = _catalog(n)
    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        compare_snapshots(*snapshots)
    finally:
        sys.settrace(previous)
    return count


def test_comparison_work_grows_linearly_with_the_catalog() -> None:
    """Four times the tables, at most four times the work (timings: bench/compare_growth.py)."""
    small, large = _lines_run_in_the_comparator(50), _lines_run_in_the_comparator(200)
    assert small > 0
    # linear work plus a fixed part gives large <= 4 * small; a pairing of every table with
    # every other (quadratic) would give about 16 times
    assert large <= 4 * small, (small, large, large / small)


def test_synthetic_names_are_shortened_like_postgresql() -> None:
    from drift.compare.definitions import pg_object_name

    assert pg_object_name("a" * 40, "b" * 40, "key") == "a" * 29 + "_" + "b" * 29 + "_key"
    assert pg_object_name("a" * 70, None, "pkey") == "a" * 58 + "_pkey"
    assert pg_object_name("t", "x", "check") == "t_x_check"


def test_long_unnamed_unique_only_in_models_gets_the_shortened_name() -> None:
    table = Table("a" * 40, columns=(Column("b" * 40, "text"),),
                  unique_constraints=(UniqueConstraint(None, ("b" * 40,)),))
    found = compare_snapshots(models(public(table)),
                              database(public(replace(table, unique_constraints=()))))
    assert [m.name for m in found] == ["a" * 29 + "_" + "b" * 29 + "_key"]
