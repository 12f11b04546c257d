"""Columns of one table, matched by name.

Compared attributes: ``type``, ``nullable``, ``default``, ``identity``,
``computed``, ``comment``, ``collation``. How a value is generated is one
attribute, ``default``, so a user reads one line: a sequence the column owns
is ``"serial"``, a free-standing one ``"nextval('schema.seq')"``, otherwise the
canonical server default (or null). Identity is its own attribute
(``"always"``/``"by default"``/null).

A column only in the models and one only in the database of the same table
with the same type hint at a rename, on both mismatches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from drift.compare.registry import TablePair, attribute_diffs, only_in, table_comparator
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Column


def generated_default(column: Column) -> str | None:
    """The ``default`` attribute: serial, a free-standing sequence, or the server default."""
    if column.serial:
        return "serial"
    if column.sequence is not None:
        return f"nextval('{column.sequence}')"
    return column.default


COLUMN_ATTRIBUTES: dict[str, Callable[[Column], Any]] = {
    "type": lambda c: c.type,
    "nullable": lambda c: c.nullable,
    "default": generated_default,
    "identity": lambda c: c.identity,
    "computed": lambda c: c.computed,
    "comment": lambda c: c.comment,
    "collation": lambda c: c.collation,
}


def _by_type(columns: list[Column]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for c in columns:
        grouped[c.type].append(c.name)
    return grouped


def _hint(side: str, names: list[str] | None) -> str | None:
    if not names:
        return None
    listed = ", ".join(repr(n) for n in sorted(names))
    verb = "has" if len(names) == 1 else "have"
    noun = "column" if len(names) == 1 else "columns"
    return f"possibly renamed: {side} {noun} {listed} {verb} the same type"


def _client_sequence_satisfied(m: Column, d: Column) -> Column:
    """A Sequence() SQLAlchemy fires itself needs no database default (create_all sets none)."""
    if m.client_sequence and generated_default(d) is None and d.identity is None:
        return replace(m, sequence=None, client_sequence=False)
    return m


def _same_generator(m: Column, d: Column) -> tuple[Column, Column]:
    """One way of filling a column from a sequence, however each side spells it.

    A serial in the models is satisfied by any ``nextval()`` default in the database,
    owned by the column or not (dumps of older databases attach sequences with a
    plain DEFAULT); a ``nextval()`` the models write out is satisfied by the column
    owning that very sequence. And a column that changed from a sequence to identity
    (or back) is one change: one ``identity`` finding that names the sequence side.
    """
    if m.serial and d.sequence is not None and d.default is None:
        m = replace(m, serial=False, sequence=d.sequence)
    elif d.serial and m.sequence is not None and m.sequence == d.owned_sequence:
        m = replace(m, serial=True, sequence=None)
    if (m.identity is None) != (d.identity is None):
        with_identity, other = (m, d) if m.identity is not None else (d, m)
        generator = generated_default(other)
        if with_identity.default is None and generator is not None and other.default is None:
            other = replace(other, serial=False, sequence=None, identity=generator)
            m, d = (with_identity, other) if m.identity is not None else (other, with_identity)
    return m, d


@table_comparator(ObjectType.COLUMN)
def compare_columns(pair: TablePair) -> Iterator[Mismatch]:
    models = {c.name: c for c in pair.models.columns}
    database = {c.name: c for c in pair.database.columns}
    only_models = [c for c in pair.models.columns if c.name not in database]
    only_database = [c for c in pair.database.columns if c.name not in models]
    models_types, database_types = _by_type(only_models), _by_type(only_database)
    schema, table = pair.schema, pair.name

    for c in only_models:
        hint = _hint("database", database_types.get(c.type))
        yield only_in(ObjectType.COLUMN, Change.ONLY_IN_MODELS, schema, table, c.name, c, hint)
    for c in only_database:
        hint = _hint("models", models_types.get(c.type))
        yield only_in(ObjectType.COLUMN, Change.ONLY_IN_DATABASE, schema, table, c.name, c, hint)
    for name in sorted(models.keys() & database.keys()):
        m, d = _same_generator(_client_sequence_satisfied(models[name], database[name]),
                               database[name])
        yield from attribute_diffs(ObjectType.COLUMN, schema, table, name, m, d, COLUMN_ATTRIBUTES,
                                   models_raw=m.raw, database_raw=d.raw)
