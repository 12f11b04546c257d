"""The statements of one call site, read by PostgreSQL's own parser (pglast).

pglast splits a multi-statement string, tells a query (prepared to be checked)
from DDL, COPY and DO (run in a transaction that is rolled back) and from what
needs no schema (SET, BEGIN), fingerprints each statement, and tells a hole in
a value position (a parameter) from one in an identifier position (a table
name drift cannot know: the statement is unchecked, never reported broken).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pglast
from pglast import ast as pg
from pglast.parser import ParseError, fingerprint

from drift.sources.code.pieces import Builder, Position, Text
from drift.sources.code.placeholders import _DOLLAR, Rewritten


class Kind(StrEnum):
    QUERY = "query"  # Parse/Describe judges it
    EXECUTE = "execute"  # DDL, COPY, DO: run in a transaction rolled back
    NO_SCHEMA = "no_schema"  # BEGIN, SET, SHOW...: nothing in it depends on the schema
    UNCHECKED = "unchecked"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as PostgreSQL receives it, and where each of its characters came from."""

    file: str
    line: int  # of the call that runs it
    column: int
    call: str  # the call that runs it: "cursor.execute", "text", "asyncpg fetch", ...
    sql: str
    positions: tuple[Position, ...] = field(repr=False, default=())
    kind: Kind = Kind.QUERY
    reason: str | None = None  # why it is unchecked
    star: bool = False  # its result columns are a `*` (SELECT * or RETURNING *)
    fingerprint: str = ""  # pglast's: the same statement with other constants has it too
    index: int = 0  # its place among the statements of one string
    params: int = 0
    # psycopg2 spells the values into the SQL (client side): an untyped NULL, not a typed $n
    client_side: bool = False

    @property
    def key(self) -> str:
        """Verdicts are kept by the exact text: a constant can decide one (a type mismatch)."""
        text = ("client side:" if self.client_side else "") + self.sql
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def position_of(self, offset: int) -> Position:
        """The Python (line, column) of a 0-based character offset of ``sql``."""
        if not self.positions:
            return (self.line, self.column)
        return self.positions[max(0, min(offset, len(self.positions) - 1))]


_QUERIES = (pg.SelectStmt, pg.InsertStmt, pg.UpdateStmt, pg.DeleteStmt)
_NO_SCHEMA = (pg.TransactionStmt, pg.VariableSetStmt, pg.VariableShowStmt, pg.DiscardStmt,
              pg.ListenStmt, pg.NotifyStmt, pg.UnlistenStmt, pg.CheckPointStmt,
              pg.DeallocateStmt, pg.LoadStmt)
# these cannot run inside a transaction block: checking them would mean running them
_NOT_IN_TRANSACTION = (pg.VacuumStmt, pg.CreatedbStmt, pg.DropdbStmt, pg.AlterSystemStmt,
                       pg.CreateTableSpaceStmt, pg.DropTableSpaceStmt, pg.ReindexStmt,
                       pg.ClusterStmt)


def statements_of(file: str, line: int, column: int, call: str, rewritten: Rewritten,
                  client_side: bool = False) -> list[Statement]:
    """The statements in one call site's SQL (already with ``$n`` placeholders)."""
    text = rewritten.text

    def unchecked(reason: str, part: Text = text) -> Statement:
        return Statement(file, line, column, call, part.text, part.positions,
                         Kind.UNCHECKED, reason)

    if rewritten.identifier_holes:
        return [unchecked(_identifier_reason(rewritten.identifier_holes))]
    if not text.text.strip():
        return [unchecked("the SQL is empty")]
    try:
        slices = pglast.split(text.text, with_parser=True, only_slices=True)
    except ParseError as exc:
        return [unchecked(_parse_reason(text.text, rewritten, exc))]
    out = []
    for index, cut in enumerate(slices):
        part, holes = _renumber(text.slice(cut.start, cut.stop), rewritten.holes)
        try:
            raw = pglast.parse_sql(part.text)[0]
        except ParseError as exc:  # pragma: no cover  (split parsed it already)
            out.append(unchecked(f"PostgreSQL's parser rejects it: {exc}", part))
            continue
        node = raw.stmt
        kind, reason = _kind(node)
        if kind is Kind.QUERY and holes:
            reason = _identifier_hole(node, holes)
            kind = Kind.UNCHECKED if reason else kind
        if kind is Kind.EXECUTE and _params(part.text):
            kind, reason = Kind.UNCHECKED, ("a statement other than a query with parameters "
                                            "cannot be prepared, and drift has no values")
        out.append(Statement(file, line, column, call, part.text, part.positions, kind,
                             reason, kind is Kind.QUERY and _star(node),
                             fingerprint(part.text), index, _params(part.text),
                             client_side and _params(part.text) > 0))
    return out


