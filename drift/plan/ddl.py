"""SQL for the changes Alembic has no operation for, as ``ExecuteSQLOp`` pairs.

CREATE SCHEMA and CREATE TYPE ... AS ENUM are SQLAlchemy's DDL constructs,
compiled by the PostgreSQL dialect. Hand-written: ALTER TYPE ... ADD VALUE, sequences,
domains, exclusion constraints, views, identity changes and column type changes with a
USING cast. Every
identifier is quoted by the PostgreSQL dialect (``objects.quote``), every
string literal escaped by it; numbers are formatted from ints. Type changes are
SQL because Alembic's renderer drops ``postgresql_using`` from alter_column, and
the column's default must be dropped and set around the change.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType, DropEnumType
from sqlalchemy.schema import CreateSchema, DropSchema, ExecutableDDLElement

from drift import schema as s
from drift.errors import DriftError
from drift.plan.objects import (
    DIALECT,
    EnumIndex,
    literal,
    qualified,
    quote,
    sequence_options,
    serial_type,
    server_default,
    type_sql,
)

Pair = tuple[ops.ExecuteSQLOp, ops.ExecuteSQLOp | None]


# as sa.text() finds bind parameters: op.execute() runs its string through sa.text()
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
# ... and where it unescapes "\\:name" (so a backslash already there is doubled)
_UNESCAPE = re.compile(r"\\(?=:[\w$]*(?![:\w$]))")


def execute(sql: str) -> ops.ExecuteSQLOp:
    """SQL for op.execute(), whose sa.text() would read ":name" in a quoted name as a bind
    parameter: each is escaped as sa.text() expects (``\\:name``), and proven to come back."""
    escaped = _BIND.sub(lambda m: "\\" + m.group(0), _UNESCAPE.sub(r"\\\\", sql))
    if str(sa.text(escaped).compile(dialect=DIALECT)) != sql:
        raise DriftError(f"cannot pass this statement through op.execute() unchanged: {sql!r}")
    return ops.ExecuteSQLOp(escaped)


def compiled(element: ExecutableDDLElement) -> ops.ExecuteSQLOp:
    return execute(str(element.compile(dialect=DIALECT)))


def create_schema(name: str) -> Pair:
    return compiled(CreateSchema(name)), compiled(DropSchema(name))


def create_enum(schema: str, enum: s.EnumType) -> Pair:
    type_ = postgresql.ENUM(*enum.labels, name=enum.name, schema=schema)
    return compiled(CreateEnumType(type_)), compiled(DropEnumType(type_))


def add_enum_values(schema: str, models: s.EnumType,
                    database: s.EnumType) -> list[ops.ExecuteSQLOp]:
    """ALTER TYPE ... ADD VALUE for each label the database lacks, where the models place it."""
    present = list(database.labels)
    out = []
    for i, label in enumerate(models.labels):
        if label in present:
            continue
        before = [x for x in models.labels[:i] if x in present]
        place = f" AFTER {literal(before[-1])}" if before else (
            f" BEFORE {literal(present[0])}" if present else ""
        )
        out.append(execute(
            f"ALTER TYPE {qualified(schema, models.name)} ADD VALUE {literal(label)}{place}"
        ))
        present.insert(present.index(before[-1]) + 1 if before else 0, label)
    return out


def create_sequence(schema: str, seq: s.Sequence) -> Pair:
    name = qualified(schema, seq.name)
    return (execute(f"CREATE SEQUENCE {name} {sequence_options(seq)}"),
            execute(f"DROP SEQUENCE {name}"))


def alter_sequence(schema: str, models: s.Sequence, database: s.Sequence) -> Pair:
    name = qualified(schema, models.name)
    return (execute(f"ALTER SEQUENCE {name} {sequence_options(models)}"),
            execute(f"ALTER SEQUENCE {name} {sequence_options(database)}"))


def create_view(schema: str, view: s.View) -> Pair:
    kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
    name = qualified(schema, view.name)
    # the definition is a SELECT as pg_get_viewdef / the models give it: SQL by nature
    return (execute(f"CREATE {kind} {name} AS {view.definition}"),
            execute(f"DROP {kind} {name}"))


def drop_view(schema: str, view: s.View) -> Pair:
    up, down = create_view(schema, view)
    assert down is not None
    return down, (up if view.definition else None)


def _alter_column(schema: str, table: str) -> str:
    return f"ALTER TABLE {qualified(schema, table)} ALTER COLUMN"


def identity_sql(schema: str, table: str, column: str, target: str | None,
                 current: str | None) -> str:
    head = f"{_alter_column(schema, table)} {quote(column)}"
    generated = {"always": "ALWAYS", "by default": "BY DEFAULT"}
    if target is None:
        return f"{head} DROP IDENTITY"
    if current is None:
        return f"{head} ADD GENERATED {generated[target]} AS IDENTITY"
    if current not in generated:  # a sequence default ("serial", "nextval(...)") goes first
        return f"{head} DROP DEFAULT, ALTER COLUMN {quote(column)} ADD GENERATED " \
               f"{generated[target]} AS IDENTITY"
    return f"{head} SET GENERATED {generated[target]}"


def alter_identity(schema: str, table: str, column: str, models: str | None,
                   database: str | None) -> Pair:
    down = identity_sql(schema, table, column, None if database not in _GENERATED else database,
                        models)
    if database is not None and database.startswith("nextval("):
        down += f", ALTER COLUMN {quote(column)} SET DEFAULT {database}"
    return (execute(identity_sql(schema, table, column, models, database)), execute(down))


_GENERATED = ("always", "by default")


def _type_change(schema: str, table: str, column: str, type_text: str, enums: EnumIndex,
                 old_default: str | None, new_default: str | None) -> str:
    col = f"ALTER COLUMN {quote(column)}"
    target = type_sql(type_text, enums)
    actions = [f"{col} TYPE {target} USING {quote(column)}::{target}"]
    # a default of the old type may not cast to the new one: off during the change, then the
    # default of the new type (a differing default has its own step, which runs after this)
    if old_default is not None:
        actions.insert(0, f"{col} DROP DEFAULT")
    if new_default is not None:
        actions.append(f"{col} SET DEFAULT {new_default}")
    return f"ALTER TABLE {qualified(schema, table)} " + ", ".join(actions)


def alter_type(schema: str, table: str, models: s.Column, database: s.Column,
               enums: EnumIndex) -> Pair:
    """ALTER COLUMN ... TYPE ... USING a cast, the column's default kept out of the way."""
    m_default, d_default = _default_sql(models), _default_sql(database)
    return (execute(_type_change(schema, table, models.name, models.type, enums, d_default,
                                 m_default)),
            execute(_type_change(schema, table, database.name, database.type, enums, m_default,
                                 d_default)))


