"""The records of the onboarding reference that its diagrams draw: a table, its columns
and its relations, as the reference lists them (built in ``reference``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnRef:
    name: str
    type: str
    nullable: str  # NULL / NOT NULL
    default: str
    comment: str
    keys: str  # "PK", "FK", "PK FK" or ""
    drift: str = ""  # "unexpected", "expected" or "": the worst finding on the column


@dataclass(frozen=True, slots=True)
class Relation:
    text: str
    schema: str
    table: str
    anchor: str | None
    columns: str
    child_columns: tuple[str, ...] = ()
    referred_columns: tuple[str, ...] = ()
    nullable: bool = False  # a referring column is nullable: zero or one on the referred side
    unique: bool = False  # the referring columns are unique: one-to-one
    presence: str = ""  # "models": a foreign key only the models declare (the tables exist)


@dataclass(frozen=True, slots=True)
class TableRef:
    schema: str
    name: str
    anchor: str
    comment: str
    declared_module: str
    declared_class: str
    # "both", "database", "models", "alembic" (Alembic's version table); in a diagram,
    # "external": a table of another schema that the diagram's tables refer to
    presence: str
    columns: tuple[ColumnRef, ...]
    primary_key: str
    foreign_keys: tuple[Relation, ...]
    unique: tuple[str, ...]
    checks: tuple[str, ...]
    indexes: tuple[str, ...]
    referenced_by: tuple[Relation, ...]
    search: str
    drift: str = ""  # the worst finding on the table or anything in it
    declared_at: str = ""  # file:line of the declaring class
    hidden_columns: int = 0  # in a large diagram: columns left out of the box (no key, no drift)
