"""The comparators' dispatch tables, their typed contexts, and the shared helpers.

Two levels, one table each (object kind -> comparator):

* schema-level comparators (tables, views, enums, sequences) take a
  ``SchemaPair``;
* table-level comparators (columns, keys, constraints, indexes) take a
  ``TablePair``. The tables comparator runs them on every table present on
  both sides (``compare_table``).

A comparator is a pure function of its context that yields ``Mismatch``
records; it never reads the expectations and never sorts (``compare_snapshots``
sorts once at the end).

Severity (table-driven, ``SEVERITY`` below; rules keyed by object kind, change
and attribute, the most specific entry wins):

* ``error``: the application will break. A schema, table, column, enum,
  sequence or view declared but missing; a type that differs; a column the
  database makes NOT NULL while the models allow NULL; a column only in the
  database that is NOT NULL without any default (the application's INSERTs
  fail); an enum missing labels the models use; a serial/sequence default the
  models rely on but the database lacks.
* ``warning``: integrity or performance differs, the application still runs.
  Keys, foreign keys, unique and check constraints, indexes, defaults,
  identity, generated columns, collations, partitioning, sequence options,
  nullable where the models say NOT NULL but the database allows NULL.
* ``info``: harmless. Comments, names of equivalent constraints, objects only
  in the database that nothing declares (extra schemas, tables, nullable or
  defaulted columns, views, enums, sequences), a declared table that the
  database has as a view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from drift.mismatch import Change, Mismatch, ObjectType, Severity
from drift.schema import Column, Raw, Schema, Table

# ---------------------------------------------------------------- contexts


@dataclass(frozen=True, slots=True)
class SchemaPair:
    """One schema on both sides (an empty ``Schema`` stands in for a missing side)."""

    name: str
    models: Schema
    database: Schema


@dataclass(frozen=True, slots=True)
class TablePair:
    """One table present on both sides."""

    schema: str
    models: Table
    database: Table

    @property
    def name(self) -> str:
        return self.models.name


SchemaComparator = Callable[[SchemaPair], Iterable[Mismatch]]
TableComparator = Callable[[TablePair], Iterable[Mismatch]]

SCHEMA_COMPARATORS: dict[ObjectType, SchemaComparator] = {}
TABLE_COMPARATORS: dict[ObjectType, TableComparator] = {}


def schema_comparator(kind: ObjectType) -> Callable[[SchemaComparator], SchemaComparator]:
    def register(fn: SchemaComparator) -> SchemaComparator:
        SCHEMA_COMPARATORS[kind] = fn
        return fn

    return register


def table_comparator(kind: ObjectType) -> Callable[[TableComparator], TableComparator]:
    def register(fn: TableComparator) -> TableComparator:
        TABLE_COMPARATORS[kind] = fn
        return fn

    return register


def compare_schema(pair: SchemaPair) -> Iterator[Mismatch]:
    for kind in sorted(SCHEMA_COMPARATORS, key=lambda k: k.value):
        yield from SCHEMA_COMPARATORS[kind](pair)


def compare_table(pair: TablePair) -> Iterator[Mismatch]:
    for kind in sorted(TABLE_COMPARATORS, key=lambda k: k.value):
        yield from TABLE_COMPARATORS[kind](pair)


# ---------------------------------------------------------------- severity

SeverityRule = Severity | Callable[[Any, Any], Severity]
_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_MODELS, _DATABASE, _DIFFERS = Change.ONLY_IN_MODELS, Change.ONLY_IN_DATABASE, Change.DIFFERS


def _nullable(models: Any, database: Any) -> Severity:
    # models allow NULL, the database refuses it: the application's writes fail
    return _E if models is True and database is False else _W


def _extra_column(models: Any, database: Column) -> Severity:
    # a NOT NULL column the models do not know about, with nothing to fill it, breaks INSERTs
    filled = (
        database.default is not None
        or database.serial
        or database.sequence is not None
        or database.identity is not None
        or database.computed is not None
    )
    return _E if not database.nullable and not filled else _I


def _generated_default(models: Any, database: Any) -> Severity:
    relies = isinstance(models, str) and (models == "serial" or models.startswith("nextval("))
    return _E if relies and database is None else _W


def _enum_labels(models: Any, database: Any) -> Severity:
    # labels the application may write but the database rejects
    return _E if set(models or ()) - set(database or ()) else _W


SEVERITY: dict[tuple[ObjectType | None, Change, str | None], SeverityRule] = {
    # (kind, change, attribute): None as kind or attribute = any
    (None, _MODELS, None): _W,
    (None, _DATABASE, None): _W,
    (None, _DIFFERS, None): _W,
    (None, _DIFFERS, "comment"): _I,
    (None, _DIFFERS, "name"): _I,
    (ObjectType.SCHEMA, _MODELS, None): _E,
    (ObjectType.SCHEMA, _DATABASE, None): _I,
    (ObjectType.TABLE, _MODELS, None): _E,
    (ObjectType.TABLE, _DATABASE, None): _I,
    (ObjectType.TABLE, _DIFFERS, "kind"): _I,
    (ObjectType.COLUMN, _MODELS, None): _E,
    (ObjectType.COLUMN, _DATABASE, None): _extra_column,
    (ObjectType.COLUMN, _DIFFERS, "type"): _E,
    (ObjectType.COLUMN, _DIFFERS, "nullable"): _nullable,
    (ObjectType.COLUMN, _DIFFERS, "default"): _generated_default,
    (ObjectType.ENUM, _MODELS, None): _E,
    (ObjectType.ENUM, _DATABASE, None): _I,
    (ObjectType.ENUM, _DIFFERS, "values"): _enum_labels,
    (ObjectType.SEQUENCE, _MODELS, None): _E,
    (ObjectType.SEQUENCE, _DATABASE, None): _I,
    (ObjectType.VIEW, _MODELS, None): _E,
    (ObjectType.VIEW, _DATABASE, None): _I,
    (ObjectType.VIEW, _DIFFERS, "kind"): _I,
}


def severity_of(
    kind: ObjectType, change: Change, attribute: str | None, models: Any, database: Any
) -> Severity:
    # an attribute's own rule beats the kind's catch-all (a column comment is info)
    for key in ((kind, change, attribute), (None, change, attribute), (kind, change, None)):
        if key in SEVERITY:
            rule = SEVERITY[key]
            break
    else:
        rule = SEVERITY[(None, change, None)]
    return rule if isinstance(rule, Severity) else rule(models, database)


# ---------------------------------------------------------------- rules (for `drift explain`)

RULES: dict[str | None, str] = {
    None: "objects matched by name; unnamed constraints and indexes matched by definition",
    "type": "types compared in PostgreSQL's canonical spelling (format_type)",
    "nullable": "NOT NULL compared as declared (a primary key column is always NOT NULL)",
    "default": (
        "server defaults compared after canonicalisation; a default drawn from a sequence "
        "the column owns is 'serial', one from a free-standing sequence is nextval('schema.seq')"
    ),
    "identity": "identity compared as 'always', 'by default' or none",
    "computed": "generated column expressions compared after canonicalisation",
    "comment": "comments compared as text (no comment = null)",
    "collation": "collations compared where not the type's default",
    "kind": "a declared table is matched with a view or materialized view of the same name",
    "name": "matched by definition; only the name differs",
    "columns": "columns compared in their declared order",
    "referred": "the referred table and columns compared, schema-qualified",
    "expressions": "index elements compared in order, with direction, NULLS order and opclass",
    "expression": "check expressions compared after canonicalisation (pg_get_constraintdef)",
    "where": "partial index predicates compared after canonicalisation",
    "values": "enum labels compared in their sort order",
}


def rule_for(attribute: str | None) -> str:
    return RULES.get(attribute, f"{attribute} compared as normalised by the readers")


# ---------------------------------------------------------------- building mismatches


def _raw(raw: Raw, attribute: str | None) -> str | None:
    return next((text for name, text in raw if name == attribute), None)


def mismatch(
    kind: ObjectType,
    change: Change,
    schema: str,
    table: str | None,
    name: str | None,
    models: Any,
    database: Any,
    *,
    attribute: str | None = None,
    hint: str | None = None,
    models_raw: Raw = (),
    database_raw: Raw = (),
) -> Mismatch:
    return Mismatch(
        object_type=kind,
        change=change,
        schema=schema,
        table=table,
        name=name,
        attribute=attribute,
        models=models,
        database=database,
        severity=severity_of(kind, change, attribute, models, database),
        hint=hint,
        models_raw=_raw(models_raw, attribute),
        database_raw=_raw(database_raw, attribute),
        rule=rule_for(attribute),
    )


def only_in(kind: ObjectType, change: Change, schema: str, table: str | None,
            name: str | None, record: Any, hint: str | None = None) -> Mismatch:
    """An object on one side only: the whole record on the side that has it."""
    models, database = (record, None) if change is Change.ONLY_IN_MODELS else (None, record)
    return mismatch(kind, change, schema, table, name, models, database, hint=hint)


T = TypeVar("T")


def attribute_diffs(
    kind: ObjectType,
    schema: str,
    table: str | None,
    name: str | None,
    models: T,
    database: T,
    attributes: dict[str, Callable[[T], Any]],
    *,
    models_raw: Raw = (),
    database_raw: Raw = (),
) -> Iterator[Mismatch]:
    """One ``differs`` mismatch per attribute whose value differs (attributes in sorted order)."""
    for attribute in sorted(attributes):
        get = attributes[attribute]
        a, b = get(models), get(database)
        if a != b:
            yield mismatch(kind, Change.DIFFERS, schema, table, name, a, b, attribute=attribute,
                           models_raw=models_raw, database_raw=database_raw)


# ---------------------------------------------------------------- matching unnamed objects


@dataclass(slots=True)
class Matching(Generic[T]):
    pairs: list[tuple[T, T]] = field(default_factory=list)
    only_models: list[T] = field(default_factory=list)
    only_database: list[T] = field(default_factory=list)


def match_objects(
    models: Sequence[T],
    database: Sequence[T],
    name: Callable[[T], str | None],
    key: Callable[[T], Hashable],
) -> Matching[T]:
    """Pair objects by name where both sides have it, then the rest by definition ``key``.

    SQLAlchemy leaves many constraints unnamed and PostgreSQL then generates a
    name, so a name alone cannot identify them. Each object pairs at most once;
    several with one definition pair in name order.
    """
    result: Matching[T] = Matching()
    db_by_name = {name(d): d for d in database if name(d) is not None}
    paired_db: set[int] = set()
    rest_models: list[T] = []
    for m in models:
        n = name(m)
        d = db_by_name.get(n) if n is not None else None
        if d is not None and id(d) not in paired_db:
            result.pairs.append((m, d))
            paired_db.add(id(d))
        else:
            rest_models.append(m)
    by_key: dict[Hashable, list[T]] = defaultdict(list)
    for d in sorted(database, key=lambda o: name(o) or ""):
        if id(d) not in paired_db:
            by_key[key(d)].append(d)
    for m in rest_models:
        candidates = by_key.get(key(m))
        if candidates:
            result.pairs.append((m, candidates.pop(0)))
        else:
            result.only_models.append(m)
    result.only_database = [d for ds in by_key.values() for d in ds]
    return result


def synthetic_names(objects: Iterable[tuple[T, str]], taken: set[str]) -> dict[int, str]:
    """PostgreSQL-style names for objects unnamed in the models and not found in the database.

    ``objects`` gives each object with its base name (e.g. ``t_a_b_key``); a
    clash gets a number, as PostgreSQL does (``t_check1``). Stable from run to
    run because the inputs are in declaration order. Keyed by ``id(object)``.
    """
    names: dict[int, str] = {}
    used = set(taken)
    for obj, base in objects:
        candidate, n = base, 0
        while candidate in used:
            n += 1
            candidate = f"{base}{n}"
        used.add(candidate)
        names[id(obj)] = candidate
    return names
