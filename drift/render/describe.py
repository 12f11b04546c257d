"""One-line, SQL-flavoured descriptions of snapshot records and plain values.

The one place every renderer (terminal, HTML, Markdown, JUnit, SARIF, the
reference) turns a mismatch's ``models``/``database`` value, or an old and new
value of a changed object, into text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import singledispatch
from typing import Any

from drift import schema as s
from drift.mismatch import Change, Finding

ABSENT = "(absent)"
NONE = "(none)"


def side_value(finding: Finding, side: str) -> str:
    """``side`` ("models" or "database") of a finding, as one line; absent objects say so."""
    m = finding.mismatch
    missing = Change.ONLY_IN_DATABASE if side == "models" else Change.ONLY_IN_MODELS
    if m.change is missing:
        return ABSENT
    return describe(getattr(m, side), m.attribute)


def describe(value: Any, attribute: str | None = None, *, absent: str = NONE) -> str:
    """One line for a value as it appears in a mismatch's ``models``/``database``.

    ``attribute`` names what the value is (``nullable`` reads NULL/NOT NULL);
    ``absent`` stands for None.
    """
    if value is None:
        return absent
    if isinstance(value, bool):
        if attribute == "nullable":
            return "NULL" if value else "NOT NULL"
        return "true" if value else "false"
    return _one_line(value)


@singledispatch
def _one_line(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f"{f.name}={describe(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{type(value).__name__}({', '.join(fields)})"
    return str(value)


@_one_line.register(tuple)
@_one_line.register(list)
def _sequence(value: Iterable[Any]) -> str:
    return "(" + ", ".join(describe(v) for v in value) + ")"


@_one_line.register
def _column(value: s.Column) -> str:
    parts = [value.type]
    if value.collation:
        parts.append(f"COLLATE {value.collation}")  # stored as quote_ident() prints it
    if value.serial:
        parts.append("SERIAL")
    if value.identity:
        parts.append(_identity(value.identity))
    if value.computed:
        parts.append(f"GENERATED ALWAYS AS ({value.computed}) STORED")
    if not value.nullable:
        parts.append("NOT NULL")
    if value.default is not None:
        parts.append(f"DEFAULT {value.default}")
    if value.sequence:
        parts.append(f"DEFAULT {_nextval(value.sequence)}")
    if value.comment:
        parts.append(f"COMMENT {value.comment!r}")
    return " ".join(parts)


def describe_columns(columns: Iterable[s.Column]) -> str:
    """Columns with their names (a view's, a table's): "(id integer, label text)"."""
    return "(" + ", ".join(f"{c.name} {_column(c)}" for c in columns) + ")"


def describe_default(value: s.Column) -> str:
    """What fills the column when an insert leaves it out ("" for nothing): a reference cell."""
    if value.default is not None:
        return value.default
    if value.sequence:
        return _nextval(value.sequence)
    if value.serial:
        return "SERIAL"
    return _identity(value.identity) if value.identity else ""


def _identity(kind: str) -> str:
    return f"GENERATED {kind.upper()} AS IDENTITY"


def _nextval(sequence: str) -> str:
    return f"nextval('{sequence}')"


@_one_line.register
def _table(value: s.Table) -> str:
    text = f"table with {len(value.columns)} column(s)"
    if value.partitioned_by:
        text += f", partitioned by {value.partitioned_by}"
    if value.declared_by:
        text += f", declared by {value.declared_by}"
    return text


@_one_line.register
def _primary_key(value: s.PrimaryKey) -> str:
    return f"PRIMARY KEY {_names(value.columns)}{_deferrable(value)}"


@_one_line.register
def _foreign_key(value: s.ForeignKey) -> str:
    text = (
        f"FOREIGN KEY {_names(value.columns)} REFERENCES "
        f"{value.referred_schema}.{value.referred_table} {_names(value.referred_columns)}"
    )
    if value.match != "SIMPLE":
        text += f" MATCH {value.match}"
    if value.on_delete != "NO ACTION":
        text += f" ON DELETE {value.on_delete}"
    if value.on_update != "NO ACTION":
        text += f" ON UPDATE {value.on_update}"
    return text + _deferrable(value) + _not_valid(value)


def _deferrable(value: s.PrimaryKey | s.ForeignKey | s.UniqueConstraint
                | s.ExclusionConstraint) -> str:
    if not value.deferrable:
        return ""
    return " DEFERRABLE" + (" INITIALLY DEFERRED" if value.initially_deferred else "")


def _not_valid(value: s.ForeignKey | s.CheckConstraint) -> str:
    return "" if value.validated else " NOT VALID"


@_one_line.register
def _unique(value: s.UniqueConstraint) -> str:
    nulls = " NULLS NOT DISTINCT" if value.nulls_not_distinct else ""
    return f"UNIQUE{nulls} {_names(value.columns)}{_deferrable(value)}"


@_one_line.register
def _check(value: s.CheckConstraint) -> str:
    return f"CHECK ({value.expression}){_not_valid(value)}"


@_one_line.register
def _index_element(value: s.IndexElement) -> str:
    text = value.expression if value.is_column else f"({value.expression})"
    if value.opclass:
        text += f" {value.opclass}"
    if value.descending:
        text += " DESC"
    if value.nulls_first is not None:
        text += " NULLS FIRST" if value.nulls_first else " NULLS LAST"
    return text


@_one_line.register
def _index(value: s.Index) -> str:
    text = "UNIQUE INDEX" if value.unique else "INDEX"
    if value.method != "btree":
        text += f" USING {value.method}"
    text += " " + describe(value.elements)
    if value.include:
        text += f" INCLUDE {_names(value.include)}"
    if value.where:
        text += f" WHERE {value.where}"
    return text


@_one_line.register
def _exclusion(value: s.ExclusionConstraint) -> str:
    elements = ", ".join(f"{describe(e)} WITH {op}"
                         for e, op in zip(value.elements, value.operators, strict=False))
    text = f"EXCLUDE USING {value.method} ({elements})"
    if value.where:
        text += f" WHERE {value.where}"
    return text + _deferrable(value)


@_one_line.register
def _domain(value: s.Domain) -> str:
    parts = [f"DOMAIN {value.type}"]
    if value.collation:
        parts.append(f"COLLATE {value.collation}")
    if value.default is not None:
        parts.append(f"DEFAULT {value.default}")
    if not value.nullable:
        parts.append("NOT NULL")
    parts.extend(f"CHECK ({c})" for c in value.checks)
    return " ".join(parts)


@_one_line.register
def _view(value: s.View) -> str:
    kind = "MATERIALIZED VIEW" if value.materialized else "VIEW"
    return f"{kind} with {len(value.columns)} column(s)"


@_one_line.register
def _enum(value: s.EnumType) -> str:
    return "ENUM (" + ", ".join(repr(label) for label in value.labels) + ")"


@_one_line.register
def _sequence_record(value: s.Sequence) -> str:
    text = f"SEQUENCE {value.data_type} START {value.start} INCREMENT {value.increment}"
    if value.min_value is not None:
        text += f" MINVALUE {value.min_value}"
    if value.max_value is not None:
        text += f" MAXVALUE {value.max_value}"
    return text + (" CYCLE" if value.cycle else "")


@_one_line.register
def _schema(value: s.Schema) -> str:
    # a schema mismatch carries the schema alone: its tables are mismatches of their own
    return f"SCHEMA {value.name}"


def _names(names: Iterable[str]) -> str:
    return "(" + ", ".join(names) + ")"