def _default_sql(column: s.Column) -> str | None:
    text = server_default(column)
    return str(text.text) if text is not None else None


def add_column_sql(schema: str, table: str, column: s.Column, enums: EnumIndex) -> Pair:
    """ADD COLUMN for a serial column or a type SQLAlchemy cannot name."""
    type_text = serial_type(column) if column.serial else type_sql(column.type, enums)
    parts = [f"ALTER TABLE {qualified(schema, table)} ADD COLUMN {quote(column.name)} {type_text}"]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")  # stored as quote_ident() prints it
    if column.default is not None and not column.serial:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    drop = f"ALTER TABLE {qualified(schema, table)} DROP COLUMN {quote(column.name)}"
    return execute(" ".join(parts)), execute(drop)


def rename_constraint(schema: str, table: str, old: str, new: str, index: bool) -> Pair:
    if index:
        return (execute(f"ALTER INDEX {qualified(schema, old)} RENAME TO {quote(new)}"),
                execute(f"ALTER INDEX {qualified(schema, new)} RENAME TO {quote(old)}"))
    head = f"ALTER TABLE {qualified(schema, table)} RENAME CONSTRAINT"
    return (execute(f"{head} {quote(old)} TO {quote(new)}"),
            execute(f"{head} {quote(new)} TO {quote(old)}"))


