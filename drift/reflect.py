"""Live PostgreSQL -> Snapshot, reading the catalog in bulk.

One query per object kind (``drift/sql/*.sql``) for all tables of all the
requested schemas: the number of statements does not grow with the number of
tables. Everything read goes through ``normalize.py``, like the models side.

While reading, the transaction's search_path is ``pg_catalog`` only, so that
``format_type()``, ``pg_get_expr()`` and ``regclass`` print every user type,
sequence and function schema-qualified, whatever the server's search_path is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from drift import normalize as nz
from drift.connection import read_only_connection, redact_url
from drift.errors import DriftError
from drift.schema import (
    CheckConstraint,
    Column,
    EnumType,
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

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_IDENTITY = {"a": "always", "d": "by default"}


@cache
def _sql(name: str) -> sa.TextClause:
    return sa.text(resources.files("drift").joinpath("sql", f"{name}.sql").read_text("utf-8"))


def reflect_snapshot(url: str, schemas: tuple[str, ...]) -> Snapshot:
    """Read the requested schemas of the database at ``url`` (in a READ ONLY transaction)."""
    with read_only_connection(url) as conn:
        return reflect_snapshot_with_connection(conn, schemas, source=redact_url(url))


def reflect_snapshot_with_connection(
    conn: Connection, schemas: tuple[str, ...], source: str | None = None
) -> Snapshot:
    """Read the requested schemas through an open connection (inside its transaction).

    Only the schemas that exist are returned (the comparator reports a schema
    declared by the models but absent as missing); none existing is an error.
    """
    params = {"schemas": list(schemas)}
    saved_path, server_version = conn.execute(
        sa.text(
            "SELECT current_setting('search_path'), current_setting('server_version'), "
            "set_config('search_path', 'pg_catalog', true)"
        )
    ).one()[:2]
    try:
        existing = [r.name for r in conn.execute(_sql("schemas"), params)]
        if not existing:
            where = f" in {source}" if source else ""
            raise DriftError(f"none of the schemas {', '.join(schemas)} exists{where}")
        relations = conn.execute(_sql("relations"), params).all()
        columns = _group(conn.execute(_sql("columns"), params))
        constraints = _group(conn.execute(_sql("constraints"), params))
        indexes = _group(conn.execute(_sql("indexes"), params))
        enums = conn.execute(_sql("enums"), params).all()
        sequences = conn.execute(_sql("sequences"), params).all()
    finally:
        conn.execute(sa.text("SELECT set_config('search_path', :p, true)"), {"p": saved_path})

    tables: dict[str, list[Table]] = defaultdict(list)
    views: dict[str, list[View]] = defaultdict(list)
    for rel in relations:
        cols = tuple(_column(c) for c in columns.get(rel.oid, ()))
        if rel.kind in ("v", "m"):
            views[rel.schema].append(
                View(
                    name=rel.name,
                    materialized=rel.kind == "m",
                    definition=" ".join((rel.definition or "").split()) or None,
                    columns=cols,
                    comment=rel.comment,
                )
            )
        else:
            tables[rel.schema].append(
                _table(rel, cols, constraints.get(rel.oid, ()), indexes.get(rel.oid, ()))
            )
    enum_map: dict[str, list[EnumType]] = defaultdict(list)
    for e in enums:
        enum_map[e.schema].append(EnumType(name=e.name, labels=tuple(e.labels)))
    seq_map: dict[str, list[Sequence]] = defaultdict(list)
    for s in sequences:
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
            )
            for name in sorted(existing)
        ),
        server_version=server_version,
        source=source,
    )


def _group(rows: Iterable[Row[Any]]) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.relid].append(row)
    return grouped


def _column(row: Row[Any]) -> Column:
    type_ = nz.canonical_type(row.type)
    default = computed = sequence = None
    serial = False
    if row.generated == "s":
        computed = nz.canonical_expression(row.default_expr)
    elif row.default_expr is not None:
        default = nz.canonical_default(row.default_expr, type_)
        used = nz.sequence_of_default(default)
        if used is not None:
            serial = used == row.owned_sequence
            sequence = None if serial else used
            default = None
    return Column(
        name=row.name,
        type=type_,
        nullable=not row.not_null,
        default=default,
        serial=serial,
        sequence=sequence,
        identity=_IDENTITY.get(row.identity),
        computed=computed,
        comment=row.comment,
        collation=row.collation,
        raw=nz.raw_of(
            type=(row.type, type_),
            default=(None if computed else row.default_expr, default),
            computed=(row.default_expr if computed else None, computed),
        ),
    )


def _table(
    rel: Row[Any], columns: tuple[Column, ...], constraints: Seq[Row[Any]], indexes: Seq[Row[Any]]
) -> Table:
    primary_key = None
    fks: list[ForeignKey] = []
    uniques: list[UniqueConstraint] = []
    checks: list[CheckConstraint] = []
    for con in constraints:
        if con.type == "p":
            primary_key = PrimaryKey(name=con.name, columns=tuple(con.columns))
        elif con.type == "f":
            fks.append(
                ForeignKey(
                    name=con.name,
                    columns=tuple(con.columns),
                    referred_schema=con.referred_schema,
                    referred_table=con.referred_table,
                    referred_columns=tuple(con.referred_columns),
                    on_delete=_ACTIONS[con.on_delete],
                    on_update=_ACTIONS[con.on_update],
                    deferrable=con.deferrable,
                    initially_deferred=con.initially_deferred,
                    match=_MATCH.get(con.match, "SIMPLE"),
                )
            )
        elif con.type == "u":
            uniques.append(
                UniqueConstraint(
                    name=con.name,
                    columns=tuple(con.columns),
                    nulls_not_distinct=con.nulls_not_distinct,
                )
            )
        else:
            expression = nz.canonical_expression(con.expression)
            checks.append(
                CheckConstraint(
                    name=con.name,
                    expression=expression,
                    raw=nz.raw_of(expression=(con.expression, expression)),
                )
            )
    return Table(
        name=rel.name,
        columns=columns,
        primary_key=primary_key,
        foreign_keys=tuple(fks),
        unique_constraints=tuple(uniques),
        check_constraints=tuple(checks),
        indexes=tuple(_index(i) for i in indexes),
        comment=rel.comment,
        partitioned_by=rel.partitioned_by,
    )


def _index(row: Row[Any]) -> Index:
    elements = []
    raw_expressions = []
    for k in range(row.key_count):
        text = row.elements[k]
        is_column = row.attnums[k] != 0
        expression = _unquote(text) if is_column else nz.canonical_expression(text)
        if not is_column and expression != text:
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
                opclass=row.opclasses[k] if k < len(row.opclasses) else None,
            )
        )
    where = nz.canonical_expression(row.predicate) if row.predicate is not None else None
    return Index(
        name=row.name,
        elements=tuple(elements),
        unique=row.is_unique,
        method=row.method,
        where=where,
        include=tuple(_unquote(t) for t in row.elements[row.key_count :]),
        raw=nz.raw_of(
            where=(row.predicate, where), expressions=("; ".join(raw_expressions) or None, None)
        ),
    )


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name
