"""The comparator on hand-built snapshots: domains, exclusion constraints, constraint options,
operator classes, a unique constraint standing as an index; and the JSON of the new records."""

from __future__ import annotations

from dataclasses import replace

import pytest

from drift.compare import compare_snapshots
from drift.compare.severity import severity_of
from drift.mismatch import Change, Mismatch, ObjectType, Severity
from drift.schema import (
    CheckConstraint,
    Column,
    Domain,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
    UniqueConstraint,
)

M, D, X = "only_in_models", "only_in_database", "differs"
Row = tuple[str, str, str | None, str]

ROOM = Table("room", columns=(Column("id", "integer", nullable=False),
                              Column("during", "tstzrange"), Column("code", "text")),
             primary_key=PrimaryKey("room_pkey", ("id",)))
PERCENT = Domain("percent", "numeric(5,2)", checks=("value <= 100", "value >= 0"))
EXCL = ExclusionConstraint("room_during_excl", (IndexElement("during"),), ("&&",),
                           where="NOT cancelled")


def snap(origin: str, **kw: object) -> Snapshot:
    return Snapshot(origin, (Schema("public", **kw),))  # type: ignore[arg-type]


def room(**changes: object) -> Table:
    return replace(ROOM, **changes)  # type: ignore[arg-type]


def rows(found: list[Mismatch]) -> list[Row]:
    return sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found)


def unique(name: str | None, **kw: object) -> UniqueConstraint:
    return replace(UniqueConstraint(name, ("code",)), **kw)  # type: ignore[arg-type]


def index(name: str | None, **kw: object) -> Index:
    return replace(Index(name, (IndexElement("code"),), unique=True), **kw)  # type: ignore[arg-type]


CASES: list[tuple[str, dict[str, object], dict[str, object], list[Row]]] = [
    ("same domain", {"domains": (PERCENT,)}, {"domains": (PERCENT,)}, []),
    ("domain only in models", {"domains": (PERCENT,)}, {}, [("domain", M, None, "public.percent")]),
    ("domain only in database", {}, {"domains": (PERCENT,)},
     [("domain", D, None, "public.percent")]),
    *[
        (f"domain {attr}", {"domains": (replace(PERCENT, **{attr: a}),)},
         {"domains": (replace(PERCENT, **{attr: b}),)}, [("domain", X, attr, "public.percent")])
        for attr, a, b in [
            ("type", "numeric(5,2)", "numeric(6,2)"),
            ("nullable", False, True),
            ("default", "0", None),
            ("collation", '"C"', None),
            ("checks", ("value <= 100", "value >= 0"), ("value >= 0",)),
        ]
    ],
    ("exclusion only in models", {"tables": (room(exclusion_constraints=(EXCL,)),)},
     {"tables": (ROOM,)}, [("exclusion_constraint", M, None, "public.room.room_during_excl")]),
    ("unnamed exclusion only in models: PostgreSQL's name",
     {"tables": (room(exclusion_constraints=(replace(EXCL, name=None),)),)},
     {"tables": (ROOM,)}, [("exclusion_constraint", M, None, "public.room.room_during_excl")]),
    ("unnamed exclusion matched by definition",
     {"tables": (room(exclusion_constraints=(replace(EXCL, name=None),)),)},
     {"tables": (room(exclusion_constraints=(EXCL,)),)}, []),
    *[
        (f"exclusion {attr}", {"tables": (room(exclusion_constraints=(replace(EXCL, **a),)),)},
         {"tables": (room(exclusion_constraints=(EXCL,)),)},
         [("exclusion_constraint", X, attr, "public.room.room_during_excl")])
        for attr, a in [
            ("expressions", {"operators": ("=",)}),
            ("opclass", {"elements": (IndexElement("during", opclass="range_ops"),)}),
            ("method", {"method": "spgist"}),
            ("where", {"where": None}),
            ("deferrable", {"deferrable": True}),
        ]
    ],
    ("primary key deferrable",
     {"tables": (room(primary_key=PrimaryKey("room_pkey", ("id",), deferrable=True,
                                             initially_deferred=True)),)},
     {"tables": (ROOM,)}, [("primary_key", X, "deferrable", "public.room.room_pkey")]),
    ("unique initially deferred",
     {"tables": (room(unique_constraints=(unique("u", deferrable=True,
                                                 initially_deferred=True),)),)},
     {"tables": (room(unique_constraints=(unique("u", deferrable=True),)),)},
     [("unique_constraint", X, "deferrable", "public.room.u")]),
    ("a deferrable unique constraint is not a unique index",
     {"tables": (room(unique_constraints=(unique(None, deferrable=True),)),)},
     {"tables": (room(indexes=(index("ux"),)),)},
     [("index", D, None, "public.room.ux"),
      ("unique_constraint", M, None, "public.room.room_code_key")]),
    ("check NOT VALID in the database",
     {"tables": (room(check_constraints=(CheckConstraint("c", "id > 0"),)),)},
     {"tables": (room(check_constraints=(CheckConstraint("c", "id > 0", validated=False),)),)},
     [("check_constraint", X, "validated", "public.room.c")]),
    ("check declared NOT VALID, validated since",
     {"tables": (room(check_constraints=(CheckConstraint("c", "id > 0", validated=False),)),)},
     {"tables": (room(check_constraints=(CheckConstraint("c", "id > 0"),)),)}, []),
    ("foreign key NOT VALID in the database",
     {"tables": (room(foreign_keys=(ForeignKey("f", ("id",), "public", "room", ("id",)),)),)},
     {"tables": (room(foreign_keys=(ForeignKey("f", ("id",), "public", "room", ("id",),
                                               validated=False),)),)},
     [("foreign_key", X, "validated", "public.room.f")]),
    ("unique constraint as a unique index of the same name",
     {"tables": (room(unique_constraints=(unique("u"),)),)},
     {"tables": (room(indexes=(index("u"),)),)},
     [("unique_constraint", X, "constraint_kind", "public.room.u")]),
    ("unique index as a unique constraint of the same name",
     {"tables": (room(indexes=(index("u"),)),)},
     {"tables": (room(unique_constraints=(unique("u"),)),)},
     [("index", X, "constraint_kind", "public.room.u")]),
    ("unique constraint as a unique index of another name: equivalent",
     {"tables": (room(unique_constraints=(unique("u"),)),)},
     {"tables": (room(indexes=(index("ux"),)),)}, []),
    ("index opclass only",
     {"tables": (room(indexes=(Index("ix", (IndexElement("code", opclass="text_pattern_ops"),)),
                               )),)},
     {"tables": (room(indexes=(Index("ix", (IndexElement("code"),)),)),)},
     [("index", X, "opclass", "public.room.ix")]),
    ("index one more column, no opclass: expressions only",
     {"tables": (room(indexes=(Index("ix", (IndexElement("code"), IndexElement("id"))),)),)},
     {"tables": (room(indexes=(Index("ix", (IndexElement("code"),)),)),)},
     [("index", X, "expressions", "public.room.ix")]),
]


