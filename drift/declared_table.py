"""One SQLAlchemy Table -> one schema.Table, as create_all() would create it on PostgreSQL.

Types, defaults, constraint names and expressions are compiled with
SQLAlchemy's own PostgreSQL dialect (type compiler, DDL compiler, identifier
preparer), then normalised by ``normalize.py`` like the database side.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from drift import normalize as nz
from drift.declared_once import declared_once, implicit_name, sort_key
from drift.errors import DriftError, first_line
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
    Table,
    UniqueConstraint,
)

# "named": a format paramstyle would double every % of the rendered SQL (LIKE patterns)
_DIALECT = postgresql.dialect(paramstyle="named")  # type: ignore[no-untyped-call]
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


@dataclass
class DeclareContext:
    schemas: tuple[str, ...]
    # no statement: used only for its helpers (default strings, names, SQL of clauses)
    ddl: Any = field(
        default_factory=lambda: _DIALECT.ddl_compiler(_DIALECT, None)  # type: ignore[arg-type]
    )
    type_cache: dict[Any, tuple[str, str]] = field(default_factory=dict)
    enums: dict[tuple[str, str], EnumType] = field(default_factory=dict)
    domains: dict[tuple[str, str], Domain] = field(default_factory=dict)

    def sql(self, clause: Any) -> str:
        if isinstance(clause, str):  # postgresql_where="...": create_all takes it as text()
            clause = sa.text(clause)
        return str(self.ddl.sql_compiler.process(clause, include_table=False, literal_binds=True))

    def name(self, constraint: Any) -> str | None:
        if constraint.name is None:
            return None
        formatted = self.ddl.preparer.format_constraint(constraint)
        return _unquote(formatted) if formatted is not None else None


def _type_key(t: Any) -> Any:
    """A hashable key of a type's settings, so equal types compile once (80k columns).

    Public attributes in the order __init__ set them (the same for one class),
    plus a variant mapping if any.
    """
    return (
        type(t),
        tuple(
            (
                k,
                _type_key(v)
                if isinstance(v, sa.types.TypeEngine)
                else repr(v)
                if isinstance(v, list | dict | set)
                else v,
            )
            for k, v in t.__dict__.items()
            if k[0] != "_" or k == "_variant_mapping"
        ),
    )


def type_text(t: Any, ctx: DeclareContext) -> tuple[str, str]:
    """(canonical type, the type as SQLAlchemy compiles it)."""
    try:
        key = _type_key(t)
        hash(key)
    except TypeError:
        key = None
    if key is not None and key in ctx.type_cache:
        return ctx.type_cache[key]
    impl = t
    variants = getattr(t, "_variant_mapping", None)
    if variants and _DIALECT.name in variants:
        impl = variants[_DIALECT.name]  # with_variant(..., "postgresql")
    if isinstance(impl, sa.types.TypeDecorator):
        # Interval and friends turn native here; a user TypeDecorator yields its impl
        impl = impl.dialect_impl(_DIALECT)
        if isinstance(impl, sa.types.TypeDecorator):
            impl = impl.impl_instance
    if isinstance(impl, sa.Enum) and impl.native_enum and impl.name:
        schema = stored_schema(impl.schema)
        name = stored_name(impl.name)
        if schema in ctx.schemas:
            ctx.enums.setdefault((schema, name), EnumType(name=name, labels=tuple(impl.enums)))
        text = nz.qualified_name(schema, name)
        result = (text, text)
    elif isinstance(impl, postgresql.DOMAIN):
        schema, name = stored_schema(impl.schema), stored_name(impl.name or "")
        if schema in ctx.schemas and (schema, name) not in ctx.domains:
            ctx.domains[(schema, name)] = declare_domain(impl, ctx)
        text = nz.qualified_name(schema, name)
        result = (text, text)
    elif isinstance(impl, sa.ARRAY):
        inner, inner_raw = type_text(impl.item_type, ctx)
        result = (inner + "[]", inner_raw + "[]")
    else:
        compiled = _DIALECT.type_compiler_instance.process(impl)
        compiled = compiled.split(" COLLATE ")[0]  # the collation is its own attribute
        result = (nz.canonical_type(compiled), compiled)
    if key is not None and not isinstance(impl, sa.Enum):
        ctx.type_cache[key] = result
    return result


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
    collation = None if isinstance(col.type, postgresql.DOMAIN) else getattr(
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
        PrimaryKey(name=ctx.name(pk), columns=_names(pk.columns), **_deferrability(pk))
        if pk is not None and len(pk.columns)
        else None
    )
    fks, uniques, checks, exclusions = [], [], [], []
    implicit: set[int] = set()  # records whose name is not the user's (see declared_once)
    constraints = list(table.constraints) + [k for c in table.columns for k in c.constraints]
    for con in constraints:
        if not con._should_create_for_compiler(ctx.ddl):
            continue  # the CHECK of a native Enum or Boolean, a ddl_if() for another dialect
        if isinstance(con, sa.ForeignKeyConstraint):
            fks.append(_foreign_key(con, ctx))
            record: object = fks[-1]
        elif isinstance(con, sa.UniqueConstraint):
            uniques.append(
                UniqueConstraint(
                    name=ctx.name(con),
                    columns=_names(con.columns),
                    nulls_not_distinct=bool(
                        con.dialect_options["postgresql"]["nulls_not_distinct"]
                    ),
                    **_deferrability(con),
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
                    validated=not con.dialect_options["postgresql"]["not_valid"],
                )
            )
            record = checks[-1]
        elif isinstance(con, ExcludeConstraint):
            exclusions.append(_exclusion(con, ctx))
            record = exclusions[-1]
        else:
            continue
        if implicit_name(con):
            implicit.add(id(record))
    indexes = []
    for index in table.indexes:
        if _creates(index, ctx):
            indexes.append(_index(index, ctx))
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


def _creates(index: sa.Index, ctx: DeclareContext) -> bool:
    """Whether create_all() would create the index here (Index.ddl_if(dialect=...))."""
    cond = index._ddl_if
    return cond is None or bool(
        cond._should_execute(sa.schema.CreateIndex(index), index, None, compiler=ctx.ddl)
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
        columns=_names(con.columns),
        referred_schema=stored_schema(target.schema),
        referred_table=stored_name(target.name),
        referred_columns=_names(e.column for e in con.elements),
        on_delete=(con.ondelete or "NO ACTION").upper(),
        on_update=(con.onupdate or "NO ACTION").upper(),
        match=(con.match or "SIMPLE").upper(),
        validated=not con.dialect_options["postgresql"]["not_valid"],
        **_deferrability(con),
    )


def _index(index: sa.Index, ctx: DeclareContext) -> Index:
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
    include = _names(
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


def stored_name(name: str) -> str:
    # SQLAlchemy hands out str subclasses (quoted_name, conv): the snapshot holds plain str
    return str(nz.fold_identifier(name, getattr(name, "quote", None)))


def stored_schema(schema: str | None) -> str:
    return stored_name(schema) if schema else nz.DEFAULT_SCHEMA


def _names(columns: Iterable[sa.Column[Any]]) -> tuple[str, ...]:
    """Column names as stored: a key, index or constraint names its columns as the table does."""
    return tuple(stored_name(c.name) for c in columns)


def _unquote(name: str) -> str:
    """The stored name of a name as the preparer renders it: quoted verbatim, bare folded."""
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def _deferrability(con: Any) -> dict[str, bool]:
    """DEFERRABLE / INITIALLY DEFERRED as PostgreSQL stores them: INITIALLY DEFERRED implies
    DEFERRABLE."""
    deferred = (con.initially or "").upper() == "DEFERRED"
    return {"deferrable": bool(con.deferrable) or deferred, "initially_deferred": deferred}


def _exclusion(con: ExcludeConstraint, ctx: DeclareContext) -> ExclusionConstraint:
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
        **_deferrability(con),
    )


def declare_domain(domain: postgresql.DOMAIN, ctx: DeclareContext) -> Domain:
    """CREATE DOMAIN as create_all() renders it (PGDDLCompiler.visit_create_domain_type)."""
    type_, compiled = type_text(domain.data_type, ctx)
    default_text = (
        ctx.ddl.render_default_string(domain.default) if domain.default is not None else None
    )
    default = nz.canonical_default(default_text, type_)
    check_text = ctx.sql(domain.check) if domain.check is not None else None
    checks = nz.check_conjuncts(check_text) if check_text is not None else ()
    collation = None
    if domain.collation is not None:
        collation = (
            nz.qualified_name(stored_name(domain.collation_schema), stored_name(domain.collation))
            if domain.collation_schema
            else nz.quote_ident(stored_name(domain.collation))
        )
    return Domain(
        name=stored_name(domain.name or ""),
        type=type_,
        nullable=not domain.not_null,
        default=default,
        collation=collation,
        checks=checks,
        raw=nz.raw_of(
            type=(compiled, type_),
            default=(default_text, default),
            checks=(check_text, "; ".join(checks) or None),
        ),
    )
