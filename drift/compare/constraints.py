"""Primary keys, foreign keys, unique and check constraints of one table.

Matched by name where both sides have one, then by definition (see
``definitions.py``). A matched pair is reported under the database's name; a
name that the models give explicitly and the database spells differently is
one ``info`` mismatch on ``name``. Compared attributes: ``columns`` (primary
key, foreign key, unique), ``referred``, ``on_delete``, ``on_update``,
``deferrable`` (keys and unique), ``match`` (foreign key),
``nulls_not_distinct`` (unique), ``expression`` (check), ``validated`` (check and
foreign key: NOT VALID in the database where the models want it checked; one the
models declare NOT VALID may have been validated since), ``constraint_kind``
(a unique constraint one side has as a unique index of the same name, see
``definitions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from drift.compare.definitions import (
    check_base_name,
    deferrable,
    fk_base_name,
    match_check_constraints,
    match_foreign_keys,
    match_primary_keys,
    match_uniques_and_indexes,
    pk_base_name,
    referred,
    taken_names,
    unique_base_name,
)
from drift.compare.registry import (
    Matching,
    TablePair,
    attribute_diffs,
    mismatch,
    only_in,
    synthetic_names,
    table_comparator,
)
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import CheckConstraint, ForeignKey, Index, PrimaryKey, UniqueConstraint


class Named(Protocol):
    @property
    def name(self) -> str | None: ...


N = TypeVar("N", bound=Named)


def report_matching(
    kind: ObjectType,
    pair: TablePair,
    matching: Matching[N],
    attributes: dict[str, Callable[[N], Any]],
    base_name: Callable[[N], str],
) -> Iterator[Mismatch]:
    """Mismatches of one matched kind: only-in on either side, then attribute differences."""
    schema, table = pair.schema, pair.name
    unnamed = [(o, base_name(o)) for o in matching.only_models if o.name is None]
    names = synthetic_names(unnamed, taken_names(pair)) if unnamed else {}
    for o in matching.only_models:
        yield only_in(kind, Change.ONLY_IN_MODELS, schema, table, o.name or names[id(o)], o)
    for o in matching.only_database:
        if o.name in pair.database.inherited:
            continue  # a declared partition's copy of its parent's: the parent declares it
        yield only_in(kind, Change.ONLY_IN_DATABASE, schema, table, o.name, o)
    for m, d in matching.pairs:
        name = d.name or m.name or base_name(m)
        if m.name is not None and d.name is not None and m.name != d.name:
            yield mismatch(kind, Change.DIFFERS, schema, table, name, m.name, d.name,
                           attribute="name")
        yield from attribute_diffs(kind, schema, table, name, m, d, attributes,
                                   models_raw=getattr(m, "raw", ()),
                                   database_raw=getattr(d, "raw", ()))


# ---------------------------------------------------------------- primary key

_PK_ATTRIBUTES: dict[str, Callable[[PrimaryKey], Any]] = {
    "columns": lambda pk: pk.columns,
    "deferrable": deferrable,
}


@table_comparator(ObjectType.PRIMARY_KEY)
def compare_primary_key(pair: TablePair) -> Iterator[Mismatch]:
    yield from report_matching(ObjectType.PRIMARY_KEY, pair, match_primary_keys(pair),
                               _PK_ATTRIBUTES, lambda pk: pk_base_name(pair.name))


# ---------------------------------------------------------------- foreign keys

_FK_ATTRIBUTES: dict[str, Callable[[ForeignKey], Any]] = {
    "columns": lambda fk: fk.columns,
    "referred": referred,
    "on_delete": lambda fk: fk.on_delete,
    "on_update": lambda fk: fk.on_update,
    "deferrable": deferrable,
    "match": lambda fk: fk.match,
    "validated": lambda fk: fk.validated,
}


V = TypeVar("V", ForeignKey, CheckConstraint)


def _validated_since(matching: Matching[V]) -> Matching[V]:
    """Declared NOT VALID (a way to add it without a long lock) and validated since: no drift."""
    matching.pairs = [(replace(m, validated=True) if d.validated else m, d)
                      for m, d in matching.pairs]
    return matching


def constraint_kind(record: UniqueConstraint | Index) -> str:
    return "unique index" if isinstance(record, Index) else "unique constraint"


def report_kind_changes(kind: ObjectType, pair: TablePair,
                        declared: type[UniqueConstraint] | type[Index]) -> Iterator[Mismatch]:
    """``constraint_kind`` of the pairs whose models side is a ``declared``."""
    for m, d in match_uniques_and_indexes(pair).kind_changes:
        if isinstance(m, declared):
            yield mismatch(kind, Change.DIFFERS, pair.schema, pair.name, d.name,
                           constraint_kind(m), constraint_kind(d), attribute="constraint_kind")


@table_comparator(ObjectType.FOREIGN_KEY)
def compare_foreign_keys(pair: TablePair) -> Iterator[Mismatch]:
    matching = _validated_since(match_foreign_keys(pair))
    yield from report_matching(ObjectType.FOREIGN_KEY, pair, matching, _FK_ATTRIBUTES,
                               lambda fk: fk_base_name(pair.name, fk))


# ---------------------------------------------------------------- unique constraints

_UNIQUE_ATTRIBUTES: dict[str, Callable[[UniqueConstraint], Any]] = {
    "columns": lambda u: u.columns,
    "nulls_not_distinct": lambda u: u.nulls_not_distinct,
    "deferrable": deferrable,
}


@table_comparator(ObjectType.UNIQUE_CONSTRAINT)
def compare_unique_constraints(pair: TablePair) -> Iterator[Mismatch]:
    matching = match_uniques_and_indexes(pair).uniques
    yield from report_matching(ObjectType.UNIQUE_CONSTRAINT, pair, matching, _UNIQUE_ATTRIBUTES,
                               lambda u: unique_base_name(pair.name, u))
    yield from report_kind_changes(ObjectType.UNIQUE_CONSTRAINT, pair, UniqueConstraint)


# ---------------------------------------------------------------- check constraints

_CHECK_ATTRIBUTES: dict[str, Callable[[CheckConstraint], Any]] = {
    "expression": lambda c: c.expression,
    "validated": lambda c: c.validated,
}


@table_comparator(ObjectType.CHECK_CONSTRAINT)
def compare_check_constraints(pair: TablePair) -> Iterator[Mismatch]:
    matching = _validated_since(match_check_constraints(pair))
    columns = frozenset(c.name for c in pair.models.columns)
    yield from report_matching(ObjectType.CHECK_CONSTRAINT, pair, matching, _CHECK_ATTRIBUTES,
                               lambda c: check_base_name(pair.name, c, columns))
