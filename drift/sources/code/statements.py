"""The statements of one call site, read by PostgreSQL's own parser (pglast).

pglast splits a multi-statement string, tells a query (prepared to be checked)
from DDL, COPY and DO (run in a transaction that is rolled back) and from what
needs no schema (SET, BEGIN), fingerprints each statement, and tells a hole in
a value position (a parameter) from one in an identifier position (a table
name drift cannot know: the statement is unchecked, never reported broken).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pglast
from pglast import ast as pg
from pglast.parser import ParseError, fingerprint, parse_sql_json

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
    def fingerprint(self) -> str:
        """pglast's: the same statement with other constants has it too (``drift queries``
        shows it; verdicts go by ``key``, since a constant can decide one)."""
        try:
            return str(fingerprint(self.sql))
        except ParseError:
            return ""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "call": self.call,
                "sql": self.sql, "positions": _runs(self.positions), "kind": self.kind.value,
                "reason": self.reason, "star": self.star, "index": self.index,
                "params": self.params, "client_side": self.client_side}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Statement:
        return cls(d["file"], d["line"], d["column"], d["call"], d["sql"],
                   _unruns(d["positions"]), Kind(d["kind"]), d["reason"], d["star"],
                   d["index"], d["params"], d["client_side"])

    def position_of(self, offset: int) -> Position:
        """The Python (line, column) of a 0-based character offset of ``sql``."""
        if not self.positions:
            return (self.line, self.column)
        return self.positions[max(0, min(offset, len(self.positions) - 1))]


_QUERIES = ("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt",
            "ExplainStmt", "DeclareCursorStmt", "PrepareStmt")
_NO_SCHEMA = ("TransactionStmt", "VariableSetStmt", "VariableShowStmt", "DiscardStmt",
              "ListenStmt", "NotifyStmt", "UnlistenStmt", "CheckPointStmt", "DeallocateStmt",
              "LoadStmt")
# these cannot run inside a transaction block: checking them would mean running them
_NOT_IN_TRANSACTION = ("VacuumStmt", "CreatedbStmt", "DropdbStmt", "AlterSystemStmt",
                       "CreateTableSpaceStmt", "DropTableSpaceStmt", "ReindexStmt",
                       "ClusterStmt")


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
        # the parse tree as JSON: five times faster to read than pglast's node objects
        tree = json.loads(parse_sql_json(text.text))["stmts"]
    except ParseError as exc:
        return [unchecked(_parse_reason(text.text, rewritten, exc))]
    encoded = text.text.encode("utf-8")
    out = []
    for index, raw in enumerate(tree):
        # the parser's locations count bytes
        start = raw.get("stmt_location", 0)
        end = start + raw["stmt_len"] if raw.get("stmt_len") else len(encoded)
        lead = len(encoded[:start].decode("utf-8", "replace"))
        body = encoded[start:end].decode("utf-8", "replace")
        skip = len(body) - len(body.lstrip())
        cut = (lead + skip, lead + len(body.rstrip()))
        part, holes = _renumber(text.slice(*cut), rewritten.holes)
        node = raw["stmt"]
        kind, reason = _kind(node)
        if kind is Kind.QUERY and holes:
            reason = _identifier_hole(node, holes)
            kind = Kind.UNCHECKED if reason else kind
        if kind is Kind.EXECUTE and _params(part.text):
            kind, reason = Kind.UNCHECKED, ("a statement other than a query with parameters "
                                            "cannot be prepared, and drift has no values")
        out.append(Statement(file, line, column, call, part.text, part.positions, kind,
                             reason, kind is Kind.QUERY and _star(node),
                             index, _params(part.text),
                             client_side and _params(part.text) > 0))
    return out


def _kind(node: dict[str, Any]) -> tuple[Kind, str | None]:
    (kind, body), = node.items()
    if kind in _QUERIES:
        return Kind.QUERY, None
    if kind in _NO_SCHEMA:
        return Kind.NO_SCHEMA, None
    if kind in _NOT_IN_TRANSACTION or body.get("concurrent"):
        name = kind.removesuffix("Stmt")
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


def _star(node: dict[str, Any]) -> bool:
    """A ``*`` among the result columns: its columns change with the table's."""
    (kind, body), = node.items()
    targets = body.get("targetList") or []
    if kind in ("InsertStmt", "UpdateStmt", "DeleteStmt"):
        # PostgreSQL 18's parser holds RETURNING in a clause of its own
        targets = (body.get("returningClause") or {}).get("exprs") or body.get(
            "returningList") or []
    for target in targets:
        fields = target.get("ResTarget", {}).get("val", {}).get("ColumnRef", {}).get("fields")
        if any("A_Star" in f for f in fields or ()):
            return True
    return False


def _identifier_hole(node: dict[str, Any], holes: dict[int, str]) -> str | None:
    """A hole standing alone as a result column or a sort key names a column, not a value."""
    found: list[str] = []
    for kind, body in _json_nodes(node):
        value = body.get("val") if kind == "ResTarget" else (
            body.get("node") if kind == "SortBy" else None)
        number = (value or {}).get("ParamRef", {}).get("number")
        if number in holes:
            found.append(holes[number])
    return _identifier_reason(tuple(found)) if found else None


def _json_nodes(tree: Any) -> Any:
    """(type, fields) of every node of a JSON parse tree."""
    stack = [tree]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            for key, value in current.items():
                if key[:1].isupper() and isinstance(value, dict):
                    yield key, value
                stack.append(value)


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


def _runs(positions: tuple[Position, ...]) -> list[list[int]]:
    """Positions as runs [line, column, count, step]: a literal's characters advance one
    column each (step 1), a resolved part's all sit at its start (step 0)."""
    runs: list[list[int]] = []
    for line, column in positions:
        if runs:
            last = runs[-1]
            step = column - (last[1] + (last[2] - 1) * last[3])
            if last[0] == line and (last[2] == 1 and step in (0, 1) or step == last[3]):
                if last[2] == 1:
                    last[3] = step
                last[2] += 1
                continue
        runs.append([line, column, 1, 1])
    return runs


def _unruns(runs: list[list[int]]) -> tuple[Position, ...]:
    return tuple((line, column + i * step) for line, column, count, step in runs
                 for i in range(count))
