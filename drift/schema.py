"""The neutral schema model both readers produce and the comparator consumes.

Plain immutable values only: no SQLAlchemy objects, no cursors, no SQL. Every
value is already normalised (see ``normalize.py``) when a Snapshot is built, so
comparators can use ``==``. Where normalisation changed what was read, the text
as read is kept in ``raw`` (attribute name -> text) so ``drift explain`` can show
both.

Conventions every reader follows:

* Identifiers are stored as PostgreSQL stores them (unquoted names folded to
  lower case by the reader of the models; names quoted in DDL kept verbatim).
* Types are PostgreSQL's canonical spelling, as ``format_type()`` prints it:
  ``character varying(20)``, ``timestamp with time zone``, ``numeric(10,2)``,
  ``integer[]``. User-defined types (enums, domains) are schema-qualified:
  ``quantum.dna_kind``.
* A column whose default is ``nextval()`` of a sequence owned by that column is
  ``serial=True`` with ``default=None``; such owned sequences (and identity
  sequences) belong to their column and are not listed in ``Schema.sequences``.
  A ``nextval()`` of a free-standing sequence is ``sequence="schema.name"``
  with ``default=None``.
* Collections are tuples sorted by name (columns keep their ordinal order).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Raw = tuple[tuple[str, str], ...]
"""Attribute name -> the text as read, where normalisation changed it."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    serial: bool = False
    sequence: str | None = None
    identity: str | None = None  # "always" | "by default"
    computed: str | None = None  # generated (stored) expression
    comment: str | None = None
    collation: str | None = None  # only where not the type's default
    raw: Raw = ()


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    referred_schema: str
    referred_table: str
    referred_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"  # NO ACTION | RESTRICT | CASCADE | SET NULL | SET DEFAULT
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    match: str = "SIMPLE"  # SIMPLE | FULL | PARTIAL


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str | None
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    name: str | None
    expression: str  # canonical, without the outer CHECK ( )
    raw: Raw = ()


@dataclass(frozen=True, slots=True)
class IndexElement:
    expression: str  # a column name, or a canonical expression for expression elements
    is_column: bool = True
    descending: bool = False
    nulls_first: bool | None = None  # None: the default for the direction
    opclass: str | None = None  # only where not the default operator class


@dataclass(frozen=True, slots=True)
class Index:
    name: str | None
    elements: tuple[IndexElement, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None  # canonical predicate of a partial index
    include: tuple[str, ...] = ()
    raw: Raw = ()


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    check_constraints: tuple[CheckConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    partitioned_by: str | None = None  # e.g. "RANGE (played_at)"; partitions are not tables
    declared_by: str | None = None  # "module:Class" of the declaring model, models side only

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True, slots=True)
class View:
    name: str
    materialized: bool = False
    definition: str | None = None
    columns: tuple[Column, ...] = ()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sequence:
    name: str
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int | None = None  # None: the type's default
    max_value: int | None = None
    cycle: bool = False


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    enums: tuple[EnumType, ...] = ()
    sequences: tuple[Sequence, ...] = ()

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


@dataclass(frozen=True, slots=True)
class Snapshot:
    origin: str  # "database" | "models"
    schemas: tuple[Schema, ...] = ()
    server_version: str | None = None
    source: str | None = None  # redacted URL, or the models references

    def schema(self, name: str) -> Schema | None:
        return next((s for s in self.schemas if s.name == name), None)

    def to_json(self) -> str:
        return json.dumps(
            {"format_version": SNAPSHOT_FORMAT_VERSION, "snapshot": to_jsonable(self)},
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        if not isinstance(data, dict) or "snapshot" not in data:
            raise ValueError("not a drift snapshot (no 'snapshot' key)")
        return from_jsonable(cls, data["snapshot"])

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        return cls.from_json(path.read_text(encoding="utf-8"))


SNAPSHOT_FORMAT_VERSION = 1


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, enums to their values; recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if hasattr(value, "value") and hasattr(type(value), "__members__"):
        return value.value
    return value


_T = typing.TypeVar("_T")


def from_jsonable(cls: type[_T], data: Any) -> _T:
    """Rebuild a dataclass (and its nested dataclasses and tuples) from ``to_jsonable`` output."""
    return typing.cast(_T, _decode(cls, data))


def _decode(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in data)
        return tuple(_decode(a, v) for a, v in zip(args, data, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown field(s) for {tp.__name__}: {', '.join(sorted(unknown))}")
        return tp(**{k: _decode(hints[k], v) for k, v in data.items()})
    return data
