"""Tables of one schema: present on one side only, or present on both and compared further.

A table only on one side is one mismatch (its columns, keys and indexes are
not repeated). A declared table that the database has as a view or a
materialized view is not missing: at most one ``info`` mismatch on its
``kind``, none where the Table is keyless with exactly the view's columns (how
models declare a view they query). A partition (nested in its parent in the
database snapshot) that the models declare as a table is compared as one; the
others are parts of their parent. A table only in the models and one only in
the database with the same column names get a rename hint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.registry import (
    SchemaPair,
    TablePair,
    attribute_diffs,
    compare_table,
    mismatch,
    only_in,
    schema_comparator,
)
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Table, View


def view_kind(view: View) -> str:
    return "materialized view" if view.materialized else "view"


def _column_names(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns)


def _rename_hints(
    only_models: list[Table], only_database: list[Table]
) -> tuple[dict[str, str], dict[str, str]]:
    """Tables with the same (non-empty) set of column names on the other side."""
    db_by_columns: dict[frozenset[str], list[str]] = defaultdict(list)
    for t in only_database:
        if t.columns:
            db_by_columns[_column_names(t)].append(t.name)
    models_hints: dict[str, str] = {}
    database_hints: dict[str, str] = {}
    for t in only_models:
        others = db_by_columns.get(_column_names(t)) if t.columns else None
        if not others:
            continue
        models_hints[t.name] = _hint("database", others)
        for other in others:
            database_hints[other] = _hint("models", [t.name])
    return models_hints, database_hints


def _hint(side: str, names: list[str]) -> str:
    listed = ", ".join(repr(n) for n in sorted(names))
    if len(names) == 1:
        return f"possibly renamed: {side} table {listed} has the same columns"
    return f"possibly renamed: {side} tables {listed} have the same columns"


def all_partitions(tables: tuple[Table, ...]) -> dict[str, Table]:
    """Every partition nested in these tables, sub-partitions included, by name."""
    found: dict[str, Table] = {}
    stack = [p for t in tables for p in t.partitions]
    while stack:
        part = stack.pop()
        found[part.name] = part
        stack.extend(part.partitions)
    return found


def declares_view(table: Table, view: View) -> bool:
    """A keyless Table with exactly the view's columns is how models (and sqlacodegen)
    declare a view to query it: the view itself, not a table."""
    bare = table.primary_key is None and not (
        table.foreign_keys or table.unique_constraints or table.check_constraints
        or table.indexes
    )
    return bare and [(c.name, c.type) for c in table.columns] == [
        (c.name, c.type) for c in view.columns
    ]


_TABLE_ATTRIBUTES: dict[str, Callable[[Table], Any]] = {
    "comment": lambda t: t.comment,
    "partitioned_by": lambda t: t.partitioned_by,
}


@schema_comparator(ObjectType.TABLE)
def compare_tables(pair: SchemaPair) -> Iterator[Mismatch]:
    schema = pair.name
    models = {t.name: t for t in pair.models.tables}
    database = {t.name: t for t in pair.database.tables}
    # a partition is part of its parent, unless the models declare it as a table
    partitions = all_partitions(pair.database.tables)
    database.update({n: partitions[n] for n in models.keys() - database.keys() if n in partitions})
    db_views = {v.name: v for v in pair.database.views}
    models_views = {v.name for v in pair.models.views}

    missing = models.keys() - database.keys()
    # a declared view that is a table in the database is reported by the views comparator
    extra = database.keys() - models.keys() - models_views
    as_view = missing & db_views.keys()
    missing -= as_view

    only_models = [models[n] for n in sorted(missing)]
    only_database = [database[n] for n in sorted(extra)]
    models_hints, database_hints = _rename_hints(only_models, only_database)

    for t in only_models:
        yield only_in(ObjectType.TABLE, Change.ONLY_IN_MODELS, schema, t.name, None, t,
                      models_hints.get(t.name))
    for t in only_database:
        yield only_in(ObjectType.TABLE, Change.ONLY_IN_DATABASE, schema, t.name, None, t,
                      database_hints.get(t.name))
    for name in sorted(as_view):
        if declares_view(models[name], db_views[name]):
            continue
        yield mismatch(ObjectType.TABLE, Change.DIFFERS, schema, name, None,
                       "table", view_kind(db_views[name]), attribute="kind")
    for name in sorted(models.keys() & database.keys()):
        m, d = models[name], database[name]
        yield from attribute_diffs(ObjectType.TABLE, schema, name, None, m, d, _TABLE_ATTRIBUTES)
        yield from compare_table(TablePair(schema, m, d))
