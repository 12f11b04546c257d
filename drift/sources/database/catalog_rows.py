"""Catalog rows -> the neutral records: one converter per object kind, for ``reflect.py``.

Each function takes the rows of one bulk catalog query (``sql/*.sql``) and
builds ``drift.schema`` records, every value through ``normalize`` like the
models side. A row that names a column the columns query did not return means
the catalog changed under the read (``CatalogChanged``): the caller reads again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from typing import Any

from sqlalchemy.engine import Row

from drift.errors import DriftError
from drift.normalize import canonical as nz
from drift.schema import (
    CheckConstraint,
    Column,
    Domain,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    UniqueConstraint,
)

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_IDENTITY = {"a": "always", "d": "by default"}


class CatalogChanged(DriftError):
    """A catalog function saw a newer catalog than the transaction's snapshot: DDL ran
    while the catalog was read."""




def _name(names: dict[int, str], attnum: int) -> str:
    """A column's name by number; a number the columns read do not have means the
    catalog functions saw a newer catalog than the transaction's snapshot."""
    name = names.get(attnum)
    if name is None:
        raise CatalogChanged(f"column number {attnum} is not among the columns read")
    return name


def group_by_oid(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def column_record(row: Seq[Any], owned_sequence: str | None) -> Column:
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


def constraint_records(
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


def index_record(row: Row[Any], names: dict[int, str], opclasses: dict[int, str]) -> Index:
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


def exclusion_record(
    row: Row[Any], names: dict[int, str], opclasses: dict[int, str]
) -> ExclusionConstraint:
    """One row of exclusions.sql: its index read as any index, plus the constraint's options."""
    index = index_record(row, names, opclasses)
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


def domain_record(row: Row[Any]) -> Domain:
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
