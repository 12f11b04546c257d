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
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from drift.errors import DriftError, first_line
from drift.normalize import canonical as nz
from drift.schema import (
    EnumType,
    Schema,
    Sequence,
    Snapshot,
    Table,
    View,
)
from drift.sources.database.catalog_rows import (
    CatalogChanged,
    column_record,
    constraint_records,
    domain_record,
    exclusion_record,
    group_by_oid,
    index_record,
)
from drift.sources.database.connection import begin_read_only, read_only_connection, redact_url
from drift.sources.database.sql import query

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
    columns = group_by_oid(conn.execute(query("columns"), params))
    constraints = group_by_oid(conn.execute(query("constraints"), params))
    indexes = group_by_oid(conn.execute(query("indexes"), params))
    opclasses: dict[int, str] = {oid: name for oid, name in conn.execute(query("opclasses"))}
    enums = conn.execute(query("enums"), params).all()
    sequences = conn.execute(query("sequences"), params).all()
    domains = conn.execute(query("domains"), params).all()
    exclusions = group_by_oid(conn.execute(query("exclusions"), params))
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
        cols = tuple(column_record(c, owned.get((c[0], c[1]))) for c in columns.get(rel.oid, ()))
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
                    (index_record(i, names, opclasses) for i in own_indexes),
                    key=lambda i: i.name or "",
                )
            ),
            exclusion_constraints=tuple(
                sorted(
                    (exclusion_record(x, names, opclasses) for x in exclusions.get(rel.oid, ())),
                    key=lambda x: x.name or "",
                )
            ),
            inherited=tuple(
                sorted(o.name for o in (*own_indexes, *own_constraints) if o.inherited)
            ),
            **constraint_records(own_constraints, names, attnames),
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
                domains=tuple(domain_record(d) for d in domains if d.schema == name),
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
