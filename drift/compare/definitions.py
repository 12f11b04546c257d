"""Definition keys, readable values and PostgreSQL-style names of constraints and indexes.

Unnamed objects (SQLAlchemy leaves many unnamed; PostgreSQL then generates a
name) are matched by these definition keys. An object unnamed in the models
and absent from the database is reported under the name PostgreSQL would give
it (``t_a_b_key``, ``t_a_fkey``, ``t_a_check``, ``t_a_idx``, ``t_pkey``).

A unique constraint on one side and a plain unique index on the same columns
on the other (``Column(unique=True)`` against ``CREATE UNIQUE INDEX``) enforce
the same thing: they are paired here and give no mismatch. Except under one
name: a unique constraint ``u`` the models declare and a unique index ``u`` the
database has (or the reverse) is one ``constraint_kind`` mismatch, because
code that names it tells them apart (``ON CONFLICT ON CONSTRAINT u`` and
``ALTER TABLE ... DROP CONSTRAINT u`` fail on an index). A DEFERRABLE unique
constraint is never paired with an index (an index cannot be deferred).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol

from drift.compare.registry import Matching, TablePair, match_objects
from drift.mismatch import ObjectType
from drift.normalize import sqlexpr
from drift.schema import (
    CheckConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    UniqueConstraint,
)

# ---------------------------------------------------------------- readable values


def referred(fk: ForeignKey) -> str:
    return f"{fk.referred_schema}.{fk.referred_table}({', '.join(fk.referred_columns)})"


class Deferrable(Protocol):
    @property
    def deferrable(self) -> bool: ...
    @property
    def initially_deferred(self) -> bool: ...


def deferrable(con: Deferrable) -> str:
    if not con.deferrable:
        return "NOT DEFERRABLE"
    return "DEFERRABLE INITIALLY " + ("DEFERRED" if con.initially_deferred else "IMMEDIATE")


def element_text(e: IndexElement) -> str:
    """An element without its operator class (that is the ``opclass`` attribute)."""
    parts = [e.expression]
    if e.collation:
        parts.append(f"COLLATE {e.collation}")
    if e.descending:
        parts.append("DESC")
    if e.nulls_first is not None:
        parts.append("NULLS FIRST" if e.nulls_first else "NULLS LAST")
    return " ".join(parts)


def element_expressions(elements: tuple[IndexElement, ...]) -> tuple[str, ...]:
    return tuple(element_text(e) for e in elements)


def element_opclasses(elements: tuple[IndexElement, ...]) -> tuple[str, ...] | None:
    """``("email varchar_pattern_ops",)``: the elements that name an operator class, or None
    where every element uses its type's default."""
    named = tuple(f"{e.expression} {e.opclass}" for e in elements if e.opclass)
    return named or None


def index_expressions(index: Index) -> tuple[str, ...]:
    return element_expressions(index.elements)


# ---------------------------------------------------------------- definition keys


def fk_key(fk: ForeignKey) -> Hashable:
    return (fk.columns, fk.referred_schema, fk.referred_table, fk.referred_columns)


def unique_key(u: UniqueConstraint) -> Hashable:
    return u.columns


def check_key(c: CheckConstraint) -> Hashable:
    return c.expression


def index_key(i: Index) -> Hashable:
    return (i.elements, i.unique, i.method, i.where, i.include)


def _plain_unique_columns(i: Index) -> tuple[str, ...] | None:
    """The columns of a unique index that a unique constraint could stand for."""
    plain = (
        i.unique
        and i.method == "btree"
        and i.where is None
        and not i.include
        and all(
            e.is_column and not e.descending and e.nulls_first is None and e.opclass is None
            for e in i.elements
        )
    )
    return tuple(e.expression for e in i.elements) if plain else None


# ---------------------------------------------------------------- PostgreSQL-style names


_NAME_BYTES = 63  # NAMEDATALEN - 1


