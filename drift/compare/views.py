"""Views and materialized views of one schema, matched by name.

The models rarely declare views, so a view only in the database is ``info``.
A database view that the models declare as a table is reported once, by the
tables comparator; a declared view that the database has as a table is
reported here (``kind``). Compared attributes: ``kind`` (view or materialized
view), ``definition`` (only where both sides know it), ``comment``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.registry import (
    SchemaPair,
    attribute_diffs,
    mismatch,
    only_in,
    schema_comparator,
)
from drift.compare.tables import view_kind
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import View

_VIEW_ATTRIBUTES: dict[str, Callable[[View], Any]] = {
    "kind": view_kind,
    "comment": lambda v: v.comment,
}


@schema_comparator(ObjectType.VIEW)
def compare_views(pair: SchemaPair) -> Iterator[Mismatch]:
    schema = pair.name
    models = {v.name: v for v in pair.models.views}
    database = {v.name: v for v in pair.database.views}
    models_tables = {t.name for t in pair.models.tables}
    db_tables = {t.name for t in pair.database.tables}

    missing = models.keys() - database.keys()
    as_table = missing & db_tables
    for name in sorted(missing - as_table):
        yield only_in(ObjectType.VIEW, Change.ONLY_IN_MODELS, schema, name, None, models[name])
    for name in sorted(as_table):
        yield mismatch(ObjectType.VIEW, Change.DIFFERS, schema, name, None,
                       view_kind(models[name]), "table", attribute="kind")
    for name in sorted(database.keys() - models.keys() - models_tables):
        yield only_in(ObjectType.VIEW, Change.ONLY_IN_DATABASE, schema, name, None,
                      database[name])
    for name in sorted(models.keys() & database.keys()):
        m, d = models[name], database[name]
        attributes = dict(_VIEW_ATTRIBUTES)
        if m.definition is not None and d.definition is not None:
            attributes["definition"] = lambda v: v.definition
        yield from attribute_diffs(ObjectType.VIEW, schema, name, None, m, d, attributes)