def _kind(node: Any) -> tuple[Kind, str | None]:
    if isinstance(node, (*_QUERIES, getattr(pg, "MergeStmt", pg.SelectStmt))):
        return Kind.QUERY, None
    if isinstance(node, pg.ExplainStmt | pg.DeclareCursorStmt | pg.PrepareStmt):
        return Kind.QUERY, None
    if isinstance(node, _NO_SCHEMA):
        return Kind.NO_SCHEMA, None
    if isinstance(node, _NOT_IN_TRANSACTION) or getattr(node, "concurrent", False):
        name = type(node).__name__.removesuffix("Stmt")
        return Kind.UNCHECKED, f"{name} cannot run inside a transaction: drift does not run it"
    return Kind.EXECUTE, None


def _params(sql: str) -> int:
    return max((int(m.group(1)) for m in _DOLLAR.finditer(sql)), default=0)


def _renumber(part: Text, holes: dict[int, str]) -> tuple[Text, dict[int, str]]:
    """A statement of a multi-statement string gets its parameters numbered from $1."""
    numbers: dict[int, int] = {}
    out = Builder()
    last = 0
    for m in _DOLLAR.finditer(part.text):
        old = int(m.group(1))
        numbers.setdefault(old, len(numbers) + 1)
        out.copy(part, last, m.start())
        out.put(f"${numbers[old]}", part.positions[m.start()])
        last = m.end()
    out.copy(part, last, len(part.text))
    if all(old == new for old, new in numbers.items()):
        return part, {n: e for n, e in holes.items() if n in numbers}
    return out.build(), {numbers[n]: e for n, e in holes.items() if n in numbers}


def _star(node: Any) -> bool:
    """A ``*`` among the result columns: its columns change with the table's."""
    targets = list(getattr(node, "targetList", None) or ())
    if isinstance(node, pg.InsertStmt | pg.UpdateStmt | pg.DeleteStmt):
        # PostgreSQL 18's parser holds RETURNING in a clause of its own
        clause = getattr(node, "returningClause", None)
        targets = list((clause.exprs if clause is not None else None)
                       or getattr(node, "returningList", None) or ())
    for target in targets:
        value = getattr(target, "val", None)
        if isinstance(value, pg.ColumnRef) and any(
                isinstance(f, pg.A_Star) for f in value.fields or ()):
            return True
    return False


def _identifier_hole(node: Any, holes: dict[int, str]) -> str | None:
    """A hole standing alone as a result column or a sort key names a column, not a value."""
    found: list[str] = []
    for n in walk(node):
        value = n.val if isinstance(n, pg.ResTarget) else (
            n.node if isinstance(n, pg.SortBy) else None)
        if isinstance(value, pg.ParamRef) and value.number in holes:
            found.append(holes[value.number])
    return _identifier_reason(tuple(found)) if found else None


def walk(node: Any) -> Any:
    """Every pglast node under ``node`` (itself included)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, tuple | list):
            stack.extend(current)
        elif isinstance(current, pg.Node):
            yield current
            slots: Any = current.__slots__  # type: ignore[attr-defined]
            stack.extend(getattr(current, name) for name in slots
                         if getattr(current, name, None) is not None)


def _identifier_reason(expressions: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{e}`" for e in dict.fromkeys(expressions))
    return f"a name in it comes from {shown}, which drift cannot resolve from the source"


def _parse_reason(sql: str, rewritten: Rewritten, exc: ParseError) -> str:
    if rewritten.holes:
        named = sql
        for number in sorted(rewritten.holes, reverse=True):
            named = named.replace(f"${number}", f"drift_hole_{number}")
        try:
            pglast.split(named, with_parser=True, only_slices=True)
        except ParseError:
            pass
        else:
            return _identifier_reason(tuple(rewritten.holes.values()))
        return ("it is built from parts drift cannot resolve ("
                + ", ".join(f"`{e}`" for e in rewritten.holes.values()) + ")")
    return f"PostgreSQL's parser rejects it: {exc}"
