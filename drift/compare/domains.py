"""Domains of one schema, matched by name.

Compared attributes: ``type`` (the base type), ``nullable``, ``default``,
``collation`` and ``checks``. The checks are compared as the sorted set of
their canonical conjuncts, not by name: SQLAlchemy's DOMAIN declares one CHECK
(``VALUE >= 0 AND VALUE <= 100``) where a database often has one per rule, and
with ``not_null`` it gives the ``constraint_name`` to the NOT NULL, so a
check's name says little; what matters is which values the domain refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.registry import SchemaPair, attribute_diffs, only_in, schema_comparator
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Domain

_DOMAIN_ATTRIBUTES: dict[str, Callable[[Domain], Any]] = {
    "type": lambda d: d.type,
    "nullable": lambda d: d.nullable,
    "default": lambda d: d.default,
    "collation": lambda d: d.collation,
    "checks": lambda d: d.checks,
}


@schema_comparator(ObjectType.DOMAIN)
def compare_domains(pair: SchemaPair) -> Iterator[Mismatch]:
    kind = ObjectType.DOMAIN
    models = {d.name: d for d in pair.models.domains}
    database = {d.name: d for d in pair.database.domains}
    for name in sorted(models.keys() - database.keys()):
        yield only_in(kind, Change.ONLY_IN_MODELS, pair.name, None, name, models[name])
    for name in sorted(database.keys() - models.keys()):
        yield only_in(kind, Change.ONLY_IN_DATABASE, pair.name, None, name, database[name])
    for name in sorted(models.keys() & database.keys()):
        m, d = models[name], database[name]
        yield from attribute_diffs(kind, pair.name, None, name, m, d, _DOMAIN_ATTRIBUTES,
                                   models_raw=m.raw, database_raw=d.raw)
