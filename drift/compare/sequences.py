"""Free-standing sequences of one schema, matched by name.

Sequences owned by a serial or identity column belong to their column and are
not listed (see ``schema.py``). Compared attributes: ``type``, ``start``,
``increment``, ``min_value``, ``max_value``, ``cycle``. A sequence the models
declare only through a column (see ``claimed_by_columns``) is not reported missing
from the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.registry import SchemaPair, attribute_diffs, only_in, schema_comparator
from drift.mismatch import Change, Mismatch, ObjectType
from drift.normalize.canonical import qualified_name
from drift.schema import Schema, Sequence

_SEQUENCE_ATTRIBUTES: dict[str, Callable[[Sequence], Any]] = {
    "type": lambda s: s.data_type,
    "start": lambda s: s.start,
    "increment": lambda s: s.increment,
    "min_value": lambda s: s.min_value,
    "max_value": lambda s: s.max_value,
    "cycle": lambda s: s.cycle,
}


def claimed_by_columns(models: Schema, database: Schema) -> frozenset[str]:
    """Sequences (qualified names) the models declare through a column rather than a
    ``Sequence()``: one their ``nextval()`` default names, or the one a database column
    fills itself from where the models declare that column serial."""
    claimed: set[str] = set()
    for table in models.tables:
        db_table = database.table(table.name)
        for column in table.columns:
            if column.sequence is not None:
                claimed.add(column.sequence)
            elif column.serial and db_table is not None:
                db_column = db_table.column(column.name)
                if db_column is not None and db_column.sequence is not None:
                    claimed.add(db_column.sequence)
    return frozenset(claimed)


@schema_comparator(ObjectType.SEQUENCE)
def compare_sequences(pair: SchemaPair) -> Iterator[Mismatch]:
    models = {s.name: s for s in pair.models.sequences}
    database = {s.name: s for s in pair.database.sequences}
    claimed = claimed_by_columns(pair.models, pair.database)
    for name in sorted(models.keys() - database.keys()):
        yield only_in(ObjectType.SEQUENCE, Change.ONLY_IN_MODELS, pair.name, None, name,
                      models[name])
    for name in sorted(database.keys() - models.keys()):
        if qualified_name(pair.name, name) in claimed:
            continue
        yield only_in(ObjectType.SEQUENCE, Change.ONLY_IN_DATABASE, pair.name, None, name,
                      database[name])
    for name in sorted(models.keys() & database.keys()):
        yield from attribute_diffs(ObjectType.SEQUENCE, pair.name, None, name, models[name],
                                   database[name], _SEQUENCE_ATTRIBUTES)