def pg_object_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL generates (makeObjectName): both parts shortened to fit 63 bytes,
    counted in bytes (UTF-8) and cut on a character boundary, as pg_mbcliplen does."""
    b1, b2 = name1.encode(), (name2 or "").encode()
    overhead = len(label.encode()) + 1 + (1 if name2 else 0)
    avail = _NAME_BYTES - overhead
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [_clip(b1, n1), *([_clip(b2, n2)] if name2 else []), label]
    return "_".join(parts)


def _clip(raw: bytes, limit: int) -> str:
    return raw[:limit].decode(errors="ignore")  # a character cut in two is left out whole


def truncate_name(name: str) -> str:
    """A declared name as PostgreSQL stores it: at most 63 bytes, on a character boundary."""
    return _clip(name.encode(), _NAME_BYTES)


# CASE and ARRAY[...] go by their keyword; an operator, a cast's result, anything else is "expr"
_KEYWORD_NODES = frozenset({"case", "array"})


def element_base_name(e: IndexElement) -> str:
    """What an element puts in a generated index name: its column, else what PostgreSQL's
    FigureIndexColname finds (``lower(code)`` gives ``lower``; ``(id + 1)`` gives ``expr``)."""
    if e.is_column:
        return e.expression
    try:
        node = sqlexpr.parse(e.expression)
    except sqlexpr.ParseError:
        return "expr"
    if node[0] == "call":
        return str(node[1])
    return str(node[0]) if node[0] in _KEYWORD_NODES else "expr"


def index_base_name(table: str, i: Index) -> str:
    return pg_object_name(table, "_".join(element_base_name(e) for e in i.elements), "idx")


def fk_base_name(table: str, fk: ForeignKey) -> str:
    return pg_object_name(table, "_".join(fk.columns), "fkey")


def unique_base_name(table: str, u: UniqueConstraint) -> str:
    return pg_object_name(table, "_".join(u.columns), "key")


def pk_base_name(table: str) -> str:
    return pg_object_name(table, None, "pkey")


_IDENT = re.compile(r'"((?:[^"]|"")+)"|\b([a-z_][a-z0-9_$]*)\b')


def check_base_name(table: str, c: CheckConstraint, columns: frozenset[str]) -> str:
    # PostgreSQL names a check after its column when it references exactly one
    found = {(q.replace('""', '"') if q else w) for q, w in _IDENT.findall(c.expression)}
    used = sorted(found & columns)
    return pg_object_name(table, used[0] if len(used) == 1 else None, "check")


def taken_names(pair: TablePair) -> set[str]:
    """Every constraint and index name of the table (one namespace in PostgreSQL)."""
    names: set[str] = set()
    for t in (pair.models, pair.database):
        objs: list[object] = [*t.foreign_keys, *t.unique_constraints,
                              *t.check_constraints, *t.indexes, *t.exclusion_constraints]
        if t.primary_key is not None:
            objs.append(t.primary_key)
        names.update(n for o in objs if (n := getattr(o, "name", None)) is not None)
    return names


# ---------------------------------------------------------------- unique constraints and indexes


@dataclass(slots=True)
class UniquesAndIndexes:
    uniques: Matching[UniqueConstraint]
    indexes: Matching[Index]
    # (models, database) pairs of one name where one side is a unique constraint and the
    # other a plain unique index on the same columns: equivalent, but not to code that
    # names the constraint (ON CONFLICT ON CONSTRAINT, ALTER TABLE ... DROP CONSTRAINT)
    kind_changes: list[tuple[UniqueConstraint | Index, UniqueConstraint | Index]] = field(
        default_factory=list)


def match_uniques_and_indexes(pair: TablePair) -> UniquesAndIndexes:
    """Match each kind alone, then pair leftover unique constraints with plain unique indexes.

    Both the unique constraint and the index comparators need it: made once per pair.
    """
    made: UniquesAndIndexes | None = pair.shared.get("uniques_and_indexes")
    if made is None:
        made = pair.shared["uniques_and_indexes"] = _match_uniques_and_indexes(pair)
    return made


def _match_uniques_and_indexes(pair: TablePair) -> UniquesAndIndexes:
    uniques = match_objects(pair.models.unique_constraints, pair.database.unique_constraints,
                            lambda u: u.name, unique_key)
    indexes = match_objects(pair.models.indexes, pair.database.indexes,
                            lambda i: i.name, index_key)
    made = UniquesAndIndexes(uniques, indexes)
    uniques.only_models, indexes.only_database = _absorb(
        uniques.only_models, indexes.only_database,
        lambda u, i: made.kind_changes.append((u, i)))
    uniques.only_database, indexes.only_models = _absorb(
        uniques.only_database, indexes.only_models,
        lambda u, i: made.kind_changes.append((i, u)))
    return made


def _absorb(
    uniques: list[UniqueConstraint], indexes: list[Index],
    same_name: Callable[[UniqueConstraint, Index], None] = lambda u, i: None,
) -> tuple[list[UniqueConstraint], list[Index]]:
    by_columns: dict[tuple[str, ...], list[Index]] = {}
    for i in indexes:
        cols = _plain_unique_columns(i)
        if cols is not None:
            by_columns.setdefault(cols, []).append(i)
    absorbed: set[int] = set()
    left: list[UniqueConstraint] = []
    for u in uniques:
        # an index can be neither NULLS NOT DISTINCT (before 15) nor DEFERRABLE
        plain = not u.nulls_not_distinct and not u.deferrable
        candidates = by_columns.get(u.columns) if plain else None
        if candidates:
            index = candidates.pop(0)
            absorbed.add(id(index))
            if u.name is not None and u.name == index.name:
                same_name(u, index)
        else:
            left.append(u)
    return left, [i for i in indexes if id(i) not in absorbed]


# ---------------------------------------------------------------- one matcher per table-level kind


def match_primary_keys(pair: TablePair) -> Matching[PrimaryKey]:
    # a table has at most one primary key: the two pair up whatever their names
    m, d = pair.models.primary_key, pair.database.primary_key
    return Matching(
        pairs=[(m, d)] if m is not None and d is not None else [],
        only_models=[m] if m is not None and d is None else [],
        only_database=[d] if d is not None and m is None else [],
    )


def match_foreign_keys(pair: TablePair) -> Matching[ForeignKey]:
    return match_objects(pair.models.foreign_keys, pair.database.foreign_keys,
                         lambda fk: fk.name, fk_key)


def match_check_constraints(pair: TablePair) -> Matching[CheckConstraint]:
    return match_objects(pair.models.check_constraints, pair.database.check_constraints,
                         lambda c: c.name, check_key)


MATCHERS: dict[ObjectType, Callable[[TablePair], Matching[Any]]] = {
    ObjectType.PRIMARY_KEY: match_primary_keys,
    ObjectType.FOREIGN_KEY: match_foreign_keys,
    ObjectType.UNIQUE_CONSTRAINT: lambda pair: match_uniques_and_indexes(pair).uniques,
    ObjectType.CHECK_CONSTRAINT: match_check_constraints,
    ObjectType.INDEX: lambda pair: match_uniques_and_indexes(pair).indexes,
}


def match_table_objects(kind: ObjectType, pair: TablePair) -> Matching[Any]:
    """How the comparator pairs the constraints or indexes of one kind (the planner reuses it)."""
    return MATCHERS[kind](pair)
