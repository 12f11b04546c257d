"""Free-standing sequences of one schema, matched by name.

Sequences owned by a serial or identity column belong to their column and are
not listed (see ``schema.py``). Compared attributes: ``type``, ``start``,
``increment``, ``min_value``, ``max_value``, ``cycle``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.registry import SchemaPair, attribute_diffs, only_in, schema_comparator
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Sequence

_SEQUENCE_ATTRIBUTES: dict[str, Callable[[Sequence], Any]] = {
    "type": lambda s: s.data_type,
    "start": lambda s: s.start,
    "increment": lambda s: s.increment,
    "min_value": lambda s: s.min_value,
    "max_value": lambda s: s.max_value,
    "cycle": lambda s: s.cycle,
}


@schema_comparator(ObjectType.SEQUENCE)
def compare_sequences(pair: SchemaPair) -> Iterator[Mismatch]:
    models = {s.name: s for s in pair.models.sequences}
    database = {s.name: s for s in pair.database.sequences}
    for name in sorted(models.keys() - database.keys()):
        yield only_in(ObjectType.SEQUENCE, Change.ONLY_IN_MODELS, pair.name, None, name,
                      models[name])
    for name in sorted(database.keys() - models.keys()):
        yield only_in(ObjectType.SEQUENCE, Change.ONLY_IN_DATABASE, pair.name, None, name,
                      database[name])
    for name in sorted(models.keys() & database.keys()):
        yield from attribute_diffs(ObjectType.SEQUENCE, pair.name, None, name, models[name],
                                   database[name], _SEQUENCE_ATTRIBUTES)
