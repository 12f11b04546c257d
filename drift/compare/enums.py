"""Enum types of one schema, matched by name; their labels compared as ``values`` (in order)."""

from __future__ import annotations

from collections.abc import Iterator

from drift.compare.registry import SchemaPair, attribute_diffs, only_in, schema_comparator
from drift.mismatch import Change, Mismatch, ObjectType


@schema_comparator(ObjectType.ENUM)
def compare_enums(pair: SchemaPair) -> Iterator[Mismatch]:
    models = {e.name: e for e in pair.models.enums}
    database = {e.name: e for e in pair.database.enums}
    for name in sorted(models.keys() - database.keys()):
        yield only_in(ObjectType.ENUM, Change.ONLY_IN_MODELS, pair.name, None, name, models[name])
    for name in sorted(database.keys() - models.keys()):
        yield only_in(ObjectType.ENUM, Change.ONLY_IN_DATABASE, pair.name, None, name,
                      database[name])
    for name in sorted(models.keys() & database.keys()):
        yield from attribute_diffs(ObjectType.ENUM, pair.name, None, name, models[name],
                                   database[name], {"values": lambda e: e.labels})
