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

Severity and the rule sentences for ``drift explain`` are in ``severity.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from drift.compare.severity import rule_for, severity_of
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Raw, Schema, Table

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
    # what several comparators of this table derive alike, made once (see definitions.py)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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
    """One ``differs`` mismatch per attribute whose value differs (in no particular order)."""
    # called for every column and constraint: compare_snapshots sorts once at the end
    for attribute, get in attributes.items():
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
