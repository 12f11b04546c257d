"""Snapshot records -> SQLAlchemy objects and safely quoted SQL fragments.

The planner needs two things from a neutral snapshot record: SQLAlchemy
``Column``/``Table``/type objects that Alembic's operation objects carry (and
its renderer turns into Python), and, where Alembic has no operation (CREATE
TYPE, CREATE SEQUENCE, identity changes...), SQL text. Identifiers in that text
are always quoted by the PostgreSQL dialect's identifier preparer and literals
by its string literal processor, never pasted as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.elements import conv
from sqlalchemy.types import TypeEngine

from drift import schema as s
from drift.compare.definitions import (
    check_base_name,
    fk_base_name,
    pk_base_name,
    taken_names,
    unique_base_name,
)
from drift.compare.registry import TablePair, synthetic_names
from drift.normalize.canonical import split_qualified

# paramstyle "named": with psycopg2's "pyformat" the preparer doubles every % of a name and
# literal, and op.execute() doubles them again when it runs the text ("p%%" for "p%")
DIALECT = postgresql.dialect(paramstyle="named")  # type: ignore[no-untyped-call]
_PREPARER = DIALECT.identifier_preparer
_LITERAL = sa.String().literal_processor(DIALECT)  # type: ignore[no-untyped-call]

# "timestamp(3) with time zone" -> base "timestamp with time zone", args "3"
_ARGS = re.compile(r"\(([^()]*)\)")
_ARRAY = re.compile(r"((?:\[\d*\])+)$")


def quote(name: str) -> str:
    """An identifier, always double-quoted (so any name, even a hostile one, stays one token)."""
    return _PREPARER.quote_identifier(name)


def qualified(schema: str | None, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)


def literal(value: str) -> str:
    """A string literal, escaped by the dialect."""
    assert _LITERAL is not None
    return str(_LITERAL(value))


EnumIndex = Mapping[tuple[str, str], s.EnumType]
"""(schema, name) -> enum, for turning a type name into postgresql.ENUM."""


def enum_index(*snapshots: s.Snapshot) -> dict[tuple[str, str], s.EnumType]:
    found: dict[tuple[str, str], s.EnumType] = {}
    for snap in snapshots:
        for sch in snap.schemas:
            for enum in sch.enums:
                found.setdefault((sch.name, enum.name), enum)
    return found


def sa_type(text: str, enums: EnumIndex) -> TypeEngine[Any] | None:
    """A canonical PostgreSQL type spelling -> a SQLAlchemy type; None when unknown."""
    text = text.strip()
    array = _ARRAY.search(text)
    if array:
        inner = sa_type(text[: array.start()], enums)
        if inner is None:
            return None
        return postgresql.ARRAY(inner, dimensions=array.group(1).count("["))
    match = _ARGS.search(text)
    args = [a.strip() for a in match.group(1).split(",")] if match else []
    base = re.sub(r"\s+", " ", _ARGS.sub("", text)).strip()
    cls: Callable[..., TypeEngine[Any]] | None = ischema_names.get(base)
    if cls is None:
        schema, name = split_qualified(text)
        enum = enums.get((schema, name))
        if enum is None:
            return None
        # create_type=False: the enum is created (and dropped) by its own step
        return postgresql.ENUM(name=enum.name, schema=schema, create_type=False)
    ints = [int(a) for a in args if a.isdigit()]
    if base in ("character varying", "character", "bit", "bit varying"):
        return cls(*ints) if base != "bit varying" else cls(*ints, varying=True)
    if base == "numeric":
        return sa.Numeric(*ints[:2]) if ints else sa.Numeric()  # type: ignore[call-overload]
    if base in ("timestamp with time zone", "time with time zone"):
        return cls(timezone=True, precision=ints[0] if ints else None)
    if base in ("timestamp without time zone", "time without time zone", "timestamp", "time"):
        return cls(timezone=False, precision=ints[0] if ints else None)
    if base == "interval":
        return postgresql.INTERVAL(precision=ints[0] if ints else None)
    if base == "double precision":
        return postgresql.DOUBLE_PRECISION()
    return cls() if ints == [] else None


def type_sql(text: str, enums: EnumIndex) -> str:
    """The type as DDL text: compiled by the dialect where known, else PostgreSQL's own spelling."""
    type_ = sa_type(text, enums)
    if type_ is None:
        # format_type() output, which PostgreSQL already quotes where needed
        return text
    return str(DIALECT.type_compiler_instance.process(type_))


def server_default(column: s.Column) -> sa.TextClause | None:
    if column.sequence:
        seq_schema, seq_name = split_qualified(column.sequence)
        return sa.text(f"nextval({literal(qualified(seq_schema, seq_name))}::regclass)")
    return sa.text(column.default) if column.default is not None else None


class UnsupportedType(Exception):
    """A type the planner cannot express as a SQLAlchemy type (a domain, an extension type)."""


