"""Placeholders rewritten as each driver reads them, into PostgreSQL's own ``$n``.

* psycopg2 and psycopg (``pyformat``): ``%s``, ``%(name)s`` (one number per
  name), psycopg's ``%b``/``%t``, and ``%%``, but only when parameters are
  passed: without them the driver sends the string as it is. ``IN %s`` takes a
  tuple, which psycopg2 spells ``(a, b)``: ``IN ($1)``. ``execute_values``'s
  ``VALUES %s`` is one row of the template (or of the column list).
* SQLAlchemy ``text()``: ``:name``, found with SQLAlchemy's own pattern (so
  ``::`` casts and ``\\:`` escapes read as SQLAlchemy reads them).
* asyncpg: ``$n`` already.

A hole (a part of the SQL not known from the source) becomes one more
parameter, unless it sits inside a string literal (then it is a value of the
literal) or a quoted identifier (then the statement cannot be checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from drift.sources.code.pieces import HOLE, Builder, Text


class Style(StrEnum):
    PYFORMAT = "pyformat"  # psycopg2, psycopg 3 (parameters passed)
    VERBATIM = "verbatim"  # psycopg2, psycopg 3 without parameters: sent as written
    NAMED = "named"  # SQLAlchemy text()
    DOLLAR = "dollar"  # asyncpg


class Unchecked(Exception):
    """The statement cannot be checked; the message says why."""


@dataclass(frozen=True, slots=True)
class Rewritten:
    text: Text  # with $n placeholders
    holes: dict[int, str]  # parameter number -> the Python expression it stands for
    identifier_holes: tuple[str, ...] = ()  # holes inside a quoted identifier


_PYFORMAT = re.compile(r"%%|%\((?P<name>[^)]*)\)(?P<conv>.)|%(?P<plain>.)", re.DOTALL)
_IN_BEFORE = re.compile(r"\bIN\s*$", re.IGNORECASE)
_VALUES_BEFORE = re.compile(r"\bVALUES\s*$", re.IGNORECASE)
_DOLLAR = re.compile(r"\$(\d+)")


def _sqlalchemy_pattern() -> re.Pattern[str]:
    from sqlalchemy.sql.elements import TextClause

    return TextClause._bind_params_regex


def rewrite(text: Text, style: Style, values_row: int | None = None) -> Rewritten:
    """``values_row``: execute_values' row width (``VALUES %s`` becomes ``($1, …, $n)``)."""
    if style is Style.PYFORMAT:
        return _pyformat(text, values_row)
    if style is Style.NAMED:
        return _named(text)
    return _plain(text, first=_max_dollar(text.text) + 1 if style is Style.DOLLAR else 1)


class _Numbers:
    def __init__(self, first: int = 1) -> None:
        self.next = first
        self.named: dict[str, int] = {}
        self.holes: dict[int, str] = {}

    def new(self) -> int:
        self.next += 1
        return self.next - 1

    def name(self, name: str) -> int:
        if name not in self.named:
            self.named[name] = self.new()
        return self.named[name]


def _pyformat(text: Text, values_row: int | None) -> Rewritten:
    out = Builder()
    numbers = _Numbers()
    identifier_holes: list[str] = []
    holes = iter(text.holes)
    last = 0
    s = text.text
    for i, ch in enumerate(s):
        if i < last:
            continue
        if ch == HOLE:
            out.copy(text, last, i)
            _hole(out, text, i, next(holes), numbers, identifier_holes)
            last = i + 1
            continue
        if ch != "%":
            continue
        hit = _PYFORMAT.match(s, i)
        out.copy(text, last, i)
        where = text.positions[i]
        if hit is None:
            raise Unchecked("a % at the end of the SQL: the driver rejects it (write %%)")
        token = hit.group(0)
        last = hit.end()
        conv = hit.group("conv") or hit.group("plain")
        if token == "%%":
            out.put("%", where)
            continue
        if conv not in ("s", "b", "t"):
            shown = s[i:i + 2].replace("\n", " ")
            raise Unchecked(f"the driver reads {shown!r} as a placeholder it does not know "
                            "(a literal % must be written %% when parameters are passed)")
        before = s[:i]
        if values_row is not None and _VALUES_BEFORE.search(before):
            row = ", ".join(f"${numbers.new()}" for _ in range(values_row))
            out.put(f"({row})", where)
            continue
        number = numbers.name(hit.group("name")) if hit.group("name") is not None else (
            numbers.new())
        out.put(f"(${number})" if _IN_BEFORE.search(before) else f"${number}", where)
    out.copy(text, last, len(s))
    return Rewritten(out.build(), numbers.holes, tuple(identifier_holes))


