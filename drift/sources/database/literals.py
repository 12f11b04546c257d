"""Literal defaults of the models in the form PostgreSQL stores them, asked of PostgreSQL.

PostgreSQL keeps a literal default by value and prints it back in its own
spelling: ``interval '0'`` is ``'00:00:00'``, ``date '2020-1-1'`` is
``'2020-01-01'``, a jsonb object gets its keys sorted and spaced. Only the
server's input functions know every such spelling (interval units, date
styles, time zones of the session), so the models' string literals are cast
by the database itself, in the session that reads the catalog, in one
statement with the values as bind parameters. The canonical value replaces the
declared one in the models snapshot (the text as written goes to ``raw``), so a
saved models snapshot compared offline later keeps it.

Left alone: text types (the text is the value), numbers and booleans (the
normaliser's rules suffice), user types (an enum label is printed as written; a
domain's CHECK could reject the value) and anything that is not a lone string
literal.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from drift.normalize import canonical as nz
from drift.normalize import sqlexpr
from drift.schema import Column, Snapshot

# A type name pasted into the statement as the target of a cast: only the built-in
# spellings normalize.canonical_type produces (the values themselves are parameters).
_SAFE_TYPE = re.compile(
    r"[a-z][a-z0-9 ]*(?:\(\d+(?:,\d+)?\))?(?: with(?:out)? time zone)?(?:\[\])?\Z"
)
_AS_WRITTEN = frozenset({"text", "character varying", "character", "name", "citext", "boolean"})


def _literal(column: Column) -> str | None:
    """The value of a default that is one string literal, on a type worth asking about."""
    if column.default is None or not _SAFE_TYPE.match(column.type):
        return None
    base = nz.base_type(column.type)
    if base in _AS_WRITTEN or base in nz.NUMERIC_TYPES:
        return None
    try:
        node = sqlexpr.parse(column.default)
    except sqlexpr.ParseError:
        return None
    if node[0] != "str" or not node[1].startswith("'"):
        return None
    return str(node[1])[1:-1].replace("''", "'")


def canonical_literals(models: Snapshot, conn: Connection) -> Snapshot:
    """``models`` with each literal default as the database at ``conn`` prints it back."""
    wanted: dict[str, list[str]] = {}  # type -> distinct values
    for schema in models.schemas:
        for table in schema.tables:
            for column in table.columns:
                value = _literal(column)
                if value is not None and value not in wanted.setdefault(column.type, []):
                    wanted[column.type].append(value)
    wanted = {k: v for k, v in wanted.items() if v}
    if not wanted:
        return models
    printed = _ask(conn, wanted)
    if not printed:
        return models

    def column_of(column: Column) -> Column:
        value = _literal(column)
        stored = printed.get((column.type, value)) if value is not None else None
        if stored is None:
            return column
        default = nz.canonical_default("'" + stored.replace("'", "''") + "'", column.type)
        if default == column.default:
            return column
        written = dict(column.raw).get("default") or column.default or ""
        raw = tuple(sorted({**dict(column.raw), "default": written}.items()))
        return replace(column, default=default, raw=raw)

    return replace(models, schemas=tuple(
        replace(schema, tables=tuple(
            replace(table, columns=tuple(column_of(c) for c in table.columns))
            for table in schema.tables))
        for schema in models.schemas))


def _ask(conn: Connection, wanted: dict[str, list[str]]) -> dict[tuple[str, str], str]:
    """One statement: per type, the array of its values cast and printed back as text.

    Under a savepoint: a value its type rejects (the models' default would fail
    create_all too) leaves every literal as declared rather than aborting the read.
    """
    types = sorted(wanted)
    selects = ", ".join(
        f"ARRAY(SELECT CAST(u.v AS {t})::text FROM unnest(CAST(:p{k} AS text[]))"
        f" WITH ORDINALITY AS u(v, n) ORDER BY u.n)"
        for k, t in enumerate(types)
    )
    params = {f"p{k}": wanted[t] for k, t in enumerate(types)}
    savepoint = conn.begin_nested()
    try:
        row = conn.execute(sa.text(f"SELECT {selects}"), params).one()
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return {}
    savepoint.commit()
    return {
        (t, value): stored
        for t, values, printed in zip(types, (wanted[t] for t in types), row, strict=True)
        for value, stored in zip(values, printed, strict=True)
    }