def sa_column(column: s.Column, enums: EnumIndex, *,
              autoincrement: bool | Literal["auto"] = "auto") -> sa.Column[Any]:
    type_ = sa_type(column.type, enums)
    if type_ is None:
        raise UnsupportedType(column.type)
    if column.collation and isinstance(type_, sqltypes.String):
        schema, name = split_qualified(column.collation, default_schema="")
        if schema:
            # SQLAlchemy's String takes one name and quotes it: no schema-qualified collation
            raise UnsupportedType(f"{column.type} COLLATE {column.collation}")
        # stored as quote_ident() prints it ('"C"'); SQLAlchemy quotes the bare name again
        type_.collation = name
    extra: list[Any] = []
    if column.identity:
        extra.append(sa.Identity(always=column.identity == "always"))
    if column.computed:
        extra.append(sa.Computed(sa.text(column.computed), persisted=True))
    return sa.Column(
        column.name,
        type_,
        *extra,
        nullable=column.nullable,
        server_default=None if column.computed else server_default(column),
        comment=column.comment,
        autoincrement="auto" if column.identity else autoincrement,
    )


def serial_type(column: s.Column) -> str:
    return {"bigint": "bigserial", "smallint": "smallserial"}.get(column.type, "serial")


Named = s.PrimaryKey | s.UniqueConstraint | s.CheckConstraint | s.ForeignKey


def _base_name(table: s.Table, record: Named) -> str:
    if isinstance(record, s.PrimaryKey):
        return pk_base_name(table.name)
    if isinstance(record, s.UniqueConstraint):
        return unique_base_name(table.name, record)
    if isinstance(record, s.CheckConstraint):
        return check_base_name(table.name, record, frozenset(c.name for c in table.columns))
    return fk_base_name(table.name, record)


def generated_names(table: s.Table) -> dict[int, str]:
    """Names for the table's unnamed keys and constraints, by ``id``: the ones PostgreSQL gives
    them and the comparator reports them under (``t_pkey``, ``t_a_key``, ``t_a_check``,
    ``t_a_fkey``), numbered on a clash, so two unnamed checks never share a name."""
    taken = taken_names(TablePair("", table, table))
    names: dict[int, str] = {}
    pk = (table.primary_key,) if table.primary_key is not None else ()
    for records in (pk, table.unique_constraints, table.check_constraints, table.foreign_keys):
        unnamed: list[tuple[Named, str]] = [(r, _base_name(table, r)) for r in records
                                            if r.name is None]
        names.update(synthetic_names(unnamed, taken))
    return names


def final(name: str) -> conv:
    """A name as it is: rendered ``op.f('…')``, so that a naming convention of the project's
    MetaData (env.py's target_metadata) does not rewrite it (``ck_t_t_x_check``)."""
    return name if isinstance(name, conv) else conv(name)


def constraint_name(table: s.Table, record: Named) -> conv:
    """The record's name, or the name PostgreSQL would give it (so the downgrade can drop it)."""
    if record.name is not None:
        return final(record.name)
    return final(generated_names(table).get(id(record)) or _base_name(table, record))


def index_elements(index: s.Index) -> list[str | sa.TextClause]:
    """Index elements as Alembic's create_index takes them: column names, or SQL text."""
    out: list[str | sa.TextClause] = []
    for el in index.elements:
        plain = (el.is_column and not el.descending and el.nulls_first is None
                 and not el.opclass and not el.collation)
        if plain:
            out.append(el.expression)
            continue
        text = quote(el.expression) if el.is_column else f"({el.expression})"
        if el.collation:  # stored as quote_ident() prints it: SQL as it is
            text += f" COLLATE {el.collation}"
        if el.opclass:
            text += f" {el.opclass}"
        if el.descending:
            text += " DESC"
        if el.nulls_first is not None:
            text += " NULLS FIRST" if el.nulls_first else " NULLS LAST"
        out.append(sa.text(text))
    return out


def index_kwargs(index: s.Index) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if index.method != "btree":
        kw["postgresql_using"] = index.method
    if index.where:
        kw["postgresql_where"] = sa.text(index.where)
    if index.include:
        kw["postgresql_include"] = list(index.include)
    return kw


def sequence_options(seq: s.Sequence) -> str:
    """The option clause of CREATE/ALTER SEQUENCE, from plain integers and a type."""
    parts = [f"AS {seq.data_type}" if seq.data_type in _SEQUENCE_TYPES else ""]
    parts.append(f"INCREMENT BY {int(seq.increment)}")
    parts.append(f"MINVALUE {int(seq.min_value)}" if seq.min_value is not None else "NO MINVALUE")
    parts.append(f"MAXVALUE {int(seq.max_value)}" if seq.max_value is not None else "NO MAXVALUE")
    parts.append(f"START WITH {int(seq.start)}")
    parts.append("CYCLE" if seq.cycle else "NO CYCLE")
    return " ".join(p for p in parts if p)


_SEQUENCE_TYPES = ("smallint", "integer", "bigint")
