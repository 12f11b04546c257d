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
  with ``default=None``. A models column with a client-side ``Sequence()`` and
  no server default has ``sequence`` and ``client_sequence=True``: the
  database may have the ``nextval()`` default or none (SQLAlchemy calls
  ``nextval()`` itself, and ``create_all`` sets no default).
* Collections are tuples sorted by name (columns keep their ordinal order).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
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
    client_sequence: bool = False  # models only: SQLAlchemy fires `sequence` itself
    identity: str | None = None  # "always" | "by default"
    computed: str | None = None  # generated (stored) expression
    comment: str | None = None
    collation: str | None = None  # only where not the type's default
    raw: Raw = ()
    owned_sequence: str | None = None  # database only: the sequence a serial column owns


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str | None
    columns: tuple[str, ...]
    deferrable: bool = False
    initially_deferred: bool = False


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
    validated: bool = True  # False: NOT VALID (existing rows were never checked)


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str | None
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    name: str | None
    expression: str  # canonical, without the outer CHECK ( )
    raw: Raw = ()
    validated: bool = True  # False: NOT VALID (existing rows were never checked)


@dataclass(frozen=True, slots=True)
class IndexElement:
    expression: str  # a column name, or a canonical expression for expression elements
    is_column: bool = True
    descending: bool = False
    nulls_first: bool | None = None  # None: the default for the direction
    opclass: str | None = None  # only where not the default operator class
    # a column element's COLLATE, only where not the column's own (as quote_ident() prints it)
    collation: str | None = None


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
class ExclusionConstraint:
    """EXCLUDE USING method (element WITH operator, ...) WHERE (...): one operator per element."""

    name: str | None
    elements: tuple[IndexElement, ...]
    operators: tuple[str, ...]
    method: str = "gist"
    where: str | None = None  # canonical predicate
    deferrable: bool = False
    initially_deferred: bool = False
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
    partitioned_by: str | None = None  # e.g. "RANGE (played_at)"; partitions: see below
    declared_by: str | None = None  # "module:Class" of the declaring model, models side only
    # database side: the partitions of a partitioned table (parts of it, not tables of the
    # schema, unless the models declare one), and in a partition the names of the
    # constraints and indexes it has from its parent
    partitions: tuple[Table, ...] = ()
    inherited: tuple[str, ...] = ()
    exclusion_constraints: tuple[ExclusionConstraint, ...] = ()

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
class Domain:
    """CREATE DOMAIN name AS type [COLLATE] [DEFAULT] [NOT NULL] [CHECK (...) ...].

    ``checks`` are the canonical conjuncts of every CHECK, sorted: the same
    values pass ``CHECK (a) CHECK (b)`` and ``CHECK (a AND b)``, and SQLAlchemy's
    DOMAIN can only declare the second. The check names are not kept (see
    ``compare/domains.py``).
    """

    name: str
    type: str  # the base type, canonical
    nullable: bool = True
    default: str | None = None
    collation: str | None = None  # only where not the base type's default
    checks: tuple[str, ...] = ()
    raw: Raw = ()


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    enums: tuple[EnumType, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    domains: tuple[Domain, ...] = ()

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
        # Compact: json's C encoder is skipped whenever indent is set (10x slower).
        return json.dumps(
            {"format_version": SNAPSHOT_FORMAT_VERSION, "snapshot": to_jsonable(self)},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        """Raises ValueError("not a drift snapshot: <why>") for anything else."""
        from drift.schemas import validate_snapshot

        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"not a drift snapshot: {exc}") from None
        except RecursionError:
            raise ValueError("not a drift snapshot: JSON nested too deeply") from None
        validate_snapshot(data)  # its published JSON Schema: versions, keys and types
        try:
            return from_jsonable(cls, data["snapshot"])
        except (ValueError, TypeError) as exc:  # bad JSON, unknown or missing fields
            raise ValueError(f"not a drift snapshot: {exc}") from None

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        return cls.from_json(path.read_text(encoding="utf-8"))


SNAPSHOT_FORMAT_VERSION = 1


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, enums to their values; recursively."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    if cls is tuple or cls is list:
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    names = _field_names(cls)  # type: ignore[arg-type]  # classes are hashable
    if names:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(f.name for f in dataclasses.fields(cls))


_T = typing.TypeVar("_T")


def from_jsonable(cls: type[_T], data: Any) -> _T:
    """Rebuild a dataclass (and its nested dataclasses and tuples) from ``to_jsonable`` output."""
    return typing.cast(_T, _decode(cls, data))


Decoder = typing.Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


@functools.cache
def _decoder(tp: Any) -> Decoder:
    """A decoding function per annotated type, built once: snapshots hold ~100k records."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            if item is _identity:
                return tuple
            return lambda data: tuple(item(v) for v in data)
        items = tuple(_decoder(a) for a in args)
        return lambda data: tuple(f(v) for f, v in zip(items, data, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    return _identity


def _dataclass_decoder(cls: type) -> Decoder:
    names = {f.name for f in dataclasses.fields(cls)}
    hints = {k: v for k, v in typing.get_type_hints(cls).items() if k in names}

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {cls.__name__}")
        unknown = data.keys() - hints.keys()
        if unknown:
            raise ValueError(f"unknown field(s) for {cls.__name__}: {', '.join(sorted(unknown))}")
        return cls(**{k: _decoder(hints[k])(v) for k, v in data.items()})

    return decode


def _decode(tp: Any, data: Any) -> Any:
    return _decoder(tp)(data)
