"""Declared names over 63 bytes: one finding each, then compared as PostgreSQL stores them.

PostgreSQL cuts an identifier to 63 bytes (NAMEDATALEN - 1, counted in UTF-8
bytes; SQLAlchemy only checks characters). A table, column, constraint or
index the models declare under a longer name exists in the database under the
cut name: compared as declared, it would be one object only in the models and
one only in the database, and a plan that creates it again never converges.
Instead each such name is one ``name_too_long`` finding (an error: the models
say something the database cannot hold) and the models' snapshot is compared
with every table-level name cut as PostgreSQL cuts it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from drift import schema as s
from drift.compare.definitions import truncate_name
from drift.compare.registry import mismatch
from drift.mismatch import Change, Mismatch, ObjectType

ATTRIBUTE = "name_too_long"
_LIMIT = 63


def too_long(name: str | None) -> bool:
    return name is not None and len(name.encode()) > _LIMIT


def _cut(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(truncate_name(n) for n in names)


def _finding(kind: ObjectType, schema: str, table: str, name: str | None,
             declared: str) -> Mismatch:
    return mismatch(kind, Change.DIFFERS, schema, table, name, declared, truncate_name(declared),
                    attribute=ATTRIBUTE)


def _table_findings(schema: str, t: s.Table) -> Iterator[Mismatch]:
    table = truncate_name(t.name)
    if too_long(t.name):
        yield _finding(ObjectType.TABLE, schema, table, None, t.name)
    for c in t.columns:
        if too_long(c.name):
            yield _finding(ObjectType.COLUMN, schema, table, truncate_name(c.name), c.name)
    named: list[tuple[ObjectType, Any]] = [
        (ObjectType.PRIMARY_KEY, t.primary_key),
        *((ObjectType.FOREIGN_KEY, x) for x in t.foreign_keys),
        *((ObjectType.UNIQUE_CONSTRAINT, x) for x in t.unique_constraints),
        *((ObjectType.CHECK_CONSTRAINT, x) for x in t.check_constraints),
        *((ObjectType.INDEX, x) for x in t.indexes),
        *((ObjectType.EXCLUSION_CONSTRAINT, x) for x in t.exclusion_constraints),
    ]
    for kind, record in named:
        if record is not None and too_long(record.name):
            yield _finding(kind, schema, table, truncate_name(record.name), record.name)


def _elements(elements: tuple[s.IndexElement, ...]) -> tuple[s.IndexElement, ...]:
    return tuple(dataclasses.replace(e, expression=truncate_name(e.expression))
                 if e.is_column else e for e in elements)


def _named(record: Any, **changes: Any) -> Any:
    name = truncate_name(record.name) if record.name is not None else None
    return dataclasses.replace(record, name=name, **changes)


def _cut_table(t: s.Table) -> s.Table:
    pk = t.primary_key
    return dataclasses.replace(
        t,
        name=truncate_name(t.name),
        columns=tuple(dataclasses.replace(c, name=truncate_name(c.name)) for c in t.columns),
        primary_key=_named(pk, columns=_cut(pk.columns)) if pk is not None else None,
        foreign_keys=tuple(_named(fk, columns=_cut(fk.columns),
                                  referred_table=truncate_name(fk.referred_table),
                                  referred_columns=_cut(fk.referred_columns))
                           for fk in t.foreign_keys),
        unique_constraints=tuple(_named(u, columns=_cut(u.columns))
                                 for u in t.unique_constraints),
        check_constraints=tuple(_named(c) for c in t.check_constraints),
        indexes=tuple(_named(i, elements=_elements(i.elements), include=_cut(i.include))
                      for i in t.indexes),
        exclusion_constraints=tuple(_named(x, elements=_elements(x.elements))
                                    for x in t.exclusion_constraints),
        partitions=tuple(_cut_table(p) for p in t.partitions),
    )


def long_names(models: s.Snapshot) -> tuple[list[Mismatch], s.Snapshot]:
    """The findings of declared names over 63 bytes, and the models with those names cut
    (the snapshot itself when there is none, the usual case)."""
    found = [m for sch in models.schemas for t in sch.tables
             for m in _table_findings(sch.name, t)]
    if not found:
        return found, models
    schemas = tuple(dataclasses.replace(sch, tables=tuple(_cut_table(t) for t in sch.tables))
                    for sch in models.schemas)
    return found, dataclasses.replace(models, schemas=schemas)
