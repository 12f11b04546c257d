"""One-line, SQL-flavoured descriptions of snapshot records and plain values.

Used by every renderer to show the models value and the database value of a
mismatch side by side, and the old and new value of a changed object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from drift.schema import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
    to_jsonable,
)

ABSENT = "(absent)"
NONE = "(none)"


def _cols(names: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(names) + ")"


def describe_column(c: Column) -> str:
    parts = [c.type]
    if not c.nullable:
        parts.append("NOT NULL")
    if c.serial:
        parts.append("SERIAL")
    if c.identity:
        parts.append(f"GENERATED {c.identity.upper()} AS IDENTITY")
    if c.sequence:
        parts.append(f"DEFAULT nextval('{c.sequence}')")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if c.computed:
        parts.append(f"GENERATED ALWAYS AS ({c.computed}) STORED")
    return " ".join(parts)


def describe_foreign_key(fk: ForeignKey) -> str:
    text = (
        f"FOREIGN KEY {_cols(fk.columns)} REFERENCES "
        f"{fk.referred_schema}.{fk.referred_table} {_cols(fk.referred_columns)}"
    )
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.deferrable:
        text += " DEFERRABLE" + (" INITIALLY DEFERRED" if fk.initially_deferred else "")
    return text


def describe_index(ix: Index) -> str:
    elements = []
    for e in ix.elements:
        text = e.expression if e.is_column else f"({e.expression})"
        if e.opclass:
            text += f" {e.opclass}"
        if e.descending:
            text += " DESC"
        if e.nulls_first is not None:
            text += " NULLS FIRST" if e.nulls_first else " NULLS LAST"
        elements.append(text)
    text = ("UNIQUE " if ix.unique else "") + "INDEX"
    if ix.method != "btree":
        text += f" USING {ix.method}"
    text += " " + _cols(elements)
    if ix.include:
        text += " INCLUDE " + _cols(ix.include)
    if ix.where:
        text += f" WHERE {ix.where}"
    return text


def describe_unique(u: UniqueConstraint) -> str:
    return "UNIQUE " + ("NULLS NOT DISTINCT " if u.nulls_not_distinct else "") + _cols(u.columns)


_RECORDS: dict[type, Callable[[Any], str]] = {
    Column: describe_column,
    ForeignKey: describe_foreign_key,
    Index: describe_index,
    UniqueConstraint: describe_unique,
    PrimaryKey: lambda pk: "PRIMARY KEY " + _cols(pk.columns),
    CheckConstraint: lambda ck: f"CHECK ({ck.expression})",
    Table: lambda t: f"TABLE with {len(t.columns)} column(s)",
    View: lambda v: (
        ("MATERIALIZED VIEW" if v.materialized else "VIEW")
        + (f" AS {v.definition}" if v.definition else "")
    ),
    EnumType: lambda e: "ENUM (" + ", ".join(repr(label) for label in e.labels) + ")",
    Sequence: lambda s: (
        f"SEQUENCE {s.data_type} START {s.start} INCREMENT {s.increment}"
        + (" CYCLE" if s.cycle else "")
    ),
    Schema: lambda s: "SCHEMA",
}


def describe(value: Any, *, absent: str = NONE) -> str:
    """A record or plain value as one line; ``absent`` stands for None."""
    if value is None:
        return absent
    formatter = _RECORDS.get(type(value))
    if formatter is not None:
        return formatter(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ", ".join(describe(v) for v in value) if value else "(empty)"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)
