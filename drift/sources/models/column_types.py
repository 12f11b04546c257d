"""Column types and domains as create_all() would create them: compiled once per distinct type."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from drift.normalize import canonical as nz
from drift.schema import Domain, EnumType
from drift.sources.models.context import (
    DIALECT,
    TYPE_COMPILER,
    DeclareContext,
    is_domain,
    stored_name,
    stored_schema,
)


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
                if isinstance(v, (list, dict, set))
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
    if variants and DIALECT.name in variants:
        impl = variants[DIALECT.name]  # with_variant(..., "postgresql")
    if isinstance(impl, sa.types.TypeDecorator):
        # Interval and friends turn native here; a user TypeDecorator yields its impl
        impl = impl.dialect_impl(DIALECT)
        if isinstance(impl, sa.types.TypeDecorator):
            impl = impl.impl_instance
    if isinstance(impl, sa.Enum) and impl.native_enum and impl.name:
        schema = stored_schema(impl.schema)
        name = stored_name(impl.name)
        if schema in ctx.schemas:
            ctx.enums.setdefault((schema, name), EnumType(name=name, labels=tuple(impl.enums)))
        text = nz.qualified_name(schema, name)
        result = (text, text)
    elif is_domain(impl):
        schema, name = stored_schema(impl.schema), stored_name(impl.name or "")
        if schema in ctx.schemas and (schema, name) not in ctx.domains:
            ctx.domains[(schema, name)] = declare_domain(impl, ctx)
        text = nz.qualified_name(schema, name)
        result = (text, text)
    elif isinstance(impl, sa.ARRAY):
        inner, inner_raw = type_text(impl.item_type, ctx)
        result = (inner + "[]", inner_raw + "[]")
    else:
        compiled = TYPE_COMPILER.process(impl)
        compiled = compiled.split(" COLLATE ")[0]  # the collation is its own attribute
        result = (nz.canonical_type(compiled), compiled)
    if key is not None and not isinstance(impl, sa.Enum):
        ctx.type_cache[key] = result
    return result


def declare_domain(domain: Any, ctx: DeclareContext) -> Domain:
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
