"""Live PostgreSQL -> Snapshot, reading the catalog in bulk.

One query per object kind (``drift/sources/database/sql/*.sql``) for all tables of all the
requested schemas: the number of statements does not grow with the number of
tables. Everything read goes through ``normalize.py``, like the models side.

All of it in one REPEATABLE READ transaction, read again when DDL raced the
catalog functions (``reflect_consistently``). Partitions are nested in their
parent table (``Table.partitions``).

While reading, the transaction's search_path is ``pg_catalog`` only, so that
``format_type()``, ``pg_get_expr()`` and ``regclass`` print every user type,
sequence and function schema-qualified, whatever the server's search_path is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from drift.errors import DriftError, first_line
from drift.normalize import canonical as nz
from drift.schema import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    Snapshot,
    Table,
    UniqueConstraint,
    View,
)
from drift.sources.database.connection import begin_read_only, read_only_connection, redact_url
from drift.sources.database.sql import query

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_IDENTITY = {"a": "always", "d": "by default"}


class CatalogChanged(DriftError):
    """A catalog function saw a newer catalog than the transaction's snapshot: DDL ran
    while the catalog was read."""


# internal_error (could not open relation with OID, cache lookup failed), lock_not_available
# (a lock timeout behind DDL), serialization_failure, deadlock_detected, undefined_object
_RACE_SQLSTATES = frozenset({"XX000", "55P03", "40001", "40P01", "42704"})
READ_TRIES = 5


def reflect_snapshot(url: str, schemas: tuple[str, ...]) -> Snapshot:
    """Read the requested schemas of the database at ``url`` (one consistent, read-only
    transaction; see ``reflect_consistently``)."""
    with read_only_connection(url) as conn:
        return reflect_consistently(conn, schemas, source=redact_url(url))


def reflect_consistently(
    conn: Connection, schemas: tuple[str, ...], source: str | None = None
) -> Snapshot:
    """``reflect_snapshot_with_connection`` in a transaction of our own (``conn`` comes from
    ``read_only_connection``), read again in a new one when DDL raced the read.

    The catalog tables are read from the transaction's snapshot, but the functions
    that print definitions (pg_get_indexdef, pg_get_expr, ...) use the latest catalog:
    an object dropped or changed meanwhile makes them fail or disagree. That is
    detected (``CatalogChanged``, or the errors in ``_RACE_SQLSTATES``) and the whole
    read starts over; after ``READ_TRIES`` the run fails with one line.
    """
    detail = ""
    for _ in range(READ_TRIES):
        try:
            return reflect_snapshot_with_connection(conn, schemas, source)
        except CatalogChanged as exc:
            detail = str(exc)
        except sa.exc.DBAPIError as exc:
            if getattr(exc.orig, "pgcode", None) not in _RACE_SQLSTATES:
                raise
            detail = first_line(exc)
        conn.rollback()
        begin_read_only(conn)
    where = f" {source}" if source else ""
    raise DriftError(
        f"cannot read the database{where}: the catalog changed while it was read "
        f"({READ_TRIES} tries; is DDL running?): {detail}"
    )


def reflect_snapshot_with_connection(
    conn: Connection, schemas: tuple[str, ...], source: str | None = None
) -> Snapshot:
    """Read the requested schemas through an open connection (inside its transaction).

    Only the schemas that exist are returned (the comparator reports a schema
    declared by the models but absent as missing); none existing is an error.
    """
    with nz.bulk_build():
        return _reflect(conn, schemas, source)


def _reflect(conn: Connection, schemas: tuple[str, ...], source: str | None) -> Snapshot:
    params = {"schemas": list(schemas)}
    # Session-wide, not LOCAL: a caller's connection may be in autocommit, where a
    # LOCAL setting would end with the statement. It is put back at the end (and a
    # transaction that fails rolls it back by itself).
    saved_path, server_version = conn.execute(
        sa.text(
            "SELECT current_setting('search_path'), current_setting('server_version'), "
            "set_config('search_path', 'pg_catalog', false)"
        )
    ).one()[:2]
    restore = sa.text("SELECT set_config('search_path', :p, false)")
    existing = [r.name for r in conn.execute(query("schemas"), params)]
    if not existing:
        conn.execute(restore, {"p": saved_path})
        where = f" in {source}" if source else ""
        raise DriftError(f"none of the schemas {', '.join(schemas)} exists{where}")
    # On a database error the transaction is aborted and nothing more can run in
    # it: the search_path is put back only when the reads succeeded.
    relations = conn.execute(query("relations"), params).all()
    columns = _group(conn.execute(query("columns"), params))
    constraints = _group(conn.execute(query("constraints"), params))
    indexes = _group(conn.execute(query("indexes"), params))
    opclasses: dict[int, str] = {oid: name for oid, name in conn.execute(query("opclasses"))}
    enums = conn.execute(query("enums"), params).all()
    sequences = conn.execute(query("sequences"), params).all()
    domains = conn.execute(query("domains"), params).all()
    exclusions = _group(conn.execute(query("exclusions"), params))
    conn.execute(restore, {"p": saved_path})

    # a serial column's default is nextval() of the sequence it owns
    owned = {
        (s.owner_relid, s.owner_attnum): nz.qualified_name(s.schema, s.name)
        for s in sequences
        if s.owner_relid is not None
    }
    # attnum -> name per relation: constraints and indexes name their columns by number
    attnames = {relid: {row[1]: row[2] for row in rows} for relid, rows in columns.items()}
    views: dict[str, list[View]] = defaultdict(list)
    built: dict[int, tuple[str, Table]] = {}  # oid -> (schema, table), partitions included
    children: dict[int, list[int]] = defaultdict(list)
    for rel in relations:
        cols = tuple(_column(c, owned.get((c[0], c[1]))) for c in columns.get(rel.oid, ()))
        if rel.kind in ("v", "m"):
            if rel.definition is None:
                raise CatalogChanged(f"view {rel.name} went away")
            views[rel.schema].append(
                View(
                    name=rel.name,
                    materialized=rel.kind == "m",
                    definition=" ".join(rel.definition.split()) or None,
                    columns=cols,
                    comment=rel.comment,
                )
            )
            continue
        if rel.kind == "p" and rel.partitioned_by is None:
            raise CatalogChanged(f"table {rel.name} went away")
        names = attnames.get(rel.oid, {})
        own_indexes = indexes.get(rel.oid, ())
        own_constraints = constraints.get(rel.oid, ())
        built[rel.oid] = rel.schema, Table(
            name=rel.name,
            columns=cols,
            comment=rel.comment,
            partitioned_by=rel.partitioned_by,
            indexes=tuple(
                sorted(
                    (_index(i, names, opclasses) for i in own_indexes),
                    key=lambda i: i.name or "",
                )
            ),
            exclusion_constraints=tuple(
                sorted(
                    (_exclusion(x, names, opclasses) for x in exclusions.get(rel.oid, ())),
                    key=lambda x: x.name or "",
                )
            ),
            inherited=tuple(
                sorted(o.name for o in (*own_indexes, *own_constraints) if o.inherited)
            ),
            **_constraints(own_constraints, names, attnames),
        )
        if rel.parent_oid is not None:
            children[rel.parent_oid].append(rel.oid)
    tables: dict[str, list[Table]] = defaultdict(list)
    for rel in relations:
        if rel.oid in built and rel.parent_oid is None:
            schema, _ = built[rel.oid]
            tables[schema].append(_with_partitions(rel.oid, built, children))
    enum_map: dict[str, list[EnumType]] = defaultdict(list)
    for e in enums:
        enum_map[e.schema].append(EnumType(name=e.name, labels=tuple(e.labels)))
    seq_map: dict[str, list[Sequence]] = defaultdict(list)
    for s in sequences:
        if s.owner_relid is not None:
            continue  # it belongs to its column
        seq_map[s.schema].append(
            nz.canonical_sequence(
                s.name, s.data_type, s.start, s.increment, s.min_value, s.max_value, s.cycle
            )
        )
    return Snapshot(
        origin="database",
        schemas=tuple(
            Schema(
                name=name,
                tables=tuple(sorted(tables[name], key=lambda t: t.name)),
                views=tuple(sorted(views[name], key=lambda v: v.name)),
                enums=tuple(sorted(enum_map[name], key=lambda e: e.name)),
                sequences=tuple(sorted(seq_map[name], key=lambda s: s.name)),
                domains=tuple(_domain(d) for d in domains if d.schema == name),
            )
            for name in sorted(existing)
        ),
        server_version=server_version,
        source=source,
    )


def _with_partitions(
    oid: int, built: dict[int, tuple[str, Table]], children: dict[int, list[int]]
) -> Table:
    """The table with its partitions nested (those of its own schema: a partition
    elsewhere is not matched by name with the models)."""
    schema, table = built[oid]
    parts = [_with_partitions(k, built, children) for k in children.get(oid, ())
             if k in built and built[k][0] == schema]
    if not parts:
        return table
    return replace(table, partitions=tuple(sorted(parts, key=lambda t: t.name)))


def _name(names: dict[int, str], attnum: int) -> str:
    """A column's name by number; a number the columns read do not have means the
    catalog functions saw a newer catalog than the transaction's snapshot."""
    name = names.get(attnum)
    if name is None:
        raise CatalogChanged(f"column number {attnum} is not among the columns read")
    return name


