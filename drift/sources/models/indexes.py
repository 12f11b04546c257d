"""Indexes and exclusion constraints as create_all() would create them: elements, opclasses."""

from __future__ import annotations

import re
import typing

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from drift.normalize import canonical as nz
from drift.schema import ExclusionConstraint, Index, IndexElement
from drift.sources.models.context import DeclareContext, column_names, deferrability, stored_name

# Operator classes PostgreSQL picks by itself, per index method (pg_opclass.opcdefault):
# naming one changes nothing. Not varchar_ops (text_ops is varchar's default, a named
# varchar_ops is stored as named), not inet_ops for GiST (GiST has no default for inet).
_SCALAR_OPCLASSES = frozenset(
    {
        "array_ops",
        "bool_ops",
        "bpchar_ops",
        "date_ops",
        "float4_ops",
        "float8_ops",
        "inet_ops",
        "int2_ops",
        "int4_ops",
        "int8_ops",
        "jsonb_ops",
        "numeric_ops",
        "text_ops",
        "timestamp_ops",
        "timestamptz_ops",
        "uuid_ops",
    }
)
_RANGE_OPCLASSES = frozenset({"range_ops", "multirange_ops"})  # ranges: exclusion constraints
_DEFAULT_OPCLASSES: dict[str, frozenset[str]] = {
    "btree": _SCALAR_OPCLASSES | _RANGE_OPCLASSES | {"tsvector_ops"},
    "hash": _SCALAR_OPCLASSES | _RANGE_OPCLASSES,
    "gin": frozenset({"array_ops", "jsonb_ops", "tsvector_ops"}),
    "gist": _RANGE_OPCLASSES | {"tsvector_ops"},
    "spgist": frozenset({"inet_ops", "text_ops", "range_ops"}),
}


def creates_index(index: sa.Index, ctx: DeclareContext) -> bool:
    """Whether create_all() would create the index here (Index.ddl_if(dialect=...))."""
    cond = getattr(index, "_ddl_if", None)  # Index.ddl_if() is SQLAlchemy 2.0's
    return cond is None or bool(
        cond._should_execute(sa.schema.CreateIndex(index), index, None, compiler=ctx.ddl)
    )


def declare_index(index: sa.Index, ctx: DeclareContext) -> Index:
    options = index.dialect_options["postgresql"]
    method = (options["using"] or "btree").lower()
    ops: dict[str, str] = options["ops"] or {}
    elements = []
    raw_expressions = []
    for expr in index.expressions:
        descending, nulls_first = False, None
        while isinstance(expr, UnaryExpression) and expr.modifier in (
            operators.desc_op,
            operators.asc_op,
            operators.nulls_first_op,
            operators.nulls_last_op,
        ):
            if expr.modifier is operators.desc_op:
                descending = True
            elif expr.modifier is operators.nulls_first_op:
                nulls_first = True
            elif expr.modifier is operators.nulls_last_op:
                nulls_first = False
            expr = expr.element
        opclass = ops.get(getattr(expr, "key", None) or "")
        if opclass in _DEFAULT_OPCLASSES.get(method, ()):
            opclass = None
        collation = None
        if isinstance(expr, sa.Column):
            expression, is_column = stored_name(expr.name), True
        else:
            text, text_descending, text_nulls = nz.split_ordering(ctx.sql(expr))
            descending = descending or text_descending
            nulls_first = nulls_first if text_nulls is None else text_nulls
            expression = nz.canonical_expression(text)
            head, collation = _split_collation(expression)
            # a bare name (desc("score"), text("score")) is a column to PostgreSQL too
            name = nz.bare_identifier(head)
            is_column = name is not None
            if is_column:
                expression = typing.cast(str, name)
                collation = _element_collation(index, expression, collation)
            elif expression != text:
                raw_expressions.append(text)
        if nulls_first == descending:
            nulls_first = None
        elements.append(
            IndexElement(
                expression=expression,
                is_column=is_column,
                descending=descending,
                nulls_first=nulls_first,
                opclass=opclass,
                collation=collation if is_column else None,
            )
        )
    where_text = ctx.sql(options["where"]) if options["where"] is not None else None
    where = nz.canonical_expression(where_text) if where_text is not None else None
    # as create_all() renders them: a string is the key of one of the table's columns
    include = column_names(
        index.table.c[c] if isinstance(c, str) else c  # type: ignore[union-attr]
        for c in options["include"] or ()
    )
    return Index(
        name=ctx.name(index),
        elements=tuple(elements),
        unique=bool(index.unique),
        method=method,
        where=where,
        include=include,
        raw=nz.raw_of(
            where=(where_text, where), expressions=("; ".join(raw_expressions) or None, None)
        ),
    )


_IDENT = r'(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'
_COLLATE = re.compile(rf"(.+?)\s+collate\s+({_IDENT}(?:\.{_IDENT})?)", re.IGNORECASE)
_PREPARER = postgresql.dialect().identifier_preparer  # type: ignore[no-untyped-call]


def _split_collation(expression: str) -> tuple[str, str | None]:
    """``name COLLATE "C"`` -> ("name", '"C"'): the collation as quote_ident() prints it (as
    reflection reads it), schema-qualified unless in pg_catalog."""
    m = _COLLATE.fullmatch(expression)
    if m is None:
        return expression, None
    schema, name = nz.split_qualified(m.group(2), "pg_catalog")
    quoted = _PREPARER.quote(name)
    return m.group(1), quoted if schema == "pg_catalog" else f"{_PREPARER.quote(schema)}.{quoted}"


def _element_collation(index: sa.Index, column: str, collation: str | None) -> str | None:
    """The element's collation where it is not its column's own (PostgreSQL records it either
    way, reflection reports only the former)."""
    if collation is None or index.table is None:
        return collation
    declared = next((getattr(c.type, "collation", None) for c in index.table.columns
                     if stored_name(c.name) == column), None)
    return None if declared is not None and _PREPARER.quote(declared) == collation else collation


def declare_exclusion(con: ExcludeConstraint, ctx: DeclareContext) -> ExclusionConstraint:
    """EXCLUDE USING ... as create_all() renders it (PGDDLCompiler.visit_exclude_constraint)."""
    method = (con.using or "gist").lower()
    elements, operators, raw_expressions = [], [], []
    for expr, _, operator in con._render_exprs:
        opclass = con.ops.get(getattr(expr, "key", None) or "")
        if opclass in _DEFAULT_OPCLASSES.get(method, ()):
            opclass = None
        if isinstance(expr, sa.Column):
            expression, is_column = stored_name(expr.name), True
        else:
            text = ctx.sql(expr)
            expression = nz.canonical_expression(text)
            name = nz.bare_identifier(expression)
            is_column = name is not None
            if is_column:
                expression = typing.cast(str, name)
            elif expression != text:
                raw_expressions.append(text)
        elements.append(IndexElement(expression=expression, is_column=is_column, opclass=opclass))
        operators.append(str(operator))
    where_text = ctx.sql(con.where) if con.where is not None else None
    where = nz.canonical_expression(where_text) if where_text is not None else None
    return ExclusionConstraint(
        name=ctx.name(con),
        elements=tuple(elements),
        operators=tuple(operators),
        method=method,
        where=where,
        raw=nz.raw_of(
            where=(where_text, where), expressions=("; ".join(raw_expressions) or None, None)
        ),
        **deferrability(con),
    )
