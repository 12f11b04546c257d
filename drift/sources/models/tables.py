"""One SQLAlchemy Table -> one schema.Table, as create_all() would create it on PostgreSQL.

Types, defaults, constraint names and expressions are compiled with
SQLAlchemy's own PostgreSQL dialect (type compiler, DDL compiler, identifier
preparer), then normalised by ``normalize.py`` like the database side.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint

from drift.errors import DriftError, first_line
from drift.normalize import canonical as nz
from drift.schema import (
    CheckConstraint,
    Column,
    ForeignKey,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from drift.sources.models.column_types import type_text
from drift.sources.models.context import (
    DeclareContext,
    column_names,
    creates_constraint,
    deferrability,
    is_domain,
    pg_option,
    stored_name,
    stored_schema,
)
from drift.sources.models.declared_once import declared_once, implicit_name, sort_key
from drift.sources.models.indexes import creates_index, declare_exclusion, declare_index


def _is_serial(col: sa.Column[Any]) -> bool:
    """SQLAlchemy's own rule for emitting SERIAL (PGDDLCompiler.get_column_specification)."""
    return bool(
        col.primary_key
        and col is col.table._autoincrement_column
        and col.identity is None
        and (col.default is None or (isinstance(col.default, sa.Sequence) and col.default.optional))
    )


def _column(col: sa.Column[Any], ctx: DeclareContext) -> Column:
    try:
        type_, compiled = type_text(col.type, ctx)
    except sa.exc.CompileError as exc:
        detail = first_line(exc)
        raise DriftError(f"models: column {col.table.name}.{col.name}: {detail}") from None
    serial = _is_serial(col)
    identity = None
    if col.identity is not None:
        identity = "always" if col.identity.always else "by default"
    computed = read_default = default = sequence = None
    raw_computed = None
    client_sequence = False
    if col.computed is not None:
        raw_computed = ctx.sql(col.computed.sqltext)
        computed = nz.canonical_expression(raw_computed)
    elif not serial:
        read_default = ctx.ddl.get_column_default_string(col)
        default = nz.canonical_default(read_default, type_)
        sequence = nz.sequence_of_default(default)
        if sequence is not None:
            default = None
        elif isinstance(col.default, sa.Sequence) and default is None:
            # SQLAlchemy calls nextval() itself: the database equivalent is a nextval() default
            seq = col.default
            schema = stored_schema(seq.schema or col.table.metadata.schema)
            sequence = nz.qualified_name(schema, stored_name(seq.name))
            client_sequence = True
    # a domain's collation is the domain's: the column has its type's (PostgreSQL's view too)
    collation = None if is_domain(col.type) else getattr(
        col.type, "collation", None)
    return Column(
        name=stored_name(col.name),
        type=type_,
        # PostgreSQL makes serial, identity and primary key columns NOT NULL
        nullable=bool(col.nullable) and not serial and identity is None and not col.primary_key,
        default=default,
        serial=serial,
        sequence=sequence,
        client_sequence=client_sequence,
        identity=identity,
        computed=computed,
        comment=col.comment or None,  # COMMENT IS '' removes a comment
        collation=nz.quote_ident(collation) if collation else None,
        raw=nz.raw_of(
            type=(compiled, type_),
            default=(read_default, default),
            computed=(raw_computed, computed),
        ),
    )


def declare_table(table: sa.Table, ctx: DeclareContext, declared_by: str | None) -> Table:
    # system columns (xmin, ctid) exist in every table and are not created by create_all
    columns = tuple(_column(c, ctx) for c in table.columns if not c.system)
    pk = table.primary_key
    primary_key = (
        PrimaryKey(name=ctx.name(pk), columns=column_names(pk.columns), **deferrability(pk))
        if pk is not None and len(pk.columns)
        else None
    )
    fks, uniques, checks, exclusions = [], [], [], []
    implicit: set[int] = set()  # records whose name is not the user's (see declared_once)
    constraints = list(table.constraints) + [k for c in table.columns for k in c.constraints]
    for con in constraints:
        if not creates_constraint(con, ctx.ddl):
            continue  # the CHECK of a native Enum or Boolean, a ddl_if() for another dialect
        if isinstance(con, sa.ForeignKeyConstraint):
            fks.append(_foreign_key(con, ctx))
            record: object = fks[-1]
        elif isinstance(con, sa.UniqueConstraint):
            uniques.append(
                UniqueConstraint(
                    name=ctx.name(con),
                    columns=column_names(con.columns),
                    nulls_not_distinct=bool(pg_option(con, "nulls_not_distinct")),
                    **deferrability(con),
                )
            )
            record = uniques[-1]
        elif isinstance(con, sa.CheckConstraint):
            text = ctx.sql(con.sqltext)
            expression = nz.canonical_expression(text)
            checks.append(
                CheckConstraint(
                    name=ctx.name(con),
                    expression=expression,
                    raw=nz.raw_of(expression=(text, expression)),
                    validated=not pg_option(con, "not_valid"),
                )
            )
            record = checks[-1]
        elif isinstance(con, ExcludeConstraint):
            exclusions.append(declare_exclusion(con, ctx))
            record = exclusions[-1]
        else:
            continue
        if implicit_name(con):
            implicit.add(id(record))
    indexes = []
    for index in table.indexes:
        if creates_index(index, ctx):
            indexes.append(declare_index(index, ctx))
            if implicit_name(index):
                implicit.add(id(indexes[-1]))
    partition_by = table.dialect_options["postgresql"].get("partition_by")
    return Table(
        name=stored_name(table.name),
        columns=columns,
        primary_key=primary_key,
        foreign_keys=declared_once(fks, frozenset(implicit)),
        unique_constraints=declared_once(uniques, frozenset(implicit)),
        check_constraints=declared_once(checks, frozenset(implicit)),
        indexes=declared_once(indexes, frozenset(implicit)),
        comment=table.comment or None,
        partitioned_by=_partition_by(partition_by) if partition_by else None,
        declared_by=declared_by,
        exclusion_constraints=tuple(sorted(exclusions, key=sort_key)),
    )


def _partition_by(text: str) -> str:
    method, _, rest = text.strip().partition(" ")
    return f"{method.upper()} {' '.join(rest.split())}".strip()


def _foreign_key(con: sa.ForeignKeyConstraint, ctx: DeclareContext) -> ForeignKey:
    try:
        target = con.elements[0].column.table
    except (sa.exc.NoReferencedTableError, sa.exc.NoReferencedColumnError) as exc:
        # create_all() would fail the same way: the models are incomplete
        raise DriftError(f"models: {first_line(exc)}") from None
    return ForeignKey(
        name=ctx.name(con),
        columns=column_names(con.columns),
        referred_schema=stored_schema(target.schema),
        referred_table=stored_name(target.name),
        referred_columns=column_names(e.column for e in con.elements),
        on_delete=(con.ondelete or "NO ACTION").upper(),
        on_update=(con.onupdate or "NO ACTION").upper(),
        match=(con.match or "SIMPLE").upper(),
        validated=not pg_option(con, "not_valid"),
        **deferrability(con),
    )
