"""What every step of declaring a table shares: the dialect's compilers, the names as stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from drift.normalize import canonical as nz
from drift.schema import Domain, EnumType

# SQLAlchemy 2.0's; the models of 1.4 have no domains
DOMAIN: Any = getattr(postgresql, "DOMAIN", None)


def is_domain(t: Any) -> bool:
    return DOMAIN is not None and isinstance(t, DOMAIN)


# "named": a format paramstyle would double every % of the rendered SQL (LIKE patterns)
DIALECT = postgresql.dialect(paramstyle="named")  # type: ignore[no-untyped-call]
# the dialect's type compiler: type_compiler_instance since SQLAlchemy 2.0, type_compiler in 1.4
TYPE_COMPILER: Any = getattr(DIALECT, "type_compiler_instance", None) or DIALECT.type_compiler


@dataclass
class DeclareContext:
    schemas: tuple[str, ...]
    # no statement: used only for its helpers (default strings, names, SQL of clauses)
    ddl: Any = field(
        default_factory=lambda: DIALECT.ddl_compiler(DIALECT, None)  # type: ignore[arg-type]
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


def stored_name(name: str) -> str:
    # SQLAlchemy hands out str subclasses (quoted_name, conv): the snapshot holds plain str
    return str(nz.fold_identifier(name, getattr(name, "quote", None)))


def stored_schema(schema: str | None) -> str:
    return stored_name(schema) if schema else nz.DEFAULT_SCHEMA


def column_names(columns: Iterable[sa.Column[Any]]) -> tuple[str, ...]:
    """Column names as stored: a key, index or constraint names its columns as the table does."""
    return tuple(stored_name(c.name) for c in columns)


def _unquote(name: str) -> str:
    """The stored name of a name as the preparer renders it: quoted verbatim, bare folded."""
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def creates_constraint(con: Any, ddl: Any) -> bool:
    """Whether create_all() emits the constraint (not the CHECK of a native Enum or Boolean,
    nor a ddl_if() for another dialect): SQLAlchemy 2.0's rule, else 1.4's ``_create_rule``."""
    should = getattr(con, "_should_create_for_compiler", None)
    if should is not None:
        return bool(should(ddl))
    rule = getattr(con, "_create_rule", None)
    return rule is None or bool(rule(ddl))


def pg_option(construct: Any, name: str, default: Any = None) -> Any:
    """A ``postgresql_<name>`` option of a construct; ``default`` where this SQLAlchemy has
    no such option (``not_valid`` and ``nulls_not_distinct`` are newer than 1.4)."""
    try:
        return construct.dialect_options["postgresql"][name]
    except KeyError:
        return default


def deferrability(con: Any) -> dict[str, bool]:
    """DEFERRABLE / INITIALLY DEFERRED as PostgreSQL stores them: INITIALLY DEFERRED implies
    DEFERRABLE."""
    deferred = (con.initially or "").upper() == "DEFERRED"
    return {"deferrable": bool(con.deferrable) or deferred, "initially_deferred": deferred}