def create_domain(schema: str, domain: s.Domain) -> Pair:
    """CREATE DOMAIN from the snapshot's canonical texts (type, default and checks are SQL)."""
    name = qualified(schema, domain.name)
    parts = [f"CREATE DOMAIN {name} AS {type_sql(domain.type, {})}"]
    if domain.collation:
        parts.append(f"COLLATE {domain.collation}")  # stored as quote_ident() prints it
    if domain.default is not None:
        parts.append(f"DEFAULT {domain.default}")
    if not domain.nullable:
        parts.append("NOT NULL")
    parts.extend(f"CHECK ({check})" for check in domain.checks)
    return execute(" ".join(parts)), execute(f"DROP DOMAIN {name}")


def alter_domain(schema: str, name: str, attribute: str, models: object,
                 database: object) -> Pair:
    """ALTER DOMAIN for a ``nullable`` or ``default`` difference (values are canonical SQL)."""
    head = f"ALTER DOMAIN {qualified(schema, name)}"

    def clause(value: object) -> str:
        if attribute == "nullable":
            return "DROP NOT NULL" if value else "SET NOT NULL"
        return "DROP DEFAULT" if value is None else f"SET DEFAULT {value}"

    return execute(f"{head} {clause(models)}"), execute(f"{head} {clause(database)}")


_OPERATOR = re.compile(r"[-+*/<>=~!@#%^&|`?]{1,63}")


def add_exclusion(schema: str, table: str, x: s.ExclusionConstraint, name: str) -> Pair:
    """ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE: Alembic's renderer has no such operation."""
    elements = []
    for e, operator in zip(x.elements, x.operators, strict=True):
        if _OPERATOR.fullmatch(operator) is None:
            raise ValueError(f"not an operator: {operator!r}")
        text = quote(e.expression) if e.is_column else f"({e.expression})"
        if e.opclass:
            text += f" {e.opclass}"
        if e.descending:
            text += " DESC"
        if e.nulls_first is not None:
            text += " NULLS FIRST" if e.nulls_first else " NULLS LAST"
        elements.append(f"{text} WITH {operator}")
    head = f"ALTER TABLE {qualified(schema, table)}"
    sql = (f"{head} ADD CONSTRAINT {quote(name)} EXCLUDE USING {quote(x.method)} "
           f"({', '.join(elements)})")
    if x.where:
        sql += f" WHERE ({x.where})"
    if x.deferrable:
        sql += " DEFERRABLE INITIALLY " + ("DEFERRED" if x.initially_deferred else "IMMEDIATE")
    return execute(sql), execute(f"{head} DROP CONSTRAINT {quote(name)}")


def unique_index_to_constraint(schema: str, table: str, name: str,
                               columns: tuple[str, ...]) -> Pair:
    """A plain unique index becomes the unique constraint of its name (and back)."""
    head = f"ALTER TABLE {qualified(schema, table)}"
    cols = ", ".join(quote(c) for c in columns)
    return (execute(f"{head} ADD CONSTRAINT {quote(name)} UNIQUE USING INDEX {quote(name)}"),
            execute(f"{head} DROP CONSTRAINT {quote(name)}; "
                    f"CREATE UNIQUE INDEX {quote(name)} ON {qualified(schema, table)} ({cols})"))


def validate_constraint(schema: str, table: str, name: str) -> ops.ExecuteSQLOp:
    return execute(f"ALTER TABLE {qualified(schema, table)} VALIDATE CONSTRAINT {quote(name)}")