def _group(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def _column(row: Seq[Any], owned_sequence: str | None) -> Column:
    """One row of columns.sql (unpacked by position: this runs once per column of the catalog)."""
    (_, _, name, type_read, not_null, default_read, identity, generated, comment, collation,
     has_default) = row
    if has_default and default_read is None:
        raise CatalogChanged(f"the default of column {name} went away")
    type_ = nz.canonical_type(type_read)
    default = computed = sequence = None
    serial = False
    if generated in ("s", "v"):  # stored, or virtual (PostgreSQL 18)
        computed = nz.canonical_expression(default_read)
    elif default_read is not None:
        default = nz.canonical_default(default_read, type_)
        used = nz.sequence_of_default(default)
        if used is not None:
            serial = used == owned_sequence
            sequence = None if serial else used
            default = None
    changed = type_ != type_read or (
        default_read is not None and default_read != (computed if computed is not None else default)
    )
    return Column(
        name=name,
        type=type_,
        nullable=not not_null,
        default=default,
        serial=serial,
        sequence=sequence,
        identity=_IDENTITY.get(identity),
        computed=computed,
        comment=comment,
        collation=collation,
        owned_sequence=owned_sequence if serial else None,
        raw=nz.raw_of(
            type=(type_read, type_),
            default=(None if computed else default_read, default),
            computed=(default_read if computed else None, computed),
        )
        if changed
        else (),
    )


def _constraints(
    rows: Seq[Row[Any]], names: dict[int, str], attnames: dict[int, dict[int, str]]
) -> dict[str, Any]:
    primary_key = None
    fks: list[ForeignKey] = []
    uniques: list[UniqueConstraint] = []
    checks: list[CheckConstraint] = []
    for con in rows:
        columns = tuple(_name(names, n) for n in con.attnums or ())
        if con.type == "p":
            primary_key = PrimaryKey(
                name=con.name,
                columns=columns,
                deferrable=con.deferrable,
                initially_deferred=con.initially_deferred,
            )
        elif con.type == "f":
            referred = attnames.get(con.referred_relid, {})
            fks.append(
                ForeignKey(
                    name=con.name,
                    columns=columns,
                    referred_schema=con.referred_schema,
                    referred_table=con.referred_table,
                    referred_columns=tuple(
                        con.referred_columns
                        or (_name(referred, n) for n in con.referred_attnums)
                    ),
                    on_delete=_ACTIONS[con.on_delete],
                    on_update=_ACTIONS[con.on_update],
                    deferrable=con.deferrable,
                    initially_deferred=con.initially_deferred,
                    match=_MATCH.get(con.match, "SIMPLE"),
                    validated=con.validated,
                )
            )
        elif con.type == "u":
            uniques.append(
                UniqueConstraint(
                    name=con.name,
                    columns=columns,
                    nulls_not_distinct=con.nulls_not_distinct,
                    deferrable=con.deferrable,
                    initially_deferred=con.initially_deferred,
                )
            )
        else:
            if con.expression is None:
                raise CatalogChanged(f"check constraint {con.name} went away")
            expression = nz.canonical_expression(con.expression)
            checks.append(
                CheckConstraint(
                    name=con.name,
                    expression=expression,
                    raw=nz.raw_of(expression=(con.expression, expression)),
                    validated=con.validated,
                )
            )
    return {
        "primary_key": primary_key,
        "foreign_keys": tuple(sorted(fks, key=lambda c: c.name or "")),
        "unique_constraints": tuple(sorted(uniques, key=lambda c: c.name or "")),
        "check_constraints": tuple(sorted(checks, key=lambda c: c.name or "")),
    }


def _index(row: Row[Any], names: dict[int, str], opclasses: dict[int, str]) -> Index:
    elements = []
    raw_expressions = []
    # exclusions.sql reads no collations: an exclusion constraint's elements have none here
    collations = row.collations if "collations" in row._fields else None
    for k in range(row.key_count):
        attnum = row.attnums[k]
        is_column = attnum != 0
        if is_column:
            expression = _name(names, attnum)
        else:
            text = row.elements[k] if row.elements is not None else None
            if not text:
                raise CatalogChanged(f"index {row.name} went away")
            expression = nz.canonical_expression(text)
            if expression != text:
                raw_expressions.append(text)
        option = row.options[k]
        descending, nulls_first = bool(option & 1), bool(option & 2)
        elements.append(
            IndexElement(
                expression=expression,
                is_column=is_column,
                descending=descending,
                # NULLS FIRST is the default for DESC, NULLS LAST for ASC
                nulls_first=None if nulls_first == descending else nulls_first,
                opclass=opclasses.get(row.opclasses[k]),
                collation=collations[k] if collations else None,
            )
        )
    if row.has_predicate and row.predicate is None:
        raise CatalogChanged(f"index {row.name} went away")
    where = nz.canonical_expression(row.predicate) if row.predicate is not None else None
    return Index(
        name=row.name,
        elements=tuple(elements),
        unique=row.is_unique,
        method=row.method,
        where=where,
        include=tuple(_name(names, n) for n in row.attnums[row.key_count :]),
        raw=nz.raw_of(
            where=(row.predicate, where), expressions=("; ".join(raw_expressions) or None, None)
        ),
    )


def _exclusion(
    row: Row[Any], names: dict[int, str], opclasses: dict[int, str]
) -> ExclusionConstraint:
    """One row of exclusions.sql: its index read as any index, plus the constraint's options."""
    index = _index(row, names, opclasses)
    return ExclusionConstraint(
        name=row.name,
        elements=index.elements,
        operators=tuple(row.operators),
        method=index.method,
        where=index.where,
        deferrable=row.deferrable,
        initially_deferred=row.initially_deferred,
        raw=index.raw,
    )


def _domain(row: Row[Any]) -> Domain:
    type_ = nz.canonical_type(row.type)
    default = nz.canonical_default(row.default_expr, type_)
    checks = tuple(sorted({c for text in row.checks for c in nz.check_conjuncts(text)}))
    return Domain(
        name=row.name,
        type=type_,
        nullable=not row.not_null,
        default=default,
        collation=row.collation,
        checks=checks,
        raw=nz.raw_of(
            type=(row.type, type_),
            default=(row.default_expr, default),
            checks=("; ".join(row.checks) or None, "; ".join(checks) or None),
        ),
    )
