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

String literals inside a CHECK are typed by where they stand (``'$.a'`` is a
``jsonpath`` as the argument of ``jsonb_path_exists``), which only the server's
parser knows; the schema compared with the models says it, as its deparsed
CHECK casts each literal (``'$.*?(@.type() != "string")'::jsonpath``). So for
a CHECK that both sides name and whose texts differ, the models' literals are
paired in order with the other side's, each cast by the server to the type the
other side gives it, and one that prints back as the other side's value is
replaced by it; the CHECK then differs only if something else does.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from drift.normalize import canonical as nz
from drift.normalize import sqlexpr
from drift.normalize.sqlexpr.tokens import ParseError, Token, tokenize
from drift.schema import CheckConstraint, Column, Snapshot, Table

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


def _default_questions(models: Snapshot) -> dict[str, list[str]]:
    wanted: dict[str, list[str]] = {}  # type -> distinct values
    for schema in models.schemas:
        for table in schema.tables:
            for column in table.columns:
                value = _literal(column)
                if value is not None and value not in wanted.setdefault(column.type, []):
                    wanted[column.type].append(value)
    return {k: v for k, v in wanted.items() if v}


def has_questions(models: Snapshot, other: Snapshot) -> bool:
    """Whether ``canonical_literals`` would ask the server anything (so that a caller with no
    database at hand starts a scratch one only when it is needed)."""
    return bool(_default_questions(models) or _all_check_pairs(models, other))


def canonical_literals(models: Snapshot, conn: Connection, other: Snapshot | None = None
                       ) -> Snapshot:
    """``models`` with each literal default as the database at ``conn`` prints it back, and
    (given ``other``, the schema compared with the models) each literal of a CHECK as
    ``other`` has it where the server reads both as one value."""
    wanted = _default_questions(models)
    if other is not None:
        models = _canonical_check_literals(models, other, conn)
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


# --- string literals in CHECK constraints ---------------------------------------------------

Pair = tuple[str, str, str]  # (the models' literal, the other side's literal, its cast type)


def _literals(expression: str) -> list[tuple[str, str | None]] | None:
    """Each string literal of ``expression`` in order, with the type it is cast to (None: no
    cast); None where the text does not tokenize."""
    try:
        tokens = tokenize(expression)
    except ParseError:
        return None
    found: list[tuple[str, str | None]] = []
    for i, token in enumerate(tokens):
        if token.kind != "str":
            continue
        cast = None
        if tokens[i + 1 : i + 2] == [Token("op", "::")] and i + 2 < len(tokens):
            words = []
            for following in tokens[i + 2 :]:
                if following.kind != "word":
                    break
                words.append(following.text)
            # a multi-word type name: "timestamp with time zone", "character varying"
            cast = _type_name(words)
        found.append((token.text, cast))
    return found


def _type_name(words: list[str]) -> str | None:
    if not words:
        return None
    for length in range(len(words), 0, -1):
        name = " ".join(words[:length])
        if _SAFE_TYPE.match(name) and (length == 1 or words[1] in ("with", "without", "varying",
                                                                    "precision")):
            return name
    return None


def _value(literal: str) -> str | None:
    if not literal.startswith("'"):
        return None  # an escape string: left as written
    return literal[1:-1].replace("''", "'")


def _check_pairs(models: CheckConstraint, other: CheckConstraint) -> list[Pair]:
    """The literals of ``models`` worth asking about, paired with ``other``'s (same order)."""
    mine = _literals(models.expression)
    theirs = _literals(dict(other.raw).get("expression") or other.expression)
    if mine is None or theirs is None or len(mine) != len(theirs):
        return []
    return [
        (m, t, cast)
        for (m, _), (t, cast) in zip(mine, theirs, strict=True)
        if cast is not None and m != t and nz.base_type(cast) not in _AS_WRITTEN
    ]


def _all_check_pairs(models: Snapshot, other: Snapshot
                     ) -> dict[tuple[str, str, str | None], list[Pair]]:
    """Per CHECK both sides name whose texts differ: its literals worth asking about."""
    pairs: dict[tuple[str, str, str | None], list[Pair]] = {}
    for schema in models.schemas:
        theirs = other.schema(schema.name)
        for table in schema.tables:
            their_table = theirs.table(table.name) if theirs is not None else None
            if their_table is None:
                continue
            by_name = {c.name: c for c in their_table.check_constraints if c.name}
            for check in table.check_constraints:
                matching = by_name.get(check.name) if check.name else None
                if matching is not None and matching.expression != check.expression:
                    found = _check_pairs(check, matching)
                    if found:
                        pairs[(schema.name, table.name, check.name)] = found
    return pairs


def _canonical_check_literals(models: Snapshot, other: Snapshot, conn: Connection) -> Snapshot:
    pairs = _all_check_pairs(models, other)
    wanted: dict[str, list[str]] = {}
    for found in pairs.values():
        for mine, _, cast in found:
            value = _value(mine)
            if value is not None and value not in wanted.setdefault(cast, []):
                wanted[cast].append(value)
    wanted = {k: v for k, v in wanted.items() if v}
    printed = _ask(conn, wanted) if wanted else {}
    if not printed:
        return models

    def check_of(schema: str, table: str, check: CheckConstraint) -> CheckConstraint:
        expression = check.expression
        for mine, theirs, cast in pairs.get((schema, table, check.name), ()):
            value = _value(mine)
            if value is not None and printed.get((cast, value)) == _value(theirs):
                expression = _replace_literal(expression, mine, f"{theirs}::{cast}")
        if expression == check.expression:
            return check
        return replace(check, expression=nz.canonical_expression(expression))

    def table_of(schema: str, table: Table) -> Table:
        if not any((schema, table.name, c.name) in pairs for c in table.check_constraints):
            return table
        return replace(table, check_constraints=tuple(
            check_of(schema, table.name, c) for c in table.check_constraints))

    return replace(models, schemas=tuple(
        replace(schema, tables=tuple(table_of(schema.name, t) for t in schema.tables))
        for schema in models.schemas))


def _replace_literal(expression: str, literal: str, by: str) -> str:
    """``expression`` with the first occurrence of the string token ``literal`` replaced."""
    tokens = tokenize(expression)
    for i, token in enumerate(tokens):
        if token == Token("str", literal):
            tokens[i] = Token("str", by)
            break
    return " ".join(token.text for token in tokens)
