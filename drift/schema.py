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
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# This module, like the models' declaration, is also imported by the models probe in a
# project's own interpreter (Python 3.9 and newer): no 3.10+ syntax or library use here.
_T = typing.TypeVar("_T")

if typing.TYPE_CHECKING:
    from typing import dataclass_transform  # novermin (type checkers only)

    @dataclass_transform(frozen_default=True)
    def record(cls: type[_T]) -> type[_T]: ...
else:
    _SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}

    def record(cls):
        """A frozen dataclass, with slots where the Python has them (3.10 and newer)."""
        return dataclass(frozen=True, **_SLOTS)(cls)


Raw = tuple[tuple[str, str], ...]
"""Attribute name -> the text as read, where normalisation changed it."""


@record
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


@record
class PrimaryKey:
    name: str | None
    columns: tuple[str, ...]
    deferrable: bool = False
    initially_deferred: bool = False


@record
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


@record
class UniqueConstraint:
    name: str | None
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False


@record
class CheckConstraint:
    name: str | None
    expression: str  # canonical, without the outer CHECK ( )
    raw: Raw = ()
    validated: bool = True  # False: NOT VALID (existing rows were never checked)


@record
class IndexElement:
    expression: str  # a column name, or a canonical expression for expression elements
    is_column: bool = True
    descending: bool = False
    nulls_first: bool | None = None  # None: the default for the direction
    opclass: str | None = None  # only where not the default operator class
    # a column element's COLLATE, only where not the column's own (as quote_ident() prints it)
    collation: str | None = None


@record
class Index:
    name: str | None
    elements: tuple[IndexElement, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None  # canonical predicate of a partial index
    include: tuple[str, ...] = ()
    raw: Raw = ()


@record
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


@record
class Location:
    """A line of the models' source: the class statement (``name`` ""), or the first line
    that assigns the attribute ``name`` or quotes it (a column, constraint or index name)."""

    name: str
    file: str  # as the models' import found it
    line: int


@record
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
    # models side only: where the declaring class is (name "") and where each column,
    # constraint and index name of the table is written in it or its mixins
    locations: tuple[Location, ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@record
class View:
    name: str
    materialized: bool = False
    definition: str | None = None
    columns: tuple[Column, ...] = ()
    comment: str | None = None


@record
class EnumType:
    name: str
    labels: tuple[str, ...]


@record
class Sequence:
    name: str
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int | None = None  # None: the type's default
    max_value: int | None = None
    cycle: bool = False


@record
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


@record
class Schema:
    name: str
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    enums: tuple[EnumType, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    domains: tuple[Domain, ...] = ()

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


@record
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
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(f.name for f in dataclasses.fields(cls))


def from_jsonable(cls: type[_T], data: Any) -> _T:
    """Rebuild a dataclass (and its nested dataclasses and tuples) from ``to_jsonable`` output."""
    return typing.cast(_T, _decode(cls, data))


Decoder = typing.Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


# ``int | None`` is a types.UnionType from Python 3.10 on (the probe runs on 3.9 too)
_UNIONS = (typing.Union, getattr(types, "UnionType", typing.Union))


@functools.cache
def _decoder(tp: Any) -> Decoder:
    """A decoding function per annotated type, built once: snapshots hold ~100k records."""
    origin = typing.get_origin(tp)
    if origin in _UNIONS:
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

        def fixed(data: Any) -> Any:
            if len(data) != len(items):
                raise ValueError(f"expected {len(items)} items, not {len(data)}")
            return tuple(f(v) for f, v in zip(items, data))  # noqa: B905  (lengths checked)

        return fixed
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
