"""SQLAlchemy models -> Snapshot: what ``metadata.create_all()`` would build, normalised.

Here: finding the models from "module:attribute" references, walking their
MetaData (tables of the requested schemas, sequences, enums) and naming the
mapped class that declares each table. One table is turned into the neutral
model by ``declared_table.py``.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import os
import sys
import typing
from collections import defaultdict
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import registry as Registry

from drift.errors import DriftError, first_line
from drift.normalize import canonical as nz
from drift.schema import Domain, EnumType, Schema, Sequence, Snapshot, Table
from drift.sources.models.column_types import type_text
from drift.sources.models.context import DeclareContext, is_domain, stored_name, stored_schema
from drift.sources.models.locations import table_locations
from drift.sources.models.tables import declare_table

# --- references ----------------------------------------------------------------------------


def declare_snapshot(references: tuple[str, ...], schemas: tuple[str, ...]) -> Snapshot:
    """Import each "module:attribute" (or "module" exposing Base / metadata) and merge them."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as an Alembic env.py would find the app's models
    metadatas: list[sa.MetaData] = []
    for ref in references:
        md = _resolve(ref)
        if all(md is not m for m in metadatas):
            metadatas.append(md)
    return _declare(metadatas, schemas, ", ".join(references))


def declared_schemas(references: tuple[str, ...]) -> frozenset[str]:
    """Every schema the models put a table in, checked or not (for a note on the others).

    Call after ``declare_snapshot``: the modules are imported by then, so this only
    looks them up again.
    """
    return frozenset(
        stored_schema(table.schema) for ref in references for table in _resolve(ref).tables.values()
    )


def declare_metadata(metadata: sa.MetaData, schemas: tuple[str, ...], source: str = "") -> Snapshot:
    return _declare([metadata], schemas, source)


def _import_models(module_name: str) -> ModuleType:
    """Import a models module with the cyclic GC paused, then freeze what it made.

    Thousands of model classes are millions of long-lived objects, none of them
    garbage; the collector would rescan them on every allocation burst of the
    import (a third of ``drift check`` at 2,000 tables, bench/HOTSPOTS.md) and
    again during declare and compare. Frozen, later collections skip them.
    """
    with nz.bulk_build():
        try:
            return importlib.import_module(module_name)
        finally:
            gc.freeze()