@pytest.mark.parametrize(("models_kw", "database_kw", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_new_kind_and_attribute(models_kw: dict[str, object], database_kw: dict[str, object],
                                     expected: list[Row]) -> None:
    found = compare_snapshots(snap("models", **models_kw), snap("database", **database_kw))
    assert rows(found) == sorted(expected)


@pytest.mark.parametrize(("kind", "change", "attribute", "a", "b", "severity"), [
    ("domain", M, None, PERCENT, None, Severity.ERROR),
    ("domain", D, None, None, PERCENT, Severity.INFO),
    ("domain", X, "type", "integer", "bigint", Severity.ERROR),
    ("domain", X, "nullable", True, False, Severity.ERROR),
    ("domain", X, "nullable", False, True, Severity.WARNING),
    ("domain", X, "checks", ("a",), (), Severity.WARNING),
    ("exclusion_constraint", D, None, None, EXCL, Severity.WARNING),
    ("unique_constraint", X, "constraint_kind", "unique constraint", "unique index",
     Severity.WARNING),
    ("index", X, "constraint_kind", "unique index", "unique constraint", Severity.INFO),
    ("check_constraint", X, "validated", True, False, Severity.WARNING),
    ("index", X, "opclass", None, ("code text_pattern_ops",), Severity.WARNING),
])
def test_severity_of_the_new_kinds(kind: str, change: str, attribute: str | None, a: object,
                                   b: object, severity: Severity) -> None:
    assert severity_of(ObjectType(kind), Change(change), attribute, a, b) is severity


def test_the_new_records_survive_json() -> None:
    rich = snap("database", domains=(replace(PERCENT, collation='"C"', raw=(("checks", "x"),)),),
                tables=(room(exclusion_constraints=(EXCL,),
                             primary_key=PrimaryKey("p", ("id",), deferrable=True),
                             check_constraints=(CheckConstraint("c", "id > 0",
                                                                validated=False),)),))
    assert Snapshot.from_json(rich.to_json()) == rich


def test_a_snapshot_saved_before_the_new_kinds_still_loads() -> None:
    """Weekly snapshots saved by an older drift lack the new fields: their defaults apply."""
    # written by drift's Snapshot.to_json as it was before the new kinds
    old = (
        '{"format_version":1,"snapshot":{"origin":"database","schemas":[{"enums":[],'
        '"name":"public","sequences":[],"tables":[{"check_constraints":[{"expression":'
        '"id > 0","name":"c","raw":[]}],"columns":[{"client_sequence":false,"collation":null,'
        '"comment":null,"computed":null,"default":null,"identity":null,"name":"id",'
        '"nullable":false,"raw":[],"sequence":null,"serial":false,"type":"integer"}],'
        '"comment":null,"declared_by":null,"foreign_keys":[],"indexes":[],"name":"room",'
        '"partitioned_by":null,"primary_key":{"columns":["id"],"name":"room_pkey"},'
        '"unique_constraints":[]}],"views":[]}],"server_version":null,"source":null}}'
    )
    loaded = Snapshot.from_json(old)
    table = loaded.schemas[0].tables[0]
    assert loaded.schemas[0].domains == () and table.exclusion_constraints == ()
    assert table.primary_key == PrimaryKey("room_pkey", ("id",))
    assert table.check_constraints[0].validated