def _named(text: Text) -> Rewritten:
    out = Builder()
    numbers = _Numbers()
    identifier_holes: list[str] = []
    holes = iter(text.holes)
    s = text.text
    last = 0
    marks = [(m.start(), m.end(), m.group(1)) for m in _sqlalchemy_pattern().finditer(s)]
    marks += [(i, i + 1, None) for i, ch in enumerate(s) if ch == HOLE]
    marks += [(m.start(), m.end(), ":") for m in re.finditer(r"\\:", s)]
    for start, end, name in sorted(marks):
        out.copy(text, last, start)
        if name is None:
            _hole(out, text, start, next(holes), numbers, identifier_holes)
        elif name == ":":
            out.put(":", text.positions[start])
        else:
            out.put(f"${numbers.name(name)}", text.positions[start])
        last = end
    out.copy(text, last, len(s))
    return Rewritten(out.build(), numbers.holes, tuple(identifier_holes))


def _plain(text: Text, first: int) -> Rewritten:
    out = Builder()
    numbers = _Numbers(first)
    identifier_holes: list[str] = []
    holes = iter(text.holes)
    last = 0
    for i, ch in enumerate(text.text):
        if ch == HOLE:
            out.copy(text, last, i)
            _hole(out, text, i, next(holes), numbers, identifier_holes)
            last = i + 1
    out.copy(text, last, len(text.text))
    return Rewritten(out.build(), numbers.holes, tuple(identifier_holes))


def _max_dollar(sql: str) -> int:
    return max((int(m.group(1)) for m in _DOLLAR.finditer(sql)), default=0)


def _hole(out: Builder, text: Text, at: int, expression: str, numbers: _Numbers,
          identifier_holes: list[str]) -> None:
    where = text.positions[at]
    quoting = _quoting(text.text, at)
    if quoting == "'":
        out.put("x", where)  # a value of the literal: any text keeps it a literal
    elif quoting == '"':
        identifier_holes.append(expression)
        out.put("x", where)
    else:
        number = numbers.new()
        numbers.holes[number] = expression
        out.put(f"${number}", where)


def _quoting(sql: str, at: int) -> str:
    """Inside what ``sql[at]`` is: "'" a string literal, '"' a quoted identifier, "" neither
    (comments and dollar quotes are read too, so that a quote in them does not count)."""
    i = 0
    state = ""
    while i < at:
        ch = sql[i]
        if state in ("'", '"'):
            if ch == state:
                state = ""
        elif state == "--":
            if ch == "\n":
                state = ""
        elif state == "/*":
            if sql.startswith("*/", i):
                state, i = "", i + 1
        elif state.startswith("$"):
            if sql.startswith(state, i):
                state, i = "", i + len(state) - 1
        elif ch in ("'", '"'):
            state = ch
        elif sql.startswith("--", i):
            state = "--"
        elif sql.startswith("/*", i):
            state = "/*"
        elif ch == "$":
            tag = re.match(r"\$[A-Za-z_]*\$", sql[i:])
            if tag:
                state, i = tag.group(0), i + len(tag.group(0)) - 1
        i += 1
    return state if state in ("'", '"') else ""