def _resolve(ref: str) -> sa.MetaData:
    module_name, _, attr = ref.partition(":")
    module_name = module_name.strip()
    if not module_name:
        raise DriftError(f"models reference {ref!r} has no module (expected module:attribute)")
    try:
        module = _import_models(module_name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a models module may raise anything, even SystemExit
        # first_line() falls back on the type name, which is already said here
        detail = first_line(exc) if str(exc).strip() else ""
        message = f"cannot import models {module_name!r}: {type(exc).__name__}: {detail}"
        message = message.rstrip(": ")
        if module_name.endswith(".py") or "/" in module_name:  # a file given for a module
            dotted = module_name.removesuffix(".py").replace("/", ".").strip(".")
            message += f" (pass a module name ({dotted}), not a file path)"
        raise DriftError(message) from None
    if attr:
        obj: Any = module
        for part in attr.split("."):
            if not hasattr(obj, part):
                raise DriftError(f"models {ref!r}: {module_name} has no attribute {attr!r}")
            obj = getattr(obj, part)
    else:
        obj = getattr(module, "Base", None)
        if obj is None:
            obj = getattr(module, "metadata", None)
        if obj is None:
            raise DriftError(
                f"models {ref!r}: module has no Base or metadata (pass module:attribute)"
            )
    if isinstance(obj, sa.MetaData):
        return obj
    if isinstance(obj, Registry):
        return obj.metadata
    if isinstance(obj, type) and isinstance(getattr(obj, "metadata", None), sa.MetaData):
        return typing.cast(sa.MetaData, getattr(obj, "metadata"))  # noqa: B009
    raise DriftError(
        f"models {ref!r} is a {type(obj).__name__}, not a declarative Base, registry or MetaData"
    )


def _declared_by(metadatas: list[sa.MetaData]) -> dict[sa.Table, type]:
    """Table -> the mapped class that declares it (the base-most one).

    The registries are found through SQLAlchemy's (private) list of them, so a
    bare MetaData still gets its class names; without it, tables have none.
    """
    mapper_module = importlib.import_module("sqlalchemy.orm.mapper")
    found: dict[sa.Table, type] = {}
    for reg in list(getattr(mapper_module, "_mapper_registries", ())):
        if all(reg.metadata is not m for m in metadatas):
            continue
        # base classes first: with single-table inheritance the base declares the table
        mappers = sorted(reg.mappers, key=lambda m: len(list(m.iterate_to_root())))
        for mapper in mappers:
            local = mapper.local_table
            if isinstance(local, sa.Table) and local not in found:
                found[local] = mapper.class_
    return found


def _with_source(converted: Table, cls: type | None) -> Table:
    """The table with the class that declares it: its name, and where it and the table's
    names are written (kept in the snapshot, so a cached run points at the same lines)."""
    if cls is None:
        return converted
    names = [c.name for c in converted.columns] + [
        o.name for group in (converted.foreign_keys, converted.unique_constraints,
                             converted.check_constraints, converted.indexes,
                             converted.exclusion_constraints) for o in group if o.name]
    if converted.primary_key is not None and converted.primary_key.name:
        names.append(converted.primary_key.name)
    return dataclasses.replace(converted, declared_by=f"{cls.__module__}:{cls.__qualname__}",
                               locations=table_locations(cls, names))


# --- building ------------------------------------------------------------------------------


def _declare(metadatas: list[sa.MetaData], schemas: tuple[str, ...], source: str) -> Snapshot:
    with nz.bulk_build():
        return _declare_all(metadatas, schemas, source)


def _declare_all(metadatas: list[sa.MetaData], schemas: tuple[str, ...], source: str) -> Snapshot:
    ctx = DeclareContext(schemas)
    declared_by = _declared_by(metadatas)
    tables: dict[str, dict[str, Table]] = defaultdict(dict)
    sequences: dict[str, dict[str, Sequence]] = defaultdict(dict)
    for md in metadatas:
        for table in md.tables.values():
            schema = stored_schema(table.schema)
            if schema in schemas:
                try:
                    converted = declare_table(table, ctx, None)
                except sa.exc.SQLAlchemyError as exc:
                    # what create_all() would fail on too (e.g. a naming convention's
                    # %(constraint_name)s on an unnamed constraint)
                    detail = first_line(exc)
                    raise DriftError(f"models: table {schema}.{table.name}: {detail}") from None
                if converted.name not in tables[schema]:
                    tables[schema][converted.name] = _with_source(converted,
                                                                  declared_by.get(table))
        for seq in md._sequences.values():
            if seq.optional:
                continue  # only used where the database has no serial/identity; not PostgreSQL
            schema = stored_schema(seq.schema or md.schema)
            data_type = type_text(seq.data_type, ctx)[0] if seq.data_type is not None else None
            sequences[schema][seq.name] = nz.canonical_sequence(
                stored_name(seq.name),
                data_type,
                seq.start,
                seq.increment,
                None if seq.nominvalue else seq.minvalue,
                None if seq.nomaxvalue else seq.maxvalue,
                seq.cycle,
            )
        for obj in getattr(md, "_objects", ()):
            # enums and domains made with metadata=, used by no table yet
            if isinstance(obj, sa.Enum) or is_domain(obj):
                type_text(obj, ctx)
    enums: dict[str, list[EnumType]] = defaultdict(list)
    for (schema, _), enum in sorted(ctx.enums.items()):
        enums[schema].append(enum)
    domains: dict[str, list[Domain]] = defaultdict(list)
    for (schema, _), domain in sorted(ctx.domains.items()):
        domains[schema].append(domain)
    # A schema is declared by what the models put in it; PostgreSQL's default schema
    # also by default, as every database has it (and schema=None tables go there).
    present = sorted(
        set(tables)
        | {s for s in enums if s in schemas}
        | {s for s in sequences if s in schemas}
        | set(domains)
        | ({nz.DEFAULT_SCHEMA} & set(schemas))
    )
    return Snapshot(
        origin="models",
        schemas=tuple(
            Schema(
                name=name,
                tables=tuple(t for _, t in sorted(tables[name].items())),
                enums=tuple(enums[name]),
                sequences=tuple(s for _, s in sorted(sequences[name].items())),
                domains=tuple(domains[name]),
            )
            for name in present
        ),
        source=source,
    )
