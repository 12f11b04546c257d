"""The entry point: schemas matched by name, then every registered comparator on each.

A schema only in the models is one ``schema`` mismatch plus everything
declared in it (one ``table only_in_models`` per table, its enums, sequences):
the planner needs the tables and expectations match them by glob
(``quantum.*``). A schema only in the database is reported the same way,
mirrored. Either way the other side is an empty ``Schema``, so the same
comparators run.

Alembic's bookkeeping table (``alembic_version``) is never drift: every
Alembic-managed database has one and no model declares it.
"""

from __future__ import annotations

from dataclasses import replace

from drift.compare.long_names import long_names
from drift.compare.registry import SchemaPair, compare_schema, only_in
from drift.mismatch import Change, Mismatch, ObjectType
from drift.schema import Schema, Snapshot

ALEMBIC_VERSION_TABLE = "alembic_version"


def _without_bookkeeping(database: Schema, models: Schema | None) -> Schema:
    if models is not None and models.table(ALEMBIC_VERSION_TABLE) is not None:
        return database
    tables = tuple(t for t in database.tables if t.name != ALEMBIC_VERSION_TABLE)
    return database if len(tables) == len(database.tables) else replace(database, tables=tables)


def compare_snapshots(models: Snapshot, database: Snapshot) -> list[Mismatch]:
    """Every difference between two normalised snapshots, sorted by ``Mismatch.sort_key``."""
    found, models = long_names(models)  # names over 63 bytes: compared as PostgreSQL cuts them
    models_schemas = {s.name: s for s in models.schemas}
    database_schemas = {
        s.name: _without_bookkeeping(s, models.schema(s.name)) for s in database.schemas
    }
    for name in sorted(models_schemas.keys() | database_schemas.keys()):
        m, d = models_schemas.get(name), database_schemas.get(name)
        # the schema record alone (no tables): its contents are reported one by one
        if m is None:
            found.append(only_in(ObjectType.SCHEMA, Change.ONLY_IN_DATABASE, name, None, None,
                                 Schema(name)))
        elif d is None:
            found.append(only_in(ObjectType.SCHEMA, Change.ONLY_IN_MODELS, name, None, None,
                                 Schema(name)))
        found.extend(compare_schema(SchemaPair(name, m or Schema(name), d or Schema(name))))
    found.sort(key=lambda x: x.sort_key)
    return found

